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
