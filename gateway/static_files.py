"""The gateway's static files and pages, with the crisis line filled in once, at start-up.

The widget must show the number even when the API fails, so the number is in widget.js itself, not
fetched; and it comes from bot.crisis_line, not typed in: the sources in static/ hold placeholders.
They are filled into a private copy that StaticFiles and FileResponse serve as before, with the same
validators, 304s and ranges, so caching and the security headers do not change.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from bot import crisis_line

SOURCE = Path(__file__).resolve().parent / "static"
PLACEHOLDERS = {b"__CRISIS_NUMBER__": crisis_line.NUMBER.encode(), b"__CRISIS_TEL__": crisis_line.TEL.encode()}
DEFINITION = Path(crisis_line.__file__)


def fill(content: bytes) -> bytes:
    for placeholder, value in PLACEHOLDERS.items():
        content = content.replace(placeholder, value)
    return content


def copy_filled(source: str, target: str) -> None:
    Path(target).write_bytes(fill(Path(source).read_bytes()))
    # ETag and Last-Modified come from the mtime: the same in every worker and across restarts, and
    # newer when the number changes, so no browser keeps a copy with an old number.
    modified = max(os.stat(source).st_mtime_ns, DEFINITION.stat().st_mtime_ns)
    os.utime(target, ns=(modified, modified))


def filled_copy() -> Path:
    """A new directory of its own (no other process can have made it), removed at exit, with every
    static file filled in."""
    target = tempfile.mkdtemp(prefix="backup-static-")
    atexit.register(shutil.rmtree, target, ignore_errors=True)
    shutil.copytree(SOURCE, target, copy_function=copy_filled, dirs_exist_ok=True)
    return Path(target)


STATIC = filled_copy()
