"""Dialogs: messenger conversations, their messages and the leads they make (DOMAIN §3, §6).

A connector (app/connectors/telegram.py) hands inbound messages to :func:`ingest_messages`, which
keeps one conversation per (channel, chat) and decides, message by message, whether it opens a lead:

- a new conversation from an unknown user is a lead of the dialog channel (through the same intake
  as every channel, so idempotency, exclusions, repeat detection and distribution are shared);
- while the conversation's current lead is still open, further messages join that lead's thread;
- once that lead is closed (converted or rejected), the next message makes a new lead — a repeat
  lead, since the user is known from the earlier lead, a MESSENGER contact point (the operator linked
  the user to a client) or a phone the user shared;
- the exclusion list applies to the phone the user shared (the exclusion list has no messenger kind).

The Dialogs workspace reads conversations and messages as frozen DTOs, sends replies (recorded as
pending first, so a failed send is never lost and can be retried), links a chat user to a client,
and reads the quick replies kept in the company settings.

Threading: :func:`send_reply`, :func:`retry_message` and :func:`download_attachment` talk to the
messenger over the network and take a :class:`Database` (two short transactions around the call);
run them off the GUI thread. Everything else takes a session or unit of work like other services.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ColumnElement, and_, case, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from app.connectors.base import ConnectorError
from app.domain.contacts import normalize_phone
from app.domain.enums import (
    ChannelKind,
    ContactKind,
    LeadQuality,
    LeadState,
    MessageDirection,
    MessageStatus,
    Visibility,
)
from app.domain.errors import InflowError, NotFound, PermissionDenied, ValidationError
from app.persistence.db import default_data_dir
from app.persistence.models import (
    Channel,
    Client,
    ContactPerson,
    ContactPoint,
    Conversation,
    ConversationMessage,
    Lead,
    LeadHistory,
    User,
)
from app.persistence.types import utcnow
from app.persistence.uow import Database, UnitOfWork
from app.services.intake import IntakeOutcome, LeadInput, register_lead
from app.services.permissions import Actor, Right, client_visibility_clause, lead_visibility_clause
from app.services.settings import get_setting, phone_region, set_setting

if TYPE_CHECKING:
    from app.connectors.telegram import MessengerClient

PAGE = 100
MESSAGES_PAGE = 500
PREVIEW_LENGTH = 120
# Leads made from a messenger update are keyed "update:<update id>" on their channel (DOMAIN §3).
LEAD_KEY_PREFIX = "update:"
# An outbound message still "pending" after this long was cut off by a crash; it may be retried.
STALE_PENDING = timedelta(minutes=2)

QUICK_REPLIES_KEY = "dialogs.quick_replies"
DEFAULT_QUICK_REPLIES: tuple[str, ...] = (
    "Здравствуйте! Чем можем помочь?",
    "Спасибо за обращение! Менеджер свяжется с вами в ближайшее время.",
    "Подскажите, пожалуйста, ваш номер телефона для связи.",
    "Уточняю информацию, отвечу в течение нескольких минут.",
    "Спасибо! Хорошего дня!",
)
MAX_QUICK_REPLIES = 50
MAX_QUICK_REPLY_LENGTH = 1000
# Telegram's limit for one text message; longer replies are refused with a sentence.
MAX_TEXT_LENGTH = 4096
# ... and for the caption of a photo or document.
MAX_CAPTION_LENGTH = 1024


# ------------------------------------------------------------------------------------------ DTOs


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file of a message as the messenger described it, and where it was saved once downloaded."""

    kind: str  # photo, document, voice, video, audio, sticker
    file_id: str | None = None
    name: str | None = None
    mime: str | None = None
    size: int | None = None
    path: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The stored form (conversation_messages.attachments)."""
        return {
            "kind": self.kind,
            "file_id": self.file_id,
            "name": self.name,
            "mime": self.mime,
            "size": self.size,
            "path": self.path,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Attachment:
        """Read the stored form back."""
        size = data.get("size")
        return cls(
            kind=str(data.get("kind") or "document"),
            file_id=data.get("file_id"),
            name=data.get("name"),
            mime=data.get("mime"),
            size=int(size) if isinstance(size, int | float) else None,
            path=data.get("path"),
        )


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """One inbound messenger message as a connector hands it over (messenger-neutral)."""

    external_id: str  # the messenger's update id: the idempotency key of the message and its lead
    chat_id: str
    user_key: str  # e.g. "telegram:<user id>", as stored on leads.messenger_user and contact points
    sent_at: datetime
    display_name: str | None = None
    username: str | None = None
    text: str | None = None
    message_id: str | None = None  # the messenger's id of the message within its chat
    shared_phone: str | None = None  # a phone the user shared about themselves (a contact message)
    attachments: tuple[Attachment, ...] = ()


class IngestOutcome(StrEnum):
    """What :func:`ingest_messages` did with one inbound message."""

    NEW_LEAD = "new_lead"  # the message opened a new lead
    REPEAT_LEAD = "repeat_lead"  # the message opened a repeat lead of a known contact
    THREAD = "thread"  # the message joined the open lead of its conversation
    EXCLUDED = "excluded"  # the contact is on the exclusion list: stored, no lead
    NO_LEAD = "no_lead"  # the channel is not a lead source: stored, no lead
    DUPLICATE = "duplicate"  # the same update was stored before: nothing done


@dataclass(frozen=True, slots=True)
class IngestResult:
    """The outcome of one inbound message."""

    outcome: IngestOutcome
    conversation_id: int
    message_id: int | None
    lead_id: int | None

    @property
    def stored(self) -> bool:
        """Whether this call stored the message (it was not a replay)."""
        return self.outcome is not IngestOutcome.DUPLICATE


@dataclass(frozen=True, slots=True)
class ConversationDTO:
    """One conversation as the Dialogs list and the chat header show it."""

    id: int
    channel_id: int
    channel_name: str
    chat_id: str
    user_key: str
    display_name: str | None
    username: str | None
    phone: str | None
    client_id: int | None
    client_name: str | None
    contact_person_id: int | None
    contact_person_name: str | None
    lead_id: int | None
    lead_state: LeadState | None
    lead_version: int | None
    lead_responsible_name: str | None
    last_message_at: datetime | None
    last_message_text: str | None
    last_message_direction: MessageDirection | None
    waiting_since: datetime | None
    created_at: datetime

    @property
    def title(self) -> str:
        """The user's name as the list shows it: name, else @username, else the messenger id."""
        if self.display_name:
            return self.display_name
        if self.username:
            return f"@{self.username}"
        return self.user_key

    @property
    def unanswered(self) -> bool:
        """Whether the user waits for an operator's answer."""
        return self.waiting_since is not None

    @property
    def lead_open(self) -> bool:
        """Whether the conversation's current lead still waits for a result."""
        return self.lead_state is not None and self.lead_state.is_open

    def waiting(self, now: datetime) -> timedelta | None:
        """How long the user has waited for an answer at ``now`` (None when answered)."""
        if self.waiting_since is None:
            return None
        return max(now - self.waiting_since, timedelta(0))


