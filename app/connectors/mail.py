"""The IMAP connector of a mailbox channel (DOMAIN §6; issue: the Mail workspace).

Each :meth:`MailConnector.sync_once` fetches, folder by folder, the letters whose UID is above
the folder's cursor (``connector_state`` key ``imap:<folder>``: UIDVALIDITY and the last UID
stored), in batches of :data:`BATCH` with ``BODY.PEEK[]`` (the server's \\Seen flag is never
touched) and INTERNALDATE, and commits every batch together with its cursor through
:func:`app.services.mail.store_letters`. A crash or a cancellation between batches therefore
loses nothing and repeats nothing; a changed UIDVALIDITY re-reads the folder from UID 1, and the
letters already stored are recognised by their Message-ID (or hash) and only re-pointed.

When nothing was new it waits for news up to ``options.poll_timeout``: with IMAP IDLE where the
server has it (the first watched folder), else by sleeping, then syncs again.

Threading: imapclient is blocking, so every call runs in ``asyncio.to_thread``; one connector
uses its connection from one awaited call at a time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from app.connectors.base import ConnectorError, ConnectorOptions
from app.domain.errors import InflowError
from app.mail_transport import MailAccount, MailTransportError, connect_imap
from app.persistence.uow import Database
from app.services.mail import (
    FetchedLetter,
    FolderCursor,
    mailbox_account,
    read_cursor,
    store_letters,
    write_cursor,
)

log = logging.getLogger(__name__)

# Letters fetched and committed at once: large enough to amortise round trips and transactions,
# small enough that a cancelled sync loses little work and memory stays bounded.
BATCH = 200
# ...and at most this many bytes at once (a batch of letters with 20 MB attachments would not
# fit in memory); a single larger letter is fetched alone.
BATCH_BYTES = 64 * 1024 * 1024
# How long one IDLE check blocks a worker thread: a cancellation is noticed within this time.
IDLE_SLICE = 1.0
# A folder kept selected is selected again after this many seconds (a changed UIDVALIDITY shows).
RESELECT_AFTER = 300.0

T = TypeVar("T")

__all__ = ["BATCH", "BATCH_BYTES", "FolderRefused", "MailConnector", "create_connector"]


class FolderRefused(ConnectorError):
    """The server answered NO/BAD (a folder it does not have); the connection itself is fine."""


def _batches(uids: Sequence[int], sizes: dict[int, int], count: int, budget: int) -> list[list[int]]:
    """UIDs in order, cut into batches of at most ``count`` letters and ``budget`` bytes."""
    batches: list[list[int]] = []
    current: list[int] = []
    total = 0
    for uid in uids:
        size = sizes.get(uid, 0)
        if current and (len(current) >= count or total + size > budget):
            batches.append(current)
            current, total = [], 0
        current.append(uid)
        total += size
    if current:
        batches.append(current)
    return batches


def _command(call: Callable[..., Any]) -> str:
    return getattr(call, "__name__", "a command").replace("_", " ")


def create_connector(db: Database, channel_id: int, options: ConnectorOptions) -> MailConnector:
    """The connector of one mailbox channel (the factory ``connector_factory`` looks up)."""
    return MailConnector(db, channel_id, options)


def _internal_date(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class MailConnector:
    """Syncs one mailbox's watched folders into the database; see the module's docstring."""

    def __init__(
        self, db: Database, channel_id: int, options: ConnectorOptions, *, batch_size: int = BATCH
    ) -> None:
        self.db = db
        self.channel_id = channel_id
        self.options = options
        self.batch_size = max(1, batch_size)
        self._client: IMAPClient | None = None
        self._account: MailAccount | None = None
        # Set when a call was abandoned (cancelled) mid-way: the connection's state is unknown.
        self._broken = False
        # The folder this connection has selected, when, its UIDVALIDITY and message count: a sync
        # right after IDLE (or of the only watched folder) needs no new SELECT, which a server may
        # answer slowly (dovecot re-reads a 10,000-letter Maildir on every SELECT).
        self._selected: str | None = None
        self._selected_at = 0.0
        self._uidvalidity = 0
        self._exists = 0
        # Each folder's message count when it was last searched for new letters.
        self._synced_exists: dict[str, int] = {}
        # True right after IDLE announced letters: the selected folder's view is already current,
        # so the sync that follows skips its NOOP (a server may rescan the folder for it).
        self._view_current = False

    # -- the ChannelConnector protocol ---------------------------------------------------------

    async def sync_once(self) -> int:
        """Fetch what is new; when nothing was, wait up to ``poll_timeout`` (IDLE or sleep) and
        fetch again. Returns how many letters were stored."""
        stored = await self.sync_folders()
        if stored:
            return stored
        await self.wait_for_news(self.options.poll_timeout)
        return await self.sync_folders()

    async def aclose(self) -> None:
        """Log out (or just close a connection left in an unknown state)."""
        client, self._client = self._client, None
        if client is None:
            return
        broken = self._broken
        self._broken = False

        def close() -> None:
            try:
                if broken:
                    client.shutdown()
                else:
                    client.logout()
            except Exception:  # closing a dead connection may fail; it is gone either way
                log.debug("mailbox %s: closing the IMAP connection failed", self.channel_id)

        await asyncio.to_thread(close)

    # -- steps ---------------------------------------------------------------------------------

    async def sync_folders(self) -> int:
        """One pass over the watched folders; returns how many letters were stored."""
        account = await self._ensure_connected()
        stored = 0
        refused: list[FolderRefused] = []
        for folder in account.folders:
            try:
                stored += await self._sync_folder(folder)
            except FolderRefused as error:
                # A folder the server does not have (renamed, mistyped) must not stop the others.
                log.warning("mailbox %s: %s", self.channel_id, error)
                refused.append(error)
        if len(refused) == len(account.folders):
            raise refused[0]
        return stored

    async def wait_for_news(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the server to announce a letter (IDLE), or sleep when
        it cannot; True when news came."""
        if timeout <= 0:
            return False
        account = await self._ensure_connected()
        client = self._client
        assert client is not None
        capabilities = await self._imap(client.capabilities)
        if b"IDLE" not in capabilities:
            await asyncio.sleep(timeout)
            return False
        folder = account.folders[0]
        await self._select(folder)
        # A letter that arrived after the folder's last SEARCH was announced (by the SELECT or
        # NOOP just done) before IDLE started, and IDLE would not announce it again.
        if self._exists > self._synced_exists.get(folder, self._exists):
            return True
        await self._imap(client.idle)
        deadline = time.monotonic() + timeout
        news = False
        try:
            while not news:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                responses = await self._imap(client.idle_check, min(IDLE_SLICE, remaining))
                news = self._news_in(responses)
        except asyncio.CancelledError:
            # The connection is still in IDLE (or mid-check): it cannot be reused.
            self._broken = True
            raise
        await self._imap(client.idle_done)
        self._view_current = news
        return news

    def _news_in(self, responses: Sequence[Any]) -> bool:
        """Whether untagged responses announce more letters than the selected folder had."""
        news = False
        for response in responses:
            if isinstance(response, tuple) and len(response) >= 2 and response[1] == b"EXISTS":
                count = int(response[0])
                news = news or count > self._exists
                self._exists = count
        return news

    async def _select(self, folder: str) -> int:
        """Select a folder read-only (EXAMINE) unless it is selected already; its UIDVALIDITY."""
        client = self._client
        assert client is not None
        fresh = time.monotonic() - self._selected_at < RESELECT_AFTER
        if self._selected == folder and fresh:
            if not self._view_current:
                # The server reports new letters on any command; NOOP is the one meant for it.
                _text, responses = await self._imap(client.noop)
                self._news_in(responses)
            self._view_current = False
            return self._uidvalidity
        self._selected, self._view_current = None, False
        selected = await self._imap(client.select_folder, folder, True)
        self._selected, self._selected_at = folder, time.monotonic()
        self._uidvalidity = int(selected.get(b"UIDVALIDITY", 0) or 0)
        self._exists = int(selected.get(b"EXISTS", 0) or 0)
        return self._uidvalidity

    async def _sync_folder(self, folder: str) -> int:
        client = self._client
        assert client is not None
        uidvalidity = await self._select(folder)
        self._synced_exists[folder] = self._exists
        cursor = await asyncio.to_thread(self._read_cursor, folder)
        last_uid = cursor.last_uid if cursor is not None and cursor.uidvalidity == uidvalidity else 0
        if cursor is not None and cursor.uidvalidity != uidvalidity:
            log.info(
                "mailbox %s, folder %s: UIDVALIDITY changed (%s → %s); re-reading the folder",
                self.channel_id, folder, cursor.uidvalidity, uidvalidity,
            )
        # "UID n:*" always matches the last letter even when its UID is below n: filter again.
        found = await self._imap(client.search, ["UID", f"{last_uid + 1}:*"])
        uids = sorted(int(uid) for uid in found if int(uid) > last_uid)
        sizes: dict[int, int] = {}
        if uids:
            answer = await self._imap(client.fetch, uids, ["RFC822.SIZE"])
            sizes = {int(uid): int(item.get(b"RFC822.SIZE", 0) or 0) for uid, item in answer.items()}
        stored = 0
        for batch in _batches(uids, sizes, self.batch_size, BATCH_BYTES):
            response = await self._imap(client.fetch, batch, ["BODY.PEEK[]", "INTERNALDATE", "FLAGS"])
            letters: list[FetchedLetter] = []
            for uid in batch:
                item = response.get(uid)
                if item is None:
                    continue  # expunged between SEARCH and FETCH
                raw = item.get(b"BODY[]")
                if not isinstance(raw, bytes | bytearray):
                    log.warning(
                        "mailbox %s, folder %s: UID %s came without a body", self.channel_id, folder, uid
                    )
                    continue
                flags = item.get(b"FLAGS") or ()
                letters.append(
                    FetchedLetter(
                        uid=uid,
                        raw=bytes(raw),
                        internal_date=_internal_date(item.get(b"INTERNALDATE")),
                        seen=b"\\Seen" in flags,
                    )
                )
            stored += await asyncio.to_thread(
                self._store, folder, letters, FolderCursor(uidvalidity, batch[-1])
            )
        return stored

    # -- database (worker threads) -------------------------------------------------------------

    def _read_cursor(self, folder: str) -> FolderCursor | None:
        with self.db.session() as session:
            return read_cursor(session, self.channel_id, folder)

    def _load_account(self) -> MailAccount:
        with self.db.uow() as uow:
            return mailbox_account(uow.session, self.channel_id)

    def _store(self, folder: str, letters: Sequence[FetchedLetter], cursor: FolderCursor) -> int:
        """Store a batch and its cursor in one transaction; a batch that the database refuses for
        its content (not for being unreachable) is stored letter by letter, skipping (and logging)
        only the letters that cannot be stored at all."""
        try:
            with self.db.uow() as uow:
                return store_letters(uow, self.channel_id, folder, letters, cursor=cursor).stored
        except InflowError as error:
            raise ConnectorError(f"The letters of {folder} could not be stored ({error}).") from error
        except DBAPIError as error:
            if error.connection_invalidated:
                raise ConnectorError(
                    f"The letters of {folder} could not be stored ({error.orig})."
                ) from error
            log.warning("mailbox %s, folder %s: a batch was refused (%s); storing one by one",
                        self.channel_id, folder, str(error.orig).splitlines()[0] if error.orig else error)
        stored = 0
        for letter in letters:
            one = FolderCursor(cursor.uidvalidity, letter.uid or cursor.last_uid)
            try:
                with self.db.uow() as uow:
                    stored += store_letters(uow, self.channel_id, folder, [letter], cursor=one).stored
            except InflowError as error:
                raise ConnectorError(f"The letters of {folder} could not be stored ({error}).") from error
            except SQLAlchemyError as error:
                log.error("mailbox %s, folder %s: letter UID %s skipped, the database refused it (%s)",
                          self.channel_id, folder, letter.uid, type(error).__name__)
        # The batch's end, past the letters that were skipped.
        with self.db.uow() as uow:
            write_cursor(uow.session, self.channel_id, folder, cursor)
        return stored

    # -- IMAP (worker threads) -----------------------------------------------------------------

    async def _ensure_connected(self) -> MailAccount:
        if self._client is not None and not self._broken and self._account is not None:
            return self._account
        await self.aclose()
        try:
            account = await asyncio.to_thread(self._load_account)
        except InflowError as error:
            raise ConnectorError(f"The mailbox settings could not be read ({error}).") from error
        try:
            client = await asyncio.to_thread(connect_imap, account)
        except MailTransportError as error:
            raise ConnectorError(str(error)) from error
        # Aware INTERNALDATEs (imapclient would otherwise convert them to naive local time).
        client.normalise_times = False
        self._client, self._account, self._broken = client, account, False
        self._selected = None
        return account

    async def _imap(self, call: Callable[..., T], *args: Any) -> T:
        try:
            return await asyncio.to_thread(call, *args)
        except asyncio.CancelledError:
            self._broken = True
            raise
        except (IMAPClientError, OSError) as error:
            where = f"{self._account.imap_host}" if self._account else "the IMAP server"
            text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            if isinstance(error, IMAPClientError) and not isinstance(error, IMAPClientAbortError):
                # A NO or BAD answer: the connection is fine, the command was refused.
                raise FolderRefused(f"The mailbox on {where} refused {_command(call)} ({text}).") from error
            self._broken = True
            raise ConnectorError(f"The mailbox on {where} failed ({text}).") from error
