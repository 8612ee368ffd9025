"""The Requests workspace (DOMAIN §6 "Requests"): every lead of the request channels, newest first.

Requests are the leads of channels of kind ``request``: walk-ins and phoned-in inquiries entered
with "Accept inquiry", web-form submissions and imported rows. A dispatcher filters them by
period, channel, state, advertising source and text, and pages through them lazily: the list is
read in the order of ``ix_leads_received_at_kind`` — newest first by ``(received_at, id)`` — one
page at a time with a keyset cursor (``before``: the last row shown), and a refresh re-reads
exactly the loaded range (``until``: the last row shown, inclusive). Visibility is the same rule
as everywhere (:func:`app.services.permissions.lead_visibility_clause`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.domain.contacts import normalize_email, normalize_phone
from app.domain.enums import ChannelKind, LeadQuality, LeadState
from app.domain.errors import ValidationError
from app.persistence.models import Channel, Client, Lead, Role, User
from app.services.permissions import Actor, lead_visibility_clause
from app.services.settings import phone_region

PAGE = 200
MESSAGE_LENGTH = 300
# The UTM fields a web form hands over (INTERFACES "Web-form intake endpoint"), in display order.
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
_PHONEISH = re.compile(r"^[\s\d()+\-.]+$")


@dataclass(frozen=True, slots=True)
class RequestFilter:
    """What the Requests list shows; every field narrows it, None/empty means "any"."""

    received_from: datetime | None = None  # inclusive
    received_to: datetime | None = None  # exclusive
    channel_id: int | None = None
    states: frozenset[LeadState] | None = None
    source: str | None = None  # the advertising source, exactly as stored
    text: str = ""  # a phone in any format, an e-mail, or words of the name, subject or message


@dataclass(frozen=True, slots=True, order=True)
class RequestCursor:
    """A position in the Requests list: the sort key of one row."""

    received_at: datetime
    id: int


@dataclass(frozen=True, slots=True)
class RequestRow:
    """One request as the Requests table shows it, every name resolved."""

    id: int
    version: int
    channel_id: int
    channel_name: str
    reason_required: bool
    received_at: datetime
    contact: str
    phone: str | None
    email: str | None
    subject: str | None
    message: str
    ad_source: str | None
    utm: tuple[tuple[str, str], ...]
    state: LeadState
    quality: LeadQuality
    client_id: int | None
    client_name: str | None
    responsible_user_id: int | None
    responsible_name: str | None
    responsible_role_id: int | None
    role_name: str | None

    @property
    def cursor(self) -> RequestCursor:
        """The row's place in the list (for keyset paging)."""
        return RequestCursor(self.received_at, self.id)

    @property
    def responsible(self) -> str:
        """The responsible user's name, else the role's, else ""."""
        return self.responsible_name or self.role_name or ""

    @property
    def source_text(self) -> str:
        """The advertising source and the UTM values, e.g. "yandex.direct · utm_campaign=okna"."""
        parts = [self.ad_source] if self.ad_source else []
        parts.extend(f"{name}={value}" for name, value in self.utm)
        return " · ".join(parts)


def _conditions(session: Session, actor: Actor, flt: RequestFilter) -> list[ColumnElement[bool]]:
    if flt.received_from and flt.received_to and flt.received_from >= flt.received_to:
        raise ValidationError("The period ends before it begins.")
    conditions: list[ColumnElement[bool]] = [
        Lead.kind == ChannelKind.REQUEST.value,
        lead_visibility_clause(actor),
    ]
    if flt.received_from is not None:
        conditions.append(Lead.received_at >= flt.received_from)
    if flt.received_to is not None:
        conditions.append(Lead.received_at < flt.received_to)
    if flt.channel_id is not None:
        conditions.append(Lead.channel_id == flt.channel_id)
    if flt.states is not None:
        conditions.append(Lead.state.in_(sorted(LeadState(state).value for state in flt.states)))
    if flt.source:
        conditions.append(Lead.ad_source == flt.source)
    text = " ".join(flt.text.split())
    if text:
        conditions.append(_text_condition(session, text))
    return conditions


def _text_condition(session: Session, text: str) -> ColumnElement[bool]:
    """A phone in any format, an e-mail (whole or part), or words in the name, subject, message."""
    if _PHONEISH.match(text) and sum(ch.isdigit() for ch in text) >= 5:
        phone = normalize_phone(text, phone_region(session))
        if phone is not None:
            return Lead.phone == phone
        digits = "".join(ch for ch in text if ch.isdigit())
        return Lead.phone.contains(digits, autoescape=True)
    if "@" in text:
        email = normalize_email(text)
        if email is not None:
            return Lead.email == email
        return Lead.email.contains(text.lower(), autoescape=True)
    # SQLite's LIKE folds ASCII letters only: the usual spellings of a Cyrillic word are tried as
    # written, lower-case, upper-case and capitalized (PostgreSQL's ILIKE folds them all anyway).
    variants = dict.fromkeys((text, text.lower(), text.upper(), text.capitalize()))
    columns = (Lead.contact_name, Lead.raw_contact, Lead.subject, Lead.message)
    return or_(
        *(column.ilike(f"%{_escape(variant)}%", escape="\\") for column in columns for variant in variants)
    )


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _before(cursor: RequestCursor) -> ColumnElement[bool]:
    # Newest first: the next page holds what is older than the last row shown.
    return and_(
        Lead.received_at <= cursor.received_at,
        or_(Lead.received_at < cursor.received_at, Lead.id < cursor.id),
    )