@dataclass(frozen=True, slots=True)
class ConversationPage:
    """One page of the conversations list, with the totals of the whole filtered list."""

    rows: tuple[ConversationDTO, ...]
    total: int
    unanswered: int


@dataclass(frozen=True, slots=True)
class MessageDTO:
    """One message of a conversation's thread."""

    id: int
    conversation_id: int
    direction: MessageDirection
    text: str | None
    attachments: tuple[Attachment, ...]
    sent_at: datetime
    status: MessageStatus
    error: str | None
    external_id: str | None
    lead_id: int | None
    user_id: int | None
    user_name: str | None

    @property
    def inbound(self) -> bool:
        """Whether the user wrote it (rather than an operator)."""
        return self.direction is MessageDirection.IN

    def can_retry(self, now: datetime) -> bool:
        """Whether :func:`retry_message` may send it again: failed, or pending but cut off by a crash."""
        if self.direction is not MessageDirection.OUT:
            return False
        if self.status is MessageStatus.FAILED:
            return True
        return self.status is MessageStatus.PENDING and now - self.sent_at > STALE_PENDING


# ---------------------------------------------------------------------------------------- ingest


def ingest_messages(
    uow: UnitOfWork, channel_id: int, messages: Sequence[IncomingMessage]
) -> list[IngestResult]:
    """Store inbound messages of a dialog channel, opening or joining leads; results in order.

    Idempotent by ``external_id`` within a conversation: a replayed update is reported as
    DUPLICATE and changes nothing. Runs as the system (channel intake has no user).
    """
    session = uow.session
    channel = session.get(Channel, channel_id)
    if channel is None:
        raise NotFound(f"There is no channel with id {channel_id}.")
    if channel.kind != ChannelKind.DIALOG.value:
        raise ValidationError(f"Channel '{channel.name}' is not a messenger channel.")
    region = phone_region(session)
    return [_ingest_one(uow, channel, message, region) for message in messages]


