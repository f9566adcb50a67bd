"""Render the example plan's printable page and save a screenshot of it.

    python docs/make_screenshot.py [--output docs/img/example-plan.png]

Needs Chromium (or Chrome) on the PATH. The page is built with the same command the
docs show, then opened from a local file by a headless browser that is kept off the
network; the PNG shows an A4 sheet at 150 dots per inch (1240 x 1754 pixels).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from care_timeline.cli import main as care_timeline

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "img" / "example-plan.png"
EXAMPLE = [
    "plan",
    "--due-date",
    "2027-05-10",
    "--today",
    "2026-11-24",
    "--prior-preterm-birth",
    "--fetuses",
    "1",
    "--format",
    "html",
]
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
# Quiet, offline, throwaway-profile headless Chromium.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def find_browser() -> str | None:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def run_browser(browser: str, page: Path, *options: str, timeout: float = 120) -> str:
    """Open ``page`` headless with ``options`` (``--screenshot=...``, ``--print-to-pdf=...``,
    ``--dump-dom``); returns what the browser printed (the page's DOM, for ``--dump-dom``)."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [browser, *FLAGS, f"--user-data-dir={profile}", *options, page.resolve().as_uri()],
            check=True,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
        )
    return done.stdout


def screenshot(
    browser: str,
    page: Path,
    png: Path,
    *,
    scale: float = 1.0,
    window: tuple[int, int] = (1240, 1754),
) -> None:
    run_browser(
        browser,
        page,
        f"--screenshot={png.resolve()}",
        f"--window-size={window[0]},{window[1]}",
        f"--force-device-scale-factor={scale}",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="the PNG to write")
    args = parser.parse_args(argv)
    browser = find_browser()
    if browser is None:
        print("no Chromium or Chrome found on the PATH", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "plan.html"
        if care_timeline([*EXAMPLE, "-o", str(page)]) != 0:
            return 1
        args.output.parent.mkdir(parents=True, exist_ok=True)
        # An A4 sheet is 794 x 1123 CSS pixels; 1.5625 device pixels each give 150 dpi.
        screenshot(browser, page, args.output, scale=1.5625, window=(794, 1123))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
