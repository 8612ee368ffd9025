"""Bulk filling: reference data through SQLAlchemy Core, the big tables through the driver.

The year of leads is written the way intake would have left it (normalized phone and e-mail, state
new / repeat, the client of a repeat, responsible by the channel's rule, SLA deadline, one history
entry) but with the driver's fastest path — ``sqlite3`` ``executemany`` in large transactions, or
PostgreSQL ``COPY`` — so a million leads take a minute or two instead of the full intake.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import psycopg
from sqlalchemy import insert, select, text, update
from sqlalchemy.engine import Engine, make_url

from app.persistence.models import Channel, Department, RejectionReason, Role, User, user_roles
from bench.data import (
    CLIENT_COLUMNS,
    DEPARTMENTS,
    HISTORY_COLUMNS,
    LEAD_COLUMNS,
    PERSON_COLUMNS,
    POINT_COLUMNS,
    DateFormatter,
    Ledger,
    World,
)

CHUNK_ROWS = 20_000
COMMIT_ROWS = 200_000


def log(message: str) -> None:
    """Progress on stderr, so stdout carries only the report."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _sqlite_datetime(value: datetime) -> str:
    # Exactly what SQLAlchemy's UTCDateTime stores on SQLite: naive UTC with microseconds.
    return value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _same(value: datetime) -> datetime:
    return value


class BulkWriter:
    """Fast inserts of tuples into a table, for SQLite (``sqlite3``) or PostgreSQL (``COPY``)."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        self.dt: DateFormatter
        if self.dialect == "sqlite":
            assert parsed.database
            self._sqlite = sqlite3.connect(parsed.database, isolation_level=None)
            for pragma in ("synchronous=OFF", "cache_size=-1048576", "foreign_keys=OFF", "temp_store=MEMORY"):
                self._sqlite.execute(f"PRAGMA {pragma}")
            self._sqlite.execute("BEGIN")
            self.dt = _sqlite_datetime
            self._pg: psycopg.Connection[Any] | None = None
        else:
            conninfo = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
            self._pg = psycopg.connect(conninfo)
            self.dt = _same
        self._pending = 0

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Insert the rows (a transaction is committed every ``COMMIT_ROWS`` rows)."""
        if not rows:
            return
        if self._pg is None:
            marks = ", ".join("?" for _ in columns)
            self._sqlite.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        else:
            with self._pg.cursor() as cursor, cursor.copy(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        self._pending += len(rows)
        if self._pending >= COMMIT_ROWS:
            self.commit()

    def commit(self) -> None:
        """Commit what was written so far."""
        if self._pg is None:
            self._sqlite.execute("COMMIT")
            self._sqlite.execute("BEGIN")
        else:
            self._pg.commit()
        self._pending = 0

    def finish(self, sequences: Iterable[str]) -> None:
        """Commit, move PostgreSQL id sequences past the explicit ids, checkpoint SQLite's WAL."""
        if self._pg is None:
            self._sqlite.execute("COMMIT")
            self._sqlite.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._sqlite.close()
            return
        for table in sequences:
            self._pg.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )
        self._pg.commit()
        self._pg.close()


def fill_reference(engine: Engine, world: World) -> dict[str, int]:
    """Departments, users with roles, channels; returns the rejection-reason ids by code."""
    with engine.begin() as conn:
        world.role_ids = {code: rid for rid, code in conn.execute(select(Role.id, Role.code))}
        reasons = {code: rid for rid, code in conn.execute(select(RejectionReason.id, RejectionReason.code))}
        conn.execute(
            insert(Department), [{"id": i, "name": name} for i, name in enumerate(DEPARTMENTS, start=1)]
        )
        conn.execute(
            insert(User),
            [
                {
                    "id": u.id, "login": u.login, "full_name": u.full_name, "department_id": u.department_id,
                    "extension": u.extension, "email": f"{u.login}@inflow.example", "active": u.active,
                }
                for u in world.users
            ],
        )
        conn.execute(
            insert(user_roles),
            [{"user_id": u.id, "role_id": world.role_ids[u.role_code]} for u in world.users],
        )
        conn.execute(
            insert(Channel),
            [
                {
                    "id": c.id, "name": c.name, "kind": c.kind.value, "lead_source": c.lead_source,
                    "rule": c.rule.value,
                    "responsible_user_id": world.user_id(c.user_login) if c.user_login else None,
                    "responsible_role_id": world.role_ids[c.role_code] if c.role_code else None,
                    "sla_minutes": c.sla_minutes, "ad_source": c.ad_source, "settings": {},
                }
                for c in world.channels
            ],
        )
    return reasons


def fill_clients(url: str, world: World) -> tuple[int, int, int]:
    """Clients, contact persons and contact points; returns their counts."""
    writer = BulkWriter(url)
    clients, persons, points = world.client_rows(writer.dt)
    for table, columns, rows in (
        ("clients", CLIENT_COLUMNS, clients),
        ("contact_persons", PERSON_COLUMNS, persons),
        ("contact_points", POINT_COLUMNS, points),
    ):
        for start in range(0, len(rows), CHUNK_ROWS):
            writer.insert(table, columns, rows[start : start + CHUNK_ROWS])
    writer.finish(("departments", "users", "channels", "clients", "contact_persons", "contact_points"))
    return len(clients), len(persons), len(points)


def fill_leads(url: str, engine: Engine, world: World, ledger: Ledger, reasons: dict[str, int]) -> int:
    """The year of leads with their history entries; returns how many were written."""
    writer = BulkWriter(url)
    leads: list[tuple[Any, ...]] = []
    history: list[tuple[Any, ...]] = []
    written = 0
    started = time.perf_counter()
    for lead, entry in world.base_lead_rows(writer.dt, ledger, reasons):
        leads.append(lead)
        history.append(entry)
        if len(leads) >= CHUNK_ROWS:
            writer.insert("leads", LEAD_COLUMNS, leads)
            writer.insert("lead_history", HISTORY_COLUMNS, history)
            written += len(leads)
            leads.clear()
            history.clear()
            if written % 100_000 == 0:
                rate = written / (time.perf_counter() - started)
                log(f"  {written:,} leads written ({rate:,.0f}/s)")
    writer.insert("leads", LEAD_COLUMNS, leads)
    writer.insert("lead_history", HISTORY_COLUMNS, history)
    written += len(leads)
    writer.finish(("leads", "lead_history"))
    with engine.begin() as conn:
        for channel in world.channels:
            last = world.last_round_robin.get(channel.id)
            if last is not None:
                conn.execute(update(Channel).where(Channel.id == channel.id).values(rr_last_user_id=last))
    if engine.dialect.name == "postgresql":
        # What autovacuum does soon after a bulk load; the planner needs the statistics.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    return written