def _ingest_one(uow: UnitOfWork, channel: Channel, message: IncomingMessage, region: str) -> IngestResult:
    session = uow.session
    conversation = _conversation_for(session, channel.id, message)
    if _message_exists(session, conversation.id, MessageDirection.IN, message.external_id):
        return IngestResult(IngestOutcome.DUPLICATE, conversation.id, None, conversation.lead_id)

    shared = normalize_phone(message.shared_phone, region) if message.shared_phone else None
    if shared:
        conversation.phone = shared
    stored = ConversationMessage(
        conversation_id=conversation.id,
        direction=MessageDirection.IN.value,
        external_id=message.external_id,
        text=message.text,
        attachments=[attachment.to_json() for attachment in message.attachments],
        sent_at=message.sent_at,
        status=MessageStatus.RECEIVED.value,
    )
    session.add(stored)
    if conversation.last_message_at is None or message.sent_at >= conversation.last_message_at:
        conversation.last_message_at = message.sent_at
    if conversation.waiting_since is None:
        conversation.waiting_since = message.sent_at

    current = session.get(Lead, conversation.lead_id) if conversation.lead_id is not None else None
    if current is not None and LeadState(current.state).is_open:
        # The conversation's lead is still being worked: the message is part of its thread.
        stored.lead_id = current.id
        if shared:
            _apply_shared_phone(session, conversation, current, shared)
        uow.flush()
        return IngestResult(IngestOutcome.THREAD, conversation.id, stored.id, current.id)

    result = register_lead(
        uow,
        LeadInput(
            channel_id=channel.id,
            external_id=f"{LEAD_KEY_PREFIX}{message.external_id}",
            received_at=message.sent_at,
            contact_name=conversation.display_name
            or (f"@{conversation.username}" if conversation.username else None),
            phone=conversation.phone,
            messenger_user=conversation.user_key,
            subject=_subject(message),
            message=_body(message),
        ),
    )
    if result.lead is None:
        uow.flush()
        outcome = (
            IngestOutcome.EXCLUDED if result.outcome is IntakeOutcome.EXCLUDED else IngestOutcome.NO_LEAD
        )
        return IngestResult(outcome, conversation.id, stored.id, None)
    lead = result.lead
    stored.lead_id = lead.id
    conversation.lead_id = lead.id
    if lead.client_id is not None and conversation.client_id is None:
        conversation.client_id = lead.client_id
        conversation.contact_person_id = lead.contact_person_id
    uow.flush()
    outcome = IngestOutcome.REPEAT_LEAD if lead.state is LeadState.REPEAT else IngestOutcome.NEW_LEAD
    return IngestResult(outcome, conversation.id, stored.id, lead.id)


def _conversation_for(session: Session, channel_id: int, message: IncomingMessage) -> Conversation:
    conversation = session.scalars(
        select(Conversation).where(
            Conversation.channel_id == channel_id, Conversation.chat_id == message.chat_id
        )
    ).one_or_none()
    if conversation is None:
        # One connector per channel holds the lease, so no other writer creates the same chat;
        # the unique constraint is the backstop (the batch rolls back and is fetched again).
        conversation = Conversation(
            channel_id=channel_id,
            chat_id=message.chat_id,
            user_key=message.user_key,
            display_name=_clip(message.display_name, 300),
            username=_clip(message.username, 200),
            created_at=utcnow(),
        )
        session.add(conversation)
        session.flush()
    else:
        # People rename themselves; the list shows the current name.
        if message.display_name:
            conversation.display_name = _clip(message.display_name, 300)
        if message.username:
            conversation.username = _clip(message.username, 200)
    return conversation


def _message_exists(
    session: Session, conversation_id: int, direction: MessageDirection, external_id: str
) -> bool:
    found = session.scalar(
        select(ConversationMessage.id).where(
            ConversationMessage.conversation_id == conversation_id,
            ConversationMessage.direction == direction.value,
            ConversationMessage.external_id == external_id,
        )
    )
    return found is not None


