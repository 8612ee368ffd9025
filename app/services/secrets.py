"""Channel secrets (mailbox passwords, bot tokens) in the operating system's keyring (DOMAIN §8).

Secrets never reach the database or a settings file. A channel may instead name an environment
variable (INTERFACES "Channel options"); :func:`channel_secret` reads that variable first and falls
back to the keyring, where the desktop Settings put what an administrator typed.

A keyring that is not secure is refused rather than used: keyring's ``fail`` backend (a headless
machine without a Secret Service), its ``null`` backend, and every ``keyrings.alt`` backend (a
plaintext or home-made encrypted file; the encrypted one would even prompt on a terminal).

Entries are stored under the service :data:`SERVICE` with the user name
``<kind>:<installation id>:<channel id>``: channel ids start at 1 in every database, so two
databases on one computer (a test copy, two companies) must not share an entry. The installation
id is a random value kept in the database's settings table (:func:`installation_id`). Entries
written before that (``<kind>:<channel id>``) are still read as a fallback when no installation id
is given or the new entry is missing.
"""

from __future__ import annotations

import os
import uuid
from enum import StrEnum
from typing import Literal, overload

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.domain.errors import InflowError, ValidationError
from app.persistence.models import Setting

SERVICE = "inflow-channel"
# The settings key of the database's identity that keyring entries are keyed by.
INSTALLATION_ID = "installation_id"

NO_SECURE_KEYRING = (
    "No secure keyring on this computer, so the secret was not saved: unlock or install the system "
    "keyring (GNOME Keyring, KWallet, Windows Credential Manager, macOS Keychain), or name an "
    "environment variable that holds it instead."
)

# Backends that store nothing or store in the clear: refused for secrets.
_INSECURE_MODULES = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt")


class SecretKind(StrEnum):
    """Which secret of a channel."""

    MAIL_PASSWORD = "mail-password"
    TELEGRAM_TOKEN = "telegram-token"
    # A softphone PBX account of this workstation, keyed by the account's number (not a channel id).
    SIP_PASSWORD = "sip-password"


class KeyringUnavailable(InflowError):
    """There is no secure keyring, or it refused to answer; the message says what to do."""


def _username(kind: SecretKind | str, channel_id: int, installation: str | None = None) -> str:
    if installation:
        return f"{SecretKind(kind).value}:{installation}:{int(channel_id)}"
    return f"{SecretKind(kind).value}:{int(channel_id)}"


@overload
def installation_id(session: Session, *, create: Literal[True] = True) -> str: ...


@overload
def installation_id(session: Session, *, create: bool) -> str | None: ...


def installation_id(session: Session, *, create: bool = True) -> str | None:
    """This database's stable identity (a random id stored in settings on first use).

    Creating it writes to the settings table inside the caller's unit of work; an insert that
    loses a race to another process keeps the other's value. Readers (a read-only session) pass
    ``create=False`` and get None before any secret was stored under an installation id — the
    old unkeyed entries are then the only ones there can be.
    """
    found = session.scalar(select(Setting.value).where(Setting.key == INSTALLATION_ID))
    if found or not create:
        return found or None
    new = uuid.uuid4().hex
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(Setting).values(key=INSTALLATION_ID, value=new).on_conflict_do_nothing())
    found = session.scalar(select(Setting.value).where(Setting.key == INSTALLATION_ID))
    return found or new


def _backends(backend: KeyringBackend) -> list[KeyringBackend]:
    # The chainer backend (keyring's default on some systems) delegates to the backends it holds.
    inner = getattr(backend, "backends", None)
    if isinstance(inner, list | tuple):
        return [b for b in inner if isinstance(b, KeyringBackend)]
    return [backend]


def _is_insecure(backend: KeyringBackend) -> bool:
    module = type(backend).__module__
    return any(module == name or module.startswith(name + ".") for name in _INSECURE_MODULES)


def secure_keyring_problem() -> str | None:
    """Why secrets cannot be stored on this computer (a sentence), or None when they can."""
    backends = _backends(keyring.get_keyring())
    if not backends or all(_is_insecure(backend) for backend in backends) or _is_insecure(backends[0]):
        return NO_SECURE_KEYRING
    return None


def require_secure_keyring() -> None:
    """Raise :class:`KeyringUnavailable` unless a secure keyring is in use."""
    problem = secure_keyring_problem()
    if problem is not None:
        raise KeyringUnavailable(problem)


def set_secret(
    kind: SecretKind | str, channel_id: int, value: str, *, installation: str | None = None
) -> None:
    """Store a channel's secret in the keyring (refused without a secure keyring); pass the
    database's :func:`installation_id` so that another database's channel of the same id
    does not share it."""
    if not value:
        raise ValidationError("An empty secret cannot be stored; leave the field empty to keep the old one.")
    require_secure_keyring()
    try:
        keyring.set_password(SERVICE, _username(kind, channel_id, installation), value)
    except KeyringError as error:
        raise KeyringUnavailable(f"The keyring refused to store the secret ({error}).") from error


def get_secret(kind: SecretKind | str, channel_id: int, *, installation: str | None = None) -> str | None:
    """A channel's secret from the keyring (the installation's entry, else the old unkeyed one),
    or None when there is none (or no keyring)."""
    if secure_keyring_problem() is not None:
        return None
    names = [_username(kind, channel_id, installation)]
    if installation:
        names.append(_username(kind, channel_id))
    for name in names:
        try:
            value = keyring.get_password(SERVICE, name)
        except KeyringError:
            return None
        if isinstance(value, str):
            return value
    return None


def has_secret(kind: SecretKind | str, channel_id: int, *, installation: str | None = None) -> bool:
    """Whether the keyring holds a secret for the channel."""
    return get_secret(kind, channel_id, installation=installation) is not None


def delete_secret(kind: SecretKind | str, channel_id: int, *, installation: str | None = None) -> None:
    """Forget a channel's secret, the installation's entry and the old unkeyed one (nothing happens
    when there is none)."""
    if secure_keyring_problem() is not None:
        return
    names = [_username(kind, channel_id, installation)]
    if installation:
        names.append(_username(kind, channel_id))
    for name in names:
        try:
            keyring.delete_password(SERVICE, name)
        except PasswordDeleteError:
            pass
        except KeyringError as error:
            raise KeyringUnavailable(f"The keyring refused to delete the secret ({error}).") from error


def channel_secret(
    kind: SecretKind | str, channel_id: int, env_name: str | None = None, *, installation: str | None = None
) -> str | None:
    """The secret a running channel uses: the named environment variable when set, else the keyring."""
    if env_name:
        value = os.environ.get(env_name)
        if value:
            return value
    return get_secret(kind, channel_id, installation=installation)
