"""The call log and inbound calls as leads (DOMAIN §3, §6): plain functions, no Qt, both engines.

The softphone reports what happened on the line; these functions decide what it means:

* :func:`classify_caller` — internal (another user's extension, the channel's internal-number
  pattern, one of the company's own numbers) or an outside caller; the reason is kept.
* :func:`ring_inbound` — at ringing: the call record, and for an outside caller a lead through the
  intake service (external id = SIP Call-ID, so a replayed INVITE never makes a second lead) plus
  the caller's card for the ringing toast. Anonymous callers make a lead too.
* :func:`call_answered`, :func:`call_ended` — times, who answered, the result; a missed inbound
  call keeps its lead, notes the result on it and gets a planned call-back for the responsible.
* :func:`ensure_call_channels` — the call channels a softphone line can belong to; with none,
  the program creates "Телефон".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from app.domain.contacts import normalize_phone
from app.domain.enums import (
    CallDirection,
    CallResult,
    ChannelKind,
    InteractionKind,
    InteractionStatus,
    LeadState,
)
from app.domain.errors import ValidationError
from app.persistence.models import (
    CallRecord,
    Channel,
    ChannelNumber,
    Interaction,
    Lead,
    LeadHistory,
    User,
)
from app.persistence.types import utcnow
from app.persistence.uow import UnitOfWork
from app.services.admin import ChannelSpec, create_channel
from app.services.dto import LeadDTO
from app.services.intake import IntakeOutcome, LeadInput, register_lead
from app.services.lookup import CallerCard, identify_caller
from app.services.permissions import Actor
from app.services.settings import phone_region

DEFAULT_CHANNEL_NAME = "Телефон"
# Reasons stored in call_records.internal_reason: "<rule>:<what matched>".
REASON_EXTENSION = "extension"
REASON_PATTERN = "pattern"
REASON_OWN_NUMBER = "own_number"

_MISSED = frozenset({CallResult.NO_ANSWER, CallResult.BUSY, CallResult.REJECTED, CallResult.FAILED})


@dataclass(frozen=True, slots=True)
class CallChannel:
    """A call channel as a softphone line needs it."""

    id: int
    name: str
    internal_pattern: str | None
    own_numbers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CallChannels:
    """The active call channels; ``default_id`` is set when exactly one exists."""

    channels: tuple[CallChannel, ...]
    default_id: int | None
    created: bool = False  # "Телефон" was created just now

    def get(self, channel_id: int | None) -> CallChannel | None:
        """The channel with this id, if it is an active call channel."""
        return next((c for c in self.channels if c.id == channel_id), None)


@dataclass(frozen=True, slots=True)
class Classification:
    """Whether a caller is internal, and why."""

    internal: bool
    reason: str | None
    phone: str | None  # the caller's number normalized (E.164), None when withheld or not a phone


@dataclass(frozen=True, slots=True)
class InboundCall:
    """An inbound call that started ringing on a line of a channel."""

    sip_call_id: str
    channel_id: int
    caller: str  # the number as it came ("" when withheld)
    caller_name: str = ""
    called: str = ""  # the line that rang (its SIP URI)
    ring_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RingOutcome:
    """What ringing did: the call record, and for an outside caller the lead and the caller's card."""

    record_id: int
    direction: CallDirection
    internal_reason: str | None
    phone: str | None
    lead: LeadDTO | None
    created: bool  # the lead was made now (False: a replay of the same Call-ID, or no lead)
    card: CallerCard | None
    no_lead_reason: str | None = None  # excluded contact, channel not a lead source

    @property
    def repeat(self) -> bool:
        """Whether the lead is a repeat of a known client or contact."""
        return self.lead is not None and (
            self.lead.state is LeadState.REPEAT or self.lead.repeat_of_lead_id is not None
        )


@dataclass(frozen=True, slots=True)
class CallRecordDTO:
    """One line of the call log."""

    id: int
    sip_call_id: str
    direction: CallDirection
    channel_id: int | None
    caller: str | None
    caller_phone: str | None
    called: str | None
    internal_reason: str | None
    ring_at: datetime
    answer_at: datetime | None
    end_at: datetime | None
    result: CallResult | None
    talk_seconds: int | None
    recording_path: str | None
    answered_by_id: int | None
    answered_by_name: str | None
    lead_id: int | None

    @classmethod
    def of(cls, record: CallRecord, answered_by_name: str | None = None) -> CallRecordDTO:
        """Snapshot an ORM call record."""
        return cls(
            id=record.id,
            sip_call_id=record.sip_call_id,
            direction=CallDirection(record.direction),
            channel_id=record.channel_id,
            caller=record.caller,
            caller_phone=record.caller_phone,
            called=record.called,
            internal_reason=record.internal_reason,
            ring_at=record.ring_at,
            answer_at=record.answer_at,
            end_at=record.end_at,
            result=CallResult(record.result) if record.result else None,
            talk_seconds=record.talk_seconds,
            recording_path=record.recording_path,
            answered_by_id=record.answered_by_id,
            answered_by_name=answered_by_name,
            lead_id=record.lead_id,
        )


