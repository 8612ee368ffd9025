"""Reads the intake wizard and "Accept inquiry" need (DOMAIN §5), in one round trip each.

The wizard opens on a lead and must show at once who the contact is: the clients found by the
lead's phone and e-mail (and the client intake already linked), each with its contact persons,
open interests, last interactions and earlier leads; plus the catalogs its combos offer. All of it
is read here, off the GUI thread, and handed over as frozen DTOs. Writes go through
:mod:`app.services.processing` and :mod:`app.services.intake`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.domain.contacts import normalize_email, normalize_phone
from app.domain.enums import ChannelKind, ClientKind, ContactKind, LeadState, StageKind
from app.domain.errors import NotFound
from app.persistence.models import (
    Channel,
    Client,
    ContactPerson,
    ContactPoint,
    Interaction,
    Interest,
    Lead,
    Pipeline,
    RejectionReason,
    Stage,
    User,
)
from app.services.catalogs import PipelineDTO, RejectionReasonDTO, pipelines, rejection_reasons, users
from app.services.dto import ChannelDTO, ClientDTO, ContactPersonDTO, LeadDTO, UserDTO
from app.services.lookup import find
from app.services.permissions import (
    Actor,
    client_visibility_clause,
    lead_visibility_clause,
    require_lead_visible,
)
from app.services.settings import phone_region

EARLIER_LEADS = 5
LAST_INTERACTIONS = 5


class FoundBy:
    """How a candidate client was found (stored in :attr:`ClientCard.found_by`)."""

    LINKED = "linked"  # intake already linked the lead to this client
    PHONE = "phone"
    EMAIL = "email"
    SEARCH = "search"


@dataclass(frozen=True, slots=True)
class InterestSummary:
    """An interest as the wizard lists it: title, stage, amount, responsible."""

    id: int
    client_id: int
    title: str
    pipeline_id: int
    pipeline_name: str
    stage_id: int
    stage_name: str
    stage_kind: StageKind
    amount: Decimal | None
    responsible_user_id: int | None
    responsible_name: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LeadSummary:
    """An earlier lead of the same contact or client, in one line."""

    id: int
    received_at: datetime
    kind: ChannelKind
    channel_name: str
    state: LeadState
    subject: str | None
    rejection_reason: str | None


@dataclass(frozen=True, slots=True)
class InteractionSummary:
    """A call, letter, meeting or task on the client's timeline."""

    id: int
    kind: str
    status: str
    subject: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ClientCard:
    """A client the lead may belong to, with what the operator must see before choosing it."""

    client: ClientDTO
    created_at: datetime
    responsible_name: str | None
    found_by: str
    contacts: tuple[ContactPersonDTO, ...]
    matched_contact_person_id: int | None
    open_interests: tuple[InterestSummary, ...]
    last_interactions: tuple[InteractionSummary, ...]
    earlier_leads: tuple[LeadSummary, ...]


@dataclass(frozen=True, slots=True)
class WizardLead:
    """Everything the intake wizard shows when it opens on a lead."""

    lead: LeadDTO
    channel: ChannelDTO
    responsible_name: str | None
    candidates: tuple[ClientCard, ...]
    earlier_leads: tuple[LeadSummary, ...]  # of the same phone / e-mail, whatever their client
    pipelines: tuple[PipelineDTO, ...]
    users: tuple[UserDTO, ...]
    reasons: tuple[RejectionReasonDTO, ...]

    @property
    def is_converted(self) -> bool:
        """Whether the lead already became an interest or a process."""
        return self.lead.state in (LeadState.CONVERTED, LeadState.REPEAT_PROCESSED)


@dataclass(frozen=True, slots=True)
class InquiryMatch:
    """One row under "Accept inquiry": a known client, contact person or earlier lead."""

    what: str  # "client", "contact" or "lead"
    id: int
    client_id: int | None
    name: str
    detail: str  # phones / e-mails, or the lead's subject
    since: datetime | None  # client since / contact since / lead received
    responsible_name: str | None
    lead_state: LeadState | None = None


