"""Channel leases and sync cursors in the database (issue: connector service).

Exactly one process syncs a channel at a time — a desktop's background sync, ``inflow sync`` or
``inflow serve`` on any host sharing the database. That process holds the channel's row in
``connector_leases`` and renews it well before ``expires_at``; a holder that dies stops renewing
and another process takes the channel over once the lease has expired.

Taking and renewing are one statement, race-free on SQLite and PostgreSQL alike::

    INSERT INTO connector_leases … VALUES (:channel, :me, :now, :now + ttl)
    ON CONFLICT (channel_id) DO UPDATE SET holder = :me, expires_at = …
    WHERE connector_leases.expires_at < :now OR connector_leases.holder = :me
    RETURNING holder

Two processes racing for one free channel: the row's unique key serializes them, and the second
finds a live lease held by someone else, so its conditional update changes nothing and returns no
row. Times are the hosts' clocks (UTC): hosts sharing a PostgreSQL server must keep their clocks
synchronized (NTP) to well within the lease's time to live.

Cursors (``connector_state``) are written with :func:`set_cursor` inside the same unit of work as
the items a connector stores, so an item and the cursor that points past it commit together.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Table, and_, case, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.persistence.models import ConnectorLease, ConnectorState
from app.persistence.types import utcnow
from app.persistence.uow import Database

DEFAULT_TTL = 60.0
"""Seconds a lease lives unless renewed; the service renews it every third of that."""



def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


_LEASES = _table(ConnectorLease)
_STATE = _table(ConnectorState)


def make_holder() -> str:
    """A holder id unique to this process and run: ``host:pid:random``."""
    return f"{socket.gethostname()[:120]}:{os.getpid()}:{secrets.token_hex(4)}"


def _upsert(connection: Connection) -> Any:
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    return insert(_LEASES)


def acquire(connection: Connection, channel_id: int, holder: str, ttl: float = DEFAULT_TTL) -> bool:
    """Take or renew the lease of a channel; True when ``holder`` holds it afterwards."""
    now = utcnow()
    statement = _upsert(connection).values(
        channel_id=channel_id, holder=holder, acquired_at=now, expires_at=now + timedelta(seconds=ttl)
    )
    current = _LEASES.c
    statement = statement.on_conflict_do_update(
        index_elements=[current.channel_id],
        set_={
            "holder": statement.excluded.holder,
            "expires_at": statement.excluded.expires_at,
            # A renewal keeps the time it was first taken; a takeover starts a new one.
            "acquired_at": case(
                (current.holder == holder, current.acquired_at), else_=statement.excluded.acquired_at
            ),
        },
        where=or_(current.expires_at < now, current.holder == holder),
    ).returning(current.holder)
    return connection.execute(statement).scalar() == holder


def renew(
    connection: Connection, channel_ids: Iterable[int], holder: str, ttl: float = DEFAULT_TTL
) -> set[int]:
    """Extend the leases this holder still holds; the channel ids whose lease was renewed.

    A lease that another process took over meanwhile (ours had expired) is not renewed: the caller
    must stop syncing those channels.
    """
    wanted = list(channel_ids)
    if not wanted:
        return set()
    now = utcnow()
    rows = connection.execute(
        update(_LEASES)
        .where(_LEASES.c.channel_id.in_(wanted), _LEASES.c.holder == holder)
        .values(expires_at=now + timedelta(seconds=ttl))
        .returning(_LEASES.c.channel_id)
    )
    return {int(channel_id) for channel_id in rows.scalars()}


def release(connection: Connection, channel_ids: Iterable[int], holder: str) -> int:
    """Give up this holder's leases (another process may take them at once); how many were released."""
    wanted = list(channel_ids)
    if not wanted:
        return 0
    result = connection.execute(
        delete(_LEASES).where(_LEASES.c.channel_id.in_(wanted), _LEASES.c.holder == holder)
    )
    return int(result.rowcount or 0)


def holders(connection: Connection) -> dict[int, str]:
    """Every live lease: channel id → holder (expired leases are left out)."""
    rows = connection.execute(
        select(_LEASES.c.channel_id, _LEASES.c.holder).where(_LEASES.c.expires_at >= utcnow())
    )
    return {int(channel_id): str(holder) for channel_id, holder in rows}


# ------------------------------------------------------------------------ blocking conveniences


def acquire_now(db: Database, channel_id: int, holder: str, ttl: float = DEFAULT_TTL) -> bool:
    """:func:`acquire` in its own short transaction (blocking: call it from a worker thread)."""
    with db.engine.begin() as connection:
        return acquire(connection, channel_id, holder, ttl)


def renew_now(db: Database, channel_ids: Iterable[int], holder: str, ttl: float = DEFAULT_TTL) -> set[int]:
    """:func:`renew` in its own short transaction (blocking)."""
    with db.engine.begin() as connection:
        return renew(connection, channel_ids, holder, ttl)


def release_now(db: Database, channel_ids: Iterable[int], holder: str) -> int:
    """:func:`release` in its own short transaction (blocking)."""
    with db.engine.begin() as connection:
        return release(connection, channel_ids, holder)


# ------------------------------------------------------------------------------------- cursors


def get_cursor(session: Session, channel_id: int, key: str, default: Any = None) -> Any:
    """A channel's stored cursor value (JSON) under ``key``, or ``default`` when none is stored."""
    value = session.execute(
        select(_STATE.c.value).where(and_(_STATE.c.channel_id == channel_id, _STATE.c.key == key))
    ).scalar_one_or_none()
    return default if value is None else value


def set_cursor(session: Session, channel_id: int, key: str, value: Any) -> None:
    """Store a channel's cursor in the session's transaction, so it commits with the items it covers.

    Use it in the same ``with db.uow() as uow:`` block that stores the items: either both commit
    or neither does, so a crash between them can neither skip nor repeat an item.
    """
    connection = session.connection()
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(_STATE).values(channel_id=channel_id, key=key, value=value, updated_at=utcnow())
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=[_STATE.c.channel_id, _STATE.c.key],
            set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
        )
    )


def all_cursors(session: Session, channel_id: int) -> dict[str, Any]:
    """Every cursor of a channel: key → value."""
    rows = session.execute(select(_STATE.c.key, _STATE.c.value).where(_STATE.c.channel_id == channel_id))
    return {str(key): value for key, value in rows}