def _apply_shared_phone(session: Session, conversation: Conversation, lead: Lead, phone: str) -> None:
    """A phone shared during an open lead completes the lead and identifies a known client."""
    changes: dict[str, Any] = {}
    if lead.phone is None:
        changes["phone"] = [None, phone]
        lead.phone = phone
    if lead.client_id is None:
        point = session.execute(
            select(ContactPoint.client_id, ContactPoint.contact_person_id)
            .where(ContactPoint.kind == ContactKind.PHONE.value, ContactPoint.value == phone)
            .order_by(ContactPoint.id)
            .limit(1)
        ).first()
        if point is not None:
            changes["client_id"] = [None, point[0]]
            lead.client_id, lead.contact_person_id = point[0], point[1]
            conversation.client_id, conversation.contact_person_id = point[0], point[1]
            if lead.state == LeadState.NEW.value:
                # A known client's inquiry is a repeat lead (DOMAIN §3), also when we learn it late.
                changes["state"] = [lead.state, LeadState.REPEAT.value]
                lead.state = LeadState.REPEAT.value
                changes["quality"] = [lead.quality, LeadQuality.REPEAT.value]
                lead.quality = LeadQuality.REPEAT.value
    if changes:
        lead.updated_at = utcnow()
        session.add(
            LeadHistory(
                lead_id=lead.id,
                action="contact_shared",
                changes=changes,
                comment="the user shared a phone in the chat",
            )
        )


def _subject(message: IncomingMessage) -> str | None:
    if message.text and message.text.strip():
        first = message.text.strip().splitlines()[0]
        return first[:PREVIEW_LENGTH]
    if message.shared_phone:
        return f"[contact] {message.shared_phone}"
    if message.attachments:
        attachment = message.attachments[0]
        return f"[{attachment.kind}] {attachment.name}" if attachment.name else f"[{attachment.kind}]"
    return None


def _body(message: IncomingMessage) -> str | None:
    return message.text if message.text else _subject(message)


def _clip(text: str | None, size: int) -> str | None:
    return text[:size] if text is not None and len(text) > size else text


# ---------------------------------------------------------------------------------------- reading


def _visible(actor: Actor) -> ColumnElement[bool]:
    """Conversations the actor may see: those without a lead, or whose lead the actor may see."""
    if actor.visibility is Visibility.ALL:
        return Conversation.id.is_not(None)
    return or_(Conversation.lead_id.is_(None), lead_visibility_clause(actor))


def _conversation_query() -> Any:
    responsible = aliased(User)
    last = aliased(ConversationMessage)
    latest_id = (
        select(func.max(ConversationMessage.id))
        .where(ConversationMessage.conversation_id == Conversation.id)
        .correlate(Conversation)
        .scalar_subquery()
    )
    return (
        select(
            Conversation,
            Channel.name,
            Client.name,
            ContactPerson.name,
            Lead.state,
            Lead.version,
            responsible.full_name,
            last.text,
            last.direction,
            last.attachments,
        )
        .join(Channel, Channel.id == Conversation.channel_id)
        .outerjoin(Client, Client.id == Conversation.client_id)
        .outerjoin(ContactPerson, ContactPerson.id == Conversation.contact_person_id)
        .outerjoin(Lead, Lead.id == Conversation.lead_id)
        .outerjoin(responsible, responsible.id == Lead.responsible_user_id)
        .outerjoin(last, last.id == latest_id)
    )


def _conversation_dto(row: Any) -> ConversationDTO:
    conversation: Conversation = row[0]
    text: str | None = row[7]
    if not text and row[9]:
        first = Attachment.from_json(row[9][0])
        text = f"[{first.kind}] {first.name}" if first.name else f"[{first.kind}]"
    return ConversationDTO(
        id=conversation.id,
        channel_id=conversation.channel_id,
        channel_name=row[1],
        chat_id=conversation.chat_id,
        user_key=conversation.user_key,
        display_name=conversation.display_name,
        username=conversation.username,
        phone=conversation.phone,
        client_id=conversation.client_id,
        client_name=row[2],
        contact_person_id=conversation.contact_person_id,
        contact_person_name=row[3],
        lead_id=conversation.lead_id,
        lead_state=LeadState(row[4]) if row[4] else None,
        lead_version=row[5],
        lead_responsible_name=row[6],
        last_message_at=conversation.last_message_at,
        last_message_text=text[:PREVIEW_LENGTH] if text else None,
        last_message_direction=MessageDirection(row[8]) if row[8] else None,
        waiting_since=conversation.waiting_since,
        created_at=conversation.created_at,
    )


