"""Changes made by other desktops appear here without pressing F5 (issue: live updates).

PostgreSQL: every write to the watched tables fires ``NOTIFY inflow_changes`` (statement-level
triggers, migration 0002); a dedicated psycopg connection LISTENs and a ``QSocketNotifier`` on its
socket wakes the GUI thread — no polling thread. SQLite: ``PRAGMA data_version`` changes when
another connection commits; a light timer reads it (a few microseconds per tick).

Signals:
    changed(set[str]): names of the tables that changed (for SQLite: {"*"}, it cannot tell).
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal
from sqlalchemy.engine import make_url

from app.persistence.uow import Database

log = logging.getLogger(__name__)

CHANNEL = "inflow_changes"


class ChangeWatcher(QObject):
    """Emits ``changed`` when another process commits to the shared database."""

    changed = Signal(object)

    def __init__(self, db: Database, parent: QObject | None = None, *, interval_ms: int = 500) -> None:
        super().__init__(parent)
        self._db = db
        self._interval_ms = interval_ms
        self._timer: QTimer | None = None
        self._notifier: QSocketNotifier | None = None
        self._sqlite: sqlite3.Connection | None = None
        self._pg: Any = None
        self._version: int | None = None
        # Coalesce bursts (an import of 500 leads) into one refresh.
        self._pending: set[str] = set()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(100)
        self._debounce.timeout.connect(self._flush)

    def start(self) -> None:
        """Begin watching (call once the event loop runs or is about to)."""
        if self._db.dialect == "sqlite":
            self._start_sqlite()
        elif self._db.dialect == "postgresql":
            self._start_postgresql()

    def stop(self) -> None:
        """Stop watching and close the watcher's own connection."""
        if self._timer is not None:
            self._timer.stop()
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier = None
        if self._sqlite is not None:
            self._sqlite.close()
            self._sqlite = None
        if self._pg is not None:
            try:
                self._pg.close()
            except Exception:  # closing a dead connection must not break shutdown
                log.debug("closing the LISTEN connection failed", exc_info=True)
            self._pg = None

    # -- SQLite -----------------------------------------------------------------------------

    def _start_sqlite(self) -> None:
        database = make_url(self._db.url).database
        if not database or database == ":memory:":
            return
        # data_version is per connection: it changes when *other* connections commit.
        self._sqlite = sqlite3.connect(database, check_same_thread=False)
        self._version = self._read_version()
        self._timer = QTimer(self)
        self._timer.setInterval(self._interval_ms)
        self._timer.timeout.connect(self._poll_sqlite)
        self._timer.start()

    def _read_version(self) -> int | None:
        if self._sqlite is None:
            return None
        try:
            row = self._sqlite.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            return self._version
        return int(row[0]) if row else None

    def _poll_sqlite(self) -> None:
        version = self._read_version()
        if version is not None and version != self._version:
            self._version = version
            self._pending.add("*")
            self._debounce.start()

    # -- PostgreSQL -------------------------------------------------------------------------

    def _start_postgresql(self) -> None:
        import psycopg

        url = self._db.engine.url
        try:
            self._pg = psycopg.connect(
                host=url.host or "localhost",
                port=url.port or 5432,
                user=url.username,
                password=url.password,
                dbname=url.database,
                autocommit=True,
            )
            self._pg.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error:
            log.warning("live updates are off: cannot LISTEN on the database", exc_info=True)
            self._pg = None
            return
        self._notifier = QSocketNotifier(self._pg.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain_postgresql)

    def _drain_postgresql(self) -> None:
        if self._pg is None:
            return
        try:
            for notify in self._pg.notifies(timeout=0):
                self._pending.add(notify.payload or "*")
        except Exception:
            log.warning("the LISTEN connection was lost; live updates stop", exc_info=True)
            self.stop()
            return
        if self._pending:
            self._debounce.start()

    def _flush(self) -> None:
        tables, self._pending = self._pending, set()
        if tables:
            self.changed.emit(tables)