@dataclass(frozen=True, slots=True)
class InquirySetup:
    """What "Accept inquiry" needs when it opens: request channels and the phone region."""

    channels: tuple[ChannelDTO, ...]
    default_channel_id: int | None
    region: str


# ---------------------------------------------------------------------------------- the wizard


def lead_for_wizard(session: Session, actor: Actor, lead_id: int) -> WizardLead:
    """The lead, the clients its phone / e-mail point to (linked one first) and the catalogs."""
    lead = require_lead_visible(actor, session.get(Lead, lead_id), lead_id)
    channel = session.get_one(Channel, lead.channel_id)

    order: list[int] = []
    found_by: dict[int, str] = {}
    matched_person: dict[int, int] = {}

    def add(client_id: int | None, how: str) -> None:
        if client_id is not None and client_id not in found_by:
            order.append(client_id)
            found_by[client_id] = how

    add(lead.client_id, FoundBy.LINKED)
    if lead.client_id is not None and lead.contact_person_id is not None:
        matched_person[lead.client_id] = lead.contact_person_id
    for kind, value, how in (
        (ContactKind.PHONE, lead.phone, FoundBy.PHONE),
        (ContactKind.EMAIL, lead.email, FoundBy.EMAIL),
        (ContactKind.MESSENGER, lead.messenger_user, FoundBy.PHONE),
    ):
        if not value:
            continue
        for client_id, person_id in session.execute(
            select(ContactPoint.client_id, ContactPoint.contact_person_id)
            .where(ContactPoint.kind == kind.value, ContactPoint.value == value)
            .order_by(ContactPoint.id)
        ):
            add(client_id, how)
            if person_id is not None:
                matched_person.setdefault(client_id, person_id)

    earlier = _contact_leads(session, actor, lead)
    # A client known only through an earlier lead of this contact (e.g. its e-mail is not stored).
    for known_id in session.scalars(
        select(Lead.client_id).where(Lead.id.in_([e.id for e in earlier]), Lead.client_id.is_not(None))
    ):
        add(known_id, FoundBy.PHONE if lead.phone else FoundBy.EMAIL)

    cards = _cards(session, actor, order, found_by, matched_person, exclude_lead_id=lead.id)
    responsible = session.get(User, lead.responsible_user_id) if lead.responsible_user_id else None
    return WizardLead(
        lead=LeadDTO.of(lead),
        channel=ChannelDTO.of(channel),
        responsible_name=responsible.full_name if responsible else None,
        candidates=cards,
        earlier_leads=earlier,
        pipelines=tuple(pipelines(session)),
        users=tuple(users(session)),
        reasons=tuple(rejection_reasons(session)),
    )


def lead_state(session: Session, actor: Actor, lead_id: int) -> LeadDTO:
    """The lead as stored now (the wizard re-reads it after a conflict)."""
    return LeadDTO.of(require_lead_visible(actor, session.get(Lead, lead_id), lead_id))


def client_card(
    session: Session, actor: Actor, client_id: int, *, exclude_lead_id: int | None = None
) -> ClientCard:
    """One client (chosen from a search) with contacts, open interests, interactions, leads."""
    cards = _cards(
        session, actor, [client_id], {client_id: FoundBy.SEARCH}, {}, exclude_lead_id=exclude_lead_id
    )
    if not cards:
        raise NotFound(f"Client {client_id} does not exist or is not visible to {actor.login}.")
    return cards[0]


def client_interests(session: Session, actor: Actor, client_id: int) -> tuple[InterestSummary, ...]:
    """The open interests of a client (on stages of kind "open"), newest first."""
    visible = session.scalar(select(Client.id).where(Client.id == client_id, client_visibility_clause(actor)))
    if visible is None:
        raise NotFound(f"Client {client_id} does not exist or is not visible to {actor.login}.")
    return _open_interests(session, [client_id]).get(client_id, ())