def list_conversations(
    session: Session,
    actor: Actor,
    *,
    channel_id: int | None = None,
    unanswered_only: bool = False,
    offset: int = 0,
    limit: int = PAGE,
) -> ConversationPage:
    """Conversations the actor may see: unanswered first (longest waiting on top), then the rest by
    their last message, newest first; one page plus the totals."""
    conditions: list[ColumnElement[bool]] = [_visible(actor)]
    if channel_id is not None:
        conditions.append(Conversation.channel_id == channel_id)
    if unanswered_only:
        conditions.append(Conversation.waiting_since.is_not(None))
    waiting_first = case((Conversation.waiting_since.is_not(None), 0), else_=1)
    # The page's ids first, from the conversations (and their leads, for visibility) alone; names
    # and the last message are then read for that page only, not for every conversation sorted.
    ids = list(
        session.scalars(
            select(Conversation.id)
            .outerjoin(Lead, Lead.id == Conversation.lead_id)
            .where(*conditions)
            .order_by(
                waiting_first,
                Conversation.waiting_since,
                func.coalesce(Conversation.last_message_at, Conversation.created_at).desc(),
                Conversation.id.desc(),
            )
            .offset(max(offset, 0))
            .limit(max(limit, 0))
        )
    )
    found = {}
    if ids:
        found = {
            row[0].id: _conversation_dto(row)
            for row in session.execute(_conversation_query().where(Conversation.id.in_(ids)))
        }
    rows = tuple(found[conversation_id] for conversation_id in ids if conversation_id in found)
    counts = session.execute(
        select(func.count(), func.count(Conversation.waiting_since))
        .select_from(Conversation)
        .outerjoin(Lead, Lead.id == Conversation.lead_id)
        .where(*conditions)
    ).one()
    return ConversationPage(rows=rows, total=int(counts[0]), unanswered=int(counts[1]))


def get_conversation(session: Session, actor: Actor, conversation_id: int) -> ConversationDTO:
    """One conversation, or NotFound when it does not exist or the actor may not see it."""
    row = session.execute(
        _conversation_query().where(Conversation.id == conversation_id, _visible(actor))
    ).first()
    if row is None:
        raise NotFound(f"Conversation {conversation_id} does not exist or is not visible to {actor.login}.")
    return _conversation_dto(row)


def conversation_of_lead(session: Session, actor: Actor, lead_id: int) -> ConversationDTO | None:
    """The conversation a lead came from or joined (the lead card's "open chat"), if the actor may
    see it; None for a lead of no conversation."""
    conversation_id = session.scalar(
        select(ConversationMessage.conversation_id)
        .where(ConversationMessage.lead_id == lead_id)
        .order_by(ConversationMessage.id)
        .limit(1)
    )
    if conversation_id is None:
        return None
    row = session.execute(
        _conversation_query().where(Conversation.id == conversation_id, _visible(actor))
    ).first()
    return _conversation_dto(row) if row is not None else None


def mark_answered(uow: UnitOfWork, actor: Actor, conversation_id: int) -> ConversationDTO:
    """End the wait without a reply (a "thank you" needs no answer): the conversation leaves the
    unanswered ones until the user writes again."""
    session = uow.session
    get_conversation(session, actor, conversation_id)
    session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id)
        .values(waiting_since=None)
        .execution_options(synchronize_session=False)
    )
    return get_conversation(session, actor, conversation_id)


def conversation_messages(
    session: Session,
    actor: Actor,
    conversation_id: int,
    *,
    after_id: int | None = None,
    before_id: int | None = None,
    limit: int = MESSAGES_PAGE,
) -> list[MessageDTO]:
    """The thread, oldest first: the newest ``limit`` messages (before ``before_id`` when paging
    back), or only those after ``after_id`` (a live refresh)."""
    get_conversation(session, actor, conversation_id)
    statement = (
        select(ConversationMessage, User.full_name)
        .outerjoin(User, User.id == ConversationMessage.user_id)
        .where(ConversationMessage.conversation_id == conversation_id)
    )
    if after_id is not None:
        statement = statement.where(ConversationMessage.id > after_id)
    if before_id is not None:
        statement = statement.where(ConversationMessage.id < before_id)
    # Newest first for the limit, then turned around for display; ids follow arrival order.
    statement = statement.order_by(ConversationMessage.id.desc()).limit(max(limit, 0))
    rows = list(session.execute(statement))
    rows.reverse()
    return [_message_dto(message, name) for message, name in rows]


def _message_dto(message: ConversationMessage, user_name: str | None) -> MessageDTO:
    return MessageDTO(
        id=message.id,
        conversation_id=message.conversation_id,
        direction=MessageDirection(message.direction),
        text=message.text,
        attachments=tuple(Attachment.from_json(item) for item in message.attachments or ()),
        sent_at=message.sent_at,
        status=MessageStatus(message.status),
        error=message.error,
        external_id=message.external_id,
        lead_id=message.lead_id,
        user_id=message.user_id,
        user_name=user_name,
    )


