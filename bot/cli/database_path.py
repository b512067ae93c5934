"""``DATABASE_PATH`` checked before anything opens it: a directory, a place that cannot be
written, or a file that is not SQLite is one clear line naming the path (exit 2), not a
traceback from deep inside SQLite."""

from __future__ import annotations

import os
from pathlib import Path

from news.core.errors import RoundupError

MEMORY = ":memory:"
SQLITE_HEADER = b"SQLite format 3\x00"


class DatabasePathProblem(RoundupError):
    """DATABASE_PATH cannot be used; a settings mistake, so the CLI exits 2."""


def check_database_path(path: Path, *, creating: bool) -> None:
    """Refuse a path the archive cannot live at. ``creating``: a missing file will be made
    (its folder must be creatable and writable); otherwise a missing file is the caller's
    to report."""
    if str(path) == MEMORY:
        return
    if path.is_dir():
        raise DatabasePathProblem("database_path.directory", path=str(path))
    if path.exists():
        _check_file(path, creating=creating)
    elif creating:
        _check_folder(path)


def _check_file(path: Path, *, creating: bool) -> None:
    if not path.is_file():
        raise DatabasePathProblem("database_path.not_a_file", path=str(path))
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise DatabasePathProblem(
            "database_path.unreadable", path=str(path), reason=error.strerror or "?"
        ) from None
    if header and header != SQLITE_HEADER:
        raise DatabasePathProblem("database_path.not_sqlite", path=str(path))
    if creating and not os.access(path, os.W_OK):
        raise DatabasePathProblem("database_path.read_only", path=str(path))


def _check_folder(path: Path) -> None:
    """The nearest existing folder above a missing file must be a writable directory."""
    folder = path.absolute().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise DatabasePathProblem(
            "database_path.folder_is_file", path=str(path), folder=str(folder)
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DatabasePathProblem(
            "database_path.folder_read_only", path=str(path), folder=str(folder)
        )