def search_clients(session: Session, actor: Actor, text: str, limit: int = 30) -> tuple[ClientDTO, ...]:
    """Clients by name, phone in any format, e-mail or INN (the wizard's search-as-you-type)."""
    return find(session, text, actor, limit=limit).clients


def _cards(
    session: Session,
    actor: Actor,
    client_ids: Sequence[int],
    found_by: dict[int, str],
    matched_person: dict[int, int],
    *,
    exclude_lead_id: int | None,
) -> tuple[ClientCard, ...]:
    if not client_ids:
        return ()
    clients = {
        c.id: c
        for c in session.scalars(
            select(Client).where(Client.id.in_(client_ids), client_visibility_clause(actor))
        )
    }
    ids = [i for i in client_ids if i in clients]
    if not ids:
        return ()
    names = _user_names(session, (c.responsible_user_id for c in clients.values()))
    client_points: dict[int, tuple[list[str], list[str]]] = {i: ([], []) for i in ids}
    person_points: dict[int, tuple[list[str], list[str]]] = {}
    for client_id, person_id, kind, value in session.execute(
        select(ContactPoint.client_id, ContactPoint.contact_person_id, ContactPoint.kind, ContactPoint.value)
        .where(ContactPoint.client_id.in_(ids))
        .order_by(ContactPoint.id)
    ):
        targets = [client_points[client_id]]
        if person_id is not None:
            targets.append(person_points.setdefault(person_id, ([], [])))
        for phones, emails in targets:
            bucket = (
                phones
                if kind == ContactKind.PHONE.value
                else emails
                if kind == ContactKind.EMAIL.value
                else None
            )
            if bucket is not None and value not in bucket:
                bucket.append(value)
    persons: dict[int, list[ContactPersonDTO]] = {i: [] for i in ids}
    for person in session.scalars(
        select(ContactPerson).where(ContactPerson.client_id.in_(ids)).order_by(ContactPerson.id)
    ):
        phones, emails = person_points.get(person.id, ([], []))
        persons[person.client_id].append(ContactPersonDTO.of(person, tuple(phones), tuple(emails)))
    interests = _open_interests(session, ids)
    interactions = _last_interactions(session, ids)
    leads = _client_leads(session, actor, ids, exclude_lead_id)
    cards: list[ClientCard] = []
    for i in ids:
        client = clients[i]
        phones, emails = client_points[i]
        matched = matched_person.get(i)
        cards.append(
            ClientCard(
                client=ClientDTO.of(client, tuple(phones), tuple(emails)),
                created_at=client.created_at,
                responsible_name=names.get(client.responsible_user_id or 0),
                found_by=found_by.get(i, FoundBy.SEARCH),
                contacts=tuple(persons[i]),
                matched_contact_person_id=matched if any(p.id == matched for p in persons[i]) else None,
                open_interests=interests.get(i, ()),
                last_interactions=interactions.get(i, ()),
                earlier_leads=leads.get(i, ()),
            )
        )
    return tuple(cards)


def _user_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {
        user_id: name
        for user_id, name in session.execute(select(User.id, User.full_name).where(User.id.in_(wanted)))
    }


def _open_interests(session: Session, client_ids: Sequence[int]) -> dict[int, tuple[InterestSummary, ...]]:
    rows = session.execute(
        select(Interest, Stage, Pipeline.name)
        .join(Stage, Stage.id == Interest.stage_id)
        .join(Pipeline, Pipeline.id == Interest.pipeline_id)
        .where(
            Interest.client_id.in_(client_ids),
            Stage.kind == StageKind.OPEN.value,
            Interest.closed_at.is_(None),
        )
        .order_by(Interest.id.desc())
    )
    found = [(row[0], row[1], row[2]) for row in rows]
    names = _user_names(session, (interest.responsible_user_id for interest, _, _ in found))
    result: dict[int, list[InterestSummary]] = {}
    for interest, stage, pipeline_name in found:
        result.setdefault(interest.client_id, []).append(
            InterestSummary(
                id=interest.id,
                client_id=interest.client_id,
                title=interest.title,
                pipeline_id=interest.pipeline_id,
                pipeline_name=pipeline_name,
                stage_id=stage.id,
                stage_name=stage.name,
                stage_kind=StageKind(stage.kind),
                amount=interest.amount,
                responsible_user_id=interest.responsible_user_id,
                responsible_name=names.get(interest.responsible_user_id or 0),
                created_at=interest.created_at,
            )
        )
    return {k: tuple(v) for k, v in result.items()}


