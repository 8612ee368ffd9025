"""What the figures were measured on."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from datetime import datetime
from importlib import metadata
from pathlib import Path

import sqlalchemy
from sqlalchemy import text

from app.persistence.uow import Database


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal"):
                kib = int(line.split()[1])
                return f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError):
        pass
    return "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _revision() -> str:
    """The commit the code under test is at, and whether app/ has uncommitted changes."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "app"], cwd=root, capture_output=True, text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} (app/ with uncommitted changes)" if dirty else head


def describe_machine(db: Database | None = None) -> list[tuple[str, str]]:
    """(name, value) pairs: date, CPU, cores, memory, OS, Python, SQLite, SQLAlchemy, drivers."""
    info = [
        ("date", datetime.now().astimezone().isoformat(timespec="seconds")),
        ("CPU", _cpu_model()),
        ("cores", str(os.cpu_count())),
        ("memory", _memory()),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("SQLite", sqlite3.sqlite_version),
        ("SQLAlchemy", sqlalchemy.__version__),
        ("phonenumbers", _version("phonenumbers")),
        ("code under test", f"git {_revision()}"),
    ]
    if db is not None and db.dialect == "postgresql":
        with db.session() as session:
            info.append(("PostgreSQL", str(session.scalar(text("SHOW server_version")))))
        info.append(("psycopg", _version("psycopg")))
    return info


def _proc_stat() -> tuple[int, int, int]:
    """(total, busy, steal) jiffies of the whole machine."""
    try:
        fields = Path("/proc/stat").read_text(encoding="utf-8").splitlines()[0].split()[1:]
    except (OSError, IndexError):
        return 0, 0, 0
    values = [int(v) for v in fields]
    total = sum(values[:8])
    idle = values[3] + values[4]
    steal = values[7] if len(values) > 7 else 0
    return total, total - idle, steal


class CpuWatch:
    """How busy the rest of the machine was while we measured (other processes, the hypervisor)."""

    def __init__(self) -> None:
        self._stat = _proc_stat()
        self._own = self._own_seconds()
        self._wall = os.times().elapsed

    @staticmethod
    def _own_seconds() -> float:
        times = os.times()
        return times.user + times.system

    def summary(self) -> str:
        """A sentence: our share and the others' share of all cores since the watch started."""
        total, busy, steal = _proc_stat()
        ticks = os.sysconf("SC_CLK_TCK")
        d_total = (total - self._stat[0]) / ticks
        if d_total <= 0:
            return "CPU use of other processes: unknown"
        own = self._own_seconds() - self._own
        others = max(0.0, (busy - self._stat[1]) / ticks - own)
        stolen = (steal - self._stat[2]) / ticks
        wall = os.times().elapsed - self._wall
        return (
            f"during the measurements ({wall:.0f} s) this process used {own / d_total:.0%} of the "
            f"machine's CPU time, other processes (a PostgreSQL server among them, when used) "
            f"{others / d_total:.0%}, hypervisor steal "
            f"{stolen / d_total:.0%} (100% = all {os.cpu_count()} cores)"
        )
