"""Lead intake: one function for every channel (DOMAIN §3).

A call that rings, a letter that arrives, a chat that starts, a web form, an import row and a
walk-in all come through :func:`register_leads`. It is idempotent by (channel, external id) — a
unique constraint, so a replay after an outage or a double-submitted form never makes a second
lead — applies the exclusion list, recognizes repeat contacts, picks the responsible by the
channel's rule, sets the SLA deadline and writes the first history entry. A batch is handled
with a constant number of queries per chunk, so mail sync and imports stay fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Table, and_, bindparam, case, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from app.domain.contacts import DEFAULT_REGION, email_domain, normalize_email, normalize_phone
from app.domain.enums import (
    ChannelKind,
    ContactKind,
    DistributionRule,
    ExclusionKind,
    LeadQuality,
    LeadState,
)
from app.domain.errors import NotFound, ValidationError
from app.persistence.models import (
    Channel,
    Client,
    ContactPoint,
    ExcludedContact,
    Exclusion,
    Lead,
    LeadHistory,
    Setting,
    User,
    UserWorkload,
    ZoneRule,
    user_roles,
)
from app.persistence.types import utcnow
from app.persistence.uow import UnitOfWork
from app.services.dto import LeadDTO
from app.services.permissions import Actor
from app.services.settings import PHONE_REGION

CHUNK = 500


@dataclass(frozen=True, slots=True)
class LeadInput:
    """One inquiry as a channel hands it over."""

    channel_id: int
    external_id: str | None = None
    received_at: datetime | None = None
    contact_name: str | None = None
    phone: str | None = None
    email: str | None = None
    messenger_user: str | None = None
    subject: str | None = None
    message: str | None = None
    ad_source: str | None = None
    quality: LeadQuality | None = None
    extra: dict[str, Any] | None = field(default=None, hash=False)


class IntakeOutcome(StrEnum):
    """What intake did with one inquiry."""

    CREATED = "created"
    EXISTING = "existing"  # the same (channel, external id) was taken in before
    EXCLUDED = "excluded"  # the contact is on the exclusion list: logged, no lead
    NOT_LEAD_SOURCE = "not_lead_source"  # the channel does not create leads


@dataclass(frozen=True, slots=True)
class IntakeResult:
    """The outcome of one inquiry, with the lead when there is one."""

    outcome: IntakeOutcome
    lead: LeadDTO | None
    reason: str | None = None

    @property
    def created(self) -> bool:
        """Whether this call created the lead."""
        return self.outcome is IntakeOutcome.CREATED


@dataclass(slots=True)
class _Known:
    """What we know of a contact before this lead."""

    client_id: int | None
    contact_person_id: int | None
    lead_id: int | None
    batch_row: int | None = None  # a lead earlier in the same batch, by its position
    lead_responsible_id: int | None = None  # who had the earlier lead (if still active)
    client_responsible_id: int | None = None  # the client's manager (if still active)


@dataclass(slots=True)
class _Prepared:
    item: LeadInput
    received_at: datetime
    phone: str | None
    email: str | None
    messenger: str | None


def register_lead(uow: UnitOfWork, item: LeadInput, actor: Actor | None = None) -> IntakeResult:
    """Take in one inquiry (see :func:`register_leads`)."""
    return register_leads(uow, [item], actor)[0]


def register_leads(
    uow: UnitOfWork, items: Sequence[LeadInput], actor: Actor | None = None
) -> list[IntakeResult]:
    """Take in a batch of inquiries; results come back in the order of ``items``."""
    # A blank external id is no key: it would make every later blank-id inquiry a "replay".
    items = [
        replace(item, external_id=None)
        if item.external_id is not None and not item.external_id.strip()
        else item
        for item in items
    ]
    results: list[IntakeResult] = []
    for start in range(0, len(items), CHUNK):
        results.extend(_register_chunk(uow, items[start : start + CHUNK], actor or Actor.system()))
    return results


def _register_chunk(uow: UnitOfWork, items: Sequence[LeadInput], actor: Actor) -> list[IntakeResult]:
    session = uow.session
    channels, region = _load_channels(session, {item.channel_id for item in items})
    prepared = [_prepare(item, region) for item in items]

    results: list[IntakeResult | None] = [None] * len(items)
    existing = _existing_leads(session, prepared)
    exclusions = _matching_exclusions(session, prepared)
    known = _KnownContacts.load(session, prepared)
    distributor = _Distributor(session)

    now = utcnow()
    new_rows: list[dict[str, Any]] = []
    new_index: list[int] = []
    history_notes: list[str] = []
    excluded_rows: list[dict[str, Any]] = []
    batch_keys: dict[tuple[int, str], int] = {}

    for index, prep in enumerate(prepared):
        item = prep.item
        channel = channels[item.channel_id]
        if item.external_id is not None:
            key = (item.channel_id, item.external_id)
            if key in existing:
                results[index] = IntakeResult(IntakeOutcome.EXISTING, LeadDTO.of(existing[key]))
                continue
            if key in batch_keys:
                continue  # resolved after insert: same lead as the first occurrence
            batch_keys[key] = index
        if not channel.lead_source:
            results[index] = IntakeResult(
                IntakeOutcome.NOT_LEAD_SOURCE,
                None,
                f"Channel '{channel.name}' is not a lead source.",
            )
            continue
        exclusion = _excluded_by(exclusions, prep)
        if exclusion is not None:
            excluded_rows.append(
                {
                    "channel_id": channel.id,
                    "exclusion_id": exclusion[0],
                    "external_id": item.external_id,
                    "raw_contact": _raw_contact(item),
                    "subject": item.subject or item.message,
                    "received_at": prep.received_at,
                }
            )
            results[index] = IntakeResult(IntakeOutcome.EXCLUDED, None, exclusion[1])
            continue

        match = known.match(prep)
        source = item.ad_source or channel.ad_source
        if item.quality is not None:
            quality = item.quality
        elif match is not None:
            quality = LeadQuality.REPEAT
        elif source:
            quality = LeadQuality.TARGET
        else:
            quality = LeadQuality.UNCHECKED
        state = LeadState.REPEAT if match is not None else LeadState.NEW
        previous = known.previous_manager(match) if match is not None else None
        user_id, role_id, how = distributor.pick(channel, prep, source, previous)
        row: dict[str, Any] = {
            "channel_id": channel.id,
            "kind": channel.kind,
            "external_id": item.external_id,
            "received_at": prep.received_at,
            "contact_name": _clip(item.contact_name, 300),
            "raw_contact": _clip(_raw_contact(item), 300),
            "phone": prep.phone,
            "email": prep.email,
            "messenger_user": prep.messenger,
            "subject": _clip(item.subject, 500),
            "message": item.message,
            "ad_source": _clip(source, 200),
            "extra": item.extra,
            "client_id": match.client_id if match else None,
            "contact_person_id": match.contact_person_id if match else None,
            "repeat_of_lead_id": match.lead_id if match else None,
            "responsible_user_id": user_id,
            "responsible_role_id": role_id,
            "state": state.value,
            "quality": quality.value,
            "sla_due_at": (
                prep.received_at + timedelta(minutes=channel.sla_minutes) if channel.sla_minutes else None
            ),
            "created_by_id": actor.user_id,
            "updated_at": now,
            "version": 1,
        }
        if match is not None and match.batch_row is not None:
            row["_repeat_of_row"] = match.batch_row
        new_rows.append(row)
        new_index.append(index)
        history_notes.append(how)
        known.remember(prep, row, len(new_rows) - 1)

    if excluded_rows:
        session.connection().execute(_INSERT_EXCLUDED, excluded_rows)
    if new_rows:
        ids = _insert_leads(session, new_rows)
        history_rows: list[dict[str, Any]] = []
        for lead_id, row, note, index in zip(ids, new_rows, history_notes, new_index, strict=True):
            if lead_id is None:
                # Lost a race for the same (channel, external id): report the winner's lead.
                winner = _lead_by_key(session, row["channel_id"], row["external_id"])
                results[index] = IntakeResult(IntakeOutcome.EXISTING, LeadDTO.of(winner))
                continue
            history_rows.append(
                {
                    "lead_id": lead_id,
                    "at": now,
                    "user_id": actor.user_id,
                    "action": "created",
                    "changes": {
                        "state": [None, row["state"]],
                        "quality": [None, row["quality"]],
                        "responsible_user_id": [None, row["responsible_user_id"]],
                        "responsible_role_id": [None, row["responsible_role_id"]],
                    },
                    "comment": note,
                }
            )
            results[index] = IntakeResult(IntakeOutcome.CREATED, _dto_from_row(lead_id, row))
        if history_rows:
            session.connection().execute(_INSERT_HISTORY, history_rows)

    # Repeated keys inside the batch point at the lead of their first occurrence.
    for index, prep in enumerate(prepared):
        if results[index] is None:
            key = (prep.item.channel_id, prep.item.external_id or "")
            first = results[batch_keys[key]]
            assert first is not None
            results[index] = IntakeResult(
                IntakeOutcome.EXISTING if first.lead else first.outcome, first.lead, first.reason
            )
    return [result for result in results if result is not None]


def _clip(text: str | None, size: int) -> str | None:
    return text[:size] if text is not None and len(text) > size else text


def _raw_contact(item: LeadInput) -> str | None:
    return item.phone or item.email or item.messenger_user


def _prepare(item: LeadInput, region: str) -> _Prepared:
    received = item.received_at or utcnow()
    if received.tzinfo is None:
        raise ValidationError("The time an inquiry was received must carry a time zone.")
    messenger = item.messenger_user.strip() if item.messenger_user else None
    return _Prepared(
        item=item,
        received_at=received,
        phone=normalize_phone(item.phone, region),
        email=normalize_email(item.email),
        messenger=messenger or None,
    )


@dataclass(slots=True)
class _ChannelRules:
    """What intake needs of a channel, read with one light query."""

    id: int
    name: str
    kind: str
    lead_source: bool
    rule: str
    responsible_user_id: int | None
    responsible_role_id: int | None
    sla_minutes: int | None
    ad_source: str | None
    rr_last_user_id: int | None
    zone_rules: list[ZoneRule] = field(default_factory=list)


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


# Statements of the hot path are built once; executing them reuses SQLAlchemy's compiled cache
# and skips the ORM, which is most of the cost of taking in one lead.
_CHANNELS = select(
    Channel.id,
    Channel.name,
    Channel.kind,
    Channel.lead_source,
    Channel.rule,
    Channel.responsible_user_id,
    Channel.responsible_role_id,
    Channel.sla_minutes,
    Channel.ad_source,
    Channel.rr_last_user_id,
    select(Setting.value).where(Setting.key == PHONE_REGION).scalar_subquery(),
).where(Channel.id.in_(bindparam("ids", expanding=True)))

_EXISTING = select(Lead.id, Lead.channel_id, Lead.external_id).where(
    Lead.channel_id == bindparam("channel_id"), Lead.external_id.in_(bindparam("keys", expanding=True))
)


def _kind_in(kind: ExclusionKind, parameter: str) -> Any:
    return and_(Exclusion.kind == kind.value, Exclusion.value.in_(bindparam(parameter, expanding=True)))


_EXCLUSIONS = select(Exclusion.kind, Exclusion.value, Exclusion.id).where(
    or_(
        _kind_in(ExclusionKind.PHONE, "phones"),
        _kind_in(ExclusionKind.EMAIL, "emails"),
        _kind_in(ExclusionKind.DOMAIN, "domains"),
        _kind_in(ExclusionKind.MESSENGER, "messengers"),
    )
)


def _latest_leads_by(column: Any) -> Any:
    """The latest earlier lead per value, with its client and their managers if still active."""
    responsible = aliased(User)
    client_manager = aliased(User)
    latest = (
        select(func.max(Lead.id))
        .where(column.in_(bindparam("values", expanding=True)))
        .group_by(column)
        .scalar_subquery()
    )
    return (
        select(
            column,
            Lead.id,
            Lead.client_id,
            Lead.contact_person_id,
            case((responsible.active.is_(True), Lead.responsible_user_id), else_=None),
            case((client_manager.active.is_(True), Client.responsible_user_id), else_=None),
        )
        .outerjoin(responsible, responsible.id == Lead.responsible_user_id)
        .outerjoin(Client, Client.id == Lead.client_id)
        .outerjoin(client_manager, client_manager.id == Client.responsible_user_id)
        .where(Lead.id.in_(latest))
    )


_LATEST_BY_PHONE = _latest_leads_by(Lead.phone)
_LATEST_BY_EMAIL = _latest_leads_by(Lead.email)
_LATEST_BY_MESSENGER = _latest_leads_by(Lead.messenger_user)

_client_manager = aliased(User)
_POINTS = (
    select(
        ContactPoint.value,
        ContactPoint.client_id,
        ContactPoint.contact_person_id,
        case((_client_manager.active.is_(True), Client.responsible_user_id), else_=None),
    )
    .join(Client, Client.id == ContactPoint.client_id)
    .outerjoin(_client_manager, _client_manager.id == Client.responsible_user_id)
    .where(
        ContactPoint.kind == bindparam("kind"),
        ContactPoint.value.in_(bindparam("values", expanding=True)),
    )
    .order_by(ContactPoint.id)
)

def _active_member_ids() -> Any:
    return (
        select(User.id)
        .join(user_roles, user_roles.c.user_id == User.id)
        .where(user_roles.c.role_id == bindparam("role_id"), User.active.is_(True))
    )


_CHANNELS_TABLE = _table(Channel)
_ROUND_ROBIN_ADVANCE = (
    update(_CHANNELS_TABLE)
    .where(_CHANNELS_TABLE.c.id == bindparam("channel_id"))
    .values(
        rr_last_user_id=func.coalesce(
            # the next active member after the previous one, else the first (wrap around)
            _active_member_ids()
            .with_only_columns(func.min(User.id))
            .where(User.id > func.coalesce(_CHANNELS_TABLE.c.rr_last_user_id, 0))
            .scalar_subquery(),
            _active_member_ids().with_only_columns(func.min(User.id)).scalar_subquery(),
        )
    )
    .returning(_CHANNELS_TABLE.c.rr_last_user_id)
)

_MEMBER_WORKLOAD = (
    _active_member_ids()
    .add_columns(func.coalesce(UserWorkload.open_leads, 0))
    .outerjoin(UserWorkload, UserWorkload.user_id == User.id)
    .order_by(User.id)
)


def _load_channels(session: Session, ids: set[int]) -> tuple[dict[int, _ChannelRules], str]:
    """The channels' rules and the company's phone region, in one query."""
    region = DEFAULT_REGION
    channels: dict[int, _ChannelRules] = {}
    for row in session.connection().execute(_CHANNELS, {"ids": list(ids)}):
        channels[row[0]] = _ChannelRules(*row[:10])
        region = row[10] or DEFAULT_REGION
    missing = ids - channels.keys()
    if missing:
        raise NotFound(f"There is no channel with id {min(missing)}.")
    for channel in channels.values():
        if channel.rule == DistributionRule.ZONE.value:
            channel.zone_rules = list(
                session.scalars(
                    select(ZoneRule).where(ZoneRule.channel_id == channel.id).order_by(ZoneRule.position)
                )
            )
    return channels, region


def _existing_leads(session: Session, prepared: Iterable[_Prepared]) -> dict[tuple[int, str], Lead]:
    by_channel: dict[int, set[str]] = {}
    for p in prepared:
        if p.item.external_id is not None:
            by_channel.setdefault(p.item.channel_id, set()).add(p.item.external_id)
    if not by_channel:
        return {}
    connection = session.connection()
    found_ids: list[int] = []
    for channel_id, keys in by_channel.items():
        found_ids.extend(
            row[0] for row in connection.execute(_EXISTING, {"channel_id": channel_id, "keys": list(keys)})
        )
    if not found_ids:
        return {}
    found: dict[tuple[int, str], Lead] = {}
    for lead in session.scalars(select(Lead).where(Lead.id.in_(found_ids))):
        assert lead.external_id is not None
        found[(lead.channel_id, lead.external_id)] = lead
    return found


def _matching_exclusions(session: Session, prepared: Sequence[_Prepared]) -> dict[tuple[str, str], int]:
    phones = {p.phone for p in prepared if p.phone}
    emails = {p.email for p in prepared if p.email}
    messengers = {p.messenger for p in prepared if p.messenger}
    if not phones and not emails and not messengers:
        return {}
    rows = session.connection().execute(
        _EXCLUSIONS,
        {
            "phones": list(phones),
            "emails": list(emails),
            "domains": list({email_domain(e) for e in emails}),
            "messengers": list(messengers),
        },
    )
    return {(kind, value): exclusion_id for kind, value, exclusion_id in rows}


def _excluded_by(exclusions: dict[tuple[str, str], int], prep: _Prepared) -> tuple[int, str] | None:
    if not exclusions:
        return None
    checks: list[tuple[str, str]] = []
    if prep.phone:
        checks.append((ExclusionKind.PHONE.value, prep.phone))
    if prep.email:
        checks.append((ExclusionKind.EMAIL.value, prep.email))
        checks.append((ExclusionKind.DOMAIN.value, email_domain(prep.email)))
    if prep.messenger:
        checks.append((ExclusionKind.MESSENGER.value, prep.messenger))
    for key in checks:
        if key in exclusions:
            return exclusions[key], f"{key[1]} is on the exclusion list."
    return None


class _KnownContacts:
    """Repeat detection: the batch's phones, e-mails and messenger ids matched in a few queries."""

    def __init__(self) -> None:
        self.by_phone: dict[str, _Known] = {}
        self.by_email: dict[str, _Known] = {}
        self.by_messenger: dict[str, _Known] = {}

    @staticmethod
    def previous_manager(match: _Known) -> int | None:
        """The active manager who already works with this contact: the client's, else the last lead's."""
        return match.client_responsible_id or match.lead_responsible_id

    @classmethod
    def load(cls, session: Session, prepared: Sequence[_Prepared]) -> _KnownContacts:
        known = cls()
        connection = session.connection()
        phones = {p.phone for p in prepared if p.phone}
        emails = {p.email for p in prepared if p.email}
        messengers = {p.messenger for p in prepared if p.messenger}
        # Earlier leads first, then contact points, so that a client's own contact info wins.
        for statement, values, target in (
            (_LATEST_BY_PHONE, phones, known.by_phone),
            (_LATEST_BY_EMAIL, emails, known.by_email),
            (_LATEST_BY_MESSENGER, messengers, known.by_messenger),
        ):
            if values:
                for value, lead_id, client_id, person_id, lead_manager, client_manager in connection.execute(
                    statement, {"values": list(values)}
                ):
                    target[value] = _Known(client_id, person_id, lead_id, None, lead_manager, client_manager)
        for kind, values, target in (
            (ContactKind.PHONE, phones, known.by_phone),
            (ContactKind.EMAIL, emails, known.by_email),
            (ContactKind.MESSENGER, messengers, known.by_messenger),
        ):
            if not values:
                continue
            for value, client_id, person_id, client_manager in connection.execute(
                _POINTS, {"kind": kind.value, "values": list(values)}
            ):
                earlier = target.get(value)
                if earlier is not None and earlier.client_id == client_id and earlier.contact_person_id:
                    continue
                target[value] = _Known(
                    client_id,
                    person_id,
                    earlier.lead_id if earlier else None,
                    None,
                    earlier.lead_responsible_id if earlier else None,
                    client_manager,
                )
        return known

    def match(self, prep: _Prepared) -> _Known | None:
        """The earlier client / contact / lead this inquiry's contact belongs to."""
        for value, table in ((prep.phone, self.by_phone), (prep.email, self.by_email),
                             (prep.messenger, self.by_messenger)):
            if value and value in table:
                return table[value]
        return None

    def remember(self, prep: _Prepared, row: dict[str, Any], position: int) -> None:
        """A lead earlier in the same batch makes later ones from the same contact repeats."""
        # The responsible was chosen among active users just now: later repeats in the batch
        # go to the same manager.
        known = _Known(
            row["client_id"], row["contact_person_id"], None, position, row["responsible_user_id"]
        )
        for value, table in ((prep.phone, self.by_phone), (prep.email, self.by_email),
                             (prep.messenger, self.by_messenger)):
            if value and value not in table:
                table[value] = known


