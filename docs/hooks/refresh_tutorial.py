"""Re-run every `$ kg query` of docs/tutorial.md on the current data/ and write its output back in place,
trimmed as before (a block that showed N rows and "… (M more rows)" shows N rows again). The prose is
left alone: read the changed outputs (`git diff docs/tutorial.md`) and fix any sentence they contradict.

    .venv/bin/python docs/hooks/refresh_tutorial.py

tests/test_docs.py checks that every command still succeeds and returns rows; this keeps the shown
outputs current when the seed grows.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

TUTORIAL = Path(__file__).resolve().parent.parent / "tutorial.md"
ROWS = 12  # rows shown when a block was not trimmed before and its new output is long
BLOCK = re.compile(r"^```console\n(\$ kg query.*?)^```\n", re.M | re.S)


def _command(block: str) -> tuple[str, list[str]]:
    """The command at the top of a block (continued while its quotes are open) and the output lines."""
    lines = block.rstrip("\n").split("\n")
    command, i = lines[0][2:], 0
    while True:
        try:
            shlex.split(command)
            return command, lines[i + 1:]
        except ValueError:
            i += 1
            command += "\n" + lines[i]


def _shown_rows(output: list[str]) -> int:
    trimmed = [line for line in output if re.match(r"^… \(\d+ more rows\)$", line)]
    return output.index(trimmed[0]) - 2 if trimmed else ROWS


def refresh(block: str, root: Path) -> str:
    command, old = _command(block)
    result = subprocess.run([sys.executable, "-m", "kg", *shlex.split(command)[1:]], cwd=root,
                            capture_output=True, text=True)  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"{command}\nfailed ({result.returncode}):\n{result.stderr}")
    lines = result.stdout.rstrip("\n").split("\n")
    keep = _shown_rows(old)
    if len(lines) > keep + 3:  # header, rule, rows, and the "(N rows…)" line
        lines = lines[: keep + 2] + [f"… ({len(lines) - 3 - keep} more rows)"] + lines[-1:]
    return f"```console\n$ {command}\n" + "\n".join(lines) + "\n```\n"


def main() -> None:
    text = TUTORIAL.read_text(encoding="utf-8")
    root = TUTORIAL.parent.parent
    new = BLOCK.sub(lambda m: refresh(m.group(1), root), text)
    TUTORIAL.write_text(new, encoding="utf-8")
    print("unchanged" if new == text else f"updated {TUTORIAL}")


if __name__ == "__main__":
    main()
