"""Where things are: the data folder, the build folder, the ontology, the base namespace.

Each can be set by a command-line option or an environment variable, so the same commands serve a
checkout, a notebook and a CI run without edits.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import vocab

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def data_dir(value: str | os.PathLike | None = None) -> Path:
    return Path(value or os.environ.get("KG_DATA") or "data")


def build_dir(value: str | os.PathLike | None = None) -> Path:
    return Path(value or os.environ.get("KG_BUILD_DIR") or "build")


def ontology_dir() -> Path:
    return Path(os.environ.get("KG_ONTOLOGY") or PROJECT_ROOT / "ontology")


def base_iri(value: str | None = None) -> str:
    base = value or os.environ.get("KG_BASE") or vocab.DEFAULT_BASE
    return base if base.endswith(("/", "#")) else base + "/"
