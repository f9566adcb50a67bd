"""``python -m care_timeline``: the same as the ``care-timeline`` command."""

from .cli import main_exit

main_exit()
