"""Messenger channels: a small client interface, and Telegram's Bot API behind it (DOMAIN §6).

:class:`MessengerClient` is what the Dialogs service needs of any messenger (identify the bot,
fetch updates, send text and files, download a file); :class:`TelegramClient` implements it over
HTTPS with aiohttp — long polling ``getUpdates`` with ``offset``/``timeout``, ``sendMessage``,
``sendPhoto``/``sendDocument`` (multipart), ``getFile`` and the file download.

:class:`TelegramConnector` is the :class:`~app.connectors.base.ChannelConnector` of a dialog
channel. Each :meth:`~TelegramConnector.sync_once` reads the channel's update offset, long-polls,
stores the messages (conversations, messages, leads) and advances the offset in the same
transaction, so a crash or restart repeats and loses nothing: Telegram keeps an update until a
later ``getUpdates`` names a higher offset, and a replayed update is a duplicate the service skips.

The bot token is read at run time (the channel's environment variable, else the keyring) and
never logged: every error sentence is built from the API's host, never from the request URL.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import aiohttp
from sqlalchemy.orm import Session

from app.connectors.base import ConnectorError, ConnectorOptions
from app.connectors.leases import get_cursor, set_cursor
from app.domain.enums import ChannelKind
from app.domain.errors import InflowError
from app.persistence.models import Channel
from app.persistence.types import utcnow
from app.persistence.uow import Database
from app.services.admin import API_URL, DEFAULT_TELEGRAM_API_URL, TELEGRAM_TOKEN_ENV
from app.services.dialogs import Attachment, IncomingMessage, IngestResult, ingest_messages
from app.services.secrets import SecretKind, channel_secret, installation_id

log = logging.getLogger(__name__)

OFFSET_KEY = "telegram.offset"
USER_KEY_PREFIX = "telegram:"
# A 429 asking to wait longer than this is reported instead of waited out (the service retries).
MAX_RETRY_WAIT = 30.0
ATTEMPTS = 3
# Seconds on top of the long-poll timeout before a silent server counts as unreachable.
HTTP_GRACE = 15.0
REQUEST_TIMEOUT = 60.0


# ---------------------------------------------------------------------------------- the interface


@dataclass(frozen=True, slots=True)
class BotIdentity:
    """Who the bot is (getMe): for the channel's status line and the logs."""

    id: int
    username: str | None
    name: str


@dataclass(frozen=True, slots=True)
class UpdateBatch:
    """The messages of one fetch and the offset that confirms every update of it."""

    messages: tuple[IncomingMessage, ...]
    # One past the highest update id fetched (messages and updates we ignore alike); None when
    # nothing came, so the stored offset stays as it is.
    next_offset: int | None


class MessengerClient(Protocol):
    """What the Dialogs service needs of a messenger account; every failure is a ConnectorError."""

    async def identify(self) -> BotIdentity:
        """Check the credentials and say who the bot is."""
        ...

    async def fetch_updates(self, offset: int | None, timeout: float) -> UpdateBatch:
        """Updates from ``offset`` on, waiting up to ``timeout`` seconds for the first one."""
        ...

    async def send_text(self, chat_id: str, text: str) -> str:
        """Send a text message; returns the messenger's message id."""
        ...

    async def send_file(
        self, chat_id: str, path: Path, *, caption: str | None = None, as_photo: bool = False
    ) -> str:
        """Send a photo or a document with an optional caption; returns the message id."""
        ...

    async def download(self, file_id: str, target: Path) -> Path:
        """Download a file the user sent into ``target`` and return it."""
        ...

    async def aclose(self) -> None:
        """Close the connections."""
        ...


# ------------------------------------------------------------------------------ the Bot API client