@dataclass(frozen=True, slots=True)
class EndOutcome:
    """What the end of a call changed: the record, and for a missed call the call-back task."""

    record: CallRecordDTO | None
    missed: bool
    callback_task_id: int | None


# ------------------------------------------------------------------------------------ channels


_CALL_CHANNELS = (
    select(Channel.id, Channel.name, Channel.internal_pattern)
    .where(Channel.kind == ChannelKind.CALL.value, Channel.active.is_(True))
    .order_by(Channel.id)
)


def call_channels(session: Session) -> CallChannels:
    """The active call channels with their internal-number rules."""
    rows = session.execute(_CALL_CHANNELS).all()
    numbers: dict[int, list[str]] = {}
    if rows:
        for channel_id, number in session.execute(
            select(ChannelNumber.channel_id, ChannelNumber.number).where(
                ChannelNumber.channel_id.in_([row[0] for row in rows])
            )
        ):
            numbers.setdefault(channel_id, []).append(number)
    channels = tuple(
        CallChannel(row[0], row[1], row[2], tuple(numbers.get(row[0], ()))) for row in rows
    )
    return CallChannels(channels, channels[0].id if len(channels) == 1 else None)


def ensure_call_channels(uow: UnitOfWork) -> CallChannels:
    """The call channels; with none, the program creates "Телефон" (pool of operators) first."""
    found = call_channels(uow.session)
    if found.channels:
        return found
    # The program acts for itself here (not the signed-in operator, who may not configure).
    spec = ChannelSpec(kind=ChannelKind.CALL, name=DEFAULT_CHANNEL_NAME, role_code="operator")
    try:
        create_channel(uow, Actor.system(), spec)
    except ValidationError:
        # Another desk made it meanwhile (the name is unique), or a channel of that name exists
        # with another kind: use what there is.
        found = call_channels(uow.session)
        if found.channels:
            return found
        raise
    made = call_channels(uow.session)
    return CallChannels(made.channels, made.default_id, True)


# ------------------------------------------------------------------------------ classification

_EXTENSION = select(User.login).where(User.extension == bindparam("extension"), User.active.is_(True))
_OWN_NUMBER = (
    select(Channel.name)
    .join(ChannelNumber, ChannelNumber.channel_id == Channel.id)
    .where(ChannelNumber.number == bindparam("number"))
    .limit(1)
)


def classify_caller(session: Session, channel: CallChannel | None, caller: str) -> Classification:
    """Internal (with the reason) or an outside caller, by the rules of DOMAIN §6."""
    raw = caller.strip()
    phone = normalize_phone(raw, phone_region(session)) if raw else None
    if not raw:
        return Classification(False, None, None)
    connection = session.connection()
    login = connection.execute(_EXTENSION, {"extension": raw}).scalar()
    if login is not None:
        return Classification(True, f"{REASON_EXTENSION}:{raw} ({login})", phone)
    if channel is not None and channel.internal_pattern:
        try:
            pattern = re.compile(channel.internal_pattern)
        except re.error:
            pattern = None  # validated when saved; a bad one must not stop calls from ringing
        if pattern is not None and (pattern.fullmatch(raw) or (phone and pattern.fullmatch(phone))):
            return Classification(True, f"{REASON_PATTERN}:{channel.internal_pattern}", phone)
    if phone is not None:
        owner = connection.execute(_OWN_NUMBER, {"number": phone}).scalar()
        if owner is not None:
            return Classification(True, f"{REASON_OWN_NUMBER}:{phone}", phone)
    return Classification(False, None, phone)


# ------------------------------------------------------------------------------------- ringing


