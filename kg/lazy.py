"""Modules imported when first used, so that `kg query` loads only what it runs (see docs/builds.md).

``to_rdf = lazy.module("kg.to_rdf")`` stands for the module: reading a name from it imports it (once,
through the import system as usual) and gives that name. ``load_records = lazy.function("kg.records",
"load_records")`` stands for one function the same way. Until then nothing of it is in ``sys.modules``.
"""

from __future__ import annotations

import importlib


class module:  # noqa: N801 - read as the module it stands for
    """A module, imported when one of its names is first read."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str):
        return getattr(importlib.import_module(self._name), attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


def function(module_name: str, name: str):
    """A function of ``module_name``, imported when first called."""

    def call(*args, **kwargs):
        return getattr(importlib.import_module(module_name), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"``{module_name}.{name}``, imported when first called."
    return call
