"""What one ``kg serve`` serves, and its limits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Settings:
    build_dir: Path
    base: str
    level: str = "public"
    timeout: float = 10.0
    max_rows: int = 10_000
    workers: int = 2
    queue_timeout: float = 30.0  # how long a request may wait for a free worker
    allowed_hosts: tuple[str, ...] = ()  # more names the Host header may give (kg serve --allow-host), besides loopback
    worker_memory: int = 1 << 30  # bytes of data memory (RLIMIT_DATA) each worker may use; 0: no limit
    per_client: int = 2  # queries one client address may have running at once; more wait their turn
    isolate_network: bool = True  # workers in their own empty network namespace, where the platform allows


def parse_size(text: str) -> int:
    """Bytes of a size such as ``1GiB``, ``512MiB``, ``800M``, ``2G`` or ``1073741824``; raises ValueError."""
    import re

    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(i?B?)\s*", text, flags=re.IGNORECASE)
    if not match:
        raise ValueError(f"{text!r} is not a size: write e.g. 1GiB, 512MiB or a number of bytes")
    number, unit = float(match.group(1)), match.group(2).upper()
    return int(number * 1024 ** " KMGT".index(unit or " "))
