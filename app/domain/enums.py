"""Enumerations in the product's own words; their values are the stored and exported strings."""

from __future__ import annotations

from enum import StrEnum


class ChannelKind(StrEnum):
    """What kind of source a channel is (DOMAIN §2)."""

    CALL = "call"
    EMAIL = "email"
    DIALOG = "dialog"
    REQUEST = "request"


class DistributionRule(StrEnum):
    """How a channel picks the responsible for a new lead (DOMAIN §3)."""

    FIXED = "fixed"
    POOL = "pool"
    ROUND_ROBIN = "round-robin"
    LEAST_LOADED = "least-loaded"
    ZONE = "zone"


class LeadState(StrEnum):
    """The life cycle of a lead (DOMAIN §4)."""

    NEW = "new"
    IN_PROGRESS = "in_progress"
    REPEAT = "repeat"
    CONVERTED = "converted"
    REPEAT_PROCESSED = "repeat_processed"
    REJECTED = "rejected"

    @property
    def is_open(self) -> bool:
        """An open lead still waits for a result (convert or reject)."""
        return self in OPEN_STATES


OPEN_STATES = frozenset({LeadState.NEW, LeadState.IN_PROGRESS, LeadState.REPEAT})
CLOSED_STATES = frozenset({LeadState.CONVERTED, LeadState.REPEAT_PROCESSED, LeadState.REJECTED})


class LeadQuality(StrEnum):
    """Lead quality as reports count it (DOMAIN §2)."""

    TARGET = "target"
    REPEAT = "repeat"
    NON_TARGET = "non_target"
    UNCHECKED = "unchecked"


class ClientKind(StrEnum):
    """A private person or a company."""

    PERSON = "person"
    COMPANY = "company"


class ContactKind(StrEnum):
    """The kinds of contact info we normalize and index."""

    PHONE = "phone"
    EMAIL = "email"
    MESSENGER = "messenger"


class ExclusionKind(StrEnum):
    """What an exclusion-list entry matches."""

    PHONE = "phone"
    EMAIL = "email"
    DOMAIN = "domain"
    # A messenger user as stored on leads and conversations ("telegram:<user id>").
    MESSENGER = "messenger"


class StageKind(StrEnum):
    """Whether an interest on a stage is still open, won or lost."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"


class InteractionKind(StrEnum):
    """A call, letter, message, meeting or task tied to a client / lead / interest."""

    CALL = "call"
    LETTER = "letter"
    MESSAGE = "message"
    MEETING = "meeting"
    TASK = "task"


class InteractionStatus(StrEnum):
    """Planned interactions have a due time; done ones a completion time."""

    PLANNED = "planned"
    DONE = "done"


class CallDirection(StrEnum):
    """Direction of a call in the call log (DOMAIN §6)."""

    IN = "in"
    OUT = "out"
    INTERNAL = "internal"


class CallResult(StrEnum):
    """How a call ended (DOMAIN §6)."""

    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    FAILED = "failed"
    REJECTED = "rejected"


class MessageDirection(StrEnum):
    """Which way a messenger message went."""

    IN = "in"
    OUT = "out"


class MessageStatus(StrEnum):
    """Delivery state of a messenger message (inbound ones are simply received)."""

    RECEIVED = "received"
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Visibility(StrEnum):
    """Whose leads and clients a role lets a user see (DOMAIN §8)."""

    OWN = "own"
    DEPARTMENT = "department"
    ALL = "all"


class SystemRole(StrEnum):
    """The built-in roles (INTERFACES: `inflow user add --role`)."""

    OPERATOR = "operator"
    MANAGER = "manager"
    DISPATCHER = "dispatcher"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
