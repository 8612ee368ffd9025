"""The contract between the connector service and the connectors of each channel kind.

``inflow serve``, ``inflow sync`` and the desktop's background sync run one
:class:`ChannelConnector` per channel whose lease they hold (app/connectors/service.py). A
connector knows one kind of channel (a Telegram bot, an IMAP mailbox); the service knows leases,
scheduling, retries after errors and shutdown.

Threading: connectors are asyncio objects run on the service's event loop. Database work and any
blocking library call (imapclient, SMTP) go through ``await asyncio.to_thread(...)`` so that one
slow mailbox never stalls the web-form endpoint or another channel sharing the loop.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from app.domain.enums import ChannelKind
from app.persistence.uow import Database


@dataclass(frozen=True, slots=True)
class ConnectorOptions:
    """How a connector is run: who holds the lease and how long one poll may wait for news."""

    holder: str
    # Long polling (Telegram getUpdates timeout) or IMAP IDLE wait, in seconds; tests use ~1 s.
    poll_timeout: float = 25.0


class ChannelConnector(Protocol):
    """Fetches one channel's new items (letters, messages) and commits them through the services.

    ``sync_once`` must be idempotent and resumable: it reads its cursor from ``connector_state``,
    commits the items and only then advances the cursor, so a crash or a cancellation at any
    await point loses and repeats nothing. It raises :class:`ConnectorError` (with a sentence for
    the log) on errors the service should retry later.
    """

    channel_id: int

    async def sync_once(self) -> int:
        """Fetch what is new (waiting up to ``poll_timeout`` for news) and return how many items
        were stored."""
        ...

    async def aclose(self) -> None:
        """Close connections; called once when the service stops running this channel."""
        ...


ConnectorFactory = Callable[[Database, int, ConnectorOptions], ChannelConnector]
"""Builds the connector of one channel: ``factory(db, channel_id, options)``."""


class ConnectorError(Exception):
    """A channel could not be synced now (network, authentication, server error); the text is
    one sentence for the log and the status shown to administrators."""


# Where each syncable kind's factory lives; imported lazily so that a build without a connector
# (or a missing optional library) simply has no sync for that kind.
_FACTORIES: dict[ChannelKind, str] = {
    ChannelKind.DIALOG: "app.connectors.telegram:create_connector",
    ChannelKind.EMAIL: "app.connectors.mail:create_connector",
}


def connector_factory(kind: ChannelKind) -> ConnectorFactory | None:
    """The factory for a channel kind, or None when this build cannot sync that kind."""
    target = _FACTORIES.get(kind)
    if target is None:
        return None
    module_name, _, attribute = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    factory: ConnectorFactory | None = getattr(module, attribute, None)
    return factory


SYNCABLE_KINDS: tuple[ChannelKind, ...] = tuple(_FACTORIES)
