"""The relational model: typed SQLAlchemy 2 mappings of DOMAIN §2–§4, §6 and §8.

The schema is owned by Alembic (``migrations/``); these classes are the single description of it
that the autogenerate check compares against.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    column,
    exists,
    table,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column, relationship

from app.domain.enums import (
    CallDirection,
    CallResult,
    ChannelKind,
    ClientKind,
    ContactKind,
    DistributionRule,
    ExclusionKind,
    InteractionKind,
    InteractionStatus,
    LeadQuality,
    LeadState,
    MessageDirection,
    MessageStatus,
    StageKind,
    Visibility,
)
from app.persistence.types import UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _enum_check(column: str, enum: Any) -> CheckConstraint:
    values = ", ".join(f"'{member.value}'" for member in enum)
    return CheckConstraint(f"{column} IN ({values})", name=f"{column}_valid")


class Base(DeclarativeBase):
    """Declarative base carrying the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


user_roles = Table(
    "user_roles",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Setting(Base):
    """Company-wide settings kept with the data (company name, default phone region)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Department(Base):
    """A department; visibility "own department" is scoped by it."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))


class Role(Base):
    """A role: a set of rights and, for leads, a shared pool of responsibility."""

    __tablename__ = "roles"
    __table_args__ = (_enum_check("visibility", Visibility),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.OWN.value)
    can_reassign: Mapped[bool] = mapped_column(Boolean, default=False)
    can_reject: Mapped[bool] = mapped_column(Boolean, default=True)
    can_delete: Mapped[bool] = mapped_column(Boolean, default=False)
    can_export: Mapped[bool] = mapped_column(Boolean, default=False)
    can_configure: Mapped[bool] = mapped_column(Boolean, default=False)
    is_system: Mapped[bool] = mapped_column(Boolean, default=False)

    members: Mapped[list[User]] = relationship(secondary=user_roles, back_populates="roles")


class User(Base):
    """An employee who signs in; may have an extension on the company PBX."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(300))
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    extension: Mapped[str | None] = mapped_column(String(32), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    roles: Mapped[list[Role]] = relationship(secondary=user_roles, back_populates="members")


class UserWorkload(Base):
    """How many open leads (new, in progress, repeat) each user is responsible for.

    Kept by database triggers on ``leads`` (migration 0004), so every writer — services, imports,
    other programs — keeps it right, and the least-loaded rule reads one row per member instead
    of counting a million leads.
    """

    __tablename__ = "user_workload"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    open_leads: Mapped[int] = mapped_column(Integer, default=0)


# intake_tokens as a lightweight table for Channel.web_form (IntakeToken is defined further down).
_TOKENS = table("intake_tokens", column("channel_id"), column("revoked_at"))


class Channel(Base):
    """A concrete source of leads: a SIP line, a mailbox, a messenger account, a request source."""

    __tablename__ = "channels"
    __table_args__ = (
        _enum_check("kind", ChannelKind),
        _enum_check("rule", DistributionRule),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    lead_source: Mapped[bool] = mapped_column(Boolean, default=True)
    reason_required: Mapped[bool] = mapped_column(Boolean, default=False)
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    responsible_role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id", ondelete="SET NULL"))
    rule: Mapped[str] = mapped_column(String(16), default=DistributionRule.POOL.value)
    sla_minutes: Mapped[int | None] = mapped_column(Integer)
    ad_source: Mapped[str | None] = mapped_column(String(200))
    counts_in_stats: Mapped[bool] = mapped_column(Boolean, default=True)
    internal_pattern: Mapped[str | None] = mapped_column(String(200))
    # Kind-specific connection settings (IMAP host, password variable name, bot API URL...).
    # Never secrets: those live in the keyring or in the named environment variable.
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Round-robin position: the id of the user who got the previous lead.
    rr_last_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    own_numbers: Mapped[list[ChannelNumber]] = relationship(
        cascade="all, delete-orphan", order_by="ChannelNumber.id"
    )
    zone_rules: Mapped[list[ZoneRule]] = relationship(
        cascade="all, delete-orphan", order_by="ZoneRule.position"
    )
    # Whether the web form is accepted: an unrevoked intake token exists (tokens live in
    # intake_tokens, several per channel; loaded with the channel in the same SELECT).
    web_form: Mapped[bool] = column_property(
        exists().where(_TOKENS.c.channel_id == id, _TOKENS.c.revoked_at.is_(None))
    )


class ChannelNumber(Base):
    """One of the company's own numbers on a call channel (calls from it are internal)."""

    __tablename__ = "channel_numbers"
    __table_args__ = (UniqueConstraint("channel_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(32))


class ZoneRule(Base):
    """Distribution by zone: when a lead's field matches, it goes to this user or role."""

    __tablename__ = "zone_rules"
    __table_args__ = (
        CheckConstraint("field IN ('source', 'phone_prefix', 'email_domain')", name="field_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    field: Mapped[str] = mapped_column(String(32))
    value: Mapped[str] = mapped_column(String(200))
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    responsible_role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"))


class ProgressStatus(Base):
    """An optional intermediate "in progress" status with order and colour (DOMAIN §4)."""

    __tablename__ = "progress_statuses"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    color: Mapped[str] = mapped_column(String(16), default="#808080")


class RejectionReason(Base):
    """The rejection-reason catalog."""

    __tablename__ = "rejection_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Client(Base):
    """A company or a private person."""

    __tablename__ = "clients"
    __table_args__ = (
        _enum_check("kind", ClientKind),
        # Control report (migration 0009): a manager's clients and their check facts, index only.
        Index(
            "ix_clients_report_control",
            "responsible_user_id", "open_interest_count", "next_planned_at", "portrait_filled",
            "contact_point_count",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default=ClientKind.PERSON.value)
    name: Mapped[str] = mapped_column(String(300))
    name_lower: Mapped[str] = mapped_column(String(300), index=True)
    inn: Mapped[str | None] = mapped_column(String(12), index=True)
    responsible_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="SET NULL"))
    portrait: Mapped[str | None] = mapped_column(Text)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Kept by triggers (migration 0009) for the control report: interests on an open stage, phone
    # and e-mail contact points, the earliest planned interaction; 1/0 whether the portrait is filled
    # (and a company's INN).
    open_interest_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    contact_point_count: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    portrait_filled: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    next_planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ContactPerson(Base):
    """A person at a client."""

    __tablename__ = "contact_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    name_lower: Mapped[str] = mapped_column(String(300), index=True)
    position: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ContactPoint(Base):
    """A phone, e-mail or messenger id of a client or a contact person, stored normalized."""

    __tablename__ = "contact_points"
    __table_args__ = (
        _enum_check("kind", ContactKind),
        Index("ix_contact_points_kind_value", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    contact_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_persons.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(254))
    raw: Mapped[str | None] = mapped_column(String(254))
    is_personal: Mapped[bool] = mapped_column(Boolean, default=True)


class Pipeline(Base):
    """A sales pipeline: an ordered list of stages."""

    __tablename__ = "pipelines"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)

    stages: Mapped[list[Stage]] = relationship(order_by="Stage.position", cascade="all, delete-orphan")


class Stage(Base):
    """A stage of a pipeline, with order, colour and whether it is open, won or lost."""

    __tablename__ = "stages"
    __table_args__ = (UniqueConstraint("pipeline_id", "name"), _enum_check("kind", StageKind))

    id: Mapped[int] = mapped_column(primary_key=True)
    pipeline_id: Mapped[int] = mapped_column(ForeignKey("pipelines.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    color: Mapped[str] = mapped_column(String(16), default="#4a90d9")
    kind: Mapped[str] = mapped_column(String(8), default=StageKind.OPEN.value)


class Interest(Base):
    """A sales opportunity (deal) of a client on a pipeline stage."""

    __tablename__ = "interests"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    contact_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_persons.id", ondelete="SET NULL")
    )
    pipeline_id: Mapped[int] = mapped_column(ForeignKey("pipelines.id"))
    stage_id: Mapped[int] = mapped_column(ForeignKey("stages.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    comment: Mapped[str | None] = mapped_column(Text)
    responsible_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL", use_alter=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Process(Base):
    """A task-like follow-up started from a lead instead of an interest."""

    __tablename__ = "processes"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"), index=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL", use_alter=True))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Interaction(Base):
    """A call, letter, message, meeting or task tied to a client / lead / interest."""

    __tablename__ = "interactions"
    __table_args__ = (_enum_check("kind", InteractionKind), _enum_check("status", InteractionStatus))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=InteractionStatus.PLANNED.value)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    interest_id: Mapped[int | None] = mapped_column(
        ForeignKey("interests.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The letter this interaction is (a letter on a lead's timeline) or has attached (a task).
    letter_id: Mapped[int | None] = mapped_column(
        ForeignKey("mail_letters.id", ondelete="SET NULL", use_alter=True), index=True
    )


class Exclusion(Base):
    """An exclusion-list entry: a phone, e-mail or domain that never makes a lead."""

    __tablename__ = "exclusions"
    __table_args__ = (UniqueConstraint("kind", "value"), _enum_check("kind", ExclusionKind))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(254))
    comment: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExcludedContact(Base):
    """The log of inquiries that the exclusion list kept from becoming leads."""

    __tablename__ = "excluded_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), index=True)
    exclusion_id: Mapped[int | None] = mapped_column(ForeignKey("exclusions.id", ondelete="SET NULL"))
    external_id: Mapped[str | None] = mapped_column(String(500))
    raw_contact: Mapped[str | None] = mapped_column(String(300))
    subject: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Lead(Base):
    """One inbound inquiry (DOMAIN §3): every field intake, processing and reports need."""

    __tablename__ = "leads"
    __table_args__ = (
        UniqueConstraint("channel_id", "external_id"),
        _enum_check("kind", ChannelKind),
        _enum_check("state", LeadState),
        _enum_check("quality", LeadQuality),
        Index("ix_leads_received_at_kind", "received_at", "kind"),
        Index("ix_leads_responsible_user_id_state", "responsible_user_id", "state"),
        Index("ix_leads_responsible_role_id_state", "responsible_role_id", "state"),
        Index("ix_leads_state_received_at", "state", "received_at"),
        # Lead analysis (state × kind over a period) read from the index alone.
        Index("ix_leads_state_kind_received_at", "state", "kind", "received_at"),
        # Built-in reports (migration 0009, app/services/report_queries.py): led by the grouping
        # columns so SQLite aggregates in index order (no sort of the year), covering the filters.
        Index(
            "ix_leads_report_channel_state",
            "kind", "channel_id", "state", "responsible_user_id", "received_at", "quality",
        ),
        Index(
            "ix_leads_report_rejections",
            "state", "rejection_reason_id", "channel_id", "responsible_user_id", "received_at", "quality",
        ),
        Index(
            "ix_leads_report_sources",
            "ad_source", "quality", "state", "received_at", "channel_id", "responsible_user_id",
        ),
        # Response-time report: the stored response seconds in group order; unanswered leads with a
        # deadline (the "decided" count) from a small partial index. Predicate verbatim in
        # app/services/report_queries.py.
        Index(
            "ix_leads_report_response",
            "channel_id", "responsible_user_id", "response_seconds", "response_within_sla", "received_at",
            "quality",
        ),
        Index(
            "ix_leads_report_unanswered",
            "received_at", "sla_due_at", "channel_id", "responsible_user_id", "quality",
            sqlite_where=text("first_action_at IS NULL AND sla_due_at IS NOT NULL"),
            postgresql_where=text("first_action_at IS NULL AND sla_due_at IS NOT NULL"),
        ),
        # KPI: open leads past their deadline, whatever the period.
        Index(
            "ix_leads_report_overdue",
            "sla_due_at", "responsible_user_id", "channel_id", "quality",
            sqlite_where=text(
                "state NOT IN ('converted', 'repeat_processed', 'rejected') AND sla_due_at IS NOT NULL"
            ),
            postgresql_where=text(
                "state NOT IN ('converted', 'repeat_processed', 'rejected') AND sla_due_at IS NOT NULL"
            ),
        ),
        # The My Sales board (migration 0003): unprocessed leads oldest first, in index order, so the
        # first page of 100,000 open leads is read without sorting; partial, so closed leads (the
        # bulk of a year) cost nothing; the trailing kind lets the kind filter skip rows without
        # reading them. The predicate (NOT IN the closed states) is repeated verbatim in
        # app/services/board.py.
        Index(
            "ix_leads_open_received_at",
            "received_at",
            "id",
            "kind",
            sqlite_where=text("state NOT IN ('converted', 'repeat_processed', 'rejected')"),
            postgresql_where=text("state NOT IN ('converted', 'repeat_processed', 'rejected')"),
        ),
        Index(
            "ix_leads_open_user_received_at",
            "responsible_user_id",
            "received_at",
            "id",
            "kind",
            sqlite_where=text("state NOT IN ('converted', 'repeat_processed', 'rejected')"),
            postgresql_where=text("state NOT IN ('converted', 'repeat_processed', 'rejected')"),
        ),
        Index(
            "ix_leads_open_role_received_at",
            "responsible_role_id",
            "responsible_user_id",
            "received_at",
            "id",
            "kind",
            sqlite_where=text("state NOT IN ('converted', 'repeat_processed', 'rejected')"),
            postgresql_where=text("state NOT IN ('converted', 'repeat_processed', 'rejected')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"))
    # Denormalized from the channel so reports group without a join; a channel never changes kind.
    kind: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str | None] = mapped_column(String(500))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    contact_name: Mapped[str | None] = mapped_column(String(300))
    raw_contact: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    messenger_user: Mapped[str | None] = mapped_column(String(200), index=True)
    subject: Mapped[str | None] = mapped_column(String(500))
    message: Mapped[str | None] = mapped_column(Text)
    ad_source: Mapped[str | None] = mapped_column(String(200), index=True)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"), index=True)
    contact_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_persons.id", ondelete="SET NULL")
    )
    repeat_of_lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"))
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    responsible_role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(20), default=LeadState.NEW.value)
    progress_status_id: Mapped[int | None] = mapped_column(
        ForeignKey("progress_statuses.id", ondelete="SET NULL")
    )
    quality: Mapped[str] = mapped_column(String(16), default=LeadQuality.UNCHECKED.value)
    sla_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Kept by triggers (migration 0009) for the response-time report: whole seconds from received_at
    # to first_action_at, and 1/0 whether first_action_at <= sla_due_at (NULL without either).
    response_seconds: Mapped[int | None] = mapped_column(Integer)
    response_within_sla: Mapped[int | None] = mapped_column(Integer)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    processor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rejection_reason_id: Mapped[int | None] = mapped_column(
        ForeignKey("rejection_reasons.id", ondelete="RESTRICT"), index=True
    )
    rejection_comment: Mapped[str | None] = mapped_column(Text)
    duplicate_of_lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"))
    result_interest_id: Mapped[int | None] = mapped_column(ForeignKey("interests.id", ondelete="SET NULL"))
    result_process_id: Mapped[int | None] = mapped_column(ForeignKey("processes.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class LeadHistory(Base):
    """Every change of a lead: who, when, what (DOMAIN §9)."""

    __tablename__ = "lead_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(32))
    # {"field": [old, new], ...} in stored (string/int) form.
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    comment: Mapped[str | None] = mapped_column(Text)


class CallRecord(Base):
    """The call log (DOMAIN §6): every call in, out and internal."""

    __tablename__ = "call_records"
    __table_args__ = (
        UniqueConstraint("sip_call_id", "direction"),
        _enum_check("direction", CallDirection),
        CheckConstraint(
            "result IS NULL OR result IN ('answered', 'no_answer', 'busy', 'failed', 'rejected')",
            name="result_valid",
        ),
        Index("ix_call_records_ring_at", "ring_at"),
        # Missed-calls report (migration 0009): the missed inbound calls in group order from a partial
        # index carrying the stored call-back facts (predicate verbatim in report_queries.py), and
        # the first call back to a number by one seek (used by the triggers).
        Index(
            "ix_call_records_report_missed",
            "channel_id", "lead_responsible_user_id", "callback_seconds", "ring_at", "lead_id",
            sqlite_where=text("direction = 'in' AND result <> 'answered'"),
            postgresql_where=text("direction = 'in' AND result <> 'answered'"),
        ),
        Index("ix_call_records_callback", "caller_phone", "direction", "ring_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sip_call_id: Mapped[str] = mapped_column(String(300))
    direction: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("channels.id", ondelete="SET NULL"))
    caller: Mapped[str | None] = mapped_column(String(300))
    caller_phone: Mapped[str | None] = mapped_column(String(32), index=True)
    called: Mapped[str | None] = mapped_column(String(300))
    internal_reason: Mapped[str | None] = mapped_column(String(300))
    ring_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    result: Mapped[str | None] = mapped_column(String(16))
    talk_seconds: Mapped[int | None] = mapped_column(Integer)
    recording_path: Mapped[str | None] = mapped_column(String(1000))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"), index=True)
    # Kept by triggers (migration 0009) for the missed-calls report: on an inbound call, the first
    # outbound call to the same number after it and the whole seconds to it; the lead's
    # responsible user (now).
    callback_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    callback_seconds: Mapped[int | None] = mapped_column(Integer)
    lead_responsible_user_id: Mapped[int | None] = mapped_column(Integer)


class ConnectorLease(Base):
    """Which process syncs a channel now (issue: connector service): one holder per channel, a
    desktop or ``inflow serve``, renewed while it works and taken over once it expires."""

    __tablename__ = "connector_leases"

    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True)
    # "host:pid:random" of the holding process.
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConnectorState(Base):
    """A channel's sync cursor, e.g. the Telegram update offset or an IMAP folder's UIDVALIDITY/UID."""

    __tablename__ = "connector_state"

    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class IntakeToken(Base):
    """A web-form token of a request channel; only its SHA-256 is stored (the token is shown once)."""

    __tablename__ = "intake_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Conversation(Base):
    """A messenger chat of a dialog channel (Dialogs workspace): one per chat and channel."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel_id", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    # The messenger's own chat id (Telegram: the numeric chat id as text).
    chat_id: Mapped[str] = mapped_column(String(100))
    # The messenger user as stored on leads.messenger_user and contact_points (e.g. "telegram:123").
    user_key: Mapped[str] = mapped_column(String(200), index=True)
    display_name: Mapped[str | None] = mapped_column(String(300))
    username: Mapped[str | None] = mapped_column(String(200))
    # A phone the user shared (normalized E.164).
    phone: Mapped[str | None] = mapped_column(String(32))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"), index=True)
    contact_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_persons.id", ondelete="SET NULL")
    )
    # The lead the conversation currently belongs to (the newest one it opened or joined).
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"), index=True)
    last_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # The first inbound message not answered yet; NULL once an operator replied.
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ConversationMessage(Base):
    """One message of a conversation, inbound or an operator's reply."""

    __tablename__ = "conversation_messages"
    __table_args__ = (
        # Idempotency: an inbound message is keyed by its update id, an outbound one by the
        # messenger's message id once sent (NULL while pending, and NULLs never collide).
        UniqueConstraint("conversation_id", "direction", "external_id"),
        _enum_check("direction", MessageDirection),
        _enum_check("status", MessageStatus),
        Index("ix_conversation_messages_conversation_id_sent_at", "conversation_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(8))
    external_id: Mapped[str | None] = mapped_column(String(100))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"), index=True)
    text: Mapped[str | None] = mapped_column(Text)
    # [{"name": ..., "mime": ..., "size": ..., "file_id": ..., "path": ...}, ...]
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default=MessageStatus.RECEIVED.value)
    error: Mapped[str | None] = mapped_column(Text)


class MailFolder(Base):
    """An IMAP folder of a mailbox channel that letters were synced from or sent into."""

    __tablename__ = "mail_folders"
    __table_args__ = (UniqueConstraint("channel_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    # The folder's name as the server spells it (decoded from modified UTF-7 by imapclient).
    name: Mapped[str] = mapped_column(String(500))
    # "inbox", "sent" or NULL: which folder a reply's copy goes to and the tree shows first.
    role: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MailLetter(Base):
    """One letter of a mailbox folder, decoded for the Mail workspace (issue: the Mail workspace)."""

    __tablename__ = "mail_letters"
    __table_args__ = (
        # Idempotency of sync: the same letter (Message-ID, else a hash of its bytes) once per folder.
        UniqueConstraint("folder_id", "external_id"),
        CheckConstraint("direction IN ('in', 'out')", name="direction_valid"),
        Index("ix_mail_letters_folder_id_received_at", "folder_id", "received_at"),
        Index("ix_mail_letters_folder_id_thread_key", "folder_id", "thread_key"),
        Index("ix_mail_letters_folder_id_seen", "folder_id", "seen"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), index=True)
    folder_id: Mapped[int] = mapped_column(ForeignKey("mail_folders.id", ondelete="CASCADE"))
    # The IMAP UID under uidvalidity; NULL for a sent copy the server gave no UID for.
    uid: Mapped[int | None] = mapped_column(BigInteger)
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    external_id: Mapped[str] = mapped_column(String(500))
    message_id: Mapped[str | None] = mapped_column(String(500), index=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(500))
    # The References chain, oldest first (message ids with angle brackets).
    reference_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The thread's root message id: letters with the same key are one thread in the list.
    thread_key: Mapped[str] = mapped_column(String(500))
    direction: Mapped[str] = mapped_column(String(8), default="in")
    subject: Mapped[str] = mapped_column(Text, default="")
    from_name: Mapped[str | None] = mapped_column(String(300))
    from_address: Mapped[str | None] = mapped_column(String(254), index=True)
    # [[name, address], ...]
    to_addresses: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    cc_addresses: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    reply_to: Mapped[str | None] = mapped_column(String(254))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    snippet: Mapped[str] = mapped_column(String(300), default="")
    text_body: Mapped[str | None] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    # [{"index": n, "name": ..., "mime": ..., "size": ..., "inline": bool, "content_id": ...}, ...]
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    size: Mapped[int] = mapped_column(Integer, default=0)
    seen: Mapped[bool] = mapped_column(Boolean, default=False)
    # "auto_reply", "bounce" or NULL: detected by headers, such letters never make leads.
    auto_kind: Mapped[str | None] = mapped_column(String(16))
    # What intake did: lead, repeat, thread, existing, excluded, auto, not_lead_source, outgoing.
    intake: Mapped[str | None] = mapped_column(String(32))
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="SET NULL"), index=True)
    # What could not be decoded cleanly (a sentence per problem), for the log and the reading pane.
    problems: Mapped[list[str]] = mapped_column(JSON, default=list)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MailLetterSource(Base):
    """The raw RFC 5322 bytes of a letter, apart from the list columns: attachments are cut from it."""

    __tablename__ = "mail_letter_sources"

    letter_id: Mapped[int] = mapped_column(
        ForeignKey("mail_letters.id", ondelete="CASCADE"), primary_key=True
    )
    raw: Mapped[bytes] = mapped_column(LargeBinary)


__all__ = [
    "Base",
    "CallDirection",
    "CallRecord",
    "CallResult",
    "Channel",
    "ChannelNumber",
    "Client",
    "ConnectorLease",
    "ConnectorState",
    "ContactPerson",
    "ContactPoint",
    "Conversation",
    "ConversationMessage",
    "Department",
    "ExcludedContact",
    "Exclusion",
    "IntakeToken",
    "Interaction",
    "Interest",
    "Lead",
    "LeadHistory",
    "MailFolder",
    "MailLetter",
    "MailLetterSource",
    "Pipeline",
    "Process",
    "ProgressStatus",
    "RejectionReason",
    "Role",
    "Setting",
    "Stage",
    "User",
    "UserWorkload",
    "ZoneRule",
    "user_roles",
]
