"""`kg init`: start a project folder that kg can build at once.

The folder gets ``data/`` (a made-up starter report with empty registries, or the seed records kg
ships), a ``.gitignore`` for ``build/`` and a README of next steps. Everything is written into a
hidden folder first and renamed into place, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import os
import shutil
from importlib import resources
from pathlib import Path

from . import config

EXAMPLES = {
    "starter": "empty registries and one made-up report to copy from",
    "seed": "the seed records: the Lahore roundtable and the reports after it",
}
NOT_RECORDS = shutil.ignore_patterns("__init__.py", "__pycache__", ".*")  # data/ as the package kg.seed; dotfiles


class InitError(Exception):
    """The folder cannot become a new project; the message says why and what to do."""


def init_project(target: str | os.PathLike, example: str = "starter") -> Path:
    """Write a new project into ``target`` (a new or empty folder) and return its absolute path."""
    target = Path(target).absolute()
    if example not in EXAMPLES:
        raise InitError(f"unknown example '{example}': choose one of {', '.join(EXAMPLES)}")
    if target.exists() and not (target.is_dir() and not any(target.iterdir())):
        raise InitError(f"{target} already exists and is not an empty folder: choose a new folder name")
    if not target.parent.is_dir():
        raise InitError(f"{target.parent} does not exist: create it first, or choose a folder inside an existing one")
    fresh = not target.exists()
    # A new folder is assembled beside its place and renamed into it in one step; an empty folder
    # (perhaps someone's current folder, which must stay the same folder) receives the finished entries.
    staging = target.parent / f".{target.name}.kg-init-{os.getpid()}" if fresh else target / f".kg-init-{os.getpid()}"
    staging.mkdir()
    moved: list[Path] = []
    try:
        _write(staging, example)
        if fresh:
            os.replace(staging, target)
        else:
            for entry in sorted(staging.iterdir()):
                os.replace(entry, target / entry.name)
                moved.append(target / entry.name)
            staging.rmdir()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        for path in moved:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        raise
    return target


def _write(folder: Path, example: str) -> None:
    with resources.as_file(resources.files("kg") / "templates") as templates:
        records = config.package_folder("kg.seed") if example == "seed" else templates / "starter"
        shutil.copytree(records, folder / "data", ignore=NOT_RECORDS)
        shutil.copyfile(templates / "gitignore", folder / ".gitignore")
        shutil.copyfile(templates / "README.md", folder / "README.md")
