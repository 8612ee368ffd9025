"""Processing a lead (DOMAIN §4): reject, reassign, redirect, return to work, spam, duplicate, convert.

Every action checks the actor's rights and visibility, refuses to act on a stale copy when the
caller passes the version it saw, and writes a history entry. Conversion creates or picks the
client, the contact person and an interest or a process in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.contacts import fold_name, normalize_inn
from app.domain.enums import (
    OPEN_STATES,
    ClientKind,
    ContactKind,
    ExclusionKind,
    LeadState,
    StageKind,
)
from app.domain.errors import (
    ConcurrentModification,
    LeadAlreadyConverted,
    LeadClosed,
    NotFound,
    PermissionDenied,
    ReasonRequired,
    ValidationError,
)
from app.persistence.models import (
    Channel,
    Client,
    ContactPerson,
    ContactPoint,
    Exclusion,
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
from app.services.dto import HistoryEntryDTO, InterestDTO, LeadDTO, ProcessDTO
from app.services.permissions import Actor, Right, require_lead_visible

_AUDITED = (
    "state",
    "responsible_user_id",
    "responsible_role_id",
    "progress_status_id",
    "rejection_reason_id",
    "rejection_comment",
    "client_id",
    "contact_person_id",
    "result_interest_id",
    "result_process_id",
    "processed_at",
    "processor_id",
    "duplicate_of_lead_id",
    "quality",
)


@dataclass(frozen=True, slots=True)
class NewClient:
    """A client to create during conversion."""

    kind: ClientKind
    name: str
    inn: str | None = None


@dataclass(frozen=True, slots=True)
class NewContactPerson:
    """A contact person to create during conversion."""

    name: str
    position: str | None = None


@dataclass(frozen=True, slots=True)
class NewInterest:
    """An interest (deal) to create during conversion."""

    title: str
    pipeline_id: int | None = None
    stage_id: int | None = None
    amount: Decimal | None = None
    comment: str | None = None
    responsible_user_id: int | None = None


@dataclass(frozen=True, slots=True)
class NewProcess:
    """A process (task) to start instead of an interest."""

    title: str
    due_at: datetime | None = None
    assignee_id: int | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class ConversionInput:
    """What the intake wizard decided: who (client, contact) and what (interest or process)."""

    client_id: int | None = None
    new_client: NewClient | None = None
    contact_person_id: int | None = None
    new_contact: NewContactPerson | None = None
    phone_is_personal: bool = True
    interest: NewInterest | None = None
    existing_interest_id: int | None = None
    process: NewProcess | None = None


@dataclass(frozen=True, slots=True)
class ConversionResult:
    """The converted lead and what it became."""

    lead: LeadDTO
    client_id: int
    contact_person_id: int | None
    interest: InterestDTO | None
    process: ProcessDTO | None


class _Change:
    """Records field changes of a lead for its history entry."""

    def __init__(self, lead: Lead) -> None:
        self.lead = lead
        self.before = {name: getattr(lead, name) for name in _AUDITED}

    def entry(self, actor: Actor, action: str, comment: str | None = None) -> LeadHistory:
        changes: dict[str, Any] = {}
        for name in _AUDITED:
            old, new = self.before[name], getattr(self.lead, name)
            if old != new:
                changes[name] = [_plain(old), _plain(new)]
        return LeadHistory(
            lead_id=self.lead.id, user_id=actor.user_id, action=action, changes=changes, comment=comment
        )


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _load_lead(
    session: Session, actor: Actor, lead_id: int, expected_version: int | None, *, lock: bool = True
) -> Lead:
    statement = select(Lead).where(Lead.id == lead_id)
    if lock:
        # A row lock on PostgreSQL; the version column catches what slips past (and SQLite).
        statement = statement.with_for_update()
    lead = require_lead_visible(actor, session.scalars(statement).one_or_none(), lead_id)
    if expected_version is not None and lead.version != expected_version:
        raise ConcurrentModification(
            f"Lead {lead_id} was changed by somebody else meanwhile; reload it and try again."
        )
    return lead


def _require_open(lead: Lead) -> None:
    if lead.state == LeadState.CONVERTED.value or lead.state == LeadState.REPEAT_PROCESSED.value:
        raise LeadAlreadyConverted(f"Lead {lead.id} is already converted.")
    if lead.state == LeadState.REJECTED.value:
        raise LeadClosed(f"Lead {lead.id} is rejected; return it to work first.")


def _require_may_process(actor: Actor, lead: Lead) -> None:
    """Only its responsible (or a member of its role), or someone who may reassign, acts on a lead."""
    if actor.is_system or actor.has(Right.REASSIGN):
        return
    if lead.responsible_user_id == actor.user_id:
        return
    if lead.responsible_user_id is None and lead.responsible_role_id in actor.role_ids:
        return
    raise PermissionDenied(f"Lead {lead.id} belongs to another manager; {actor.login} may not process it.")


def _touch(lead: Lead) -> None:
    now = utcnow()
    lead.updated_at = now
    if lead.first_action_at is None:
        lead.first_action_at = now


def _stamp_processed(lead: Lead, user_id: int | None) -> None:
    """Processing date and processor: set once, only for a concrete user (DOMAIN §4)."""
    if user_id is not None and lead.processed_at is None:
        lead.processed_at = utcnow()
        lead.processor_id = user_id


def _reason(session: Session, reason_id: int | None, reason_code: str | None) -> RejectionReason | None:
    if reason_id is None and reason_code is None:
        return None
    if reason_id is not None:
        reason = session.get(RejectionReason, reason_id)
    else:
        reason = session.scalars(
            select(RejectionReason).where(RejectionReason.code == reason_code)
        ).one_or_none()
    if reason is None or not reason.active:
        raise ValidationError(f"There is no rejection reason '{reason_code or reason_id}'.")
    return reason


def reject_lead(
    uow: UnitOfWork,
    actor: Actor,
    lead_id: int,
    *,
    reason_code: str | None = None,
    reason_id: int | None = None,
    comment: str | None = None,
    expected_version: int | None = None,
) -> LeadDTO:
    """Reject a lead; the reason is mandatory when its channel says so (``ReasonRequired``)."""
    actor.require(Right.REJECT)
    session = uow.session
    lead = _load_lead(session, actor, lead_id, expected_version)
    _require_may_process(actor, lead)
    _require_open(lead)
    reason = _reason(session, reason_id, reason_code)
    channel = session.get(Channel, lead.channel_id)
    assert channel is not None
    if reason is None and channel.reason_required:
        raise ReasonRequired(f"Channel '{channel.name}' requires a rejection reason.")
    change = _Change(lead)
    lead.state = LeadState.REJECTED.value
    lead.rejection_reason_id = reason.id if reason else None
    lead.rejection_comment = comment
    lead.progress_status_id = None
    _touch(lead)
    _stamp_processed(lead, actor.user_id)
    session.add(change.entry(actor, "rejected", comment))
    uow.flush()
    return LeadDTO.of(lead)


def mark_spam(
    uow: UnitOfWork,
    actor: Actor,
    lead_id: int,
    *,
    add_to_exclusions: bool = False,
    expected_version: int | None = None,
) -> LeadDTO:
    """Reject as spam; optionally put the contact on the exclusion list so it never returns."""
    dto = reject_lead(uow, actor, lead_id, reason_code="spam", expected_version=expected_version)
    if add_to_exclusions:
        session = uow.session
        for kind, value in (
            (ExclusionKind.PHONE, dto.phone),
            (ExclusionKind.EMAIL, dto.email),
            (ExclusionKind.MESSENGER, dto.messenger_user),
        ):
            if value and session.scalars(
                select(Exclusion.id).where(Exclusion.kind == kind.value, Exclusion.value == value)
            ).first() is None:
                session.add(Exclusion(kind=kind.value, value=value, comment=f"spam, lead {lead_id}"))
        uow.flush()
    return dto


def mark_duplicate(
    uow: UnitOfWork,
    actor: Actor,
    lead_id: int,
    duplicate_of_lead_id: int,
    *,
    expected_version: int | None = None,
) -> LeadDTO:
    """Reject as a duplicate of another lead and link the two."""
    if duplicate_of_lead_id == lead_id:
        raise ValidationError("A lead cannot be a duplicate of itself.")
    session = uow.session
    original = session.get(Lead, duplicate_of_lead_id)
    require_lead_visible(actor, original, duplicate_of_lead_id)
    reject_lead(uow, actor, lead_id, reason_code="duplicate", expected_version=expected_version)
    lead = session.get(Lead, lead_id)
    assert lead is not None and original is not None
    change = _Change(lead)
    lead.duplicate_of_lead_id = original.id
    if lead.client_id is None:
        lead.client_id = original.client_id
    session.add(change.entry(actor, "duplicate", f"duplicate of lead {original.id}"))
    uow.flush()
    return LeadDTO.of(lead)


def assign_lead(
    uow: UnitOfWork, actor: Actor, lead_id: int, user_id: int, *, expected_version: int | None = None
) -> LeadDTO:
    """Make a user responsible. Taking a lead of one's own role's pool needs no special right."""
    session = uow.session
    lead = _load_lead(session, actor, lead_id, expected_version)
    taking_own_pool = (
        actor.user_id == user_id
        and lead.responsible_user_id is None
        and lead.responsible_role_id in actor.role_ids
    )
    if not taking_own_pool:
        actor.require(Right.REASSIGN)
    if lead.state in (LeadState.CONVERTED.value, LeadState.REPEAT_PROCESSED.value, LeadState.REJECTED.value):
        raise LeadClosed(f"Lead {lead_id} already has a result; its responsible cannot change.")
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise ValidationError(f"There is no active user with id {user_id}.")
    change = _Change(lead)
    lead.responsible_user_id = user.id
    lead.responsible_role_id = None
    lead.updated_at = utcnow()
    session.add(change.entry(actor, "assigned", f"to {user.login}"))
    uow.flush()
    return LeadDTO.of(lead)


def redirect_lead(
    uow: UnitOfWork, actor: Actor, lead_id: int, role_id: int, *, expected_version: int | None = None
) -> LeadDTO:
    """Hand a lead to a role's shared pool."""
    actor.require(Right.REASSIGN)
    session = uow.session
    lead = _load_lead(session, actor, lead_id, expected_version)
    if not LeadState(lead.state).is_open:
        raise LeadClosed(f"Lead {lead_id} already has a result; it cannot be redirected.")
    role = session.get(Role, role_id)
    if role is None:
        raise ValidationError(f"There is no role with id {role_id}.")
    change = _Change(lead)
    lead.responsible_role_id = role.id
    lead.responsible_user_id = None
    lead.updated_at = utcnow()
    session.add(change.entry(actor, "redirected", f"to role {role.code}"))
    uow.flush()
    return LeadDTO.of(lead)


