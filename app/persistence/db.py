"""Engines and session factories per database URL (SQLite embedded, PostgreSQL for a team)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

ENV_DATABASE_URL = "INFLOW_DATABASE_URL"
WRITE_OPTION = "inflow_write"


def default_data_dir() -> Path:
    """The user's data folder for Inflow (same place as Qt's AppDataLocation on Linux)."""
    return Path(platformdirs.user_data_dir("Inflow", appauthor=False))


def default_database_url() -> str:
    """`--database` unset: `INFLOW_DATABASE_URL`, else an SQLite file in the user's data folder."""
    env = os.environ.get(ENV_DATABASE_URL)
    if env:
        return env
    path = default_data_dir() / "inflow.db"
    return f"sqlite:///{path}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # WAL lets readers (other windows, reports) work while intake writes.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        # NORMAL in WAL mode is durable against application crashes (DOMAIN §9) and much faster.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        # A desk's database grows to a million leads (~1 GB): the default 2 MB page cache makes
        # every index insert a cache miss at that size. 64 MB keeps the hot index pages in memory.
        cursor.execute("PRAGMA cache_size=-65536")
    finally:
        cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for the URL with the house settings for its dialect."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN; emit it ourselves so that
        # SAVEPOINT works and writers take the lock at the start of a unit of work.
        event.listen(engine, "connect", _sqlite_autocommit_off)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.password is None:
        password = os.environ.get("PGPASSWORD")
        if password is None:
            password = _keyring_password(parsed.host or "localhost", parsed.username or "")
        if password is not None:
            parsed = parsed.set(password=password)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(parsed, **kwargs)


def _sqlite_autocommit_off(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None


def _sqlite_begin(conn: Any) -> None:
    # A unit of work that will write takes the write lock at once (BEGIN IMMEDIATE): a deferred
    # transaction that reads and then writes can fail with SQLITE_BUSY without waiting.
    if conn.get_execution_options().get(WRITE_OPTION):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def _keyring_password(host: str, user: str) -> str | None:
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:  # pragma: no cover - keyring is a hard dependency
        return None
    try:
        value = keyring.get_password("inflow-postgresql", f"{user}@{host}")
    except KeyringError:
        return None
    return value if isinstance(value, str) else None


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded attributes after commit, so DTOs can be built afterwards."""
    return sessionmaker(engine, expire_on_commit=False)


def describe(url: str) -> str:
    """A short human description of a database URL without its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite {parsed.database}"
    return f"PostgreSQL {parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database}"
