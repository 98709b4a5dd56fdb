"""The user's cache folder, shared by everything acutesim keeps between runs.

``<user cache>/acutesim/<kind>`` (platformdirs' ``user_cache_dir``, e.g.
``~/.cache/acutesim`` on Linux); ``$ACUTESIM_CACHE_DIR`` replaces ``<user cache>/acutesim``.
Kinds: ``select`` (pack selections, ``config.extend``), ``outlines`` (region outlines,
``report.cells``), ``regions``, ``reach`` and ``explorers`` (``report.region_cache``).
What is read back from there may run code (pickles) or be trusted as built, so a folder
is used only when it is private to the user (:func:`private_problem`).
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "ACUTESIM_CACHE_DIR"


def user_cache(kind: str) -> Path:
    """The folder for ``kind`` under the user's acutesim cache (not created here)."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env) / kind
    import platformdirs

    return Path(platformdirs.user_cache_dir("acutesim", appauthor=False)) / kind


def private_problem(path: Path) -> str | None:
    """Why ``path`` is not a folder private to this user (None when it is).

    Private: a folder, not a symbolic link, owned by this user (where the system has
    user ids) and writable by no one else.
    """
    try:
        st = path.lstat()
    except OSError as exc:
        return f"cannot be read ({exc})"
    if not path.is_dir() or path.is_symlink():
        return "is not a folder"
    return ownership_problem(st)


def ownership_problem(st: os.stat_result) -> str | None:
    """Why a file or folder with status ``st`` is not this user's alone (None when it is)."""
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return f"belongs to user id {st.st_uid}, not to you ({os.getuid()})"
    if st.st_mode & 0o022:
        return f"is writable by others (mode {st.st_mode & 0o777:o})"
    return None
