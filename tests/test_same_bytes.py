"""Same records, same bytes: two builds in two processes write identical exports, metrics and page.

Each run gets its own PYTHONHASHSEED, so anything that follows the order of a set of strings (or a
blank-node label the parser made up) shows up as a difference.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import DATA

KG = str(Path(sys.executable).with_name("kg"))


def _outputs(tmp: Path, hash_seed: str) -> dict[str, bytes]:
    build = tmp / f"build-{hash_seed}"
    env = os.environ | {"PYTHONHASHSEED": hash_seed}
    common = ["--data", str(DATA), "--build-dir", str(build)]
    subprocess.run([KG, "run", *common], check=True, capture_output=True, env=env)
    for level, fmt in (("public", "nq"), ("restricted", "jsonld")):
        subprocess.run([KG, "export", *common, "--level", level, "--format", fmt, "-o", str(build / f"export.{level}.{fmt}")],
                       check=True, capture_output=True, env=env)  # fmt: skip
    files = [p for p in build.rglob("*") if p.is_file() and (p.name.startswith("export.") or "outputs" in p.parts)]
    return {str(p.relative_to(build)): p.read_bytes() for p in files}


def test_two_builds_of_the_same_records_write_the_same_bytes(tmp_path):
    first, second = _outputs(tmp_path, "1"), _outputs(tmp_path, "2")
    assert sorted(first) == sorted(second)
    assert {"export.public.nq", "export.restricted.jsonld", "outputs/alliance.html"} <= set(first)
    differ = [name for name in sorted(first) if first[name] != second[name]]
    assert differ == []
    assert b"_:" in first["export.public.nq"]  # the ontology's blank nodes are there, with stable labels
