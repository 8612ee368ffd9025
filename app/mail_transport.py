"""Talking to a mailbox's servers: IMAP (imapclient) and SMTP (smtplib), blocking, no database.

Both the sync connector (app/connectors/mail.py, through ``asyncio.to_thread``) and the sending
service (app/services/mail.py, on a worker thread of the desktop) use these helpers. Every network
or protocol failure comes out as :class:`MailTransportError` with one sentence.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from app.domain.errors import InflowError
from app.services.admin import (
    IMAP_HOST,
    IMAP_PORT,
    MAIL_ADDRESS,
    MAIL_FOLDERS,
    MAIL_LOGIN,
    MAIL_SIGNATURE,
    PASSWORD_ENV,
    SECURITY,
    SMTP_HOST,
    SMTP_PORT,
)

# Channel.settings keys of this issue (admin.py's, and one that only scripts set).
FOLDERS = MAIL_FOLDERS
SIGNATURE = MAIL_SIGNATURE
ADDRESS = MAIL_ADDRESS
SENT_FOLDER = "sent_folder"

DEFAULT_FOLDERS = ("INBOX",)
TIMEOUT = 30.0

__all__ = [
    "ADDRESS",
    "DEFAULT_FOLDERS",
    "FOLDERS",
    "SENT_FOLDER",
    "SIGNATURE",
    "MailAccount",
    "MailTransportError",
    "append_message",
    "connect_imap",
    "find_sent_folder",
    "mail_account",
    "send_smtp",
]


class MailTransportError(InflowError):
    """The mail server could not be reached or refused; the text is one sentence."""


@dataclass(frozen=True, slots=True)
class MailAccount:
    """How to reach one mailbox: servers, security, login, password and the folders to watch."""

    channel_id: int
    imap_host: str | None
    imap_port: int | None
    smtp_host: str | None
    smtp_port: int | None
    security: str
    login: str | None
    password: str | None
    folders: tuple[str, ...]
    address: str | None
    signature: str | None
    sent_folder: str | None

    @property
    def from_address(self) -> str | None:
        """The address letters are sent from: the configured one, else a login that is an address."""
        if self.address:
            return self.address
        return self.login if self.login and "@" in self.login else None


def _folders(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part for part in re.split(r"[,\n]", value)]
    if isinstance(value, list | tuple):
        names = tuple(str(name).strip() for name in value if str(name).strip())
        if names:
            return names
    return DEFAULT_FOLDERS


def mail_account(channel_id: int, settings: Mapping[str, Any], password: str | None) -> MailAccount:
    """The account of a mailbox channel from its settings and its password (looked up by the caller)."""

    def _int(key: str) -> int | None:
        value = settings.get(key)
        return int(value) if value not in (None, "") else None

    return MailAccount(
        channel_id=channel_id,
        imap_host=settings.get(IMAP_HOST) or None,
        imap_port=_int(IMAP_PORT),
        smtp_host=settings.get(SMTP_HOST) or None,
        smtp_port=_int(SMTP_PORT),
        security=str(settings.get(SECURITY) or "ssl"),
        login=settings.get(MAIL_LOGIN) or None,
        password=password,
        folders=_folders(settings.get(FOLDERS)),
        address=settings.get(ADDRESS) or None,
        signature=settings.get(SIGNATURE) or None,
        sent_folder=settings.get(SENT_FOLDER) or None,
    )


def password_env(settings: Mapping[str, Any]) -> str | None:
    """The environment variable a channel names for its password, if any."""
    value = settings.get(PASSWORD_ENV)
    return str(value) if value else None


def _describe(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    if isinstance(error, bytes):
        text = error.decode("utf-8", "replace")
    return text.splitlines()[0][:200]


def connect_imap(account: MailAccount, timeout: float = TIMEOUT) -> IMAPClient:
    """An IMAP connection, logged in (SSL/TLS, STARTTLS or plain as the channel says)."""
    if not account.imap_host:
        raise MailTransportError(f"Mailbox {account.channel_id} has no IMAP server configured.")
    port = account.imap_port or (993 if account.security == "ssl" else 143)
    where = f"{account.imap_host}:{port}"
    try:
        client = IMAPClient(
            account.imap_host,
            port=port,
            ssl=account.security == "ssl",
            ssl_context=ssl.create_default_context() if account.security == "ssl" else None,
            timeout=timeout,
        )
    except (OSError, IMAPClientError) as error:
        raise MailTransportError(
            f"The IMAP server {where} cannot be reached ({_describe(error)})."
        ) from error
    try:
        if account.security == "starttls":
            client.starttls(ssl.create_default_context())
        if account.login:
            client.login(account.login, account.password or "")
    except LoginError as error:
        _close_quietly(client)
        raise MailTransportError(
            f"The IMAP server {where} refused the login '{account.login}' ({_describe(error)})."
        ) from error
    except (OSError, IMAPClientError) as error:
        _close_quietly(client)
        raise MailTransportError(
            f"The IMAP server {where} failed at sign-in ({_describe(error)})."
        ) from error
    return client


def _close_quietly(client: IMAPClient) -> None:
    # Closing a broken connection may fail again; there is nothing more to do then.
    with contextlib.suppress(Exception):
        client.shutdown()


def find_sent_folder(client: IMAPClient, preferred: str | None = None) -> str:
    """The folder sent copies go to: the configured one, the server's \\Sent, a "Sent" folder, or a
    new "Sent"."""
    if preferred:
        if not client.folder_exists(preferred):
            client.create_folder(preferred)
        return preferred
    names: list[str] = []
    for flags, _delimiter, name in client.list_folders():
        names.append(str(name))
        if any(flag in (b"\\Sent", "\\Sent") for flag in flags):
            return str(name)
    for candidate in ("Sent", "Sent Items", "Sent Messages", "INBOX.Sent", "Отправленные"):
        if candidate in names:
            return candidate
    client.create_folder("Sent")
    return "Sent"


_APPENDUID = re.compile(rb"APPENDUID\s+(\d+)\s+(\d+)", re.IGNORECASE)


def append_message(
    client: IMAPClient, folder: str, raw: bytes, when: datetime, *, seen: bool = True
) -> tuple[int | None, int | None]:
    """APPEND a letter to a folder; (UIDVALIDITY, UID) when the server says (UIDPLUS), else Nones."""
    flags = [b"\\Seen"] if seen else []
    response = client.append(folder, raw, flags=flags, msg_time=when)
    match = _APPENDUID.search(response if isinstance(response, bytes) else str(response).encode())
    if match:
        return int(match.group(1)), int(match.group(2))
    return None, None


def send_smtp(account: MailAccount, message: EmailMessage, recipients: Sequence[str],
              timeout: float = TIMEOUT) -> None:
    """Send one letter over the channel's SMTP server (SSL/TLS, STARTTLS or plain)."""
    if not account.smtp_host:
        raise MailTransportError(f"Mailbox {account.channel_id} has no SMTP server configured.")
    port = account.smtp_port or {"ssl": 465, "starttls": 587}.get(account.security, 25)
    where = f"{account.smtp_host}:{port}"
    sender = account.from_address or str(message["From"] or "")
    try:
        smtp: smtplib.SMTP
        if account.security == "ssl":
            smtp = smtplib.SMTP_SSL(account.smtp_host, port, timeout=timeout,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(account.smtp_host, port, timeout=timeout)
        with smtp:
            if account.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo_or_helo_if_needed()
            # A relay that offers no AUTH (a local server, the office smarthost) takes mail as is.
            if account.login and account.password and smtp.has_extn("auth"):
                smtp.login(account.login, account.password)
            smtp.send_message(message, from_addr=sender, to_addrs=list(recipients))
    except smtplib.SMTPAuthenticationError as error:
        raise MailTransportError(f"The SMTP server {where} refused the login '{account.login}'.") from error
    except smtplib.SMTPRecipientsRefused as error:
        refused = ", ".join(sorted(error.recipients))
        raise MailTransportError(f"The SMTP server {where} refused the recipients {refused}.") from error
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        raise MailTransportError(
            f"The letter could not be sent through {where} ({_describe(error)})."
        ) from error
