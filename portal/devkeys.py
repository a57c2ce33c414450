"""The development secret key: random per install, made on first run and kept under var/.

Only used when SECRET_KEY is unset and DEBUG is on; production refuses to start without one.
Imported by settings, so it must not import anything that needs settings.
"""

import contextlib
import os
import tempfile
from pathlib import Path

from django.core.management.utils import get_random_secret_key


def development_secret_key(path: Path) -> str:
    """The key kept at `path`, made first if there is none. Web, worker and beat start together
    under `make run`: the key is written to a temporary file and linked into place, which fails
    if another process got there first, so all of them end up reading the same complete key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")  # mode 0600
        try:
            with os.fdopen(handle, "w") as file:
                file.write(get_random_secret_key() + "\n")
            with contextlib.suppress(FileExistsError):  # another process's key is in place: use it
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    key = path.read_text().strip()
    if not key:
        raise OSError(f"{path} is empty: delete it and start again to make a new development secret key.")
    return key