def _until(cursor: RequestCursor) -> ColumnElement[bool]:
    return and_(
        Lead.received_at >= cursor.received_at,
        or_(Lead.received_at > cursor.received_at, Lead.id >= cursor.id),
    )


def _row_query() -> Select[*tuple[Any, ...]]:
    responsible = aliased(User)
    return (
        select(
            Lead.id,
            Lead.version,
            Lead.channel_id,
            Channel.name,
            Channel.reason_required,
            Lead.received_at,
            Lead.contact_name,
            Lead.raw_contact,
            Lead.phone,
            Lead.email,
            Lead.subject,
            # The table shows the beginning; a long message stays in the database.
            func.substr(Lead.message, 1, MESSAGE_LENGTH * 2),
            Lead.ad_source,
            Lead.extra,
            Lead.state,
            Lead.quality,
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
    )


def _one_line(text: str | None) -> str:
    value = " ".join((text or "").split())
    if len(value) > MESSAGE_LENGTH:
        value = value[: MESSAGE_LENGTH - 1].rstrip() + "…"
    return value


def _utm(extra: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(extra, dict):
        return ()
    return tuple((name, str(extra[name])) for name in UTM_FIELDS if extra.get(name))


def _row(values: Any) -> RequestRow:
    (
        lead_id,
        version,
        channel_id,
        channel_name,
        reason_required,
        received_at,
        contact_name,
        raw_contact,
        phone,
        email,
        subject,
        message,
        ad_source,
        extra,
        state,
        quality,
        client_id,
        client_name,
        user_id,
        user_name,
        role_id,
        role_name,
    ) = values
    contact = next((v.strip() for v in (contact_name, raw_contact, phone, email) if v and v.strip()), "")
    return RequestRow(
        id=lead_id,
        version=version,
        channel_id=channel_id,
        channel_name=channel_name,
        reason_required=bool(reason_required),
        received_at=received_at,
        contact=contact,
        phone=phone,
        email=email,
        subject=subject,
        message=_one_line(message) or _one_line(subject),
        ad_source=ad_source,
        utm=_utm(extra),
        state=LeadState(state),
        quality=LeadQuality(quality),
        client_id=client_id,
        client_name=client_name,
        responsible_user_id=user_id,
        responsible_name=user_name,
        responsible_role_id=role_id,
        role_name=role_name,
    )


def requests(
    session: Session,
    actor: Actor,
    flt: RequestFilter = RequestFilter(),
    *,
    limit: int | None = PAGE,
    before: RequestCursor | None = None,
    until: RequestCursor | None = None,
) -> list[RequestRow]:
    """Requests the actor may see that match the filter, newest first.

    Page with ``before`` (the cursor of the last row shown); ``until`` stops at a cursor
    (inclusive), which is how a refresh re-reads exactly the rows a list has loaded.
    """
    if limit is not None and limit < 0:
        raise ValidationError("A page holds 0 or more rows.")
    conditions = _conditions(session, actor, flt)
    if before is not None:
        conditions.append(_before(before))
    if until is not None:
        conditions.append(_until(until))
    statement = _row_query().where(*conditions).order_by(Lead.received_at.desc(), Lead.id.desc())
    if limit is not None:
        statement = statement.limit(limit)
    return [_row(values) for values in session.execute(statement)]


def count_requests(session: Session, actor: Actor, flt: RequestFilter = RequestFilter()) -> int:
    """How many requests :func:`requests` has for the filter in all."""
    statement = select(func.count()).select_from(Lead).where(*_conditions(session, actor, flt))
    return int(session.scalar(statement) or 0)


@dataclass(frozen=True, slots=True)
class ChannelChoice:
    """A channel for a filter or an empty-state check."""

    id: int
    name: str
    active: bool


RequestChannel = ChannelChoice


def channels_of_kind(session: Session, kind: ChannelKind) -> list[ChannelChoice]:
    """The channels of one kind by name (inactive ones too: their old leads are still listed)."""
    rows = session.execute(
        select(Channel.id, Channel.name, Channel.active)
        .where(Channel.kind == kind.value)
        .order_by(Channel.name)
    )
    return [ChannelChoice(channel_id, name, bool(active)) for channel_id, name, active in rows]


def request_channels(session: Session) -> list[ChannelChoice]:
    """The request channels by name (inactive ones too: their old requests are still listed)."""
    return channels_of_kind(session, ChannelKind.REQUEST)


def request_sources(session: Session, actor: Actor, limit: int = 200) -> list[str]:
    """The advertising sources seen on the requests the actor may see, alphabetically."""
    rows = session.scalars(
        select(Lead.ad_source)
        .where(
            Lead.kind == ChannelKind.REQUEST.value,
            Lead.ad_source.is_not(None),
            lead_visibility_clause(actor),
        )
        .distinct()
        .order_by(Lead.ad_source)
        .limit(limit)
    )
    return [source for source in rows if source]