def _load_message(session: Session, message_id: int) -> MessageDTO:
    row = session.execute(
        select(ConversationMessage, User.full_name)
        .outerjoin(User, User.id == ConversationMessage.user_id)
        .where(ConversationMessage.id == message_id)
    ).one()
    return _message_dto(row[0], row[1])


# ----------------------------------------------------------------------------------------- replies


@dataclass(frozen=True, slots=True)
class _Outgoing:
    message_id: int
    channel_id: int
    chat_id: str
    text: str | None
    attachment: Path | None


def send_reply(
    db: Database,
    actor: Actor,
    conversation_id: int,
    text: str | None,
    *,
    attachment: Path | None = None,
    client: MessengerClient | None = None,
) -> MessageDTO:
    """Send an operator's reply (text and/or one file): recorded as pending first, then sent, then
    marked sent with the messenger's message id or failed with the reason (retry with
    :func:`retry_message`). Blocking network I/O: call it off the GUI thread."""
    text = text.strip() if text else None
    if not text and attachment is None:
        raise ValidationError("Type a reply or attach a file.")
    if text and len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(f"The reply is too long: at most {MAX_TEXT_LENGTH} characters.")
    if text and attachment is not None and len(text) > MAX_CAPTION_LENGTH:
        raise ValidationError(
            f"A text sent with a file may have at most {MAX_CAPTION_LENGTH} characters; send it separately."
        )
    if attachment is not None and not attachment.is_file():
        raise ValidationError(f"The file {attachment} cannot be read.")
    with db.uow() as uow:
        session = uow.session
        conversation = get_conversation(session, actor, conversation_id)
        record = ConversationMessage(
            conversation_id=conversation.id,
            direction=MessageDirection.OUT.value,
            external_id=None,
            lead_id=conversation.lead_id if conversation.lead_open else None,
            text=text,
            attachments=(
                [
                    Attachment(
                        kind=_file_kind(attachment),
                        name=attachment.name,
                        size=attachment.stat().st_size,
                        path=str(attachment),
                    ).to_json()
                ]
                if attachment is not None
                else []
            ),
            sent_at=utcnow(),
            user_id=actor.user_id,
            status=MessageStatus.PENDING.value,
        )
        session.add(record)
        session.flush()
        outgoing = _Outgoing(record.id, conversation.channel_id, conversation.chat_id, text, attachment)
    return _deliver(db, outgoing, client)


def retry_message(
    db: Database, actor: Actor, message_id: int, *, client: MessengerClient | None = None
) -> MessageDTO:
    """Send a failed (or crash-interrupted pending) reply again; it is sent at most once per call."""
    with db.uow() as uow:
        session = uow.session
        message = session.get(ConversationMessage, message_id)
        if message is None or message.direction != MessageDirection.OUT.value:
            raise NotFound(f"There is no reply with id {message_id}.")
        conversation = get_conversation(session, actor, message.conversation_id)
        if not _message_dto(message, None).can_retry(utcnow()):
            raise ValidationError("This reply was sent already or is being sent right now.")
        # A conditional update claims the retry, so two operators pressing Retry send it once.
        now = utcnow()
        claimed = (
            session.connection()
            .execute(
                update(ConversationMessage)
                .where(
                    ConversationMessage.id == message_id,
                    or_(
                        ConversationMessage.status == MessageStatus.FAILED.value,
                        and_(
                            ConversationMessage.status == MessageStatus.PENDING.value,
                            ConversationMessage.sent_at < now - STALE_PENDING,
                        ),
                    ),
                )
                .values(status=MessageStatus.PENDING.value, error=None, sent_at=now)
            )
            .rowcount
        )
        if claimed != 1:
            raise ValidationError("This reply is being sent by somebody else right now.")
        files = [Attachment.from_json(item) for item in message.attachments or ()]
        path = Path(files[0].path) if files and files[0].path else None
        outgoing = _Outgoing(message.id, conversation.channel_id, conversation.chat_id, message.text, path)
    return _deliver(db, outgoing, client)


