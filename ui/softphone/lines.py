"""This workstation's softphone lines: PBX accounts in QSettings, their passwords in the keyring.

Accounts belong to the workstation (each operator registers their own extension), so they live in
QSettings as one JSON list under ``softphone/accounts``; the password of account number N is the
keyring entry ``sip-password:N`` (app/services/secrets.py). A line's call channel is stored with it
(``channel_id``); without one the line belongs to the only — or first — call channel.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass

from PySide6.QtCore import QSettings

from app.services.secrets import SecretKind, get_secret, set_secret
from telephony.model import DirectLine, PbxAccount, SipTransport

log = logging.getLogger(__name__)

ACCOUNTS_KEY = "softphone/accounts"
DIRECT_CHANNEL_KEY = "softphone/direct_channel"
DIRECT_LINE_KEY = "direct"


@dataclass(frozen=True, slots=True)
class AccountSettings:
    """One PBX account as stored (no password)."""

    number: int
    registrar: str
    user: str
    domain: str = ""
    auth_user: str = ""
    transport: str = SipTransport.UDP.value
    proxy: str = ""
    label: str = ""
    channel_id: int | None = None

    @property
    def key(self) -> str:
        """The line key of this account in the engine."""
        return f"pbx-{self.number}"

    def account(self, password: str) -> PbxAccount:
        """The engine's account spec with its password."""
        return PbxAccount(
            key=self.key,
            registrar=self.registrar,
            user=self.user,
            domain=self.domain,
            auth_user=self.auth_user,
            password=password,
            transport=SipTransport(self.transport),
            proxy=self.proxy,
            label=self.label,
        )


def load_accounts(settings: QSettings) -> list[AccountSettings]:
    """The stored PBX accounts (unreadable entries are skipped and logged)."""
    raw = settings.value(ACCOUNTS_KEY, "")
    if not raw:
        return []
    try:
        items = json.loads(str(raw))
    except ValueError:
        log.warning("the softphone accounts setting is not JSON; ignored")
        return []
    accounts: list[AccountSettings] = []
    for item in items if isinstance(items, list) else []:
        try:
            accounts.append(AccountSettings(**item))
        except TypeError:
            log.warning("a softphone account entry is unreadable; ignored: %r", item)
    return accounts


def save_accounts(settings: QSettings, accounts: list[AccountSettings]) -> None:
    """Store the PBX accounts (passwords go through :func:`save_password`)."""
    settings.setValue(ACCOUNTS_KEY, json.dumps([asdict(a) for a in accounts], ensure_ascii=False))


def save_password(account: AccountSettings, password: str) -> None:
    """Put an account's password in the keyring (KeyringUnavailable without a secure one)."""
    set_secret(SecretKind.SIP_PASSWORD, account.number, password)


def account_password(account: AccountSettings) -> str:
    """An account's password from the keyring ("" when there is none)."""
    return get_secret(SecretKind.SIP_PASSWORD, account.number) or ""


def direct_line(listen: str) -> DirectLine:
    """The direct-SIP line of ``HOST:PORT`` (validated by ui.application.check_sip_listen)."""
    host, _, port = listen.strip().rpartition(":")
    return DirectLine(DIRECT_LINE_KEY, host.strip("[]"), int(port), listen.strip())


def direct_channel(settings: QSettings) -> int | None:
    """The call channel chosen for the direct line, if one was chosen."""
    value = settings.value(DIRECT_CHANNEL_KEY, None)
    try:
        return int(str(value)) if value not in (None, "") else None
    except ValueError:
        return None
