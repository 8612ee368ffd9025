"""A client at a glance, for the global search: contact info, contact persons, leads, open interests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.enums import ChannelKind, LeadState, StageKind
from app.domain.errors import NotFound
from app.persistence.models import Client, ContactPerson, ContactPoint, Interest, Lead, Stage
from app.services.dto import ClientDTO, ContactPersonDTO
from app.services.permissions import Actor, client_visibility_clause, lead_visibility_clause

_RECENT = 20


@dataclass(frozen=True, slots=True)
class ClientLeadDTO:
    """One of the client's leads, as a line in a list."""

    id: int
    kind: ChannelKind
    received_at: datetime
    state: LeadState
    subject: str | None


@dataclass(frozen=True, slots=True)
class ClientInterestDTO:
    """One of the client's open interests."""

    id: int
    title: str
    stage: str
    amount: Decimal | None


@dataclass(frozen=True, slots=True)
class ClientCard:
    """Everything the client dialog of the global search shows."""

    client: ClientDTO
    contacts: tuple[ContactPersonDTO, ...]
    leads: tuple[ClientLeadDTO, ...]  # newest first, only those the actor may see
    interests: tuple[ClientInterestDTO, ...]

    @property
    def latest_lead_id(self) -> int | None:
        """The newest visible lead of the client, if any."""
        return self.leads[0].id if self.leads else None


def _first_line(text: str | None) -> str | None:
    lines = (text or "").strip().splitlines()
    return lines[0] if lines else None


def client_card(session: Session, actor: Actor, client_id: int) -> ClientCard:
    """The client with its contact persons, recent leads and open interests; NotFound when not visible."""
    client = session.scalars(
        select(Client).where(Client.id == client_id, client_visibility_clause(actor))
    ).one_or_none()
    if client is None:
        raise NotFound(f"Client {client_id} does not exist or is not visible to {actor.login}.")
    phones: dict[int | None, list[str]] = {}
    emails: dict[int | None, list[str]] = {}
    for person_id, kind, value in session.execute(
        select(ContactPoint.contact_person_id, ContactPoint.kind, ContactPoint.value)
        .where(ContactPoint.client_id == client_id)
        .order_by(ContactPoint.id)
    ):
        target = phones if kind == "phone" else emails if kind == "email" else None
        if target is None:
            continue
        for key in {None, person_id}:
            values = target.setdefault(key, [])
            if value not in values:
                values.append(value)
    people = session.scalars(
        select(ContactPerson).where(ContactPerson.client_id == client_id).order_by(ContactPerson.id)
    )
    contacts = tuple(
        ContactPersonDTO.of(p, tuple(phones.get(p.id, ())), tuple(emails.get(p.id, ()))) for p in people
    )
    leads = tuple(
        ClientLeadDTO(
            id=lead.id,
            kind=ChannelKind(lead.kind),
            received_at=lead.received_at,
            state=LeadState(lead.state),
            subject=lead.subject or _first_line(lead.message),
        )
        for lead in session.scalars(
            select(Lead)
            .where(Lead.client_id == client_id, lead_visibility_clause(actor))
            .order_by(Lead.received_at.desc(), Lead.id.desc())
            .limit(_RECENT)
        )
    )
    interests = tuple(
        ClientInterestDTO(id=interest_id, title=title, stage=stage, amount=amount)
        for interest_id, title, stage, amount in session.execute(
            select(Interest.id, Interest.title, Stage.name, Interest.amount)
            .join(Stage, Stage.id == Interest.stage_id)
            .where(Interest.client_id == client_id, Stage.kind == StageKind.OPEN.value)
            .order_by(Interest.id.desc())
        )
    )
    return ClientCard(
        client=ClientDTO.of(client, tuple(phones.get(None, ())), tuple(emails.get(None, ()))),
        contacts=contacts,
        leads=leads,
        interests=interests,
    )