def take_in_progress(
    uow: UnitOfWork,
    actor: Actor,
    lead_id: int,
    status_id: int | None = None,
    *,
    expected_version: int | None = None,
) -> LeadDTO:
    """Move an open lead to "in progress", optionally with an intermediate status."""
    session = uow.session
    lead = _load_lead(session, actor, lead_id, expected_version)
    _require_may_process(actor, lead)
    _require_open(lead)
    if status_id is not None and session.get(ProgressStatus, status_id) is None:
        raise ValidationError(f"There is no lead status with id {status_id}.")
    change = _Change(lead)
    lead.state = LeadState.IN_PROGRESS.value
    lead.progress_status_id = status_id
    if lead.responsible_user_id is None and actor.user_id is not None:
        lead.responsible_user_id = actor.user_id
        lead.responsible_role_id = None
    _touch(lead)
    session.add(change.entry(actor, "in_progress"))
    uow.flush()
    return LeadDTO.of(lead)


def return_to_work(
    uow: UnitOfWork, actor: Actor, lead_id: int, *, expected_version: int | None = None
) -> LeadDTO:
    """Undo a wrong rejection: the lead is open again (its processing date stays, DOMAIN §4)."""
    actor.require(Right.REJECT)
    session = uow.session
    lead = _load_lead(session, actor, lead_id, expected_version)
    _require_may_process(actor, lead)
    if lead.state != LeadState.REJECTED.value:
        raise ValidationError(f"Lead {lead_id} is not rejected; only rejected leads return to work.")
    change = _Change(lead)
    lead.state = (LeadState.REPEAT if lead.repeat_of_lead_id or lead.client_id else LeadState.NEW).value
    lead.rejection_reason_id = None
    lead.rejection_comment = None
    lead.duplicate_of_lead_id = None
    lead.updated_at = utcnow()
    session.add(change.entry(actor, "returned"))
    uow.flush()
    return LeadDTO.of(lead)