def _insert_record(session: Session, values: dict[str, Any]) -> int:
    """Insert a call record once per (Call-ID, direction); a replay returns the existing id."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(CallRecord)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["sip_call_id", "direction"])
        .returning(CallRecord.id)
    )
    new_id = session.execute(statement).scalar()
    if new_id is not None:
        return int(new_id)
    existing = session.scalar(
        select(CallRecord.id).where(
            CallRecord.sip_call_id == values["sip_call_id"], CallRecord.direction == values["direction"]
        )
    )
    assert existing is not None
    return int(existing)


def ring_inbound(uow: UnitOfWork, call: InboundCall, actor: Actor | None = None) -> RingOutcome:
    """An inbound call rings: log it; an outside caller becomes a lead (idempotent by Call-ID)."""
    if not call.sip_call_id:
        raise ValidationError("A call without a SIP Call-ID cannot be logged.")
    session = uow.session
    ring_at = call.ring_at or utcnow()
    channels = call_channels(session)
    channel = channels.get(call.channel_id)
    verdict = classify_caller(session, channel, call.caller)
    values: dict[str, Any] = {
        "sip_call_id": call.sip_call_id[:300],
        "channel_id": call.channel_id if channel is not None else None,
        "caller": (call.caller or call.caller_name or None),
        "caller_phone": verdict.phone,
        "called": call.called[:300] or None,
        "ring_at": ring_at,
    }
    if verdict.internal:
        values["direction"] = CallDirection.INTERNAL.value
        values["internal_reason"] = verdict.reason
        record_id = _insert_record(session, values)
        return RingOutcome(
            record_id, CallDirection.INTERNAL, verdict.reason, verdict.phone, None, False, None
        )

    if channel is None:
        raise ValidationError("The line that rang belongs to no active call channel.")
    # The caller's history as it was before this call (the toast shows the *previous* lead).
    card = identify_caller(session, call.caller) if verdict.phone else None
    result = register_lead(
        uow,
        LeadInput(
            channel_id=channel.id,
            external_id=call.sip_call_id,
            received_at=ring_at,
            contact_name=call.caller_name.strip() or None,
            phone=call.caller.strip() or None,
            extra={"call": {"line": call.called, "anonymous": not call.caller.strip()}},
        ),
        actor,
    )
    values["direction"] = CallDirection.IN.value
    values["lead_id"] = result.lead.id if result.lead is not None else None
    record_id = _insert_record(session, values)
    refused = result.outcome in (IntakeOutcome.EXCLUDED, IntakeOutcome.NOT_LEAD_SOURCE)
    no_lead = result.reason if refused else None
    return RingOutcome(
        record_id, CallDirection.IN, None, verdict.phone, result.lead, result.created, card, no_lead
    )


# ------------------------------------------------------------------------------ answer and end


def _record_for(session: Session, sip_call_id: str, outbound: bool) -> CallRecord | None:
    directions = (
        [CallDirection.OUT.value] if outbound else [CallDirection.IN.value, CallDirection.INTERNAL.value]
    )
    return session.scalars(
        select(CallRecord).where(CallRecord.sip_call_id == sip_call_id, CallRecord.direction.in_(directions))
    ).first()


def call_answered(
    uow: UnitOfWork, sip_call_id: str, answered_at: datetime, user_id: int | None, *, outbound: bool = False
) -> CallRecordDTO | None:
    """The call was answered (by ``user_id`` at this desk); None when it was never logged."""
    record = _record_for(uow.session, sip_call_id, outbound)
    if record is None:
        return None
    if record.answer_at is None:
        record.answer_at = answered_at
        record.answered_by_id = user_id
    uow.session.flush()
    return CallRecordDTO.of(record)


def call_ended(
    uow: UnitOfWork,
    sip_call_id: str,
    ended_at: datetime,
    result: CallResult,
    *,
    outbound: bool = False,
    actor: Actor | None = None,
    answered_elsewhere: bool = False,
) -> EndOutcome:
    """The call ended: its result and talk time; a missed inbound call's lead gets a call-back task.

    Several desks may ring for one call (a PBX ring group) and all report its end. The rules:
    ``answered_elsewhere`` (the PBX cancelled this desk because another phone answered) marks the
    call answered if nothing was written yet, never missed; an end that is not "answered" is
    ignored once some desk wrote an answer; the answering desk's own end replaces an "answered
    elsewhere" end (it knows the talk time); otherwise the first end reported stands (a replay).
    """
    session = uow.session
    record = _record_for(session, sip_call_id, outbound)
    if record is None:
        return EndOutcome(None, False, None)
    if answered_elsewhere:
        if record.end_at is None and record.answer_at is None:
            record.end_at = ended_at
            record.result = CallResult.ANSWERED.value
            session.flush()
        return EndOutcome(CallRecordDTO.of(record), False, None)
    answered_here = CallResult(result) is CallResult.ANSWERED and record.answer_at is not None
    if record.end_at is not None:
        replaces_elsewhere = answered_here and record.talk_seconds is None
        if not replaces_elsewhere:
            return EndOutcome(CallRecordDTO.of(record), False, None)
    elif record.answer_at is not None and not answered_here:
        # Another desk answered and is talking: this desk hanging up its leg is not the call's end.
        return EndOutcome(CallRecordDTO.of(record), False, None)
    record.end_at = ended_at
    record.result = result.value
    if record.answer_at is not None:
        record.talk_seconds = max(0, round((ended_at - record.answer_at).total_seconds()))
    missed = record.direction == CallDirection.IN.value and CallResult(result) in _MISSED
    task_id: int | None = None
    if missed and record.lead_id is not None:
        lead = session.get(Lead, record.lead_id)
        if lead is not None:
            task_id = _note_missed_call(session, lead, record, result, ended_at, actor or Actor.system())
    session.flush()
    return EndOutcome(CallRecordDTO.of(record), missed, task_id)


def _note_missed_call(
    session: Session, lead: Lead, record: CallRecord, result: CallResult, at: datetime, actor: Actor
) -> int:
    # The lead keeps the result in its own words (extra + history) so a missed call is never
    # just a silent lead; the call-back is a planned call on the responsible's list.
    extra = dict(lead.extra or {})
    extra["call_result"] = result.value
    lead.extra = extra
    lead.updated_at = utcnow()
    session.add(
        LeadHistory(
            lead_id=lead.id,
            at=at,
            user_id=actor.user_id,
            action="call_missed",
            changes={"call_result": [None, result.value]},
            comment=None,
        )
    )
    number = record.caller_phone or record.caller
    subject = f"Call back {number}" if number else "Missed call: the number was withheld"
    task = Interaction(
        kind=InteractionKind.CALL.value,
        status=InteractionStatus.PLANNED.value,
        client_id=lead.client_id,
        lead_id=lead.id,
        user_id=lead.responsible_user_id,
        subject=subject[:300],
        planned_at=at,
    )
    session.add(task)
    session.flush()
    return task.id


def log_outbound(
    uow: UnitOfWork,
    sip_call_id: str,
    channel_id: int | None,
    callee: str,
    started_at: datetime,
    user_id: int | None,
    lead_id: int | None = None,
) -> int:
    """An outbound call was placed from this desk (from a lead's card: on that lead); its record id."""
    session = uow.session
    phone = normalize_phone(callee, phone_region(session)) if callee else None
    return _insert_record(
        session,
        {
            "sip_call_id": sip_call_id[:300],
            "direction": CallDirection.OUT.value,
            "channel_id": channel_id,
            "caller": None,
            "caller_phone": phone,
            "called": callee[:300] or None,
            "ring_at": started_at,
            "answered_by_id": user_id,
            "lead_id": lead_id,
        },
    )


def set_recording(uow: UnitOfWork, sip_call_id: str, path: str, *, outbound: bool = False) -> None:
    """Remember where the call's recording is."""
    record = _record_for(uow.session, sip_call_id, outbound)
    if record is not None:
        record.recording_path = path[:1000]


# ------------------------------------------------------------------------------------- reading


def recent_calls(session: Session, limit: int = 50, lead_id: int | None = None) -> list[CallRecordDTO]:
    """The latest calls, newest first (of one lead when given)."""
    answered_by = aliased(User)
    statement = (
        select(CallRecord, answered_by.full_name)
        .outerjoin(answered_by, answered_by.id == CallRecord.answered_by_id)
        .order_by(CallRecord.ring_at.desc(), CallRecord.id.desc())
        .limit(limit)
    )
    if lead_id is not None:
        statement = statement.where(CallRecord.lead_id == lead_id)
    return [CallRecordDTO.of(record, name) for record, name in session.execute(statement)]


def recent_caller_phones(session: Session, limit: int = 300) -> list[str]:
    """Distinct caller numbers of the latest calls and call leads (to warm a caller-ID cache)."""
    phones: list[str] = []
    latest = (
        select(CallRecord.caller_phone, func.max(CallRecord.id).label("last"))
        .where(CallRecord.caller_phone.is_not(None))
        .group_by(CallRecord.caller_phone)
        .order_by(func.max(CallRecord.id).desc())
        .limit(limit)
    )
    phones.extend(row[0] for row in session.execute(latest) if row[0] is not None)
    if len(phones) < limit:
        leads = (
            select(Lead.phone)
            .where(Lead.kind == ChannelKind.CALL.value, Lead.phone.is_not(None))
            .order_by(Lead.id.desc())
            .limit(limit * 3)
        )
        for (phone,) in session.execute(leads):
            if phone is not None and phone not in phones:
                phones.append(phone)
                if len(phones) >= limit:
                    break
    return phones


def caller_cards(session: Session, phones: Sequence[str]) -> dict[str, CallerCard]:
    """The toast's card for each number (for the caller-ID cache)."""
    cards: dict[str, CallerCard] = {}
    for phone in phones:
        card = identify_caller(session, phone)
        if card.phone is not None:
            cards[card.phone] = card
    return cards