def _deliver(db: Database, outgoing: _Outgoing, client: MessengerClient | None) -> MessageDTO:
    external_id: str | None = None
    error: str | None = None
    try:
        external_id = _run(_send(db, outgoing, client))
    except (InflowError, ConnectorError) as failure:
        error = str(failure)
    except Exception as failure:  # any failure is recorded on the message, never lost
        error = f"The message could not be sent ({type(failure).__name__}: {failure})."
    with db.uow() as uow:
        session = uow.session
        message = session.get(ConversationMessage, outgoing.message_id)
        if message is None:
            raise NotFound(f"There is no reply with id {outgoing.message_id}.")
        now = utcnow()
        if external_id is not None:
            message.status = MessageStatus.SENT.value
            message.external_id = external_id
            message.error = None
            message.sent_at = now
            conversation = session.get(Conversation, message.conversation_id)
            if conversation is not None:
                conversation.waiting_since = None  # the operator answered
                conversation.last_message_at = now
            if message.lead_id is not None:
                # An answer in the chat is the lead's first action (response-time report); a stamp
                # set once, not a change a concurrent editor of the lead should trip over.
                session.execute(
                    update(Lead)
                    .where(Lead.id == message.lead_id, Lead.first_action_at.is_(None))
                    .values(first_action_at=now)
                    .execution_options(synchronize_session=False)
                )
        else:
            message.status = MessageStatus.FAILED.value
            message.error = error
        session.flush()
        return _load_message(session, message.id)


async def _send(db: Database, outgoing: _Outgoing, client: MessengerClient | None) -> str:
    if client is None:
        client = await asyncio.to_thread(_client_for, db, outgoing.channel_id)
    try:
        if outgoing.attachment is not None:
            return await client.send_file(
                outgoing.chat_id,
                outgoing.attachment,
                caption=outgoing.text,
                as_photo=_file_kind(outgoing.attachment) == "photo",
            )
        assert outgoing.text is not None
        return await client.send_text(outgoing.chat_id, outgoing.text)
    finally:
        # Also a client passed in: its connections belong to this call's event loop.
        await client.aclose()


def _client_for(db: Database, channel_id: int) -> MessengerClient:
    from app.connectors.telegram import client_for_channel  # the connector imports this module

    with db.session() as session:
        return client_for_channel(session, channel_id)


T = TypeVar("T")


def _run(coroutine: Awaitable[T]) -> T:
    """Run a coroutine to completion from synchronous code (a worker thread of the desktop)."""

    async def main() -> T:
        return await coroutine

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(main())
    # Called from inside an event loop: a private loop on a helper thread keeps this one free.
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(main())
        except BaseException as error:  # re-raised in the caller's thread
            box["error"] = error

    thread = threading.Thread(target=target, name="inflow-messenger-send")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value


_PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}


def _file_kind(path: Path) -> str:
    return "photo" if path.suffix.lower() in _PHOTO_SUFFIXES else "document"


# ----------------------------------------------------------------------------------------- linking


def link_conversation(
    uow: UnitOfWork,
    actor: Actor,
    conversation_id: int,
    client_id: int,
    contact_person_id: int | None = None,
) -> ConversationDTO:
    """Link a chat user to an existing client (and contact person) in one action: a MESSENGER
    contact point is added, and the conversation and its open lead point at the client."""
    session = uow.session
    get_conversation(session, actor, conversation_id)
    conversation = session.get(Conversation, conversation_id)
    assert conversation is not None
    client = session.scalars(
        select(Client).where(Client.id == client_id, client_visibility_clause(actor))
    ).one_or_none()
    if client is None:
        raise NotFound(f"Client {client_id} does not exist or is not visible to {actor.login}.")
    if contact_person_id is not None:
        person = session.get(ContactPerson, contact_person_id)
        if person is None or person.client_id != client.id:
            raise ValidationError(f"The contact person {contact_person_id} does not belong to {client.name}.")

    # One messenger user is one person: an earlier link to another client is moved, not doubled.
    points = list(
        session.scalars(
            select(ContactPoint).where(
                ContactPoint.kind == ContactKind.MESSENGER.value, ContactPoint.value == conversation.user_key
            )
        )
    )
    raw = f"@{conversation.username}" if conversation.username else conversation.display_name
    if points:
        for point in points:
            point.client_id = client.id
            point.contact_person_id = contact_person_id
    else:
        session.add(
            ContactPoint(
                client_id=client.id,
                contact_person_id=contact_person_id,
                kind=ContactKind.MESSENGER.value,
                value=conversation.user_key,
                raw=_clip(raw, 254),
                is_personal=True,
            )
        )
    conversation.client_id = client.id
    conversation.contact_person_id = contact_person_id

    lead = session.get(Lead, conversation.lead_id) if conversation.lead_id is not None else None
    if (
        lead is not None
        and LeadState(lead.state).is_open
        and (lead.client_id != client.id or lead.contact_person_id != contact_person_id)
    ):
        changes: dict[str, Any] = {
            "client_id": [lead.client_id, client.id],
            "contact_person_id": [lead.contact_person_id, contact_person_id],
        }
        lead.client_id = client.id
        lead.contact_person_id = contact_person_id
        lead.updated_at = utcnow()
        session.add(
            LeadHistory(
                lead_id=lead.id,
                user_id=actor.user_id,
                action="client_linked",
                changes=changes,
                comment=f"chat user linked to {client.name}",
            )
        )
    uow.flush()
    return get_conversation(session, actor, conversation_id)