def _last_interactions(
    session: Session, client_ids: Sequence[int]
) -> dict[int, tuple[InteractionSummary, ...]]:
    result: dict[int, tuple[InteractionSummary, ...]] = {}
    when = func.coalesce(Interaction.done_at, Interaction.planned_at, Interaction.created_at)
    for client_id in client_ids:  # a handful of candidates: one small indexed query each
        result[client_id] = tuple(
            InteractionSummary(i.id, i.kind, i.status, i.subject, i.done_at or i.planned_at or i.created_at)
            for i in session.scalars(
                select(Interaction)
                .where(Interaction.client_id == client_id)
                .order_by(when.desc(), Interaction.id.desc())
                .limit(LAST_INTERACTIONS)
            )
        )
    return result


def _lead_summaries(session: Session, statement: object) -> list[tuple[int | None, LeadSummary]]:
    rows = session.execute(statement)  # type: ignore[call-overload]
    return [
        (
            lead.client_id,
            LeadSummary(
                id=lead.id,
                received_at=lead.received_at,
                kind=ChannelKind(lead.kind),
                channel_name=channel_name,
                state=LeadState(lead.state),
                subject=lead.subject or _first_line(lead.message),
                rejection_reason=reason_name,
            ),
        )
        for lead, channel_name, reason_name in rows
    ]


def _lead_select() -> object:
    return (
        select(Lead, Channel.name, RejectionReason.name)
        .join(Channel, Channel.id == Lead.channel_id)
        .outerjoin(RejectionReason, RejectionReason.id == Lead.rejection_reason_id)
    )


def _client_leads(
    session: Session, actor: Actor, client_ids: Sequence[int], exclude_lead_id: int | None
) -> dict[int, tuple[LeadSummary, ...]]:
    result: dict[int, tuple[LeadSummary, ...]] = {}
    for client_id in client_ids:
        statement = (
            _lead_select()
            .where(Lead.client_id == client_id, lead_visibility_clause(actor))  # type: ignore[attr-defined]
            .order_by(Lead.received_at.desc(), Lead.id.desc())
            .limit(EARLIER_LEADS + 1)
        )
        rows = [s for _, s in _lead_summaries(session, statement) if s.id != exclude_lead_id]
        result[client_id] = tuple(rows[:EARLIER_LEADS])
    return result


def _contact_leads(session: Session, actor: Actor, lead: Lead) -> tuple[LeadSummary, ...]:
    conditions = []
    if lead.phone:
        conditions.append(Lead.phone == lead.phone)
    if lead.email:
        conditions.append(Lead.email == lead.email)
    if lead.messenger_user:
        conditions.append(Lead.messenger_user == lead.messenger_user)
    if not conditions:
        return ()
    statement = (
        _lead_select()
        .where(or_(*conditions), Lead.id != lead.id, lead_visibility_clause(actor))  # type: ignore[attr-defined]
        .order_by(Lead.received_at.desc(), Lead.id.desc())
        .limit(EARLIER_LEADS)
    )
    return tuple(s for _, s in _lead_summaries(session, statement))


def _first_line(text: str | None) -> str | None:
    if not text:
        return None
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:200]
    return None


# ---------------------------------------------------------------------------------- Accept inquiry


