"""Frozen data transfer objects: what services hand to the UI, CLI and telephony."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from app.domain.enums import ChannelKind, ClientKind, DistributionRule, LeadQuality, LeadState
from app.persistence.models import Channel, Client, ContactPerson, Lead


@dataclass(frozen=True, slots=True)
class LeadDTO:
    """A lead as services report it."""

    id: int
    channel_id: int
    kind: ChannelKind
    external_id: str | None
    received_at: datetime
    contact_name: str | None
    raw_contact: str | None
    phone: str | None
    email: str | None
    messenger_user: str | None
    subject: str | None
    message: str | None
    ad_source: str | None
    client_id: int | None
    contact_person_id: int | None
    repeat_of_lead_id: int | None
    responsible_user_id: int | None
    responsible_role_id: int | None
    state: LeadState
    quality: LeadQuality
    sla_due_at: datetime | None
    processed_at: datetime | None
    processor_id: int | None
    rejection_reason_id: int | None
    rejection_comment: str | None
    result_interest_id: int | None
    result_process_id: int | None
    version: int

    @classmethod
    def of(cls, lead: Lead) -> LeadDTO:
        """Snapshot an ORM lead."""
        return cls(
            id=lead.id,
            channel_id=lead.channel_id,
            kind=ChannelKind(lead.kind),
            external_id=lead.external_id,
            received_at=lead.received_at,
            contact_name=lead.contact_name,
            raw_contact=lead.raw_contact,
            phone=lead.phone,
            email=lead.email,
            messenger_user=lead.messenger_user,
            subject=lead.subject,
            message=lead.message,
            ad_source=lead.ad_source,
            client_id=lead.client_id,
            contact_person_id=lead.contact_person_id,
            repeat_of_lead_id=lead.repeat_of_lead_id,
            responsible_user_id=lead.responsible_user_id,
            responsible_role_id=lead.responsible_role_id,
            state=LeadState(lead.state),
            quality=LeadQuality(lead.quality),
            sla_due_at=lead.sla_due_at,
            processed_at=lead.processed_at,
            processor_id=lead.processor_id,
            rejection_reason_id=lead.rejection_reason_id,
            rejection_comment=lead.rejection_comment,
            result_interest_id=lead.result_interest_id,
            result_process_id=lead.result_process_id,
            version=lead.version,
        )

    @property
    def is_repeat(self) -> bool:
        """Whether the contact was known when the lead arrived."""
        return self.quality is LeadQuality.REPEAT


@dataclass(frozen=True, slots=True)
class ChannelDTO:
    """A channel and its settings (never secrets)."""

    id: int
    name: str
    kind: ChannelKind
    lead_source: bool
    reason_required: bool
    responsible_user_id: int | None
    responsible_role_id: int | None
    rule: DistributionRule
    sla_minutes: int | None
    ad_source: str | None
    counts_in_stats: bool
    internal_pattern: str | None
    own_numbers: tuple[str, ...]
    settings: dict[str, object] = field(hash=False, compare=False)
    active: bool = True
    # The web form is accepted (the channel has an unrevoked intake token).
    web_form: bool = False

    @classmethod
    def of(cls, channel: Channel) -> ChannelDTO:
        """Snapshot an ORM channel."""
        return cls(
            id=channel.id,
            name=channel.name,
            kind=ChannelKind(channel.kind),
            lead_source=channel.lead_source,
            reason_required=channel.reason_required,
            responsible_user_id=channel.responsible_user_id,
            responsible_role_id=channel.responsible_role_id,
            rule=DistributionRule(channel.rule),
            sla_minutes=channel.sla_minutes,
            ad_source=channel.ad_source,
            counts_in_stats=channel.counts_in_stats,
            internal_pattern=channel.internal_pattern,
            own_numbers=tuple(n.number for n in channel.own_numbers),
            settings=dict(channel.settings or {}),
            active=channel.active,
            web_form=bool(channel.web_form),
        )


@dataclass(frozen=True, slots=True)
class ClientDTO:
    """A client with its contact info."""

    id: int
    kind: ClientKind
    name: str
    inn: str | None
    responsible_user_id: int | None
    phones: tuple[str, ...]
    emails: tuple[str, ...]

    @classmethod
    def of(cls, client: Client, phones: tuple[str, ...] = (), emails: tuple[str, ...] = ()) -> ClientDTO:
        """Snapshot an ORM client with its contact points."""
        return cls(
            id=client.id,
            kind=ClientKind(client.kind),
            name=client.name,
            inn=client.inn,
            responsible_user_id=client.responsible_user_id,
            phones=phones,
            emails=emails,
        )


@dataclass(frozen=True, slots=True)
class ContactPersonDTO:
    """A contact person with its contact info."""

    id: int
    client_id: int
    name: str
    position: str | None
    phones: tuple[str, ...]
    emails: tuple[str, ...]

    @classmethod
    def of(
        cls, person: ContactPerson, phones: tuple[str, ...] = (), emails: tuple[str, ...] = ()
    ) -> ContactPersonDTO:
        """Snapshot an ORM contact person."""
        return cls(
            id=person.id,
            client_id=person.client_id,
            name=person.name,
            position=person.position,
            phones=phones,
            emails=emails,
        )


@dataclass(frozen=True, slots=True)
class InterestDTO:
    """An interest (deal)."""

    id: int
    client_id: int
    pipeline_id: int
    stage_id: int
    title: str
    amount: Decimal | None
    responsible_user_id: int | None
    lead_id: int | None


@dataclass(frozen=True, slots=True)
class ProcessDTO:
    """A process (task) started from a lead."""

    id: int
    client_id: int | None
    title: str
    assignee_id: int | None
    due_at: datetime | None
    lead_id: int | None


@dataclass(frozen=True, slots=True)
class HistoryEntryDTO:
    """One entry of a lead's history."""

    at: datetime
    user_id: int | None
    action: str
    changes: dict[str, object] = field(hash=False)
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class UserDTO:
    """A user account as administration reports it (never the password hash)."""

    id: int
    login: str
    full_name: str
    department_id: int | None
    extension: str | None
    active: bool
    role_codes: tuple[str, ...]