class TelegramClient:
    """The Telegram Bot API over HTTPS (aiohttp); one instance per channel. Not thread-safe: use it
    from one thread at a time (its HTTP session is remade when it is used from another event loop)."""

    def __init__(
        self,
        token: str,
        api_url: str = DEFAULT_TELEGRAM_API_URL,
        *,
        max_retry_wait: float = MAX_RETRY_WAIT,
        request_timeout: float = REQUEST_TIMEOUT,
    ) -> None:
        self._token = token
        self._base = api_url.rstrip("/")
        self._host = urlsplit(self._base).netloc or self._base
        self._max_retry_wait = max_retry_wait
        self._request_timeout = request_timeout
        self._session: aiohttp.ClientSession | None = None
        self._session_loop: asyncio.AbstractEventLoop | None = None

    def __repr__(self) -> str:
        return f"TelegramClient({self._base!r})"  # never the token

    def _http(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._session_loop is not loop:
            # A session belongs to the loop it was made on; the desktop sends each reply from a
            # fresh loop on a worker thread, so a client kept between calls starts a new one.
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self._request_timeout))
            self._session_loop = loop
        return self._session

    async def aclose(self) -> None:
        """Close the HTTP connections (they are opened again when the client is used later)."""
        session, self._session = self._session, None
        if session is not None and not session.closed and self._session_loop is asyncio.get_running_loop():
            await session.close()

    async def identify(self) -> BotIdentity:
        """getMe: check the token and say who the bot is."""
        result = await self._call("getMe", lambda: {"json": {}})
        name = " ".join(part for part in (result.get("first_name"), result.get("last_name")) if part)
        return BotIdentity(int(result["id"]), result.get("username"), name or str(result["id"]))

    async def fetch_updates(self, offset: int | None, timeout: float) -> UpdateBatch:
        """getUpdates with long polling; only messages are asked for."""
        payload: dict[str, Any] = {"timeout": max(int(timeout), 0), "allowed_updates": ["message"]}
        if offset is not None:
            payload["offset"] = offset
        result = await self._call("getUpdates", lambda: {"json": payload}, timeout=timeout + HTTP_GRACE)
        if not isinstance(result, list) or not result:
            return UpdateBatch((), None)
        messages: list[IncomingMessage] = []
        highest = 0
        for update in result:
            highest = max(highest, int(update["update_id"]))
            message = parse_update(update)
            if message is not None:
                messages.append(message)
        return UpdateBatch(tuple(messages), highest + 1)

    async def send_text(self, chat_id: str, text: str) -> str:
        """sendMessage; returns the message id."""
        result = await self._call("sendMessage", lambda: {"json": {"chat_id": chat_id, "text": text}})
        return str(result["message_id"])

    async def send_file(
        self, chat_id: str, path: Path, *, caption: str | None = None, as_photo: bool = False
    ) -> str:
        """sendPhoto / sendDocument as multipart/form-data; returns the message id."""
        content = await asyncio.to_thread(path.read_bytes)
        field = "photo" if as_photo else "document"
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"

        def form() -> dict[str, Any]:
            # A FormData is consumed by sending: built afresh for each attempt.
            data = aiohttp.FormData(quote_fields=False)
            data.add_field("chat_id", chat_id)
            if caption:
                data.add_field("caption", caption)
            data.add_field(field, content, filename=path.name, content_type=mime)
            return {"data": data}

        result = await self._call("sendPhoto" if as_photo else "sendDocument", form)
        return str(result["message_id"])

    async def download(self, file_id: str, target: Path) -> Path:
        """getFile, then the file itself from /file/bot<token>/<path>, written next to ``target`` first."""
        result = await self._call("getFile", lambda: {"json": {"file_id": file_id}})
        file_path = result.get("file_path")
        if not file_path:
            raise ConnectorError("Telegram has no file for this attachment any more (it may be too large).")
        url = f"{self._base}/file/bot{self._token}/{file_path}"
        try:
            async with self._http().get(url) as response:
                if response.status != 200:
                    raise ConnectorError(f"Telegram answered {response.status} for the file download.")
                content = await response.read()
        except (TimeoutError, aiohttp.ClientError) as error:
            raise ConnectorError(
                f"The file could not be downloaded from {self._host} ({type(error).__name__})."
            ) from None
        partial = target.with_name(target.name + ".part")
        await asyncio.to_thread(partial.write_bytes, content)
        await asyncio.to_thread(os.replace, partial, target)
        return target

    async def _call(
        self, method: str, request: Callable[[], dict[str, Any]], *, timeout: float | None = None
    ) -> Any:
        """One Bot API method; waits out a short 429, turns every failure into one sentence."""
        timeout = self._request_timeout if timeout is None else timeout
        url = f"{self._base}/bot{self._token}/{method}"
        for attempt in range(ATTEMPTS):
            try:
                async with self._http().post(
                    url, timeout=aiohttp.ClientTimeout(total=timeout), **request()
                ) as response:
                    status = response.status
                    try:
                        body = await response.json(content_type=None)
                    except ValueError:
                        body = None
            except TimeoutError:
                raise ConnectorError(
                    f"The Telegram Bot API at {self._host} did not answer in time."
                ) from None
            except aiohttp.ClientError as error:
                # aiohttp's texts may carry the URL, and with it the token: only the class name is used.
                raise ConnectorError(
                    f"The Telegram Bot API at {self._host} cannot be reached ({type(error).__name__})."
                ) from None
            if status == 401:
                raise ConnectorError(
                    "Telegram rejected the bot token (wrong or revoked); check the channel's token."
                )
            if status == 404 and method != "getFile":
                # Telegram answers 404 to a token of the wrong shape, and so does a wrong API URL.
                raise ConnectorError(
                    f"{self._host} does not know this bot token; check the channel's token and API URL."
                )
            if not isinstance(body, dict):
                raise ConnectorError(
                    f"The Telegram Bot API at {self._host} answered {status} without a JSON body."
                )
            if status == 200 and body.get("ok"):
                return body.get("result")
            description = str(body.get("description") or "").replace(self._token, "***")
            if status == 429:
                parameters = body.get("parameters") or {}
                wait = float(parameters.get("retry_after") or 1)
                if attempt + 1 < ATTEMPTS and wait <= self._max_retry_wait:
                    log.info("Telegram asks to wait %.0f s before %s", wait, method)
                    await asyncio.sleep(wait)
                    continue
                raise ConnectorError(f"Telegram limits this bot's requests; try again in {wait:.0f} seconds.")
            if status == 403 and method.startswith("send"):
                raise ConnectorError(
                    "The user has blocked the bot or left the chat, so Telegram does not deliver to it."
                )
            if status == 409:
                raise ConnectorError(
                    "Another program is reading this bot's updates (or a webhook is set); "
                    "only one may receive them."
                )
            raise ConnectorError(
                f"The Telegram Bot API answered {status} to {method}: {description or 'no reason given'}."
            )
        raise ConnectorError(
            f"The Telegram Bot API kept refusing {method}."
        )  # pragma: no cover - loop exits above


