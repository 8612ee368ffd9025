"""The My Sales board (DOMAIN §1, §2): the Inquiries column, the interest stages, the lead card.

Reads return frozen DTOs with every name resolved, so the board paints without further queries.
The Inquiries column is read in the order of the partial indexes of migration 0003 — oldest
first by ``(received_at, id)`` — one page at a time: :func:`inquiries` takes an ``offset`` or,
cheaper for deep pages, a keyset cursor (``after``: the last card already shown), and ``until``
re-reads exactly the range a board has loaded when it refreshes after a change.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    false,
    func,
    or_,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy.orm import Session, aliased

from app.domain.enums import OPEN_STATES, ChannelKind, LeadQuality, LeadState, StageKind, Visibility
from app.domain.errors import ConcurrentModification, NotFound, PermissionDenied, ValidationError
from app.persistence.models import (
    Channel,
    Client,
    ContactPerson,
    Interest,
    Lead,
    LeadHistory,
    Pipeline,
    Process,
    ProgressStatus,
    RejectionReason,
    Role,
    Stage,
    User,
)
from app.persistence.types import utcnow
from app.persistence.uow import UnitOfWork
from app.services.catalogs import StageDTO
from app.services.dto import LeadDTO
from app.services.permissions import Actor, Right, lead_visibility_clause, require_lead_visible

Scope = Literal["mine", "my_roles", "all"]
SCOPES: tuple[Scope, ...] = ("mine", "my_roles", "all")

PAGE = 200
_CHUNK = 5000
FIRST_LINE_LENGTH = 120
# Won and lost stages show what closed lately, not the whole archive.
CLOSED_RECENT_DAYS = 30
CLOSED_LAST_N = 50

# Verbatim the predicate of the partial indexes (models.py, migration 0003): both engines use a
# partial index only when the query carries the identical term; a bound-parameter list would not
# match it (PostgreSQL's generic plans, SQLite's term comparison). Written as NOT IN the closed
# states (the same rows under the state CHECK constraint) because an IN list would let SQLite
# look rows up through ix_leads_state_received_at and then sort all of them.
_OPEN_SQL = "leads.state NOT IN ('converted', 'repeat_processed', 'rejected')"


def _open_leads() -> ColumnElement[bool]:
    return text(_OPEN_SQL)  # type: ignore[return-value]


# ------------------------------------------------------------------------------------------ DTOs


@dataclass(frozen=True, slots=True, order=True)
class InquiryCursor:
    """A position in the Inquiries column: the sort key of one card."""

    received_at: datetime
    id: int


@dataclass(frozen=True, slots=True)
class InquiryCard:
    """One unprocessed lead as the Inquiries column paints it."""

    id: int
    version: int
    kind: ChannelKind
    channel_id: int
    channel_name: str
    reason_required: bool
    contact: str
    phone: str | None
    email: str | None
    first_line: str
    received_at: datetime
    sla_due_at: datetime | None
    state: LeadState
    quality: LeadQuality
    is_repeat: bool
    client_id: int | None
    client_name: str | None
    responsible_user_id: int | None
    responsible_name: str | None
    responsible_role_id: int | None
    role_name: str | None

    @property
    def cursor(self) -> InquiryCursor:
        """The card's place in the column (for keyset paging)."""
        return InquiryCursor(self.received_at, self.id)

    def overdue(self, now: datetime) -> bool:
        """Whether the channel's SLA for a first action has passed at ``now``."""
        return self.sla_due_at is not None and now > self.sla_due_at


@dataclass(frozen=True, slots=True)
class InterestCard:
    """One interest (deal) as a stage column paints it."""

    id: int
    version: int
    title: str
    client_id: int
    client_name: str
    amount: Decimal | None
    responsible_user_id: int | None
    responsible_name: str | None
    pipeline_id: int
    stage_id: int
    stage_name: str
    stage_kind: StageKind
    created_at: datetime
    closed_at: datetime | None
    lead_id: int | None


@dataclass(frozen=True, slots=True)
class StageColumn:
    """A stage with the count and sum of the interests on it the user sees, and the first of them."""

    stage: StageDTO
    count: int
    amount: Decimal
    interests: tuple[InterestCard, ...]

    @property
    def complete(self) -> bool:
        """Whether every counted interest is in ``interests``."""
        return len(self.interests) >= self.count