# ----------------------------------------------------------------------------------- quick replies


def quick_replies(session: Session) -> tuple[str, ...]:
    """The quick replies offered under the reply box (the seeded Russian ones until changed)."""
    stored = get_setting(session, QUICK_REPLIES_KEY)
    if stored is None:
        return DEFAULT_QUICK_REPLIES
    try:
        value = json.loads(stored)
    except ValueError:
        return DEFAULT_QUICK_REPLIES
    if not isinstance(value, list):
        return DEFAULT_QUICK_REPLIES
    return tuple(str(item) for item in value if isinstance(item, str))


def set_quick_replies(uow: UnitOfWork, actor: Actor, replies: Sequence[str]) -> tuple[str, ...]:
    """Replace the company's quick replies (blank lines dropped, order kept); needs the configure right."""
    if not actor.has(Right.CONFIGURE):
        raise PermissionDenied(f"{actor.login} has no right to change the settings.")
    cleaned: list[str] = []
    for reply in replies:
        text = reply.strip()
        if not text or text in cleaned:
            continue
        if len(text) > MAX_QUICK_REPLY_LENGTH:
            raise ValidationError(f"A quick reply is too long: at most {MAX_QUICK_REPLY_LENGTH} characters.")
        cleaned.append(text)
    if len(cleaned) > MAX_QUICK_REPLIES:
        raise ValidationError(f"At most {MAX_QUICK_REPLIES} quick replies can be kept.")
    set_setting(uow.session, QUICK_REPLIES_KEY, json.dumps(cleaned, ensure_ascii=False))
    uow.session.flush()
    return tuple(cleaned)


# ------------------------------------------------------------------------------------- attachments


_UNSAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)


def attachments_dir() -> Path:
    """Where downloaded attachments are kept by default: the user data folder."""
    return default_data_dir() / "attachments"


def download_attachment(
    db: Database,
    actor: Actor,
    message_id: int,
    index: int = 0,
    *,
    target_dir: Path | None = None,
    client: MessengerClient | None = None,
) -> Path:
    """Fetch one attachment of a message from the messenger (on demand) and return the saved file;
    a file downloaded before is returned at once. Blocking network I/O: call it off the GUI thread."""
    with db.session() as session:
        message = session.get(ConversationMessage, message_id)
        if message is None:
            raise NotFound(f"There is no message with id {message_id}.")
        conversation = get_conversation(session, actor, message.conversation_id)
        files = [Attachment.from_json(item) for item in message.attachments or ()]
    if not 0 <= index < len(files):
        raise NotFound(f"Message {message_id} has no attachment number {index + 1}.")
    attachment = files[index]
    if attachment.path and Path(attachment.path).is_file():
        return Path(attachment.path)
    if not attachment.file_id:
        raise NotFound("The file of this attachment is not available any more.")
    folder = (target_dir or attachments_dir()) / str(conversation.id)
    folder.mkdir(parents=True, exist_ok=True)
    name = (
        _UNSAFE_NAME.sub("_", attachment.name or "").strip(" .") or f"{attachment.kind}-{message_id}-{index}"
    )
    target = folder / f"{message_id}-{index}-{name}"

    async def fetch() -> Path:
        messenger = (
            client
            if client is not None
            else await asyncio.to_thread(_client_for, db, conversation.channel_id)
        )
        try:
            assert attachment.file_id is not None
            return await messenger.download(attachment.file_id, target)
        finally:
            await messenger.aclose()

    saved = _run(fetch())
    with db.uow() as uow:
        message = uow.session.get(ConversationMessage, message_id)
        if message is not None:
            items = [dict(item) for item in message.attachments or ()]
            if index < len(items):
                items[index]["path"] = str(saved)
                message.attachments = items  # a new list, so the JSON column is written
    return saved