def inquiry_setup(session: Session) -> InquirySetup:
    """Active request channels that create leads; the default is the one named "Walk-in"."""
    channels = tuple(
        ChannelDTO.of(c)
        for c in session.scalars(
            select(Channel)
            .where(
                Channel.kind == ChannelKind.REQUEST.value,
                Channel.lead_source.is_(True),
                Channel.active.is_(True),
            )
            .order_by(Channel.id)
        )
    )
    default = next((c.id for c in channels if c.name.strip().casefold() == "walk-in"), None)
    if default is None:
        default = next((c.id for c in channels if "walk" in c.name.casefold()), None)
    if default is None and channels:
        default = channels[0].id
    return InquirySetup(channels=channels, default_channel_id=default, region=phone_region(session))


def inquiry_matches(
    session: Session,
    actor: Actor,
    *,
    name: str = "",
    phone: str = "",
    email: str = "",
    limit: int = 20,
) -> tuple[InquiryMatch, ...]:
    """Clients, contact persons and leads matching what has been typed so far (phone first)."""
    region = phone_region(session)
    queries: list[str] = []
    if phone.strip() and normalize_phone(phone, region) is not None:
        queries.append(phone)
    if email.strip() and normalize_email(email) is not None:
        queries.append(email)
    if len(name.strip()) >= 3:
        queries.append(name)
    clients: dict[int, ClientDTO] = {}
    contacts: dict[int, ContactPersonDTO] = {}
    leads: dict[int, LeadDTO] = {}
    for query in queries:
        found = find(session, query, actor, limit=limit)
        for c in found.clients:
            clients.setdefault(c.id, c)
        for p in found.contacts:
            contacts.setdefault(p.id, p)
        for lead in found.leads:
            leads.setdefault(lead.id, lead)
    if not (clients or contacts or leads):
        return ()
    created: dict[int, datetime] = {
        i: at
        for i, at in session.execute(select(Client.id, Client.created_at).where(Client.id.in_(list(clients))))
    }
    person_created: dict[int, datetime] = {
        i: at
        for i, at in session.execute(
            select(ContactPerson.id, ContactPerson.created_at).where(ContactPerson.id.in_(list(contacts)))
        )
    }
    client_names = {c.id: c.name for c in clients.values()}
    names = _user_names(
        session,
        [c.responsible_user_id for c in clients.values()]
        + [lead.responsible_user_id for lead in leads.values()],
    )
    rows: list[InquiryMatch] = []
    for c in clients.values():
        kind_word = "company" if c.kind is ClientKind.COMPANY else "person"
        detail = ", ".join([*c.phones, *c.emails])
        if c.inn:
            detail = f"INN {c.inn}" + (f"; {detail}" if detail else "")
        rows.append(
            InquiryMatch(
                "client",
                c.id,
                c.id,
                c.name,
                detail or kind_word,
                created.get(c.id),
                names.get(c.responsible_user_id or 0),
            )
        )
    for p in contacts.values():
        rows.append(
            InquiryMatch(
                "contact",
                p.id,
                p.client_id,
                p.name + (f" ({client_names[p.client_id]})" if p.client_id in client_names else ""),
                ", ".join([*p.phones, *p.emails]),
                person_created.get(p.id),
                None,
            )
        )
    for lead in sorted(leads.values(), key=lambda item: item.received_at, reverse=True):
        rows.append(
            InquiryMatch(
                "lead",
                lead.id,
                lead.client_id,
                lead.contact_name or lead.raw_contact or "",
                lead.subject or _first_line(lead.message) or "",
                lead.received_at,
                names.get(lead.responsible_user_id or 0),
                lead.state,
            )
        )
    return tuple(rows[: limit * 3])


__all__ = [
    "ClientCard",
    "FoundBy",
    "InquiryMatch",
    "InquirySetup",
    "InteractionSummary",
    "InterestSummary",
    "LeadSummary",
    "WizardLead",
    "client_card",
    "client_interests",
    "inquiry_matches",
    "inquiry_setup",
    "lead_for_wizard",
    "lead_state",
    "search_clients",
]
