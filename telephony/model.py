"""What the softphone tells the rest of Inflow: frozen snapshots in the product's own words.

Nothing here imports pjsua2: the UI and the services see calls and lines only through these
types, so a fake softphone (tests) and the real engine are interchangeable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class SoftphoneError(Exception):
    """A softphone operation failed; the message is a sentence for a person."""


class CallState(StrEnum):
    """Where a call is in its life."""

    RINGING = "ringing"  # inbound, 180 sent, waiting for the operator
    CALLING = "calling"  # outbound, INVITE sent
    EARLY = "early"  # outbound, the other side rings
    CONNECTING = "connecting"  # answered, waiting for the ACK
    ACTIVE = "active"  # talking (or on hold)
    ENDED = "ended"


class CallDirection(StrEnum):
    """Which side placed the call (internal vs outside is decided later, by the services)."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


class EndReason(StrEnum):
    """Why a call ended, as the call log needs it."""

    COMPLETED = "completed"  # it was answered and then hung up by either side
    CANCELLED = "cancelled"  # the caller gave up before an answer (CANCEL, 487)
    TIMEOUT = "timeout"  # nobody answered in time (408/480)
    BUSY = "busy"  # 486/600
    REJECTED = "rejected"  # the operator (or the far side) declined (603, or our own reject)
    FAILED = "failed"  # anything else: network, codec, server error
    ELSEWHERE = "elsewhere"  # another phone of a ring group answered (CANCEL with Reason cause=200)


class RegistrationState(StrEnum):
    """The state of one line shown in the status bar."""

    OFF = "off"
    REGISTERING = "registering"
    REGISTERED = "registered"
    LISTENING = "listening"  # a direct-SIP line: nothing to register, calls come to the address
    FAILED = "failed"


class LineKind(StrEnum):
    """A direct-SIP address or an account on a PBX."""

    DIRECT = "direct"
    PBX = "pbx"


class SipTransport(StrEnum):
    """The transport a PBX account uses (TLS is a later issue)."""

    UDP = "udp"
    TCP = "tcp"


@dataclass(frozen=True, slots=True)
class DirectLine:
    """Listen for direct SIP calls on ``host:port`` (``inflow --sip-listen``)."""

    key: str
    host: str
    port: int
    label: str = ""


@dataclass(frozen=True, slots=True)
class PbxAccount:
    """A PBX account: register ``user@domain`` at the registrar, optionally through a proxy."""

    key: str
    registrar: str  # host[:port] or a sip: URI
    user: str
    domain: str = ""  # empty: the registrar's host
    auth_user: str = ""  # empty: the user
    password: str = field(default="", repr=False)  # from the keyring; never in logs
    transport: SipTransport = SipTransport.UDP
    proxy: str = ""  # outbound proxy host[:port] or sip: URI
    label: str = ""


@dataclass(frozen=True, slots=True)
class AccountSnapshot:
    """One line's registration state at a moment."""

    line: str
    kind: LineKind
    label: str
    state: RegistrationState
    uri: str
    status_code: int = 0
    reason: str = ""


@dataclass(frozen=True, slots=True)
class CallSnapshot:
    """One call at a moment; ``call_id`` is the engine's own key, stable for the call's life."""

    call_id: int
    line: str
    sip_call_id: str
    direction: CallDirection
    state: CallState
    remote_uri: str
    remote_number: str  # the user part of the remote URI; "" when anonymous / withheld
    remote_name: str
    local_uri: str
    started_at: datetime  # UTC, when it rang (inbound) or was placed (outbound)
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    status_code: int = 0
    reason: str = ""
    end_reason: EndReason | None = None
    on_hold: bool = False
    muted: bool = False
    recording_path: str | None = None
    # time.perf_counter() when the engine first saw the call (latency measurements)
    seen_perf: float = 0.0

    @property
    def anonymous(self) -> bool:
        """Whether the caller withheld the number."""
        return not self.remote_number

    @property
    def talk_seconds(self) -> int | None:
        """Whole seconds of conversation, once the call was answered and ended."""
        if self.answered_at is None or self.ended_at is None:
            return None
        return max(0, round((self.ended_at - self.answered_at).total_seconds()))


_ANONYMOUS_USERS = frozenset({"anonymous", "unknown", "unavailable", "restricted", "private", "withheld"})
_NAME_RE = re.compile(r'^\s*"((?:[^"\\]|\\.)*)"')
_PLAIN_NAME_RE = re.compile(r"^\s*([^<\"]+?)\s*<")
_URI_RE = re.compile(r"(sips?|tel):([^@;>?\s]*)(?:@([^;>?\s]*))?", re.IGNORECASE)


def parse_remote(uri: str) -> tuple[str, str]:
    """(number, display name) of a SIP name-addr; the number is "" for an anonymous caller."""
    name = ""
    quoted = _NAME_RE.match(uri)
    if quoted:
        name = quoted.group(1).replace('\\"', '"').strip()
    else:
        plain = _PLAIN_NAME_RE.match(uri)
        if plain:
            name = plain.group(1).strip()
    match = _URI_RE.search(uri)
    if match is None:
        return "", name
    scheme, user, host = match.group(1).lower(), match.group(2), (match.group(3) or "").lower()
    if scheme != "tel" and match.group(3) is None:
        return "", name  # sip:host has no user part: nothing to call back
    if host.startswith("anonymous") or user.lower() in _ANONYMOUS_USERS:
        return "", "" if name.lower() in _ANONYMOUS_USERS else name
    return user, name