def convert_lead(
    uow: UnitOfWork,
    actor: Actor,
    lead_id: int,
    data: ConversionInput,
    *,
    expected_version: int | None = None,
) -> ConversionResult:
    """Convert a lead into client + contact person + interest (or process), atomically.

    A converted lead cannot be converted again (``LeadAlreadyConverted``). Processing date and
    processor are set when the resulting object has a concrete responsible user.
    """
    session = uow.session
    lead = _load_lead(session, actor, lead_id, expected_version)
    _require_may_process(actor, lead)
    _require_open(lead)
    _validate_conversion(data)
    client = _conversion_client(session, data)
    person = _conversion_contact(session, client, data)
    _copy_contact_info(session, lead, client, person, data.phone_is_personal)

    responsible = lead.responsible_user_id or actor.user_id
    interest: Interest | None = None
    process: Process | None = None
    if data.process is not None:
        assignee = data.process.assignee_id or responsible
        _require_user(session, assignee)
        process = Process(
            client_id=client.id,
            lead_id=lead.id,
            title=data.process.title.strip(),
            description=data.process.description,
            assignee_id=assignee,
            due_at=data.process.due_at,
        )
        session.add(process)
        session.flush()
        object_responsible = assignee
    elif data.existing_interest_id is not None:
        interest = session.get(Interest, data.existing_interest_id)
        if interest is None or interest.client_id != client.id:
            raise ValidationError("The chosen interest does not belong to this client.")
        if interest.closed_at is not None:
            raise ValidationError("The chosen interest is closed; choose an open one or create a new one.")
        object_responsible = interest.responsible_user_id
    else:
        assert data.interest is not None
        pipeline_id, stage_id = _pipeline_and_stage(session, data.interest)
        owner = data.interest.responsible_user_id or responsible
        _require_user(session, owner)
        interest = Interest(
            client_id=client.id,
            contact_person_id=person.id if person else None,
            pipeline_id=pipeline_id,
            stage_id=stage_id,
            title=data.interest.title.strip(),
            amount=data.interest.amount,
            comment=data.interest.comment,
            responsible_user_id=owner,
            lead_id=lead.id,
        )
        session.add(interest)
        session.flush()
        object_responsible = owner

    if client.responsible_user_id is None and object_responsible is not None:
        client.responsible_user_id = object_responsible

    change = _Change(lead)
    # Decided before client_id is overwritten below: a known contact's lead ends "repeat processed".
    was_repeat = (
        lead.repeat_of_lead_id is not None
        or lead.client_id is not None
        or lead.state == LeadState.REPEAT.value
    )
    lead.state = (LeadState.REPEAT_PROCESSED if was_repeat else LeadState.CONVERTED).value
    lead.client_id = client.id
    lead.contact_person_id = person.id if person else None
    lead.result_interest_id = interest.id if interest else None
    lead.result_process_id = process.id if process else None
    lead.progress_status_id = None
    if lead.responsible_user_id is None and object_responsible is not None:
        lead.responsible_user_id = object_responsible
        lead.responsible_role_id = None
    _touch(lead)
    _stamp_processed(lead, object_responsible)
    session.add(change.entry(actor, "converted"))
    uow.flush()
    return ConversionResult(
        lead=LeadDTO.of(lead),
        client_id=client.id,
        contact_person_id=person.id if person else None,
        interest=_interest_dto(interest) if interest else None,
        process=_process_dto(process) if process else None,
    )