def parse_update(update: dict[str, Any]) -> IncomingMessage | None:
    """The message of a Bot API update in the service's own form (None for other kinds of update)."""
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    chat = message.get("chat") or {}
    if chat.get("type", "private") != "private":
        # A bot added to a group sees many people in one chat: not a conversation with a lead.
        return None
    sender = message.get("from") or {}
    user_id = sender.get("id", chat.get("id"))
    name = " ".join(part for part in (sender.get("first_name"), sender.get("last_name")) if part) or None
    text = message.get("text") or message.get("caption")
    shared_phone: str | None = None
    contact = message.get("contact")
    if isinstance(contact, dict) and contact.get("phone_number"):
        phone = str(contact["phone_number"])
        if contact.get("user_id") is not None and contact.get("user_id") == sender.get("id"):
            # The "share my phone number" button: the user's own phone, which identifies them.
            shared_phone = phone
            text = text or phone
        else:
            # Someone else's card: kept in the thread, but it says nothing about who writes.
            owner = " ".join(part for part in (contact.get("first_name"), contact.get("last_name")) if part)
            text = text or (f"{owner}: {phone}" if owner else phone)
    return IncomingMessage(
        external_id=str(update["update_id"]),
        chat_id=str(chat.get("id", user_id)),
        user_key=f"{USER_KEY_PREFIX}{user_id}",
        sent_at=datetime.fromtimestamp(int(message.get("date") or 0), UTC)
        if message.get("date")
        else utcnow(),
        display_name=name,
        username=sender.get("username"),
        text=text,
        message_id=str(message["message_id"]) if "message_id" in message else None,
        shared_phone=shared_phone,
        attachments=_attachments(message),
    )


_MEDIA = (
    ("document", "application/octet-stream"),
    ("video", "video/mp4"),
    ("audio", "audio/mpeg"),
    ("voice", "audio/ogg"),
    ("video_note", "video/mp4"),
    ("animation", "video/mp4"),
    ("sticker", "image/webp"),
)


def _attachments(message: dict[str, Any]) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    photos = message.get("photo")
    if isinstance(photos, list) and photos:
        # Telegram lists the sizes of one photo smallest first: the largest is the picture.
        largest = photos[-1]
        found.append(
            Attachment(
                kind="photo",
                file_id=largest.get("file_id"),
                name=f"photo-{message.get('message_id', 0)}.jpg",
                mime="image/jpeg",
                size=largest.get("file_size"),
            )
        )
    for kind, default_mime in _MEDIA:
        item = message.get(kind)
        if isinstance(item, dict) and item.get("file_id"):
            found.append(
                Attachment(
                    kind=kind,
                    file_id=item["file_id"],
                    name=item.get("file_name"),
                    mime=item.get("mime_type") or default_mime,
                    size=item.get("file_size"),
                )
            )
    return tuple(found)


