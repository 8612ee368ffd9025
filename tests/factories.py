"""Test data made straight through the ORM inside a unit of work (no services involved).

Every ``make_*`` function takes the session of an open unit of work, adds the object, flushes
(so the id is known) and returns the ORM object; sessions keep attributes after commit, so ids
and fields can be read once the ``with db.uow()`` block has ended.

Names and logins are made unique per process with :func:`unique`, so one database may hold the
objects of many hypothesis examples.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.contacts import fold_name, normalize_email, normalize_inn, normalize_phone
from app.domain.enums import ClientKind, ContactKind, DistributionRule, StageKind, Visibility
from app.persistence.models import (
    Channel,
    Client,
    ContactPerson,
    ContactPoint,
    Department,
    Exclusion,
    Interest,
    Lead,
    LeadHistory,
    Pipeline,
    RejectionReason,
    Role,
    Stage,
    User,
    ZoneRule,
)
from app.persistence.uow import Database
from app.services.dto import LeadDTO
from app.services.intake import IntakeResult, LeadInput, register_lead, register_leads
from app.services.permissions import Actor, load_actor

_counter = itertools.count(1)

T = TypeVar("T")


def unique(prefix: str) -> str:
    """A name no other call in this process returns."""
    return f"{prefix}-{next(_counter)}"


def _id(value: Any) -> int | None:
    if value is None or isinstance(value, int):
        return value
    return int(value.id)


# ----------------------------------------------------------------------------- people and roles


def role(session: Session, code: str) -> Role:
    """A seeded (or earlier made) role by code."""
    return session.scalars(select(Role).where(Role.code == code)).one()


def make_role(
    session: Session,
    code: str | None = None,
    *,
    visibility: Visibility | str = Visibility.OWN,
    can_reassign: bool = False,
    can_reject: bool = True,
    can_delete: bool = False,
    can_export: bool = False,
    can_configure: bool = False,
) -> Role:
    """A custom (non-system) role."""
    code = code or unique("role")
    made = Role(
        code=code,
        name=code.title(),
        visibility=str(Visibility(visibility).value),
        can_reassign=can_reassign,
        can_reject=can_reject,
        can_delete=can_delete,
        can_export=can_export,
        can_configure=can_configure,
        is_system=False,
    )
    session.add(made)
    session.flush()
    return made


def make_department(session: Session, name: str | None = None) -> Department:
    """A department."""
    made = Department(name=name or unique("Отдел"))
    session.add(made)
    session.flush()
    return made


def make_user(
    session: Session,
    login: str | None = None,
    *,
    roles: Sequence[str | Role] = ("manager",),
    department: Department | int | None = None,
    active: bool = True,
    full_name: str | None = None,
    extension: str | None = None,
) -> User:
    """A user in the given roles (codes of seeded roles or Role objects)."""
    login = login or unique("user")
    made = User(
        login=login,
        full_name=full_name or f"Сотрудник {login}",
        department_id=_id(department),
        active=active,
        extension=extension,
    )
    made.roles = [role(session, r) if isinstance(r, str) else r for r in roles]
    session.add(made)
    session.flush()
    return made


def actor_of(db: Database, user: User | int) -> Actor:
    """The actor of a user, built the way the app builds it (``load_actor``)."""
    with db.session() as session:
        return load_actor(session, _id(user) or 0)


# ------------------------------------------------------------------------------------ channels


def make_channel(
    session: Session,
    name: str | None = None,
    *,
    kind: str = "request",
    rule: DistributionRule | str = DistributionRule.POOL,
    user: User | int | None = None,
    role: Role | int | None = None,
    lead_source: bool = True,
    reason_required: bool = False,
    sla_minutes: int | None = None,
    ad_source: str | None = None,
    zones: Iterable[tuple[str, str, User | Role]] = (),
) -> Channel:
    """A channel; ``zones`` are (field, value, user-or-role) zone rules in order."""
    made = Channel(
        name=name or unique("channel"),
        kind=kind,
        rule=str(DistributionRule(rule).value),
        responsible_user_id=_id(user),
        responsible_role_id=_id(role),
        lead_source=lead_source,
        reason_required=reason_required,
        sla_minutes=sla_minutes,
        ad_source=ad_source,
        settings={},
    )
    for position, (field, value, target) in enumerate(zones):
        made.zone_rules.append(
            ZoneRule(
                position=position,
                field=field,
                value=value,
                responsible_user_id=target.id if isinstance(target, User) else None,
                responsible_role_id=target.id if isinstance(target, Role) else None,
            )
        )
    session.add(made)
    session.flush()
    return made


def make_exclusion(session: Session, kind: str, value: str) -> Exclusion:
    """An exclusion-list entry, stored normalized the way intake compares it."""
    stored = value
    if kind == "phone":
        stored = normalize_phone(value) or value
    elif kind == "email":
        stored = normalize_email(value) or value
    elif kind == "domain":
        stored = value.strip().lower()
    made = Exclusion(kind=kind, value=stored)
    session.add(made)
    session.flush()
    return made


# ------------------------------------------------------------------------------------- clients


def make_client(
    session: Session,
    name: str | None = None,
    *,
    kind: ClientKind | str = ClientKind.PERSON,
    inn: str | None = None,
    phones: Sequence[str] = (),
    emails: Sequence[str] = (),
    responsible: User | int | None = None,
    contact: str | None = None,
    department: Department | int | None = None,
) -> Client:
    """A client; with ``contact`` a contact person who owns the phones and e-mails."""
    name = name or unique("Клиент")
    made = Client(
        kind=str(ClientKind(kind).value),
        name=name,
        name_lower=fold_name(name),
        inn=normalize_inn(inn) if inn else None,
        responsible_user_id=_id(responsible),
        department_id=_id(department),
    )
    session.add(made)
    session.flush()
    person_id: int | None = None
    if contact is not None:
        person = ContactPerson(client_id=made.id, name=contact, name_lower=fold_name(contact))
        session.add(person)
        session.flush()
        person_id = person.id
    for raw in phones:
        value = normalize_phone(raw)
        assert value is not None, raw
        session.add(
            ContactPoint(
                client_id=made.id,
                contact_person_id=person_id,
                kind=ContactKind.PHONE.value,
                value=value,
                raw=raw,
            )
        )
    for raw in emails:
        value = normalize_email(raw)
        assert value is not None, raw
        session.add(
            ContactPoint(
                client_id=made.id,
                contact_person_id=person_id,
                kind=ContactKind.EMAIL.value,
                value=value,
                raw=raw,
            )
        )
    session.flush()
    return made


def contact_person_of(session: Session, client: Client | int) -> ContactPerson | None:
    """The first contact person of a client."""
    return session.scalars(
        select(ContactPerson).where(ContactPerson.client_id == _id(client)).order_by(ContactPerson.id)
    ).first()


def default_pipeline(session: Session) -> Pipeline:
    """The seeded default pipeline."""
    return session.scalars(select(Pipeline).where(Pipeline.is_default.is_(True))).one()


def stages(session: Session, pipeline_id: int | None = None) -> list[Stage]:
    """The stages of a pipeline (the default one), in order."""
    pid = pipeline_id or default_pipeline(session).id
    return list(session.scalars(select(Stage).where(Stage.pipeline_id == pid).order_by(Stage.position)))


def make_interest(
    session: Session,
    client: Client | int,
    title: str = "Сделка",
    *,
    stage_kind: StageKind | str = StageKind.OPEN,
    responsible: User | int | None = None,
    amount: Decimal | None = None,
) -> Interest:
    """An interest of a client on the first stage of the given kind of the default pipeline."""
    stage = next(s for s in stages(session) if s.kind == str(StageKind(stage_kind).value))
    made = Interest(
        client_id=_id(client),
        pipeline_id=stage.pipeline_id,
        stage_id=stage.id,
        title=title,
        amount=amount,
        responsible_user_id=_id(responsible),
    )
    session.add(made)
    session.flush()
    return made


def reason_id(session: Session, code: str) -> int:
    """The id of a seeded rejection reason."""
    return session.scalars(select(RejectionReason.id).where(RejectionReason.code == code)).one()


# ----------------------------------------------------------------------------------- intake & reading


def take_in(
    db: Database, channel: Channel | int, *, actor: Actor | None = None, **fields: Any
) -> IntakeResult:
    """Register one inquiry in its own unit of work."""
    with db.uow() as uow:
        return register_lead(uow, LeadInput(channel_id=_id(channel) or 0, **fields), actor)


def take_in_many(db: Database, items: Sequence[LeadInput], actor: Actor | None = None) -> list[IntakeResult]:
    """Register a batch in one unit of work."""
    with db.uow() as uow:
        return register_leads(uow, items, actor)


def new_lead(db: Database, channel: Channel | int, **fields: Any) -> LeadDTO:
    """Register an inquiry that must become a lead; its DTO."""
    fields.setdefault("external_id", unique("ext"))
    result = take_in(db, channel, **fields)
    assert result.lead is not None, result
    return result.lead


def lead(db: Database, lead_id: int) -> LeadDTO:
    """The stored lead, freshly read."""
    with db.session() as session:
        return LeadDTO.of(session.get_one(Lead, lead_id))


def history(db: Database, lead_id: int) -> list[LeadHistory]:
    """The stored history rows of a lead, oldest first."""
    with db.session() as session:
        rows = list(
            session.scalars(
                select(LeadHistory).where(LeadHistory.lead_id == lead_id).order_by(LeadHistory.id)
            )
        )
        session.expunge_all()
        return rows


def count(db: Database, model: type[Any], *where: Any) -> int:
    """How many rows of a model (matching the conditions) are stored."""
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def build(db: Database, maker: Any, *args: Any, **kwargs: Any) -> Any:
    """Run one ``make_*`` function in its own unit of work and return what it made."""
    with db.uow() as uow:
        return maker(uow.session, *args, **kwargs)


def aware(value: datetime) -> datetime:
    """Fail loudly on a naive timestamp read back from the database."""
    assert value.tzinfo is not None
    return value
