"""kg: a knowledge graph of the people, organizations, events and themes of the fight against
transnational organized crime.

Main entry points (the public API the notebooks use):

- ``kg.open_store(data_dir=None, build_dir=None, level="public", store=None)`` → a ``Store`` whose
  ``query(sparql, bindings)`` returns rdflib results (builds first when the records changed).
- ``kg.build(data_dir=None, build_dir=None)`` → build the on-disk store; ``BuildResult`` with a summary.
- ``kg.run(data_dir=None, build_dir=None, level="public", store=None)`` → what `kg run` does: build, then
  write the metrics, the page and a Turtle export (``RunResult`` says where).
- ``kg.validate(data_dir=None)`` → list of ``Problem`` (``FILE:LINE: field: message``).
- ``kg.load_records(data_dir)`` → the checked records.
- ``kg.network.project(store, name)`` → a networkx graph of a declared projection.
"""

import sys
import types

# The entry points above, imported when first used, so that `kg query` loads neither the records nor the
# metrics (kg.generations, kg.records, kg.validate and kg.pipeline import rdflib, PyYAML, networkx …).
_EXPORTS = {"build": "generations", "open_store": "generations", "load_records": "records", "validate": "validate",
            "run": "pipeline"}  # fmt: skip


def __getattr__(name: str):
    if name in _EXPORTS:
        import importlib

        value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
        globals()[name] = value
        return value
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("kg")  # set once, in pyproject.toml
        except PackageNotFoundError:  # a checkout on sys.path that was never installed
            value = "0+unknown"
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Package(types.ModuleType):
    """``kg.validate`` stays the function: importing the submodule of that name (``from kg.validate import
    findings``) would otherwise bind the module over it, as the import system binds every submodule."""

    def __setattr__(self, name, value):
        if name == "validate" and isinstance(value, types.ModuleType):
            value = value.validate
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
__all__ = ["build", "open_store", "run", "load_records", "validate", "__version__"]
