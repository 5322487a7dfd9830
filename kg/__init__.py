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

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

from .generations import build, open_store
from .records import load_records
from .validate import validate  # eager: importing the submodule kg.validate would shadow a lazy name

_EXPORTS = {"run": "pipeline"}  # networkx and the metrics: only when run


def __getattr__(name: str):
    """The entry points above, imported when first used (so `kg query` does not load the metrics)."""
    if name in _EXPORTS:
        import importlib

        value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


try:
    __version__ = _version("kg")  # set once, in pyproject.toml
except PackageNotFoundError:  # a checkout on sys.path that was never installed
    __version__ = "0+unknown"
__all__ = ["build", "open_store", "run", "load_records", "validate", "__version__"]
