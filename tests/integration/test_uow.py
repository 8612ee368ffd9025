"""The unit of work on both engines: UTC timestamps, optimistic locking, idempotency keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError, StatementError

from app.domain.errors import ConcurrentModification, DatabaseUnavailable
from app.persistence.models import Channel, Lead
from app.persistence.uow import Database, open_database

MOSCOW = timezone(timedelta(hours=3))


def _channel(db: Database, name: str = "x") -> int:
    with db.uow() as uow:
        channel = Channel(name=name, kind="request")
        uow.session.add(channel)
        uow.flush()
        return channel.id


def _lead(db: Database, channel_id: int, **fields: Any) -> int:
    with db.uow() as uow:
        lead = Lead(channel_id=channel_id, kind="request", **fields)
        uow.session.add(lead)
        uow.flush()
        return lead.id


def test_timestamps_come_back_aware_utc(db: Database) -> None:
    channel_id = _channel(db)
    moment = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=MOSCOW)
    lead_id = _lead(db, channel_id, received_at=moment)

    with db.session() as session:
        lead = session.get_one(Lead, lead_id)
        received, updated = lead.received_at, lead.updated_at
        created = session.get_one(Channel, channel_id).created_at

    assert received == moment  # the same instant...
    assert received.utcoffset() == timedelta(0)  # ...told in UTC
    assert received.tzinfo is UTC
    assert received.hour == 9
    for value in (updated, created):  # defaults are aware too
        assert value.tzinfo is not None and value.utcoffset() == timedelta(0)
        assert abs(datetime.now(UTC) - value) < timedelta(minutes=5)


def test_timestamps_compare_in_sql_across_offsets(db: Database) -> None:
    channel_id = _channel(db)
    early = _lead(db, channel_id, external_id="early", received_at=datetime(2026, 3, 1, 11, 0, tzinfo=MOSCOW))
    _lead(db, channel_id, external_id="late", received_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    with db.session() as session:
        # 11:00+03 is 08:00 UTC: before 08:30 UTC, although its wall-clock digits are larger.
        before = session.scalars(
            select(Lead.id).where(Lead.received_at < datetime(2026, 3, 1, 8, 30, tzinfo=UTC))
        ).all()
    assert before == [early]


def test_naive_datetime_is_refused(db: Database) -> None:
    channel_id = _channel(db)
    with pytest.raises(StatementError) as caught, db.uow() as uow:
        uow.session.add(Lead(channel_id=channel_id, kind="request", received_at=datetime(2026, 3, 1, 12, 0)))
        uow.flush()
    assert isinstance(caught.value.orig, ValueError)
    assert "naive" in str(caught.value.orig)
    with db.session() as session:  # and nothing was written
        assert session.scalars(select(Lead)).all() == []


def test_stale_lead_is_caught_by_its_version(db: Database) -> None:
    """A lead loaded earlier and saved after somebody else changed it: ConcurrentModification."""
    lead_id = _lead(db, _channel(db), subject="original")
    with db.uow() as uow:  # the form opens: the lead as it was (version 1), kept after the UoW
        stale = uow.session.get_one(Lead, lead_id)
    assert stale.version == 1

    with db.uow() as uow:  # somebody else saves first
        uow.session.get_one(Lead, lead_id).subject = "theirs"

    with pytest.raises(ConcurrentModification), db.uow() as uow:  # our save, based on version 1
        mine = uow.session.merge(stale, load=False)
        mine.subject = "mine"

    with db.session() as session:
        lead = session.get_one(Lead, lead_id)
        assert (lead.subject, lead.version) == ("theirs", 2)


def _short_busy_timeout(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=200")
    cursor.close()


def test_concurrent_edit_of_a_lead(db: Database, db_url: str) -> None:
    """Two clients edit the same lead at once; the change that comes second is not silently lost.

    PostgreSQL: both load version 1, the first commits, the second's commit fails on the version
    column. SQLite: a unit of work takes the write lock when it starts (BEGIN IMMEDIATE), so the
    other client cannot even start one while the first is open; it is told the database is busy
    (after the busy timeout, shortened here) and the first one's change stands.
    """
    lead_id = _lead(db, _channel(db), subject="original")
    other = open_database(db_url, upgrade=False)  # a second client on the same database
    if other.dialect == "sqlite":
        event.listen(other.engine, "connect", _short_busy_timeout)
    try:
        if db.dialect == "postgresql":
            with pytest.raises(ConcurrentModification), other.uow() as second:
                late = second.session.get_one(Lead, lead_id)
                with db.uow() as first:
                    first.session.get_one(Lead, lead_id).subject = "first"
                late.subject = "second"
            expected = ("first", 2)
        else:
            with db.uow() as first:
                lead = first.session.get_one(Lead, lead_id)
                with pytest.raises(DatabaseUnavailable, match="busy"), other.uow() as second:
                    second.session.get_one(Lead, lead_id).subject = "second"
                lead.subject = "first"
            expected = ("first", 2)
    finally:
        other.dispose()

    with db.session() as session:
        lead = session.get_one(Lead, lead_id)
        assert (lead.subject, lead.version) == expected


def test_channel_and_external_id_are_an_idempotency_key(db: Database) -> None:
    channel_id = _channel(db)
    other_channel_id = _channel(db, "y")
    _lead(db, channel_id, external_id="msg-1")

    with pytest.raises(IntegrityError):
        _lead(db, channel_id, external_id="msg-1")

    # The same external id on another channel, and any number of leads without one, are fine.
    _lead(db, other_channel_id, external_id="msg-1")
    _lead(db, channel_id)
    _lead(db, channel_id)
    with db.session() as session:
        assert len(session.scalars(select(Lead.id)).all()) == 4


def test_pg_url_factory_gives_independent_databases(pg_url_factory: Any) -> None:
    first, second = pg_url_factory(), pg_url_factory()
    assert first != second
    a, b = open_database(first), open_database(second)
    try:
        _channel(a, "only in a")
        with b.session() as session:
            assert session.scalars(select(Channel)).all() == []
    finally:
        a.dispose()
        b.dispose()
