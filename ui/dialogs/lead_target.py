"""What a lead dialog needs to know about its lead, whichever view opened it."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.enums import LeadState
from app.services.board import InquiryCard, LeadCard
from app.services.permissions import Actor, Right


@dataclass(frozen=True, slots=True)
class LeadTarget:
    """A lead as seen when the action was chosen (its version guards the write)."""

    id: int
    version: int
    contact: str
    channel_name: str
    reason_required: bool
    state: LeadState
    responsible_user_id: int | None
    responsible_role_id: int | None
    phone: str | None
    email: str | None

    @classmethod
    def of_card(cls, card: InquiryCard) -> LeadTarget:
        """From a card of the Inquiries column."""
        return cls(
            id=card.id,
            version=card.version,
            contact=card.contact,
            channel_name=card.channel_name,
            reason_required=card.reason_required,
            state=card.state,
            responsible_user_id=card.responsible_user_id,
            responsible_role_id=card.responsible_role_id,
            phone=card.phone,
            email=card.email,
        )

    @classmethod
    def of_lead_card(cls, card: LeadCard) -> LeadTarget:
        """From a lead card."""
        lead = card.lead
        contact = next(
            (
                v
                for v in (lead.contact_name, lead.raw_contact, lead.phone, lead.email, lead.messenger_user)
                if v
            ),
            "",
        )
        return cls(
            id=lead.id,
            version=lead.version,
            contact=contact,
            channel_name=card.channel_name,
            reason_required=card.reason_required,
            state=lead.state,
            responsible_user_id=lead.responsible_user_id,
            responsible_role_id=lead.responsible_role_id,
            phone=lead.phone,
            email=lead.email,
        )

    @property
    def is_open(self) -> bool:
        """Whether the lead still waits for a result."""
        return self.state.is_open

    def in_pool_of(self, actor: Actor) -> bool:
        """Whether the lead waits in the pool of one of the actor's roles."""
        return self.responsible_user_id is None and self.responsible_role_id in actor.role_ids

    def may_process(self, actor: Actor) -> bool:
        """The services' rule (processing._require_may_process) for enabling actions."""
        return (
            actor.has(Right.REASSIGN)
            or (actor.user_id is not None and self.responsible_user_id == actor.user_id)
            or self.in_pool_of(actor)
        )

    def may_reject(self, actor: Actor) -> bool:
        """Whether Reject and Mark spam apply."""
        return self.is_open and actor.has(Right.REJECT) and self.may_process(actor)

    def may_reassign(self, actor: Actor) -> bool:
        """Whether Assign to… and Redirect to role… apply."""
        return self.is_open and actor.has(Right.REASSIGN)

    def may_take(self, actor: Actor) -> bool:
        """Whether the actor may take it for themselves (from their role's pool, or by right)."""
        if not self.is_open or actor.user_id is None or self.responsible_user_id == actor.user_id:
            return False
        return self.in_pool_of(actor) or actor.has(Right.REASSIGN)

    def may_convert(self, actor: Actor) -> bool:
        """Whether the intake wizard may convert it."""
        return self.is_open and self.may_process(actor)
