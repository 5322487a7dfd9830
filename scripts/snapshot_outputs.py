"""Fingerprint everything kg writes for a records folder, to prove a change did not change behaviour.

Runs `kg run`, `kg export` in every format at every level and every named query (default parameters,
CSV) on DATA, and writes one line per output: its sha256 and its name. Compare two manifests with
`diff`: a refactor must leave them identical.

    python scripts/snapshot_outputs.py data/ build/snap-seed.txt
    kg synth --events 1000 --seed 1 --out build/synth-1000
    python scripts/snapshot_outputs.py build/synth-1000 build/snap-synth.txt
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

KG = [str(Path(sys.executable).with_name("kg"))]  # the kg of the running virtual environment
LEVELS = ["public", "internal", "restricted"]
EXPORT_FORMATS = ["ttl", "nt", "nq", "trig", "jsonld"]
QUERIES = Path(__file__).resolve().parent.parent / "kg" / "queries"


def kg(*args: str, cwd: Path) -> bytes:
    done = subprocess.run([*KG, *args], cwd=cwd, capture_output=True)
    if done.returncode not in (0, 1):  # ASK false exits 1
        sys.exit(f"kg {' '.join(args)} failed ({done.returncode}):\n{done.stderr.decode()}")
    return done.stdout


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def main(data: str, manifest: str) -> None:
    data_dir = Path(data).resolve()
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        common = ["--data", str(data_dir), "--build-dir", str(work / "build")]
        kg("run", *common, cwd=work)
        outputs = work / "build" / "outputs"
        for path in sorted(p for p in outputs.rglob("*") if p.is_file()):
            lines.append(f"{digest(path.read_bytes())}  run/{path.relative_to(outputs)}")
        for level in LEVELS:
            for fmt in EXPORT_FORMATS:
                out = work / f"export.{level}.{fmt}"
                kg("export", *common, "--level", level, "--format", fmt, "-o", str(out), cwd=work)
                lines.append(f"{digest(out.read_bytes())}  export/{level}.{fmt}")
        query_names = sorted(path.stem for path in QUERIES.glob("*.rq"))
        for name in query_names:
            for level in LEVELS:
                answer = kg("query", *common, "--level", level, "--name", name, "--format", "csv", cwd=work)
                lines.append(f"{digest(answer)}  query/{level}/{name}.csv")
    Path(manifest).write_text("\n".join(lines) + "\n")
    print(f"{manifest}: {len(lines)} outputs")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
