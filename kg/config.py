"""Where things are: the data folder, the build folder, the ontology, the base namespace.

Each can be set by a command-line option or an environment variable, so the same commands serve a
checkout, a notebook and a CI run without edits. What kg itself ships (the ontology, the seed
example, the templates of `kg init`) is package data, found wherever kg is installed.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from . import vocab


def data_dir(value: str | os.PathLike | None = None) -> Path:
    return Path(value or os.environ.get("KG_DATA") or "data")


def build_dir(value: str | os.PathLike | None = None) -> Path:
    return Path(value or os.environ.get("KG_BUILD_DIR") or "build")


def ontology_dir() -> Path:
    return Path(os.environ.get("KG_ONTOLOGY") or package_folder("kg.ontology"))


def package_folder(package: str) -> Path:
    """The folder of a package that holds data: ``kg.ontology`` (the checkout's ontology/) or ``kg.seed``
    (the checkout's data/), mapped into kg by pyproject.toml, so a wheel and an editable install agree.

    Found through the import system without running the package (importlib.resources.files would
    import it and leave a __pycache__ among the files the build fingerprint hashes). kg runs from
    folders on disk, never from a zip, so the folder is a plain path.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{package} is missing from this installation of kg: install kg again "
                                  "(in a checkout: pip install -e .)", name=package)
    return Path(next(iter(spec.submodule_search_locations)))


def base_iri(value: str | None = None) -> str:
    base = value or os.environ.get("KG_BASE") or vocab.DEFAULT_BASE
    return base if base.endswith(("/", "#")) else base + "/"