class _Distributor:
    """Picks the responsible for each new lead by its channel's rule (DOMAIN §3)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._load: dict[int, dict[int, int]] = {}

    def pick(
        self,
        channel: _ChannelRules,
        prep: _Prepared,
        source: str | None,
        previous_manager: int | None,
    ) -> tuple[int | None, int | None, str]:
        """(user id, role id, how it was decided) for one lead."""
        if previous_manager is not None:
            # A known contact goes back to the manager who already works with it.
            return previous_manager, None, "responsible: the manager who already works with this contact"
        rule = DistributionRule(channel.rule)
        user_id, role_id = channel.responsible_user_id, channel.responsible_role_id
        if rule is DistributionRule.ZONE:
            for zone in channel.zone_rules:
                if _zone_matches(zone.field, zone.value, prep, source):
                    if zone.responsible_user_id is not None:
                        return zone.responsible_user_id, None, f"responsible: zone {zone.field}={zone.value}"
                    return None, zone.responsible_role_id, f"responsible: zone {zone.field}={zone.value}"
            rule = DistributionRule.FIXED if user_id is not None else DistributionRule.POOL
        if rule is DistributionRule.FIXED:
            if user_id is not None:
                return user_id, None, "responsible: the channel's fixed user"
            return None, role_id, "responsible: the channel's role (no fixed user set)"
        if rule is DistributionRule.POOL or role_id is None:
            if role_id is None and user_id is not None:
                return user_id, None, "responsible: the channel's user"
            return None, role_id, "responsible: the role's shared pool"
        if rule is DistributionRule.ROUND_ROBIN:
            # One UPDATE … RETURNING both reads and advances the channel's position under the
            # row's write lock, so two desks taking calls at once never pick the same member.
            chosen = (
                self.session.connection()
                .execute(_ROUND_ROBIN_ADVANCE, {"channel_id": channel.id, "role_id": role_id})
                .scalar()
            )
            if chosen is None:
                return None, role_id, "responsible: the role's pool (the role has no active members)"
            return chosen, None, "responsible: round-robin over the role"
        # least-loaded: the trigger-kept counters, then counted on locally within the batch
        load = self._load.get(role_id)
        if load is None:
            rows = self.session.connection().execute(_MEMBER_WORKLOAD, {"role_id": role_id})
            load = {member: int(count) for member, count in rows}
            self._load[role_id] = load
        if not load:
            return None, role_id, "responsible: the role's pool (the role has no active members)"
        chosen = min(load, key=lambda member: (load[member], member))
        load[chosen] += 1
        return chosen, None, "responsible: the least-loaded member of the role"


def _zone_matches(field_name: str, value: str, prep: _Prepared, source: str | None) -> bool:
    if field_name == "source":
        return source is not None and source.casefold() == value.casefold()
    if field_name == "phone_prefix":
        prefix = normalize_phone(value) or value
        return prep.phone is not None and prep.phone.startswith(prefix.rstrip())
    if field_name == "email_domain":
        return prep.email is not None and email_domain(prep.email) == value.strip().lower()
    return False


_LEADS = _table(Lead)
# PostgreSQL: ids matched to their rows by SQLAlchemy (sort_by_parameter_order). SQLite cannot
# promise the order of a multi-row RETURNING, so SQLAlchemy would fall back to one INSERT per row;
# instead we rely on SQLite giving the rows of one INSERT consecutive rowids in VALUES order under
# the write lock the unit of work holds (BEGIN IMMEDIATE), and sort the returned ids.
_INSERT_LEADS = {
    "postgresql": insert(_LEADS).returning(_LEADS.c.id, sort_by_parameter_order=True),
    "sqlite": insert(_LEADS).returning(_LEADS.c.id),
}
# One lead (a ringing call): ON CONFLICT DO NOTHING answers a lost race without a savepoint.
_INSERT_LEAD_OR_NOTHING = {
    "postgresql": pg_insert(_LEADS)
    .on_conflict_do_nothing(index_elements=["channel_id", "external_id"])
    .returning(_LEADS.c.id),
    "sqlite": sqlite_insert(_LEADS)
    .on_conflict_do_nothing(index_elements=["channel_id", "external_id"])
    .returning(_LEADS.c.id),
}
_INSERT_HISTORY = insert(_table(LeadHistory))
_INSERT_EXCLUDED = insert(_table(ExcludedContact))


def _insert_leads(session: Session, rows: list[dict[str, Any]]) -> list[int | None]:
    """Insert the rows; ids in order, None where a concurrent intake took the same key first."""
    clean = [{k: v for k, v in row.items() if not k.startswith("_")} for row in rows]
    connection = session.connection()
    or_nothing = _INSERT_LEAD_OR_NOTHING[connection.dialect.name]
    ids: list[int | None]
    if len(clean) == 1:
        ids = [connection.execute(or_nothing, clean[0]).scalar()]
    else:
        try:
            with connection.begin_nested():
                returned = list(connection.execute(_INSERT_LEADS[connection.dialect.name], clean).scalars())
                ids = list(returned if connection.dialect.name == "postgresql" else sorted(returned))
        except IntegrityError:
            # Someone inserted one of these keys meanwhile: go row by row to find which.
            ids = [connection.execute(or_nothing, row).scalar() for row in clean]
    _link_batch_repeats(session, rows, ids)
    return ids


def _link_batch_repeats(session: Session, rows: list[dict[str, Any]], ids: list[int | None]) -> None:
    """Repeat leads whose earlier inquiry was in the same batch point at that lead."""
    updates: list[dict[str, Any]] = []
    for row, lead_id in zip(rows, ids, strict=True):
        position = row.get("_repeat_of_row")
        if position is None or lead_id is None or ids[position] is None:
            continue
        row["repeat_of_lead_id"] = ids[position]
        updates.append({"lead_id": lead_id, "repeat_of": ids[position]})
    if updates:
        table = _table(Lead)
        session.execute(
            update(table)
            .where(table.c.id == bindparam("lead_id"))
            .values(repeat_of_lead_id=bindparam("repeat_of")),
            updates,
        )


def _lead_by_key(session: Session, channel_id: int, external_id: str) -> Lead:
    lead = session.scalars(
        select(Lead).where(Lead.channel_id == channel_id, Lead.external_id == external_id)
    ).one()
    return lead


def _dto_from_row(lead_id: int, row: dict[str, Any]) -> LeadDTO:
    return LeadDTO(
        id=lead_id,
        channel_id=row["channel_id"],
        kind=ChannelKind(row["kind"]),
        external_id=row["external_id"],
        received_at=row["received_at"],
        contact_name=row["contact_name"],
        raw_contact=row["raw_contact"],
        phone=row["phone"],
        email=row["email"],
        messenger_user=row["messenger_user"],
        subject=row["subject"],
        message=row["message"],
        ad_source=row["ad_source"],
        client_id=row["client_id"],
        contact_person_id=row["contact_person_id"],
        repeat_of_lead_id=row["repeat_of_lead_id"],
        responsible_user_id=row["responsible_user_id"],
        responsible_role_id=row["responsible_role_id"],
        state=LeadState(row["state"]),
        quality=LeadQuality(row["quality"]),
        sla_due_at=row["sla_due_at"],
        processed_at=None,
        processor_id=None,
        rejection_reason_id=None,
        rejection_comment=None,
        result_interest_id=None,
        result_process_id=None,
        version=1,
    )