# ------------------------------------------------------------------------------------ the channel


def client_for_channel(session: Session, channel_id: int) -> TelegramClient:
    """The Bot API client of a dialog channel, with its token from the environment or the keyring."""
    channel = session.get(Channel, channel_id)
    if channel is None or channel.kind != ChannelKind.DIALOG.value:
        raise ConnectorError(f"There is no messenger channel with id {channel_id}.")
    settings = channel.settings or {}
    env_name = settings.get(TELEGRAM_TOKEN_ENV)
    token = channel_secret(
        SecretKind.TELEGRAM_TOKEN, channel.id, env_name, installation=installation_id(session)
    )
    if not token:
        where = f"the environment variable {env_name} or the keyring" if env_name else "the keyring"
        raise ConnectorError(f"Channel '{channel.name}' has no bot token in {where}.")
    return TelegramClient(token, str(settings.get(API_URL) or DEFAULT_TELEGRAM_API_URL))


def read_offset(session: Session, channel_id: int) -> int | None:
    """The next update id the channel expects (None before its first update)."""
    value = get_cursor(session, channel_id, OFFSET_KEY)
    return int(value) if value is not None else None


def write_offset(session: Session, channel_id: int, offset: int) -> None:
    """Store the channel's update offset inside the caller's transaction (with the messages)."""
    set_cursor(session, channel_id, OFFSET_KEY, offset)


class TelegramConnector:
    """Syncs one Telegram bot channel: long poll, store, advance the offset — in that order."""

    def __init__(
        self, db: Database, channel_id: int, options: ConnectorOptions, client: MessengerClient | None = None
    ) -> None:
        self.channel_id = channel_id
        self._db = db
        self._options = options
        self._client = client
        self._own_client = client is None
        self._identified = False

    async def sync_once(self) -> int:
        """Fetch updates (waiting up to ``poll_timeout``), store them, return how many were new."""
        if self._client is None:
            self._client = await asyncio.to_thread(self._make_client)
        client = self._client
        try:
            if not self._identified:
                bot = await client.identify()
                log.info(
                    "Channel %s: receiving messages of the bot @%s", self.channel_id, bot.username or bot.id
                )
                self._identified = True
            offset = await asyncio.to_thread(self._offset)
            batch = await client.fetch_updates(offset, self._options.poll_timeout)
        except ConnectorError:
            if self._own_client:
                # Built again from the channel's settings next time: an administrator may have
                # fixed the token or the API URL meanwhile.
                self._client = None
                self._identified = False
                await client.aclose()
            raise
        if batch.next_offset is None:
            return 0
        try:
            results = await asyncio.to_thread(self._store, batch)
        except InflowError as error:
            # The database is away or a write collided: nothing was committed, the offset stays,
            # and the same updates come again on the service's retry.
            raise ConnectorError(str(error)) from error
        stored = sum(1 for result in results if result.stored)
        if stored:
            log.info("Channel %s: %d new message(s)", self.channel_id, stored)
        return stored

    async def aclose(self) -> None:
        """Close the client's connections."""
        if self._client is not None:
            await self._client.aclose()

    def _make_client(self) -> MessengerClient:
        with self._db.session() as session:
            return client_for_channel(session, self.channel_id)

    def _offset(self) -> int | None:
        with self._db.session() as session:
            return read_offset(session, self.channel_id)

    def _store(self, batch: UpdateBatch) -> list[IngestResult]:
        # Messages, leads and the new offset commit together: a crash before the commit makes
        # Telegram send the same updates again, and after it they are confirmed and stored.
        with self._db.uow() as uow:
            results = ingest_messages(uow, self.channel_id, batch.messages) if batch.messages else []
            assert batch.next_offset is not None
            write_offset(uow.session, self.channel_id, batch.next_offset)
        return results


def create_connector(db: Database, channel_id: int, options: ConnectorOptions) -> TelegramConnector:
    """The connector factory for dialog channels (app/connectors/base.py)."""
    return TelegramConnector(db, channel_id, options)
