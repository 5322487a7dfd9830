"""The page's picture without opening a browser by hand: headless Chromium renders the page and the
page itself draws the PNG (the same code as its "Save image" button), so both give the same image.

Chromium is found as the tests find it (``chromium`` on PATH, else /usr/bin/chromium), or named by the
``KG_CHROMIUM`` environment variable. Nothing is fetched: every host name is made unresolvable.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..export import write_atomic

LEGEND_WIDTH = 250  # CSS pixels the page's picture adds beside the network for its legend
HOW_TO_GET = ("install Chromium (Debian/Ubuntu: sudo apt-get install chromium; macOS: brew install --cask chromium) "
              "or name its program with KG_CHROMIUM=/path/to/chrome; or open the page and press \"Save image\"")  # fmt: skip


class ImageError(RuntimeError):
    """The picture could not be made: the message says why and what to do."""


def find_chromium() -> str | None:
    named = os.environ.get("KG_CHROMIUM")
    if named:
        return named if Path(named).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def png(page: Path, output: Path, width: int = 2400, view: str = "", timeout: float = 120) -> Path:
    """Render ``page`` (a page written by ``kg.viz.render``) to a PNG ``width`` pixels wide (2× pixels).

    Raises
    ------
    ImageError
        When Chromium is missing or fails; nothing is written then.
    """
    chromium = find_chromium()
    if chromium is None:
        raise ImageError(f"--png needs Chromium, which is not installed here: {HOW_TO_GET}")
    if width < 800 or width > 8000:
        raise ImageError(f"--width {width}: give between 800 and 8000 pixels")
    css_width = width // 2 - LEGEND_WIDTH
    css_height = int(css_width * 0.62)
    url = Path(page).resolve().as_uri() + "#" + "&".join(p for p in (view.lstrip("#"), "png=1") if p)
    with tempfile.TemporaryDirectory(prefix="kg-chromium-") as profile:
        command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                   "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                   "--host-resolver-rules=MAP * ~NOTFOUND", f"--window-size={css_width},{css_height}",
                   "--force-device-scale-factor=1", "--virtual-time-budget=30000", "--dump-dom", url]  # fmt: skip
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ImageError(f"Chromium ({chromium}) did not render the page: {exc}") from None
    found = re.search(r'<pre id="kg-png">data:image/png;base64,([A-Za-z0-9+/=]+)</pre>', done.stdout)
    if not found:
        tail = (done.stderr or "").strip().splitlines()[-1:] or ["no output"]
        raise ImageError(f"Chromium ({chromium}) gave no picture of the page (exit {done.returncode}: {tail[0]})")
    write_atomic(Path(output), base64.b64decode(found.group(1)))
    return Path(output)
