"""Finding clients, contact persons and leads by phone in any format, e-mail, name or INN.

The softphone calls :func:`identify_caller` on every ring, so the phone path is a couple of
indexed lookups on normalized values: ``8 (916) 123-45-67`` finds ``+79161234567``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, select, text
from sqlalchemy.orm import Session

from app.domain.contacts import fold_name, normalize_email, normalize_inn, normalize_phone
from app.domain.enums import ContactKind, LeadState, StageKind
from app.persistence.models import Client, ContactPerson, ContactPoint, Interest, Lead, Stage, User
from app.services.dto import ClientDTO, ContactPersonDTO, LeadDTO
from app.services.permissions import Actor, client_visibility_clause, lead_visibility_clause
from app.services.settings import phone_region

_PHONEISH = re.compile(r"^[\s\d()+\-.]+$")

# Built once: the hot path of caller identification does no statement construction.
_POINTS_BY_VALUE = select(ContactPoint.client_id, ContactPoint.contact_person_id).where(
    ContactPoint.kind == bindparam("kind"), ContactPoint.value == bindparam("value")
)
_LEADS_BY_PHONE = (
    select(Lead.id, Lead.client_id).where(Lead.phone == bindparam("value")).order_by(Lead.id.desc()).limit(20)
)
_LEADS_BY_EMAIL = (
    select(Lead.id, Lead.client_id).where(Lead.email == bindparam("value")).order_by(Lead.id.desc()).limit(20)
)


@dataclass(frozen=True, slots=True)
class ContactMatch:
    """Ids of what a phone or e-mail belongs to, most specific first."""

    value: str
    client_ids: tuple[int, ...]
    contact_person_ids: tuple[int, ...]
    lead_ids: tuple[int, ...]

    @property
    def found(self) -> bool:
        """Whether anything is known of this contact."""
        return bool(self.client_ids or self.contact_person_ids or self.lead_ids)


@dataclass(frozen=True, slots=True)
class FindResult:
    """What a search found, grouped as the CLI and the UI show it."""

    clients: tuple[ClientDTO, ...]
    contacts: tuple[ContactPersonDTO, ...]
    leads: tuple[LeadDTO, ...]

    @property
    def empty(self) -> bool:
        """Whether nothing was found."""
        return not (self.clients or self.contacts or self.leads)


@dataclass(frozen=True, slots=True)
class CallerCard:
    """What the ringing toast shows about a caller before "hello"."""

    phone: str | None
    known: bool
    client_id: int | None
    client_name: str | None
    company: str | None
    contact_name: str | None
    open_interests: tuple[str, ...]
    last_lead_id: int | None
    last_lead_state: LeadState | None
    last_lead_at: datetime | None
    responsible_user_id: int | None
    responsible_name: str | None


def match_phone(session: Session, raw: str, region: str | None = None) -> ContactMatch | None:
    """Clients, contacts and leads with this phone, written in any format; None if not a phone."""
    phone = normalize_phone(raw, region or phone_region(session))
    if phone is None:
        return None
    return _match(session, ContactKind.PHONE, phone, _LEADS_BY_PHONE)


def match_email(session: Session, raw: str) -> ContactMatch | None:
    """Clients, contacts and leads with this e-mail (case-insensitive); None if not an address."""
    email = normalize_email(raw)
    if email is None:
        return None
    return _match(session, ContactKind.EMAIL, email, _LEADS_BY_EMAIL)


def _match(session: Session, kind: ContactKind, value: str, leads_statement: Any) -> ContactMatch:
    # Core execution on the session's connection: the ORM layer would double the cost here.
    connection = session.connection()
    clients: list[int] = []
    persons: list[int] = []
    for client_id, person_id in connection.execute(_POINTS_BY_VALUE, {"kind": kind.value, "value": value}):
        if client_id not in clients:
            clients.append(client_id)
        if person_id is not None and person_id not in persons:
            persons.append(person_id)
    leads: list[int] = []
    for lead_id, client_id in connection.execute(leads_statement, {"value": value}):
        leads.append(lead_id)
        if client_id is not None and client_id not in clients:
            clients.append(client_id)
    return ContactMatch(value, tuple(clients), tuple(persons), tuple(leads))


def find(session: Session, query: str, actor: Actor | None = None, limit: int = 50) -> FindResult:
    """Search by phone in any format, e-mail, INN or (part of) a name; respects visibility."""
    actor = actor or Actor.system()
    text = query.strip()
    if not text:
        return FindResult((), (), ())
    client_ids: list[int] = []
    person_ids: list[int] = []
    lead_ids: list[int] = []

    def extend(target: list[int], values: Iterable[int]) -> None:
        for value in values:
            if value not in target:
                target.append(value)

    if "@" in text:
        email_match = match_email(session, text)
        if email_match is not None:
            extend(client_ids, email_match.client_ids)
            extend(person_ids, email_match.contact_person_ids)
            extend(lead_ids, email_match.lead_ids)
    elif _PHONEISH.match(text):
        phone_match = match_phone(session, text)
        if phone_match is not None:
            extend(client_ids, phone_match.client_ids)
            extend(person_ids, phone_match.contact_person_ids)
            extend(lead_ids, phone_match.lead_ids)
        inn = normalize_inn(text) if text.isdigit() else None
        if inn is not None:
            extend(client_ids, session.scalars(select(Client.id).where(Client.inn == inn).limit(limit)))
    elif any(ch.isalpha() for ch in text):
        found_clients, found_persons, found_leads = _names(session, text, limit)
        extend(client_ids, found_clients)
        extend(person_ids, found_persons)
        extend(lead_ids, found_leads)
    # Contact persons bring their client along.
    if person_ids:
        extend(
            client_ids,
            session.scalars(select(ContactPerson.client_id).where(ContactPerson.id.in_(person_ids))),
        )
    return FindResult(
        clients=_clients(session, actor, client_ids[:limit]),
        contacts=_contacts(session, actor, person_ids[:limit]),
        leads=_leads(session, actor, lead_ids[:limit]),
    )


_WORD = re.compile(r"\w+")
_SQLITE_NAMES = {
    table: text(
        f"SELECT rowid FROM search_names_{table} WHERE search_names_{table} MATCH :match "
        "ORDER BY rowid DESC LIMIT :limit"
    )
    for table in ("clients", "contact_persons", "leads")
}
_PG_NAMES = {
    table: text(
        f"SELECT id FROM {table} WHERE to_tsvector('simple', replace(replace({column}, 'ё', 'е'), 'Ё', 'Е')) "
        f"@@ to_tsquery('simple', :match) ORDER BY id DESC LIMIT :limit"
    )
    for table, column in (("clients", "name"), ("contact_persons", "name"), ("leads", "contact_name"))
}


def _names(session: Session, query: str, limit: int) -> tuple[list[int], list[int], list[int]]:
    """Clients, contact persons and leads whose names have words beginning with every query word.

    Served by the name-search indexes of migration 0006 (FTS5 on SQLite, GIN on PostgreSQL), so
    it stays fast on a million leads; "ё" and "е" are the same letter.
    """
    words = _WORD.findall(fold_name(query))[:8]
    if not words:
        return [], [], []
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        match = " & ".join(f"{word}:*" for word in words)
        return tuple(  # type: ignore[return-value]
            list(connection.execute(_PG_NAMES[table], {"match": match, "limit": limit}).scalars())
            for table in ("clients", "contact_persons", "leads")
        )
    match = " AND ".join(f'"{word}"*' for word in words)
    return tuple(  # type: ignore[return-value]
        list(connection.execute(_SQLITE_NAMES[table], {"match": match, "limit": limit}).scalars())
        for table in ("clients", "contact_persons", "leads")
    )


def _points(
    session: Session, column: object, ids: list[int]
) -> dict[int, tuple[list[str], list[str]]]:
    result: dict[int, tuple[list[str], list[str]]] = {i: ([], []) for i in ids}
    if not ids:
        return result
    statement = (
        select(column, ContactPoint.kind, ContactPoint.value)  # type: ignore[call-overload]
        .where(column.in_(ids))  # type: ignore[attr-defined]
        .order_by(ContactPoint.id)
    )
    for owner, kind, value in session.execute(statement):
        phones, emails = result[owner]
        if kind == ContactKind.PHONE.value and value not in phones:
            phones.append(value)
        elif kind == ContactKind.EMAIL.value and value not in emails:
            emails.append(value)
    return result


def _clients(session: Session, actor: Actor, ids: list[int]) -> tuple[ClientDTO, ...]:
    if not ids:
        return ()
    rows = {
        c.id: c
        for c in session.scalars(
            select(Client).where(Client.id.in_(ids), client_visibility_clause(actor))
        )
    }
    points = _points(session, ContactPoint.client_id, list(rows))
    return tuple(
        ClientDTO.of(rows[i], tuple(points[i][0]), tuple(points[i][1])) for i in ids if i in rows
    )


def _contacts(session: Session, actor: Actor, ids: list[int]) -> tuple[ContactPersonDTO, ...]:
    if not ids:
        return ()
    rows = {
        p.id: p
        for p in session.scalars(
            select(ContactPerson)
            .join(Client, Client.id == ContactPerson.client_id)
            .where(ContactPerson.id.in_(ids), client_visibility_clause(actor))
        )
    }
    points = _points(session, ContactPoint.contact_person_id, list(rows))
    return tuple(
        ContactPersonDTO.of(rows[i], tuple(points[i][0]), tuple(points[i][1])) for i in ids if i in rows
    )


def _leads(session: Session, actor: Actor, ids: list[int]) -> tuple[LeadDTO, ...]:
    if not ids:
        return ()
    rows = {
        lead.id: lead
        for lead in session.scalars(select(Lead).where(Lead.id.in_(ids), lead_visibility_clause(actor)))
    }
    return tuple(LeadDTO.of(rows[i]) for i in ids if i in rows)


def identify_caller(session: Session, raw_phone: str | None) -> CallerCard:
    """Everything the ringing toast shows: name, company, open interests, last lead, manager."""
    phone = normalize_phone(raw_phone, phone_region(session)) if raw_phone else None
    empty = CallerCard(phone, False, None, None, None, None, (), None, None, None, None, None)
    if phone is None:
        return empty
    match = _match(session, ContactKind.PHONE, phone, _LEADS_BY_PHONE)
    if not match.found:
        return empty
    client = session.get(Client, match.client_ids[0]) if match.client_ids else None
    person = session.get(ContactPerson, match.contact_person_ids[0]) if match.contact_person_ids else None
    last = session.get(Lead, match.lead_ids[0]) if match.lead_ids else None
    interests: tuple[str, ...] = ()
    if client is not None:
        interests = tuple(
            session.scalars(
                select(Interest.title)
                .join(Stage, Stage.id == Interest.stage_id)
                .where(and_(Interest.client_id == client.id, Stage.kind == StageKind.OPEN.value))
                .order_by(Interest.id.desc())
                .limit(5)
            )
        )
    responsible_id = (client.responsible_user_id if client else None) or (
        last.responsible_user_id if last else None
    )
    responsible = session.get(User, responsible_id) if responsible_id else None
    is_company = client is not None and client.kind == "company"
    return CallerCard(
        phone=phone,
        known=True,
        client_id=client.id if client else None,
        client_name=client.name if client else (last.contact_name if last else None),
        company=client.name if is_company and client else None,
        contact_name=person.name if person else (last.contact_name if last else None),
        open_interests=interests,
        last_lead_id=last.id if last else None,
        last_lead_state=LeadState(last.state) if last else None,
        last_lead_at=last.received_at if last else None,
        responsible_user_id=responsible_id,
        responsible_name=responsible.full_name if responsible else None,
    )