@dataclass(frozen=True, slots=True)
class LeadSummary:
    """Another lead of the same client (the lead card's table)."""

    id: int
    kind: ChannelKind
    channel_name: str
    received_at: datetime
    state: LeadState
    first_line: str
    responsible_name: str | None


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one history entry: names instead of ids; timestamps as ISO strings."""

    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class HistoryItem:
    """One entry of a lead's history timeline."""

    id: int
    at: datetime
    user_id: int | None
    user_name: str | None
    action: str
    changes: tuple[FieldChange, ...]
    comment: str | None


@dataclass(frozen=True, slots=True)
class LeadCard:
    """Everything the lead card shows: the lead, its names, the client's other work, the history."""

    lead: LeadDTO
    channel_name: str
    reason_required: bool
    responsible_name: str | None
    role_name: str | None
    processor_name: str | None
    rejection_reason_name: str | None
    progress_status_name: str | None
    client_name: str | None
    contact_person_name: str | None
    result_interest_title: str | None
    result_process_title: str | None
    created_by_name: str | None
    duplicate_of_lead_id: int | None
    first_action_at: datetime | None
    updated_at: datetime
    other_leads: tuple[LeadSummary, ...]
    interests: tuple[InterestCard, ...]
    history: tuple[HistoryItem, ...] = field(default=())

    @property
    def is_open(self) -> bool:
        """Whether the lead still waits for a result."""
        return self.lead.state.is_open


# ------------------------------------------------------------------------------ the Inquiries column


def may_see_all(actor: Actor) -> bool:
    """Whether the actor may switch the Inquiries column to "all" (visibility or the reassign right)."""
    return actor.visibility in (Visibility.DEPARTMENT, Visibility.ALL) or actor.has(Right.REASSIGN)


def _check_scope(actor: Actor, scope: str) -> None:
    if scope not in SCOPES:
        raise ValidationError(f"There is no board scope '{scope}'; use mine, my_roles or all.")
    if scope == "all" and not may_see_all(actor):
        raise PermissionDenied(f"{actor.login} may see only their own and their roles' leads.")


def _branches(actor: Actor, scope: Scope) -> list[ColumnElement[bool]]:
    """Disjoint conditions whose union is the scope, each served by one ordered partial index."""
    if scope == "all":
        return [lead_visibility_clause(actor)]
    branches: list[ColumnElement[bool]] = []
    if actor.user_id is not None:
        branches.append(Lead.responsible_user_id == actor.user_id)
    if scope == "my_roles":
        # The pool of a role: the role is responsible and no user has taken the lead yet.
        branches.extend(
            and_(Lead.responsible_role_id == role_id, Lead.responsible_user_id.is_(None))
            for role_id in sorted(actor.role_ids)
        )
    return branches or [false()]


