"""What the tray tells a person: leads newly assigned to them and their leads past the SLA.

Both queries are cheap (indexed on the responsible user and state) and return frozen DTOs; the
desktop runs them off the GUI thread after every change notification and once a minute, and
remembers what it already announced, so a lead is announced once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.enums import OPEN_STATES, ChannelKind
from app.domain.errors import ValidationError
from app.persistence.models import Lead, LeadHistory
from app.services.permissions import Actor

# History actions that (can) give a lead a responsible user.
_ASSIGNING_ACTIONS = ("created", "assigned", "returned", "redirected")
_OPEN = tuple(state.value for state in OPEN_STATES)
_LIMIT = 200


@dataclass(frozen=True, slots=True)
class LeadNotice:
    """One lead to announce: enough to write a line and open the card."""

    lead_id: int
    kind: ChannelKind
    contact: str
    subject: str | None
    received_at: datetime
    sla_due_at: datetime | None
    # When it became mine (assignments) or when the SLA ran out (overdue).
    at: datetime


def _aware(value: datetime, what: str) -> datetime:
    if value.tzinfo is None:
        raise ValidationError(f"{what} must carry a time zone.")
    return value


def _contact(lead: Lead) -> str:
    return lead.contact_name or lead.raw_contact or lead.phone or lead.email or lead.messenger_user or ""


def my_new_assignments(session: Session, actor: Actor, since: datetime) -> list[LeadNotice]:
    """Open leads that became the actor's own (intake or reassignment by somebody else) after ``since``.

    Oldest first. A lead the actor took themselves is not news to them and is left out.
    """
    since = _aware(since, "The start of the period")
    if actor.user_id is None:
        return []
    rows = session.execute(
        select(Lead, LeadHistory.at, LeadHistory.user_id, LeadHistory.changes)
        .join(LeadHistory, LeadHistory.lead_id == Lead.id)
        .where(
            Lead.responsible_user_id == actor.user_id,
            Lead.state.in_(_OPEN),
            LeadHistory.at > since,
            LeadHistory.action.in_(_ASSIGNING_ACTIONS),
        )
        .order_by(LeadHistory.at, LeadHistory.id)
        .limit(_LIMIT)
    )
    notices: dict[int, LeadNotice] = {}
    for lead, at, by_user, changes in rows:
        if by_user == actor.user_id or lead.id in notices:
            continue
        responsible = (changes or {}).get("responsible_user_id")
        if not (isinstance(responsible, list) and len(responsible) == 2 and responsible[1] == actor.user_id):
            continue
        notices[lead.id] = _notice(lead, at)
    return list(notices.values())


def my_overdue(session: Session, actor: Actor, now: datetime) -> list[LeadNotice]:
    """The actor's own open leads whose qualification deadline (SLA) passed before ``now``; oldest first."""
    now = _aware(now, "The current time")
    if actor.user_id is None:
        return []
    leads = session.scalars(
        select(Lead)
        .where(
            Lead.responsible_user_id == actor.user_id,
            Lead.state.in_(_OPEN),
            Lead.sla_due_at.is_not(None),
            Lead.sla_due_at < now,
        )
        .order_by(Lead.sla_due_at, Lead.id)
        .limit(_LIMIT)
    )
    notices: list[LeadNotice] = []
    for lead in leads:
        assert lead.sla_due_at is not None
        notices.append(_notice(lead, lead.sla_due_at))
    return notices


def _notice(lead: Lead, at: datetime) -> LeadNotice:
    return LeadNotice(
        lead_id=lead.id,
        kind=ChannelKind(lead.kind),
        contact=_contact(lead),
        subject=lead.subject or (lead.message.splitlines()[0] if lead.message else None),
        received_at=lead.received_at,
        sla_due_at=lead.sla_due_at,
        at=at,
    )