def _validate_conversion(data: ConversionInput) -> None:
    if (data.client_id is None) == (data.new_client is None):
        raise ValidationError("Choose an existing client or describe a new one (exactly one).")
    if data.new_client is not None:
        if not data.new_client.name.strip():
            raise ValidationError("The client's name is required.")
        if data.new_client.inn and normalize_inn(data.new_client.inn) is None:
            raise ValidationError("An INN has 10 digits (company) or 12 digits (entrepreneur).")
    if data.contact_person_id is not None and data.new_contact is not None:
        raise ValidationError("Choose an existing contact person or describe a new one, not both.")
    if data.new_contact is not None and not data.new_contact.name.strip():
        raise ValidationError("The contact person's name is required.")
    targets = sum(x is not None for x in (data.interest, data.existing_interest_id, data.process))
    if targets != 1:
        raise ValidationError(
            "Convert into exactly one thing: a new interest, an existing one, or a process."
        )
    if data.interest is not None and not data.interest.title.strip():
        raise ValidationError("The interest needs a title.")
    if data.interest is not None and data.interest.amount is not None and data.interest.amount < 0:
        raise ValidationError("The amount cannot be negative.")
    if data.process is not None and not data.process.title.strip():
        raise ValidationError("The process needs a title.")


def _require_user(session: Session, user_id: int | None) -> None:
    if user_id is None:
        return
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise ValidationError(f"There is no active user with id {user_id}.")


def _conversion_client(session: Session, data: ConversionInput) -> Client:
    if data.client_id is not None:
        client = session.get(Client, data.client_id)
        if client is None:
            raise NotFound(f"There is no client with id {data.client_id}.")
        return client
    assert data.new_client is not None
    inn = normalize_inn(data.new_client.inn)
    if inn is not None:
        same = session.scalars(select(Client).where(Client.inn == inn)).first()
        if same is not None:
            raise ValidationError(
                f"A client with INN {inn} already exists ({same.name}); choose it instead of a new one."
            )
    name = data.new_client.name.strip()
    client = Client(kind=data.new_client.kind.value, name=name, name_lower=fold_name(name), inn=inn)
    session.add(client)
    session.flush()
    return client


