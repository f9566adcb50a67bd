"""``python -m care_timeline``: the same as the ``care-timeline`` command."""

from .cli import main_exit

if __name__ == "__main__":
    main_exit()
