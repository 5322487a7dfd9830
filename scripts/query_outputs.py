"""Write every named query's CSV answer on a records folder, at every level, to compare two versions.

For each named query: its default parameters and, for each id parameter, the hub and a typical entity
(as scripts/bench.py picks them), at public, internal and restricted. One file per answer in OUT; compare
two runs with `diff -r`. Rewriting a query over the derived graphs must leave every file identical.

    python scripts/query_outputs.py data build/answers-seed-before
    python scripts/query_outputs.py build/synth-1000 build/answers-1000-before --skip partners-of-organization
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

LEVELS = ("public", "internal", "restricted")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data")
    parser.add_argument("out")
    parser.add_argument("--only", default="", help="comma-separated query names (default: all)")
    parser.add_argument("--skip", default="", help="comma-separated query names to leave out")
    parser.add_argument("--param", action="append", default=[], help="extra NAME=ID case for every query taking NAME")
    parser.add_argument("--build-dir", default=None,
                        help="build folder to use and keep (default: a temporary one); a second run on it reads "
                             "the answers kept there (kg.sparql.kept)")
    args = parser.parse_args()

    from bench import entity_cases, query_cases

    from kg import generations, sparql

    only = {n for n in args.only.split(",") if n}
    skip = {n for n in args.skip.split(",") if n}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary:
        build = args.build_dir or temporary
        for level in LEVELS:
            store = generations.open_store(args.data, build, level=level)
            cases = entity_cases(store)
            for extra in args.param:
                name, _, value = extra.partition("=")
                cases.setdefault(name, {})["extra"] = value
            for named in sparql.named_queries():
                if (only and named.name not in only) or named.name in skip:
                    continue
                for case, params in query_cases(named, cases):
                    started = time.perf_counter()
                    answer = sparql.run(store, named.text, sparql.bindings_for(named, params, store.base))
                    text = answer.render("csv", store.base)
                    (out / f"{named.name}.{case}.{level}.csv").write_bytes(text)
                    rows = text.count(b"\n") - 1
                    print(f"{level} {named.name} [{case}] {time.perf_counter() - started:.3f} s {rows} rows", flush=True)
            store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