def _conversion_contact(session: Session, client: Client, data: ConversionInput) -> ContactPerson | None:
    if data.contact_person_id is not None:
        person = session.get(ContactPerson, data.contact_person_id)
        if person is None or person.client_id != client.id:
            raise ValidationError("The chosen contact person does not belong to this client.")
        return person
    if data.new_contact is None:
        return None
    name = data.new_contact.name.strip()
    person = ContactPerson(
        client_id=client.id, name=name, name_lower=fold_name(name), position=data.new_contact.position
    )
    session.add(person)
    session.flush()
    return person


def _copy_contact_info(
    session: Session,
    lead: Lead,
    client: Client,
    person: ContactPerson | None,
    personal: bool,
) -> None:
    """The lead's phone and e-mail go to the contact person (or the company), once."""
    owner_person = person.id if (person is not None and personal) else None
    for kind, value, raw in (
        (ContactKind.PHONE, lead.phone, lead.raw_contact),
        (ContactKind.EMAIL, lead.email, lead.email),
        (ContactKind.MESSENGER, lead.messenger_user, lead.messenger_user),
    ):
        if not value:
            continue
        exists = session.scalars(
            select(ContactPoint.id).where(
                ContactPoint.client_id == client.id,
                ContactPoint.kind == kind.value,
                ContactPoint.value == value,
            )
        ).first()
        if exists is None:
            session.add(
                ContactPoint(
                    client_id=client.id,
                    contact_person_id=owner_person,
                    kind=kind.value,
                    value=value,
                    raw=raw,
                    is_personal=personal,
                )
            )


def _pipeline_and_stage(session: Session, interest: NewInterest) -> tuple[int, int]:
    if interest.stage_id is not None:
        stage = session.get(Stage, interest.stage_id)
        if stage is None:
            raise ValidationError(f"There is no stage with id {interest.stage_id}.")
        if interest.pipeline_id is not None and stage.pipeline_id != interest.pipeline_id:
            raise ValidationError("The chosen stage belongs to another pipeline.")
        return stage.pipeline_id, stage.id
    pipeline_id = interest.pipeline_id
    if pipeline_id is None:
        pipeline_id = session.scalars(
            select(Pipeline.id).order_by(Pipeline.is_default.desc(), Pipeline.id)
        ).first()
        if pipeline_id is None:
            raise ValidationError("There is no sales pipeline; an administrator must create one.")
    first = session.scalars(
        select(Stage.id)
        .where(Stage.pipeline_id == pipeline_id, Stage.kind == StageKind.OPEN.value)
        .order_by(Stage.position)
    ).first()
    if first is None:
        raise ValidationError("The pipeline has no open stage.")
    return pipeline_id, first


def _interest_dto(interest: Interest) -> InterestDTO:
    return InterestDTO(
        id=interest.id,
        client_id=interest.client_id,
        pipeline_id=interest.pipeline_id,
        stage_id=interest.stage_id,
        title=interest.title,
        amount=interest.amount,
        responsible_user_id=interest.responsible_user_id,
        lead_id=interest.lead_id,
    )


def _process_dto(process: Process) -> ProcessDTO:
    return ProcessDTO(
        id=process.id,
        client_id=process.client_id,
        title=process.title,
        assignee_id=process.assignee_id,
        due_at=process.due_at,
        lead_id=process.lead_id,
    )


def lead_history(session: Session, actor: Actor, lead_id: int) -> list[HistoryEntryDTO]:
    """The history of a lead, oldest first."""
    require_lead_visible(actor, session.get(Lead, lead_id), lead_id)
    return [
        HistoryEntryDTO(
            at=h.at, user_id=h.user_id, action=h.action, changes=dict(h.changes), comment=h.comment
        )
        for h in session.scalars(
            select(LeadHistory).where(LeadHistory.lead_id == lead_id).order_by(LeadHistory.id)
        )
    ]


def open_lead_count(session: Session, user_id: int) -> int:
    """How many open leads a user has (the least-loaded rule counts the same)."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(Lead)
            .where(Lead.responsible_user_id == user_id, Lead.state.in_([s.value for s in OPEN_STATES]))
        )
        or 0
    )


__all__ = [
    "ConversionInput",
    "ConversionResult",
    "NewClient",
    "NewContactPerson",
    "NewInterest",
    "NewProcess",
    "assign_lead",
    "convert_lead",
    "lead_history",
    "mark_duplicate",
    "mark_spam",
    "redirect_lead",
    "reject_lead",
    "return_to_work",
    "take_in_progress",
]