def _common(kinds: Collection[ChannelKind] | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [_open_leads()]
    if kinds is not None:
        values = sorted(ChannelKind(kind).value for kind in kinds)
        conditions.append(Lead.kind.in_(values) if values else false())
    return conditions


def _after(cursor: InquiryCursor) -> ColumnElement[bool]:
    # The redundant ">=" is what an index range scan starts from on both engines.
    return and_(
        Lead.received_at >= cursor.received_at,
        or_(Lead.received_at > cursor.received_at, Lead.id > cursor.id),
    )


def _until(cursor: InquiryCursor) -> ColumnElement[bool]:
    return and_(
        Lead.received_at <= cursor.received_at,
        or_(Lead.received_at < cursor.received_at, Lead.id <= cursor.id),
    )


def _ordered_ids(
    actor: Actor,
    scope: Scope,
    kinds: Collection[ChannelKind] | None,
    offset: int,
    limit: int | None,
    after: InquiryCursor | None,
    until: InquiryCursor | None,
) -> Select[int, int]:
    conditions = _common(kinds)
    if after is not None:
        conditions.append(_after(after))
    if until is not None:
        conditions.append(_until(until))
    branches = _branches(actor, scope)
    order = (Lead.received_at, Lead.id)
    if len(branches) == 1:
        statement = select(Lead.id, Lead.version).where(branches[0], *conditions).order_by(*order)
    else:
        # One ordered, limited arm per index (mine, each role's pool), merged: far cheaper than an
        # OR that would make the engine read and sort every open lead of the user's roles.
        cap = None if limit is None else offset + limit
        arms = []
        for branch in branches:
            arm = select(Lead.id, Lead.version, Lead.received_at).where(branch, *conditions).order_by(*order)
            if cap is not None:
                arm = arm.limit(cap)
            sub = arm.subquery()
            arms.append(select(sub.c.id, sub.c.version, sub.c.received_at))
        merged = union_all(*arms).subquery()
        statement = select(merged.c.id, merged.c.version).order_by(merged.c.received_at, merged.c.id)
    if offset:
        statement = statement.offset(offset)
    if limit is not None:
        statement = statement.limit(limit)
    return statement


def inquiries(
    session: Session,
    actor: Actor,
    *,
    scope: Scope,
    kinds: Collection[ChannelKind] | None,
    offset: int = 0,
    limit: int | None = PAGE,
    after: InquiryCursor | None = None,
    until: InquiryCursor | None = None,
) -> list[InquiryCard]:
    """Unprocessed leads (new, repeat, in progress) of the scope, oldest first.

    ``mine``: the actor is responsible; ``my_roles``: also the pools of the actor's roles; ``all``:
    every lead the actor may see (needs department/all visibility or the reassign right, else
    :class:`PermissionDenied`). ``kinds`` None means every channel kind. Page with ``offset`` or
    with ``after`` (the cursor of the last card shown); ``until`` stops at a cursor (inclusive).
    """
    _check_scope(actor, scope)
    if offset < 0 or (limit is not None and limit < 0):
        raise ValidationError("A page starts at 0 and holds 0 or more cards.")
    rows = session.execute(_ordered_ids(actor, scope, kinds, offset, limit, after, until))
    return _inquiry_cards(session, [lead_id for lead_id, _version in rows])


def refresh_inquiries(
    session: Session,
    actor: Actor,
    *,
    scope: Scope,
    kinds: Collection[ChannelKind] | None,
    known: Mapping[int, int],
    limit: int | None = None,
    until: InquiryCursor | None = None,
) -> tuple[list[int], list[InquiryCard]]:
    """Re-read a range a board has loaded, cheaply: its ids in order, and the cards that changed.

    ``known`` maps the lead ids the board shows to the versions it shows. The range (``limit``
    cards from the top, or up to ``until``) is read as (id, version) pairs only; full cards come
    back just for leads that are new or whose version moved. Names that change without touching
    the lead (a client renamed) are picked up by a plain :func:`inquiries` read.
    """
    _check_scope(actor, scope)
    if limit is not None and limit < 0:
        raise ValidationError("A page starts at 0 and holds 0 or more cards.")
    order: list[int] = []
    wanted: list[int] = []
    for lead_id, version in session.execute(_ordered_ids(actor, scope, kinds, 0, limit, None, until)):
        order.append(lead_id)
        if known.get(lead_id) != version:
            wanted.append(lead_id)
    cards = _inquiry_cards(session, wanted)
    # A lead closed between the two reads is no longer on the board.
    closed = set(wanted) - {card.id for card in cards}
    return [lead_id for lead_id in order if lead_id not in closed], cards


def count_inquiries(
    session: Session, actor: Actor, *, scope: Scope, kinds: Collection[ChannelKind] | None
) -> int:
    """How many cards :func:`inquiries` has for the scope and kinds."""
    _check_scope(actor, scope)
    conditions = _common(kinds)
    if scope == "all" and kinds is None:
        # Counting every open lead: three equality ranges of ix_leads_state_received_at are
        # cheaper than a full scan of it, which is what SQLite makes of the NOT IN term.
        conditions = [Lead.state.in_(sorted(state.value for state in OPEN_STATES))]
    total = 0
    for branch in _branches(actor, scope):  # disjoint: the counts add up
        statement = select(func.count()).select_from(Lead).where(branch, *conditions)
        total += int(session.scalar(statement) or 0)
    return total


def _first_line(subject: str | None, message: str | None) -> str:
    text_ = (subject or "").strip()
    if not text_ and message:
        text_ = next((line.strip() for line in message.splitlines() if line.strip()), "")
    text_ = " ".join(text_.split())
    if len(text_) > FIRST_LINE_LENGTH:
        text_ = text_[: FIRST_LINE_LENGTH - 1].rstrip() + "…"
    return text_


def _contact(
    name: str | None, raw: str | None, phone: str | None, email: str | None, messenger: str | None
) -> str:
    for value in (name, raw, phone, email, messenger):
        if value and value.strip():
            return value.strip()
    return ""


def _inquiry_cards(session: Session, ids: Sequence[int]) -> list[InquiryCard]:
    cards: dict[int, InquiryCard] = {}
    # In chunks: engines cap the number of bound parameters (SQLite 32,766, PostgreSQL 65,535).
    for start in range(0, len(ids), _CHUNK):
        cards.update(_inquiry_chunk(session, ids[start : start + _CHUNK]))
    # A lead may have closed between the two reads: it is simply not there any more.
    return [cards[lead_id] for lead_id in ids if lead_id in cards and cards[lead_id].state.is_open]


def _inquiry_chunk(session: Session, ids: Sequence[int]) -> dict[int, InquiryCard]:
    responsible = aliased(User)
    rows = session.execute(
        select(
            Lead.id,
            Lead.version,
            Lead.kind,
            Lead.channel_id,
            Channel.name,
            Channel.reason_required,
            Lead.contact_name,
            Lead.raw_contact,
            Lead.phone,
            Lead.email,
            Lead.messenger_user,
            Lead.subject,
            # The first line is all the card shows; a long letter stays in the database.
            func.substr(Lead.message, 1, 1000),
            Lead.received_at,
            Lead.sla_due_at,
            Lead.state,
            Lead.quality,
            Lead.repeat_of_lead_id,
            Lead.client_id,
            Client.name,
            Lead.responsible_user_id,
            responsible.full_name,
            Lead.responsible_role_id,
            Role.name,
        )
        .join(Channel, Channel.id == Lead.channel_id)
        .outerjoin(Client, Client.id == Lead.client_id)
        .outerjoin(responsible, responsible.id == Lead.responsible_user_id)
        .outerjoin(Role, Role.id == Lead.responsible_role_id)
        .where(Lead.id.in_(ids))
    )
    cards: dict[int, InquiryCard] = {}
    for (
        lead_id,
        version,
        kind,
        channel_id,
        channel_name,
        reason_required,
        contact_name,
        raw_contact,
        phone,
        email,
        messenger,
        subject,
        message,
        received_at,
        sla_due_at,
        state,
        quality,
        repeat_of,
        client_id,
        client_name,
        user_id,
        user_name,
        role_id,
        role_name,
    ) in rows:
        lead_state = LeadState(state)
        lead_quality = LeadQuality(quality)
        cards[lead_id] = InquiryCard(
            id=lead_id,
            version=version,
            kind=ChannelKind(kind),
            channel_id=channel_id,
            channel_name=channel_name,
            reason_required=bool(reason_required),
            contact=_contact(contact_name, raw_contact, phone, email, messenger),
            phone=phone,
            email=email,
            first_line=_first_line(subject, message),
            received_at=received_at,
            sla_due_at=sla_due_at,
            state=lead_state,
            quality=lead_quality,
            is_repeat=(
                lead_state is LeadState.REPEAT or lead_quality is LeadQuality.REPEAT or repeat_of is not None
            ),
            client_id=client_id,
            client_name=client_name,
            responsible_user_id=user_id,
            responsible_name=user_name,
            responsible_role_id=role_id,
            role_name=role_name,
        )
    return cards


# ---------------------------------------------------------------------------------- stage columns


def interest_visibility_clause(actor: Actor) -> ColumnElement[bool]:
    """Interests the actor sees on the board: own; the department's; or all, by visibility."""
    if actor.visibility is Visibility.ALL:
        return true()
    users = {actor.user_id} if actor.user_id is not None else set()
    if actor.visibility is Visibility.DEPARTMENT:
        users |= set(actor.department_user_ids)
    if not users:
        return false()
    return Interest.responsible_user_id.in_(sorted(users))


def _can_see_interest(actor: Actor, interest: Interest) -> bool:
    if actor.visibility is Visibility.ALL:
        return True
    if actor.user_id is not None and interest.responsible_user_id == actor.user_id:
        return True
    return (
        actor.visibility is Visibility.DEPARTMENT
        and interest.responsible_user_id is not None
        and interest.responsible_user_id in actor.department_user_ids
    )


def _stage_dto(stage: Stage) -> StageDTO:
    return StageDTO(
        stage.id, stage.pipeline_id, stage.name, stage.position, stage.color, StageKind(stage.kind)
    )


def _pipeline_stages(session: Session, pipeline_id: int | None) -> list[StageDTO]:
    if pipeline_id is None:
        pipeline_id = session.scalar(select(Pipeline.id).order_by(Pipeline.is_default.desc(), Pipeline.id))
        if pipeline_id is None:
            return []
    return [
        _stage_dto(stage)
        for stage in session.scalars(
            select(Stage).where(Stage.pipeline_id == pipeline_id).order_by(Stage.position, Stage.id)
        )
    ]


def _stage_window(stage: StageDTO, now: datetime) -> list[ColumnElement[bool]]:
    """Which interests of a stage count: all on open stages; lately closed ones on won/lost."""
    conditions: list[ColumnElement[bool]] = [Interest.stage_id == stage.id]
    if stage.kind is not StageKind.OPEN:
        since = now - timedelta(days=CLOSED_RECENT_DAYS)
        conditions.append(func.coalesce(Interest.closed_at, Interest.created_at) >= since)
    return conditions


def _stage_order(stage: StageDTO) -> tuple[Any, ...]:
    if stage.kind is StageKind.OPEN:
        return (Interest.created_at.desc(), Interest.id.desc())
    return (func.coalesce(Interest.closed_at, Interest.created_at).desc(), Interest.id.desc())


def _interest_query() -> Select[Interest, str, str, Stage]:
    responsible = aliased(User)
    return (
        select(Interest, Client.name, responsible.full_name, Stage)
        .join(Client, Client.id == Interest.client_id)
        .join(Stage, Stage.id == Interest.stage_id)
        .outerjoin(responsible, responsible.id == Interest.responsible_user_id)
    )


def _interest_card(
    interest: Interest, client_name: str, responsible_name: str | None, stage: Stage
) -> InterestCard:
    return InterestCard(
        id=interest.id,
        version=interest.version,
        title=interest.title,
        client_id=interest.client_id,
        client_name=client_name,
        amount=interest.amount,
        responsible_user_id=interest.responsible_user_id,
        responsible_name=responsible_name,
        pipeline_id=interest.pipeline_id,
        stage_id=interest.stage_id,
        stage_name=stage.name,
        stage_kind=StageKind(stage.kind),
        created_at=interest.created_at,
        closed_at=interest.closed_at,
        lead_id=interest.lead_id,
    )


def _snapshot(session: Session) -> None:
    """Read the statements that follow from one snapshot, so counts and cards agree.

    SQLite's read transaction is a snapshot already; PostgreSQL's default (read committed) takes a
    new one per statement, so a move committed between the count and the cards would show a
    column whose header disagrees with its cards. Only possible before the session's first query.
    """
    if session.get_bind().dialect.name == "postgresql" and not session.in_transaction():
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def stage_interests(
    session: Session, actor: Actor, stage_id: int, *, offset: int = 0, limit: int = PAGE
) -> list[InterestCard]:
    """A page of the interests of one stage the actor sees, as the stage column orders them."""
    stage = session.get(Stage, stage_id)
    if stage is None:
        raise NotFound(f"There is no stage with id {stage_id}.")
    dto = _stage_dto(stage)
    if dto.kind is not StageKind.OPEN:
        limit = max(0, min(limit, CLOSED_LAST_N - offset))
    rows = session.execute(
        _interest_query()
        .where(*_stage_window(dto, utcnow()), interest_visibility_clause(actor))
        .order_by(*_stage_order(dto))
        .offset(offset)
        .limit(limit)
    )
    return [_interest_card(*row) for row in rows]


def stage_columns(
    session: Session,
    actor: Actor,
    pipeline_id: int | None = None,
    *,
    limit: int = PAGE,
    limits: Mapping[int, int] | None = None,
) -> list[StageColumn]:
    """Every stage of the pipeline (the default one) with count, sum and the first interests.

    Open stages count everything the actor sees; won and lost count what closed in the last
    ``CLOSED_RECENT_DAYS`` days and show at most the ``CLOSED_LAST_N`` latest. ``limits`` (stage
    id → rows) re-reads the range a board has already loaded.
    """
    _snapshot(session)
    now = utcnow()
    visible = interest_visibility_clause(actor)
    columns: list[StageColumn] = []
    for stage in _pipeline_stages(session, pipeline_id):
        window = _stage_window(stage, now)
        count, amount = session.execute(
            select(func.count(), func.coalesce(func.sum(Interest.amount), 0)).where(*window, visible)
        ).one()
        rows_wanted = (limits or {}).get(stage.id, limit)
        if stage.kind is not StageKind.OPEN:
            rows_wanted = min(rows_wanted, CLOSED_LAST_N)
        rows = session.execute(
            _interest_query().where(*window, visible).order_by(*_stage_order(stage)).limit(rows_wanted)
        )
        columns.append(
            StageColumn(
                stage=stage,
                count=int(count),
                amount=Decimal(amount or 0),
                interests=tuple(_interest_card(*row) for row in rows),
            )
        )
    return columns


def move_interest(
    uow: UnitOfWork,
    actor: Actor,
    interest_id: int,
    stage_id: int,
    *,
    expected_version: int | None = None,
) -> InterestCard:
    """Move an interest to another stage of its pipeline (the board's drag between columns).

    Its responsible or a user with the reassign right may; closing stages (won, lost) stamp
    ``closed_at``, open ones clear it. The lead it came from is left alone: processing date and
    processor were settled at conversion (DOMAIN §4).
    """
    session = uow.session
    statement = select(Interest).where(Interest.id == interest_id).with_for_update()
    interest = session.scalars(statement).one_or_none()
    if interest is None or not (actor.is_system or _can_see_interest(actor, interest)):
        raise NotFound(f"Interest {interest_id} does not exist or is not visible to {actor.login}.")
    if expected_version is not None and interest.version != expected_version:
        raise ConcurrentModification(
            f"Interest {interest_id} was changed by somebody else meanwhile; reload it and try again."
        )
    if not (actor.is_system or actor.has(Right.REASSIGN) or interest.responsible_user_id == actor.user_id):
        raise PermissionDenied(
            f"Interest {interest_id} belongs to another manager; {actor.login} may not move it."
        )
    stage = session.get(Stage, stage_id)
    if stage is None:
        raise ValidationError(f"There is no stage with id {stage_id}.")
    if stage.pipeline_id != interest.pipeline_id:
        raise ValidationError("An interest moves only between stages of its own pipeline.")
    if stage.id != interest.stage_id:
        previous = session.get(Stage, interest.stage_id)
        if stage.kind == StageKind.OPEN.value:
            interest.closed_at = None
        elif interest.closed_at is None or previous is None or previous.kind != stage.kind:
            interest.closed_at = utcnow()
        interest.stage_id = stage.id
        uow.flush()
    client_name = session.scalar(select(Client.name).where(Client.id == interest.client_id)) or ""
    owner = (
        session.scalar(select(User.full_name).where(User.id == interest.responsible_user_id))
        if interest.responsible_user_id is not None
        else None
    )
    return _interest_card(interest, client_name, owner, stage)


# ------------------------------------------------------------------------------------- lead card

# History fields whose stored value is an id, and where its name lives.
_REFERENCES: dict[str, tuple[Any, Any]] = {
    "responsible_user_id": (User, User.full_name),
    "processor_id": (User, User.full_name),
    "responsible_role_id": (Role, Role.name),
    "rejection_reason_id": (RejectionReason, RejectionReason.name),
    "progress_status_id": (ProgressStatus, ProgressStatus.name),
    "client_id": (Client, Client.name),
    "contact_person_id": (ContactPerson, ContactPerson.name),
    "result_interest_id": (Interest, Interest.title),
    "result_process_id": (Process, Process.title),
}


def _name(session: Session, column: Any, model: Any, object_id: int | None) -> str | None:
    if object_id is None:
        return None
    value = session.scalar(select(column).where(model.id == object_id))
    return None if value is None else str(value)


def _resolve_history(session: Session, entries: Sequence[LeadHistory]) -> list[HistoryItem]:
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        for name, pair in (entry.changes or {}).items():
            if name in _REFERENCES and isinstance(pair, list):
                wanted.setdefault(name, set()).update(v for v in pair if isinstance(v, int))
    user_ids = {entry.user_id for entry in entries if entry.user_id is not None}
    names: dict[tuple[str, int], str] = {}
    for name, ids in wanted.items():
        model, column = _REFERENCES[name]
        for object_id, value in session.execute(select(model.id, column).where(model.id.in_(sorted(ids)))):
            names[(name, object_id)] = str(value)
    users: dict[int, str] = {
        user_id: full_name
        for user_id, full_name in session.execute(
            select(User.id, User.full_name).where(User.id.in_(sorted(user_ids)))
        )
    }

    def shown(name: str, value: Any) -> str | None:
        if value is None:
            return None
        if name in _REFERENCES and isinstance(value, int):
            return names.get((name, value), f"#{value}")
        if name == "duplicate_of_lead_id":
            return f"#{value}"
        return str(value)

    items: list[HistoryItem] = []
    for entry in entries:
        changes = tuple(
            FieldChange(name, shown(name, pair[0]), shown(name, pair[1]))
            for name, pair in (entry.changes or {}).items()
            if isinstance(pair, list) and len(pair) == 2 and pair[0] != pair[1]
        )
        items.append(
            HistoryItem(
                id=entry.id,
                at=entry.at,
                user_id=entry.user_id,
                user_name=users.get(entry.user_id) if entry.user_id is not None else None,
                action=entry.action,
                changes=changes,
                comment=entry.comment,
            )
        )
    return items


def lead_card(session: Session, actor: Actor, lead_id: int) -> LeadCard:
    """Every field of a lead with names, the client's other leads and interests, the history."""
    _snapshot(session)
    lead = require_lead_visible(actor, session.get(Lead, lead_id), lead_id)
    channel = session.get(Channel, lead.channel_id)
    assert channel is not None
    other_leads: list[LeadSummary] = []
    interests: list[InterestCard] = []
    if lead.client_id is not None:
        responsible = aliased(User)
        for other, channel_name, owner in session.execute(
            select(Lead, Channel.name, responsible.full_name)
            .join(Channel, Channel.id == Lead.channel_id)
            .outerjoin(responsible, responsible.id == Lead.responsible_user_id)
            .where(Lead.client_id == lead.client_id, Lead.id != lead.id, lead_visibility_clause(actor))
            .order_by(Lead.received_at.desc(), Lead.id.desc())
            .limit(100)
        ):
            other_leads.append(
                LeadSummary(
                    id=other.id,
                    kind=ChannelKind(other.kind),
                    channel_name=channel_name,
                    received_at=other.received_at,
                    state=LeadState(other.state),
                    first_line=_first_line(other.subject, other.message),
                    responsible_name=owner,
                )
            )
        # Whoever may see the lead sees its client's deals: they answer the client's next call.
        interests = [
            _interest_card(*row)
            for row in session.execute(
                _interest_query()
                .where(Interest.client_id == lead.client_id)
                .order_by(Interest.created_at.desc(), Interest.id.desc())
                .limit(100)
            )
        ]
    entries = list(
        session.scalars(select(LeadHistory).where(LeadHistory.lead_id == lead.id).order_by(LeadHistory.id))
    )
    return LeadCard(
        lead=LeadDTO.of(lead),
        channel_name=channel.name,
        reason_required=channel.reason_required,
        responsible_name=_name(session, User.full_name, User, lead.responsible_user_id),
        role_name=_name(session, Role.name, Role, lead.responsible_role_id),
        processor_name=_name(session, User.full_name, User, lead.processor_id),
        rejection_reason_name=_name(session, RejectionReason.name, RejectionReason, lead.rejection_reason_id),
        progress_status_name=_name(session, ProgressStatus.name, ProgressStatus, lead.progress_status_id),
        client_name=_name(session, Client.name, Client, lead.client_id),
        contact_person_name=_name(session, ContactPerson.name, ContactPerson, lead.contact_person_id),
        result_interest_title=_name(session, Interest.title, Interest, lead.result_interest_id),
        result_process_title=_name(session, Process.title, Process, lead.result_process_id),
        created_by_name=_name(session, User.full_name, User, lead.created_by_id),
        duplicate_of_lead_id=lead.duplicate_of_lead_id,
        first_action_at=lead.first_action_at,
        updated_at=lead.updated_at,
        other_leads=tuple(other_leads),
        interests=tuple(interests),
        history=tuple(_resolve_history(session, entries)),
    )


__all__ = [
    "CLOSED_LAST_N",
    "CLOSED_RECENT_DAYS",
    "PAGE",
    "SCOPES",
    "FieldChange",
    "HistoryItem",
    "InquiryCard",
    "InquiryCursor",
    "InterestCard",
    "LeadCard",
    "LeadSummary",
    "Scope",
    "StageColumn",
    "count_inquiries",
    "inquiries",
    "interest_visibility_clause",
    "lead_card",
    "may_see_all",
    "move_interest",
    "refresh_inquiries",
    "stage_columns",
    "stage_interests",
]
