"""The Mail workspace and letters → leads (DOMAIN §3, §6; issue: the Mail workspace).

Sync side: :func:`store_letters` takes a batch of raw letters of one folder (from the IMAP
connector), stores them idempotently (one row per folder and Message-ID, else a hash of the
bytes), turns the letters of lead-source mailboxes into leads through intake, and advances the
folder's cursor — all in the caller's unit of work, so a batch and its cursor commit together.

Which letter makes what (docs/DECISIONS.md "Mail"):

* auto-replies and bounces (by headers) — no lead;
* a reply (In-Reply-To / References) to a stored letter of a lead that is still open, or whose
  interest is still open — the letter joins that lead's timeline (an Interaction of kind letter),
  no new lead;
* otherwise intake decides: a new lead, a repeat lead of a known contact, or none (exclusion list,
  a mailbox without the "lead source" flag).

UI side: frozen DTOs, permission-checked. A mailbox is readable by its responsible user, the
members of its responsible role, and whoever sees all leads or may configure; the letters of a
lead are readable by whoever may see the lead.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formataddr, getaddresses, make_msgid
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from app.connectors.leases import get_cursor, set_cursor
from app.domain.enums import (
    OPEN_STATES,
    ChannelKind,
    InteractionKind,
    InteractionStatus,
    LeadState,
    Visibility,
)
from app.domain.errors import NotFound, PermissionDenied, ValidationError
from app.mail_decode import AddressDTO, AttachmentInfo, DecodedLetter, attachment_content, parse_letter
from app.mail_transport import (
    MailAccount,
    MailTransportError,
    append_message,
    connect_imap,
    find_sent_folder,
    mail_account,
    password_env,
    send_smtp,
)
from app.persistence.models import (
    Channel,
    Interaction,
    Interest,
    Lead,
    MailFolder,
    MailLetter,
    MailLetterSource,
    User,
)
from app.persistence.types import utcnow
from app.persistence.uow import Database, UnitOfWork
from app.services.intake import IntakeOutcome, LeadInput, register_leads
from app.services.permissions import Actor, Right, can_see_lead, require_lead_visible

log = logging.getLogger(__name__)

PAGE = 100
# How much of a letter's text a lead keeps as its message (the letter itself keeps everything).
LEAD_MESSAGE_LENGTH = 2000
# A References header is cut to its newest ids when replying (RFC 5322 recommends keeping the root).
MAX_REFERENCES = 20

__all__ = [
    "PAGE",
    "AttachmentDTO",
    "Draft",
    "FetchedLetter",
    "FolderCursor",
    "FolderDTO",
    "Intake",
    "LetterDetail",
    "LetterSummary",
    "MailboxDTO",
    "MessagePage",
    "ReplyMode",
    "SentLetter",
    "StoreResult",
    "TaskDTO",
    "ThreadItem",
    "attachment_bytes",
    "compose",
    "create_task_from_letter",
    "ensure_folder",
    "lead_letters",
    "mailbox_account",
    "mailboxes",
    "mark_read",
    "message_list",
    "open_letter",
    "read_cursor",
    "save_attachment",
    "send_letter",
    "store_letters",
    "write_cursor",
]


# ------------------------------------------------------------------------------------------ DTOs


class Intake(StrEnum):
    """What intake made of a letter (``MailLetter.intake``)."""

    LEAD = "lead"  # a new lead
    REPEAT = "repeat"  # a repeat lead of a known contact
    THREAD = "thread"  # joined the timeline of an existing lead
    EXISTING = "existing"  # the same letter made a lead before (another folder, a re-sync)
    EXCLUDED = "excluded"  # the sender is on the exclusion list
    AUTO = "auto"  # an auto-reply or a bounce
    NOT_LEAD_SOURCE = "not_lead_source"  # the mailbox does not create leads
    OUTGOING = "outgoing"  # a letter we sent


@dataclass(frozen=True, slots=True)
class FolderDTO:
    """A folder of a mailbox with its letter and unread counts."""

    id: int
    channel_id: int
    name: str
    role: str | None
    total: int
    unread: int


@dataclass(frozen=True, slots=True)
class MailboxDTO:
    """A mailbox channel the actor may read, with its folders (inbox first)."""

    channel_id: int
    name: str
    address: str | None
    lead_source: bool
    active: bool
    folders: tuple[FolderDTO, ...]
    # The text put under new letters and replies (the channel's "signature" setting).
    signature: str | None = None

    @property
    def unread(self) -> int:
        """Unread letters over all folders."""
        return sum(folder.unread for folder in self.folders)


@dataclass(frozen=True, slots=True)
class LetterSummary:
    """One row of the message list (and of a lead card's letters)."""

    id: int
    channel_id: int
    folder_id: int
    direction: str
    subject: str
    from_name: str | None
    from_address: str | None
    to: tuple[str, ...]
    sent_at: datetime | None
    received_at: datetime
    snippet: str
    seen: bool
    has_attachments: bool
    auto_kind: str | None
    intake: str | None
    lead_id: int | None
    thread_key: str
    # The state of the letter's lead, for the list's badge (None: no lead).
    lead_state: LeadState | None = None

    @property
    def sender(self) -> str:
        """The sender for a list: the name, else the address."""
        return self.from_name or self.from_address or ""


@dataclass(frozen=True, slots=True)
class ThreadItem:
    """A thread of a folder: its letters oldest first, newest activity time, unread count."""

    key: str
    subject: str
    latest_at: datetime
    count: int
    unread: int
    letters: tuple[LetterSummary, ...]

    @property
    def latest(self) -> LetterSummary:
        """The newest letter of the thread."""
        return self.letters[-1]


@dataclass(frozen=True, slots=True)
class MessagePage:
    """A page of a folder's threads, newest activity first."""

    folder_id: int
    offset: int
    total_threads: int
    threads: tuple[ThreadItem, ...]

    @property
    def has_more(self) -> bool:
        """Whether a later page exists."""
        return self.offset + len(self.threads) < self.total_threads


@dataclass(frozen=True, slots=True)
class AttachmentDTO:
    """An attachment of a letter: ``index`` is what :func:`save_attachment` takes."""

    index: int
    name: str
    mime: str
    size: int
    inline: bool
    content_id: str | None


@dataclass(frozen=True, slots=True)
class LetterDetail:
    """One letter for the reading pane: headers, text, HTML (not yet sanitized), attachments."""

    summary: LetterSummary
    channel_name: str
    folder_name: str
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    to: tuple[AddressDTO, ...]
    cc: tuple[AddressDTO, ...]
    reply_to: str | None
    text: str
    # The letter's own HTML: the UI must show it without scripts and remote content.
    html: str | None
    attachments: tuple[AttachmentDTO, ...]
    problems: tuple[str, ...]
    lead_state: LeadState | None


class ReplyMode(StrEnum):
    """What kind of letter a draft is."""

    NEW = "new"
    REPLY = "reply"
    REPLY_ALL = "reply_all"
    FORWARD = "forward"


@dataclass(frozen=True, slots=True)
class Draft:
    """A letter to send: recipients as ``Name <addr>`` or bare addresses, plain text body."""

    channel_id: int
    to: tuple[str, ...]
    subject: str
    text: str
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    mode: ReplyMode = ReplyMode.NEW
    original_letter_id: int | None = None
    # Files to attach; a forward also carries the original letter as message/rfc822.
    attachments: tuple[Path, ...] = ()


@dataclass(frozen=True, slots=True)
class SentLetter:
    """A sent letter as stored in the Sent folder; ``problem`` says if the Sent copy failed."""

    letter: LetterSummary
    message_id: str
    sent_folder: str | None
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class TaskDTO:
    """A planned task (an Interaction of kind task) created from a letter."""

    id: int
    subject: str
    body: str | None
    planned_at: datetime | None
    user_id: int | None
    lead_id: int | None
    client_id: int | None
    interest_id: int | None
    letter_id: int | None


@dataclass(frozen=True, slots=True)
class FetchedLetter:
    """A letter as the IMAP connector fetched it: UID, raw bytes, INTERNALDATE, \\Seen flag."""

    uid: int | None
    raw: bytes = field(repr=False)
    internal_date: datetime | None = None
    seen: bool = False


@dataclass(frozen=True, slots=True)
class FolderCursor:
    """Where the sync of a folder stands: the folder's UIDVALIDITY and the last UID stored."""

    uidvalidity: int
    last_uid: int


@dataclass(frozen=True, slots=True)
class StoreResult:
    """What :func:`store_letters` did with a batch."""

    stored: int
    already_stored: int
    leads_created: int
    letter_ids: tuple[int, ...]
    problems: tuple[str, ...] = ()


# ------------------------------------------------------------------------------------ permissions


def _may_read_mailbox(actor: Actor, channel: Channel) -> bool:
    if actor.is_system or actor.visibility is Visibility.ALL or actor.has(Right.CONFIGURE):
        return True
    if actor.user_id is not None and actor.user_id == channel.responsible_user_id:
        return True
    return channel.responsible_role_id is not None and channel.responsible_role_id in actor.role_ids


def _mailbox(session: Session, actor: Actor, channel_id: int) -> Channel:
    channel = session.get(Channel, channel_id)
    if channel is None or channel.kind != ChannelKind.EMAIL.value:
        raise NotFound(f"There is no mailbox with id {channel_id}.")
    if not _may_read_mailbox(actor, channel):
        raise PermissionDenied(f"{actor.login} may not read the mailbox '{channel.name}'.")
    return channel


def _letter(session: Session, actor: Actor, letter_id: int) -> MailLetter:
    letter = session.get(MailLetter, letter_id)
    if letter is None:
        raise NotFound(f"There is no letter with id {letter_id}.")
    channel = session.get(Channel, letter.channel_id)
    assert channel is not None
    if _may_read_mailbox(actor, channel):
        return letter
    if letter.lead_id is not None:
        lead = session.get(Lead, letter.lead_id)
        if lead is not None and can_see_lead(actor, lead):
            return letter
    raise NotFound(f"Letter {letter_id} does not exist or is not visible to {actor.login}.")


# ------------------------------------------------------------------------------------ folders, cursor


def _cursor_key(folder: str) -> str:
    return f"imap:{folder}"


def ensure_folder(session: Session, channel_id: int, name: str, role: str | None = None) -> int:
    """The id of a mailbox's folder, created on first use."""
    folder_id = session.scalar(
        select(MailFolder.id).where(MailFolder.channel_id == channel_id, MailFolder.name == name)
    )
    if folder_id is not None:
        return folder_id
    if role is None and name.upper() == "INBOX":
        role = "inbox"
    folder = MailFolder(channel_id=channel_id, name=name, role=role)
    # A savepoint: another process (a lease hand-over) may create the same folder at once.
    try:
        with session.begin_nested():
            session.add(folder)
            session.flush()
    except Exception:
        found = session.scalar(
            select(MailFolder.id).where(MailFolder.channel_id == channel_id, MailFolder.name == name)
        )
        if found is None:
            raise
        return found
    return folder.id


def read_cursor(session: Session, channel_id: int, folder: str) -> FolderCursor | None:
    """The sync cursor of one folder, or None before the first sync."""
    value = get_cursor(session, channel_id, _cursor_key(folder))
    if not isinstance(value, dict):
        return None
    try:
        return FolderCursor(int(value["uidvalidity"]), int(value["last_uid"]))
    except (KeyError, TypeError, ValueError):
        return None


def write_cursor(session: Session, channel_id: int, folder: str, cursor: FolderCursor) -> None:
    """Move a folder's sync cursor (in the caller's transaction, with the letters it covers)."""
    value = {"uidvalidity": cursor.uidvalidity, "last_uid": cursor.last_uid}
    set_cursor(session, channel_id, _cursor_key(folder), value)


# ------------------------------------------------------------------------------------------ sync


def _pairs(addresses: Iterable[AddressDTO]) -> list[list[str]]:
    return [[address.name, address.address] for address in addresses]


def _letter_row(
    channel_id: int,
    folder_id: int,
    fetched: FetchedLetter,
    decoded: DecodedLetter,
    uidvalidity: int | None,
    direction: str = "in",
) -> MailLetter:
    received = fetched.internal_date or decoded.date
    if received.tzinfo is None:
        received = received.replace(tzinfo=decoded.date.tzinfo)
    return MailLetter(
        channel_id=channel_id,
        folder_id=folder_id,
        uid=fetched.uid,
        uidvalidity=uidvalidity,
        external_id=decoded.external_id[:500],
        message_id=decoded.message_id,
        in_reply_to=decoded.in_reply_to,
        reference_ids=list(decoded.references[-50:]),
        thread_key=decoded.thread_key[:500],
        direction=direction,
        subject=decoded.subject,
        from_name=(decoded.from_.name[:300] or None) if decoded.from_ else None,
        from_address=decoded.from_.address.lower()[:254] if decoded.from_ else None,
        to_addresses=_pairs(decoded.to),
        cc_addresses=_pairs(decoded.cc),
        reply_to=decoded.reply_to.address[:254] if decoded.reply_to else None,
        sent_at=decoded.date if decoded.date_from_header else None,
        received_at=received,
        snippet=decoded.snippet[:300],
        text_body=decoded.text,
        html_body=decoded.html,
        attachments=[_attachment_json(item) for item in decoded.attachments],
        size=decoded.size,
        seen=fetched.seen,
        auto_kind=decoded.auto.value if decoded.auto else None,
        problems=list(decoded.problems)[:20],
    )


def _attachment_json(item: AttachmentInfo) -> dict[str, Any]:
    return {
        "index": item.index,
        "name": item.name,
        "mime": item.mime,
        "size": item.size,
        "inline": item.inline,
        "content_id": item.content_id,
    }


def _open_thread_leads(session: Session, ids: set[str]) -> dict[str, Lead]:
    """Stored letters by Message-ID whose lead is still open (or whose interest is still open)."""
    if not ids:
        return {}
    rows = session.execute(
        select(MailLetter.message_id, Lead)
        .join(Lead, Lead.id == MailLetter.lead_id)
        .outerjoin(Interest, Interest.id == Lead.result_interest_id)
        .where(
            MailLetter.message_id.in_(ids),
            or_(
                Lead.state.in_([state.value for state in OPEN_STATES]),
                and_(Lead.result_interest_id.is_not(None), Interest.closed_at.is_(None)),
            ),
        )
        .order_by(MailLetter.id)
    )
    found: dict[str, Lead] = {}
    for message_id, lead in rows:
        if message_id is not None:
            found[message_id] = lead
    return found


def _thread_lead(decoded: DecodedLetter, open_threads: dict[str, Lead]) -> Lead | None:
    # The nearest ancestor first: In-Reply-To, then References newest to oldest.
    ancestors = ([decoded.in_reply_to] if decoded.in_reply_to else []) + list(reversed(decoded.references))
    for candidate in ancestors:
        lead = open_threads.get(candidate)
        if lead is not None:
            return lead
    return None


def _timeline_entry(letter: MailLetter, lead: Lead, user_id: int | None = None) -> Interaction:
    """An Interaction of kind letter on the lead's timeline (the letter must have its id)."""
    return Interaction(
        kind=InteractionKind.LETTER.value,
        status=InteractionStatus.DONE.value,
        client_id=lead.client_id,
        lead_id=lead.id,
        interest_id=lead.result_interest_id,
        user_id=user_id,
        subject=(letter.subject or "(no subject)")[:300],
        body=(letter.text_body or "")[:LEAD_MESSAGE_LENGTH],
        done_at=letter.received_at,
        letter_id=letter.id,
    )


def store_letters(
    uow: UnitOfWork,
    channel_id: int,
    folder: str,
    letters: Sequence[FetchedLetter],
    *,
    cursor: FolderCursor | None = None,
) -> StoreResult:
    """Store a batch of one folder's letters, make their leads, and move the folder's cursor.

    Idempotent: a letter already stored in the folder (same Message-ID, or same bytes without one)
    is only re-pointed to its new UID; a lead is made once per mailbox and Message-ID (intake's
    unique key). Everything happens in ``uow``: the caller commits batch and cursor together.
    """
    session = uow.session
    channel = session.get(Channel, channel_id)
    if channel is None or channel.kind != ChannelKind.EMAIL.value:
        raise NotFound(f"There is no mailbox with id {channel_id}.")
    folder_id = ensure_folder(session, channel_id, folder)

    decoded: list[tuple[FetchedLetter, DecodedLetter]] = []
    problems: list[str] = []
    for fetched in letters:
        item = parse_letter(fetched.raw, fetched.internal_date)
        if item.problems:
            problems.append(f"UID {fetched.uid}: " + " ".join(item.problems[:3]))
        decoded.append((fetched, item))

    keys = {item.external_id[:500] for _, item in decoded}
    existing: dict[str, MailLetter] = {
        letter.external_id: letter
        for letter in session.scalars(
            select(MailLetter).where(MailLetter.folder_id == folder_id, MailLetter.external_id.in_(keys))
        )
    } if keys else {}

    new: list[tuple[MailLetter, DecodedLetter, bytes]] = []
    already = 0
    for fetched, item in decoded:
        key = item.external_id[:500]
        old = existing.get(key)
        if old is not None:
            already += 1
            # A re-sync after a UIDVALIDITY change: the same letter under its new UID.
            validity = cursor.uidvalidity if cursor else old.uidvalidity
            if fetched.uid is not None and (old.uid, old.uidvalidity) != (fetched.uid, validity):
                old.uid = fetched.uid
                old.uidvalidity = validity
            continue
        row = _letter_row(channel_id, folder_id, fetched, item, cursor.uidvalidity if cursor else None)
        existing[key] = row
        new.append((row, item, fetched.raw))

    leads_created, timeline = _letters_to_leads(uow, channel, new)
    for row, _item, _raw in new:
        session.add(row)
    session.flush()
    session.add_all(MailLetterSource(letter_id=row.id, raw=raw) for row, _item, raw in new)
    session.add_all(_timeline_entry(row, lead) for row, lead in timeline)
    if cursor is not None:
        write_cursor(session, channel_id, folder, cursor)
    session.flush()
    for problem in problems:
        log.info("mailbox %s, folder %s: %s", channel_id, folder, problem)
    return StoreResult(
        stored=len(new),
        already_stored=already,
        leads_created=leads_created,
        letter_ids=tuple(row.id for row, _item, _raw in new),
        problems=tuple(problems),
    )


def _letters_to_leads(
    uow: UnitOfWork, channel: Channel, new: Sequence[tuple[MailLetter, DecodedLetter, bytes]]
) -> tuple[int, list[tuple[MailLetter, Lead]]]:
    """Decide each new letter's intake: (leads created, letters that join a lead's timeline)."""
    session = uow.session
    timeline: list[tuple[MailLetter, Lead]] = []
    if not new:
        return 0, timeline
    if not channel.lead_source:
        for row, _item, _raw in new:
            row.intake = Intake.NOT_LEAD_SOURCE.value
        return 0, timeline
    ancestors: set[str] = set()
    for _row, item, _raw in new:
        ancestors.update(item.references)
        if item.in_reply_to:
            ancestors.add(item.in_reply_to)
    open_threads = _open_thread_leads(session, ancestors)
    account = mail_account(channel.id, channel.settings or {}, None)
    # Our own letters (a copy to ourselves, the Sent folder watched) are no inquiries.
    own = {address.lower() for address in (account.from_address, account.login) if address and "@" in address}

    # A reply fetched in the same batch as the letter it answers (a first sync, a busy thread)
    # cannot find that letter's lead in the database yet: it waits until the batch's other
    # letters have their leads, then joins the thread like a reply fetched later would.
    batch_ids = {item.message_id for _row, item, _raw in new if item.message_id}
    inputs: list[tuple[MailLetter, LeadInput]] = []
    deferred: list[tuple[MailLetter, DecodedLetter]] = []
    for row, item, _raw in new:
        if item.auto is not None:
            row.intake = Intake.AUTO.value
            continue
        if item.from_ is not None and item.from_.address.lower() in own:
            row.intake = Intake.OUTGOING.value
            continue
        thread_lead = _thread_lead(item, open_threads)
        if thread_lead is not None:
            row.intake = Intake.THREAD.value
            row.lead_id = thread_lead.id
            timeline.append((row, thread_lead))
            continue
        if batch_ids.intersection(_ancestors(item)):
            deferred.append((row, item))
            continue
        inputs.append((row, _lead_input(channel.id, row, item)))
    created = _register(uow, inputs)
    if deferred:
        by_message: dict[str, Lead] = {}
        for row, item, _raw in new:
            if item.message_id and row.lead_id is not None:
                lead = session.get(Lead, row.lead_id)
                if lead is not None and LeadState(lead.state) in OPEN_STATES:
                    by_message[item.message_id] = lead
        late: list[tuple[MailLetter, LeadInput]] = []
        for row, item in deferred:
            thread_lead = _thread_lead(item, by_message)
            if thread_lead is None:
                late.append((row, _lead_input(channel.id, row, item)))
                continue
            row.intake = Intake.THREAD.value
            row.lead_id = thread_lead.id
            timeline.append((row, thread_lead))
            if item.message_id:
                by_message[item.message_id] = thread_lead
        created += _register(uow, late)
    return created, timeline


def _ancestors(item: DecodedLetter) -> list[str]:
    return ([item.in_reply_to] if item.in_reply_to else []) + list(item.references)


def _lead_input(channel_id: int, row: MailLetter, item: DecodedLetter) -> LeadInput:
    message = item.text.strip()
    return LeadInput(
        channel_id=channel_id,
        external_id=item.external_id[:500],
        received_at=row.received_at,
        contact_name=(item.from_.name or None) if item.from_ else None,
        email=item.from_.address if item.from_ else None,
        subject=(item.subject or item.snippet or "(no subject)")[:500],
        message=message[:LEAD_MESSAGE_LENGTH] if message else None,
    )


def _register(uow: UnitOfWork, inputs: Sequence[tuple[MailLetter, LeadInput]]) -> int:
    """Intake for the letters that are inquiries; marks each letter with what became of it."""
    if not inputs:
        return 0
    created = 0
    results = register_leads(uow, [lead_input for _row, lead_input in inputs])
    for (row, _input), result in zip(inputs, results, strict=True):
        if result.outcome is IntakeOutcome.CREATED and result.lead is not None:
            created += 1
            row.lead_id = result.lead.id
            row.intake = (Intake.REPEAT if result.lead.state is LeadState.REPEAT else Intake.LEAD).value
        elif result.outcome is IntakeOutcome.EXISTING and result.lead is not None:
            row.lead_id = result.lead.id
            row.intake = Intake.EXISTING.value
        elif result.outcome is IntakeOutcome.EXCLUDED:
            row.intake = Intake.EXCLUDED.value
        else:
            row.intake = Intake.NOT_LEAD_SOURCE.value
    return created


# ------------------------------------------------------------------------------------ UI reads


def mailboxes(session: Session, actor: Actor) -> tuple[MailboxDTO, ...]:
    """The mailboxes the actor may read with their folders and unread counts."""
    channels = [
        channel
        for channel in session.scalars(
            select(Channel).where(Channel.kind == ChannelKind.EMAIL.value).order_by(Channel.name, Channel.id)
        )
        if _may_read_mailbox(actor, channel)
    ]
    if not channels:
        return ()
    ids = [channel.id for channel in channels]
    counts: dict[int, tuple[int, int]] = {
        folder_id: (int(total), int(unread or 0))
        for folder_id, total, unread in session.execute(
            select(
                MailLetter.folder_id,
                func.count(),
                func.sum(case((MailLetter.seen.is_(False), 1), else_=0)),
            )
            .where(MailLetter.channel_id.in_(ids))
            .group_by(MailLetter.folder_id)
        )
    }
    folders: dict[int, list[FolderDTO]] = {}
    for folder in session.scalars(select(MailFolder).where(MailFolder.channel_id.in_(ids))):
        total, unread = counts.get(folder.id, (0, 0))
        folders.setdefault(folder.channel_id, []).append(
            FolderDTO(folder.id, folder.channel_id, folder.name, folder.role, total, unread)
        )
    order = {"inbox": 0, None: 1, "sent": 2}
    result: list[MailboxDTO] = []
    for channel in channels:
        settings = channel.settings or {}
        account = mail_account(channel.id, settings, None)
        result.append(
            MailboxDTO(
                channel_id=channel.id,
                name=channel.name,
                address=account.from_address,
                lead_source=channel.lead_source,
                active=channel.active,
                folders=tuple(
                    sorted(folders.get(channel.id, []), key=lambda f: (order.get(f.role, 1), f.name.lower()))
                ),
                signature=account.signature,
            )
        )
    return tuple(result)


def _lead_states(session: Session, letters: Iterable[MailLetter]) -> dict[int, LeadState]:
    ids = {letter.lead_id for letter in letters if letter.lead_id is not None}
    if not ids:
        return {}
    return {
        lead_id: LeadState(state)
        for lead_id, state in session.execute(select(Lead.id, Lead.state).where(Lead.id.in_(ids)))
    }


def _summary(letter: MailLetter, states: dict[int, LeadState] | None = None) -> LetterSummary:
    return LetterSummary(
        id=letter.id,
        channel_id=letter.channel_id,
        folder_id=letter.folder_id,
        direction=letter.direction,
        subject=letter.subject,
        from_name=letter.from_name,
        from_address=letter.from_address,
        to=tuple(AddressDTO(name, address).formatted() for name, address in letter.to_addresses or []),
        sent_at=letter.sent_at,
        received_at=letter.received_at,
        snippet=letter.snippet,
        seen=letter.seen,
        has_attachments=any(not item.get("inline") for item in letter.attachments or []),
        auto_kind=letter.auto_kind,
        intake=letter.intake,
        lead_id=letter.lead_id,
        thread_key=letter.thread_key,
        lead_state=(states or {}).get(letter.lead_id) if letter.lead_id is not None else None,
    )


def message_list(
    session: Session,
    actor: Actor,
    folder_id: int,
    *,
    offset: int = 0,
    limit: int = PAGE,
    unread_only: bool = False,
) -> MessagePage:
    """A page of a folder's threads, the thread with the newest letter first."""
    folder = session.get(MailFolder, folder_id)
    if folder is None:
        raise NotFound(f"There is no mail folder with id {folder_id}.")
    _mailbox(session, actor, folder.channel_id)
    where: list[ColumnElement[bool]] = [MailLetter.folder_id == folder_id]
    if unread_only:
        where.append(MailLetter.seen.is_(False))
    latest = func.max(MailLetter.received_at).label("latest")
    threads = (
        select(MailLetter.thread_key, latest)
        .where(*where)
        .group_by(MailLetter.thread_key)
        .order_by(latest.desc(), MailLetter.thread_key)
    )
    total = int(session.scalar(select(func.count()).select_from(threads.subquery())) or 0)
    page = list(session.execute(threads.offset(max(offset, 0)).limit(max(limit, 0))))
    keys = [key for key, _ in page]
    by_key: dict[str, list[LetterSummary]] = {key: [] for key in keys}
    if keys:
        rows = list(
            session.scalars(
                select(MailLetter)
                .where(*where, MailLetter.thread_key.in_(keys))
                .order_by(MailLetter.received_at, MailLetter.id)
            )
        )
        states = _lead_states(session, rows)
        for letter in rows:
            by_key[letter.thread_key].append(_summary(letter, states))
    items = []
    for key, latest_at in page:
        letters = tuple(by_key.get(key, ()))
        if not letters:
            continue
        items.append(
            ThreadItem(
                key=key,
                subject=letters[0].subject,
                latest_at=latest_at,
                count=len(letters),
                unread=sum(1 for letter in letters if not letter.seen),
                letters=letters,
            )
        )
    return MessagePage(folder_id=folder_id, offset=offset, total_threads=total, threads=tuple(items))


def open_letter(session: Session, actor: Actor, letter_id: int) -> LetterDetail:
    """One letter for the reading pane."""
    letter = _letter(session, actor, letter_id)
    channel = session.get(Channel, letter.channel_id)
    folder = session.get(MailFolder, letter.folder_id)
    assert channel is not None and folder is not None
    lead_state: LeadState | None = None
    if letter.lead_id is not None:
        state = session.scalar(select(Lead.state).where(Lead.id == letter.lead_id))
        lead_state = LeadState(state) if state else None
    return LetterDetail(
        summary=_summary(letter, {letter.lead_id: lead_state} if letter.lead_id and lead_state else None),
        channel_name=channel.name,
        folder_name=folder.name,
        message_id=letter.message_id,
        in_reply_to=letter.in_reply_to,
        references=tuple(letter.reference_ids or ()),
        to=tuple(AddressDTO(name, address) for name, address in letter.to_addresses or []),
        cc=tuple(AddressDTO(name, address) for name, address in letter.cc_addresses or []),
        reply_to=letter.reply_to,
        text=letter.text_body or "",
        html=letter.html_body,
        attachments=tuple(
            AttachmentDTO(
                index=int(item["index"]),
                name=str(item["name"]),
                mime=str(item["mime"]),
                size=int(item["size"]),
                inline=bool(item.get("inline")),
                content_id=item.get("content_id"),
            )
            for item in letter.attachments or []
        ),
        problems=tuple(letter.problems or ()),
        lead_state=lead_state,
    )


def attachment_bytes(session: Session, actor: Actor, letter_id: int, index: int) -> tuple[str, bytes]:
    """One part of a letter (an attachment, an inline picture): its file name and decoded bytes."""
    letter = _letter(session, actor, letter_id)
    raw = session.scalar(select(MailLetterSource.raw).where(MailLetterSource.letter_id == letter.id))
    if raw is None:
        raise NotFound(f"The source of letter {letter_id} is not stored; its attachments cannot be saved.")
    try:
        return attachment_content(bytes(raw), index)
    except KeyError as error:
        raise NotFound(f"Letter {letter_id} has no attachment {index}.") from error


def save_attachment(session: Session, actor: Actor, letter_id: int, index: int, path: Path | str) -> Path:
    """Write one attachment of a letter to ``path`` (a file, or a folder to put it in by its name)."""
    name, data = attachment_bytes(session, actor, letter_id, index)
    target = Path(path)
    if target.is_dir():
        target = target / (name or f"attachment-{index}")
    target.write_bytes(data)
    return target


def lead_letters(session: Session, actor: Actor, lead_id: int) -> tuple[LetterSummary, ...]:
    """The letters of a lead's thread (in and out), oldest first, for the lead card."""
    require_lead_visible(actor, session.get(Lead, lead_id), lead_id)
    linked = select(Interaction.letter_id).where(
        Interaction.lead_id == lead_id, Interaction.letter_id.is_not(None)
    )
    letters = list(
        session.scalars(
            select(MailLetter)
            .where(or_(MailLetter.lead_id == lead_id, MailLetter.id.in_(linked)))
            .order_by(MailLetter.received_at, MailLetter.id)
        )
    )
    states = _lead_states(session, letters)
    seen: dict[str, LetterSummary] = {}
    for letter in letters:
        # The same letter in two folders (INBOX and an archive) is shown once.
        seen.setdefault(letter.external_id, _summary(letter, states))
    return tuple(seen.values())


# ------------------------------------------------------------------------------------ UI writes


def mark_read(uow: UnitOfWork, actor: Actor, letter_ids: Sequence[int], read: bool = True) -> int:
    """Mark letters read or unread in Inflow (the server's \\Seen flag is left alone); returns how
    many changed."""
    session = uow.session
    allowed = [_letter(session, actor, letter_id).id for letter_id in letter_ids]
    if not allowed:
        return 0
    result = session.execute(
        update(MailLetter).where(MailLetter.id.in_(allowed), MailLetter.seen.is_not(read)).values(seen=read)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def create_task_from_letter(
    uow: UnitOfWork,
    actor: Actor,
    letter_id: int,
    *,
    subject: str | None = None,
    due_at: datetime | None = None,
    assignee_id: int | None = None,
    body: str | None = None,
) -> TaskDTO:
    """A planned task with the letter attached (``Interaction.letter_id``), on the letter's lead."""
    session = uow.session
    letter = _letter(session, actor, letter_id)
    if due_at is not None and due_at.tzinfo is None:
        raise ValidationError("A task's due time must carry a time zone.")
    assignee = assignee_id if assignee_id is not None else actor.user_id
    if assignee is not None:
        user = session.get(User, assignee)
        if user is None or not user.active:
            raise ValidationError(f"There is no active user with id {assignee}.")
    lead = session.get(Lead, letter.lead_id) if letter.lead_id is not None else None
    title = (subject or "").strip() or f"Letter: {letter.subject or '(no subject)'}"
    task = Interaction(
        kind=InteractionKind.TASK.value,
        status=InteractionStatus.PLANNED.value,
        client_id=lead.client_id if lead else None,
        lead_id=lead.id if lead else None,
        interest_id=lead.result_interest_id if lead else None,
        user_id=assignee,
        subject=title[:300],
        body=body if body is not None else (letter.snippet or None),
        planned_at=due_at,
        letter_id=letter.id,
    )
    session.add(task)
    session.flush()
    return TaskDTO(
        id=task.id,
        subject=task.subject,
        body=task.body,
        planned_at=task.planned_at,
        user_id=task.user_id,
        lead_id=task.lead_id,
        client_id=task.client_id,
        interest_id=task.interest_id,
        letter_id=task.letter_id,
    )


# ------------------------------------------------------------------------------------ sending


def mailbox_account(session: Session, channel_id: int) -> MailAccount:
    """The mailbox's servers, login and password (environment variable, else keyring)."""
    from app.services.secrets import SecretKind, channel_secret, installation_id

    channel = session.get(Channel, channel_id)
    if channel is None or channel.kind != ChannelKind.EMAIL.value:
        raise NotFound(f"There is no mailbox with id {channel_id}.")
    settings = dict(channel.settings or {})
    # Read-only here (send_letter reads in a plain session): never create the id on the way.
    installation = installation_id(session, create=False)
    password = channel_secret(
        SecretKind.MAIL_PASSWORD, channel.id, password_env(settings), installation=installation
    )
    return mail_account(channel.id, settings, password)


def _display(name: str, address: str) -> str:
    """``Name <address>`` as a person reads it (not RFC 2047-encoded: sending encodes it)."""
    if not name:
        return address
    if any(ch in name for ch in ',;<>@"()[]:'):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{address}>"


def _re(prefix: str, subject: str) -> str:
    stripped = subject.strip()
    if re.match(rf"^\s*{prefix}\s*:", stripped, re.IGNORECASE):
        return stripped
    return f"{prefix}: {stripped}" if stripped else f"{prefix}:"


def _quote(letter: MailLetter) -> str:
    when = (letter.sent_at or letter.received_at).strftime("%d.%m.%Y %H:%M")
    who = letter.from_name or letter.from_address or ""
    quoted = "\n".join("> " + line for line in (letter.text_body or "").splitlines())
    return f"{when}, {who}:\n{quoted}"


def compose(
    session: Session,
    actor: Actor,
    mode: ReplyMode,
    *,
    letter_id: int | None = None,
    channel_id: int | None = None,
) -> Draft:
    """A pre-filled draft: recipients, Re:/Fwd: subject, the quoted text and the mailbox's signature."""
    original = _letter(session, actor, letter_id) if letter_id is not None else None
    if original is None and mode is not ReplyMode.NEW:
        raise ValidationError("A reply or a forward needs the letter it answers.")
    target_channel = channel_id if channel_id is not None else (original.channel_id if original else None)
    if target_channel is None:
        raise ValidationError("Choose the mailbox to write from.")
    channel = _mailbox(session, actor, target_channel)
    account = mail_account(channel.id, channel.settings or {}, None)
    signature = f"\n\n-- \n{account.signature}" if account.signature else ""
    if original is None or mode is ReplyMode.NEW:
        return Draft(channel_id=channel.id, to=(), subject="", text=signature, mode=ReplyMode.NEW)
    own = {(account.from_address or "").lower(), (account.login or "").lower()} - {""}
    sender = original.reply_to or original.from_address
    if mode is ReplyMode.FORWARD:
        return Draft(
            channel_id=channel.id,
            to=(),
            subject=_re("Fwd", original.subject),
            text=signature,
            mode=mode,
            original_letter_id=original.id,
        )
    to: list[str] = [sender] if sender else []
    if original.direction == "out" or (sender or "").lower() in own:
        # Answering our own letter (from Sent) writes to its recipients again, not to ourselves.
        to = [_display(name, address) for name, address in original.to_addresses or []][:1]
    cc: list[str] = []
    if mode is ReplyMode.REPLY_ALL:
        taken = {address.lower() for _name, address in getaddresses(to)} | own
        for name, address in list(original.to_addresses or []) + list(original.cc_addresses or []):
            if address.lower() not in taken:
                taken.add(address.lower())
                cc.append(_display(name, address))
    return Draft(
        channel_id=channel.id,
        to=tuple(to),
        cc=tuple(cc),
        subject=_re("Re", original.subject),
        text=signature + "\n\n" + _quote(original),
        mode=mode,
        original_letter_id=original.id,
    )


def _build_message(account: MailAccount, draft: Draft, original: MailLetter | None,
                   original_raw: bytes | None, channel_name: str) -> EmailMessage:
    message = EmailMessage(policy=policy.SMTP)
    sender = account.from_address
    if not sender:
        raise ValidationError("The mailbox has no sender address: set its address or an e-mail login.")
    message["From"] = formataddr((channel_name, sender))
    message["To"] = ", ".join(draft.to)
    if draft.cc:
        message["Cc"] = ", ".join(draft.cc)
    message["Subject"] = draft.subject
    message["Date"] = utcnow()
    domain = sender.rsplit("@", 1)[-1]
    message["Message-ID"] = make_msgid(domain=domain)
    if original is not None and draft.mode in (ReplyMode.REPLY, ReplyMode.REPLY_ALL) and original.message_id:
        chain = list(original.reference_ids or [])
        if not chain and original.in_reply_to:
            chain = [original.in_reply_to]
        chain.append(original.message_id)
        if len(chain) > MAX_REFERENCES:
            chain = chain[:1] + chain[-(MAX_REFERENCES - 1):]
        message["In-Reply-To"] = original.message_id
        message["References"] = " ".join(chain)
    message.set_content(draft.text)
    for path in draft.attachments:
        data = Path(path).read_bytes()
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=Path(path).name)
    if draft.mode is ReplyMode.FORWARD and original_raw is not None:
        inner = BytesParser(policy=policy.default).parsebytes(original_raw)
        message.add_attachment(inner)
    return message


def _recipients(draft: Draft) -> list[str]:
    pairs = getaddresses(list(draft.to + draft.cc + draft.bcc))
    found = [address for _name, address in pairs if "@" in address]
    if not found:
        raise ValidationError("Give at least one recipient address.")
    return list(dict.fromkeys(found))


def send_letter(db: Database, actor: Actor, draft: Draft) -> SentLetter:
    """Send a letter over SMTP, put a copy into the mailbox's Sent folder over IMAP, store it.

    Runs network calls outside any transaction (call it off the GUI thread). A reply carries
    In-Reply-To and References of the letter it answers and joins that letter's lead timeline.
    """
    recipients = _recipients(draft)
    with db.session() as session:
        channel = _mailbox(session, actor, draft.channel_id)
        account = mailbox_account(session, channel.id)
        channel_name = channel.name
        original: MailLetter | None = None
        original_raw: bytes | None = None
        if draft.original_letter_id is not None:
            original = _letter(session, actor, draft.original_letter_id)
            session.expunge(original)
            raw = session.scalar(
                select(MailLetterSource.raw).where(MailLetterSource.letter_id == draft.original_letter_id)
            )
            original_raw = bytes(raw) if raw is not None else None
    message = _build_message(account, draft, original, original_raw, channel_name)
    raw_out = message.as_bytes(policy=policy.SMTP)
    send_smtp(account, message, recipients)

    # The letter is out; a failing Sent copy must not make the user send it twice.
    sent_folder: str | None = None
    uidvalidity: int | None = None
    uid: int | None = None
    problem: str | None = None
    try:
        client = connect_imap(account)
        try:
            sent_folder = find_sent_folder(client, account.sent_folder)
            uidvalidity, uid = append_message(client, sent_folder, raw_out, utcnow())
        finally:
            # The copy is stored; a failing logout changes nothing.
            with contextlib.suppress(Exception):
                client.logout()
    except MailTransportError as error:
        problem = f"The letter was sent, but its copy could not be put into Sent ({error})."
    except Exception as error:
        problem = f"The letter was sent, but its copy could not be put into Sent ({error})."

    with db.uow() as uow:
        session = uow.session
        folder_id = ensure_folder(session, draft.channel_id, sent_folder or "Sent", "sent")
        decoded = parse_letter(raw_out, utcnow())
        fetched = FetchedLetter(uid, raw_out, utcnow(), True)
        row = _letter_row(draft.channel_id, folder_id, fetched, decoded, uidvalidity, "out")
        row.intake = Intake.OUTGOING.value
        row.user_id = actor.user_id
        existing = session.scalar(
            select(MailLetter).where(
                MailLetter.folder_id == folder_id, MailLetter.external_id == row.external_id
            )
        )
        if existing is not None:
            row = existing
        else:
            lead: Lead | None = None
            if original is not None and original.lead_id is not None:
                lead = session.get(Lead, original.lead_id)
                if lead is not None:
                    row.lead_id = lead.id
            session.add(row)
            session.flush()
            if row.lead_id is not None and lead is not None:
                session.add(_timeline_entry(row, lead, actor.user_id))
            session.add(MailLetterSource(letter_id=row.id, raw=raw_out))
            session.flush()
        summary = _summary(row)
    return SentLetter(
        letter=summary, message_id=decoded.message_id or "", sent_folder=sent_folder, problem=problem
    )
