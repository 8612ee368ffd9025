"""Test-only connectors that count their syncs in the database (per channel and holder).

Used in-process (``ConnectorService(factory_lookup=lookup)``) and by ``inflow serve`` / ``inflow
sync`` subprocesses through ``INFLOW_CONNECTOR_LOOKUP=tests.fake_connectors:lookup`` (an
environment variable the service honours only when it is set, for tests).

Each ``sync_once`` adds 1 to the ``connector_state`` key ``fake:<holder>`` of its channel, so a test
sees which process synced which channel, across processes. A channel whose name contains
``broken`` fails every sync with a :class:`ConnectorError`.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from app.connectors.base import ChannelConnector, ConnectorError, ConnectorFactory, ConnectorOptions
from app.connectors.leases import all_cursors, get_cursor, set_cursor
from app.domain.enums import ChannelKind
from app.persistence.models import Channel
from app.persistence.types import utcnow
from app.persistence.uow import Database

PREFIX = "fake:"


class CountingConnector:
    """Counts its syncs in connector_state; waits a little like a short long-poll."""

    def __init__(self, db: Database, channel_id: int, options: ConnectorOptions) -> None:
        self.db = db
        self.channel_id = channel_id
        self.options = options
        self.closed = False
        with db.session() as session:
            self.broken = "broken" in session.get_one(Channel, channel_id).name

    async def sync_once(self) -> int:
        """Record one sync by this holder (and when), then wait briefly."""
        if self.broken:
            await asyncio.sleep(0.01)
            raise ConnectorError("The server refused the login.")
        await asyncio.to_thread(self._count)
        await asyncio.sleep(min(self.options.poll_timeout, 0.05))
        return 1

    def _count(self) -> None:
        key = PREFIX + self.options.holder
        with self.db.uow() as uow:
            count = int(get_cursor(uow.session, self.channel_id, key, 0))
            set_cursor(uow.session, self.channel_id, key, count + 1)
            if count == 0:
                set_cursor(uow.session, self.channel_id, "first:" + self.options.holder, utcnow().isoformat())

    async def aclose(self) -> None:
        """Nothing to close."""
        self.closed = True


def create_connector(db: Database, channel_id: int, options: ConnectorOptions) -> ChannelConnector:
    """The factory of every kind in tests."""
    return CountingConnector(db, channel_id, options)


def lookup(kind: ChannelKind) -> ConnectorFactory | None:
    """Every syncable kind gets the counting connector."""
    return create_connector


def syncs(db: Database, channel_id: int) -> dict[str, int]:
    """How many times each holder synced the channel."""
    with db.session() as session:
        cursors = all_cursors(session, channel_id)
    return {k[len(PREFIX) :]: int(v) for k, v in cursors.items() if k.startswith(PREFIX)}


def first_sync(db: Database, channel_id: int, holder: str) -> datetime | None:
    """When the holder first synced the channel."""
    with db.session() as session:
        value = get_cursor(session, channel_id, "first:" + holder)
    return datetime.fromisoformat(value) if value else None
