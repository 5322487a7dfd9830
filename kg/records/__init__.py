"""The event-record format: loading a data folder, checking it, and the registries of people and
organizations with their aliases.

The format is documented in docs/record-format.md. Every problem is collected (not just the first)
as a ``Problem`` naming file, line and field, so one ``kg validate`` run shows everything to fix.

One idea per module: ``model`` (the objects), ``checks`` (fields), ``loader`` (a data folder),
``references`` (ids that must exist), ``names`` (name matching). Everything is importable from
``kg.records`` as before.
"""

from __future__ import annotations

# ruff: noqa: F401 - this module re-exports its submodules
from .checks import *  # noqa: F403
from .loader import load_records
from .model import *  # noqa: F403
from .names import HONORIFICS, NameMatcher, name_index, name_key, name_variants, resolve, text_keys
from .references import _check_references
