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

from sqlalchemy import Table, bindparam, func, insert, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.contacts import email_domain, normalize_email, normalize_phone
from app.domain.enums import (
    OPEN_STATES,
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
    User,
    ZoneRule,
    user_roles,
)
from app.persistence.types import utcnow
from app.persistence.uow import UnitOfWork
from app.services.dto import LeadDTO
from app.services.permissions import Actor
from app.services.settings import phone_region

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
    lead_responsible_id: int | None = None  # who had the earlier lead


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
    channels = _load_channels(session, {item.channel_id for item in items})
    region = phone_region(session)
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
        session.execute(insert(_table(ExcludedContact)), excluded_rows)
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
            session.execute(insert(_table(LeadHistory)), history_rows)

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


def _load_channels(session: Session, ids: set[int]) -> dict[int, _ChannelRules]:
    rows = session.execute(
        select(
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
        ).where(Channel.id.in_(ids))
    )
    channels = {row[0]: _ChannelRules(*row) for row in rows}
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
    return channels


def _existing_leads(session: Session, prepared: Iterable[_Prepared]) -> dict[tuple[int, str], Lead]:
    keys = {(p.item.channel_id, p.item.external_id) for p in prepared if p.item.external_id is not None}
    if not keys:
        return {}
    found: dict[tuple[int, str], Lead] = {}
    by_channel: dict[int, list[str]] = {}
    for channel_id, external_id in keys:
        by_channel.setdefault(channel_id, []).append(external_id)
    for channel_id, external_ids in by_channel.items():
        for lead in session.scalars(
            select(Lead).where(Lead.channel_id == channel_id, Lead.external_id.in_(external_ids))
        ):
            assert lead.external_id is not None
            found[(lead.channel_id, lead.external_id)] = lead
    return found


def _matching_exclusions(session: Session, prepared: Sequence[_Prepared]) -> dict[tuple[str, str], int]:
    wanted: set[tuple[str, str]] = set()
    for p in prepared:
        if p.phone:
            wanted.add((ExclusionKind.PHONE.value, p.phone))
        if p.email:
            wanted.add((ExclusionKind.EMAIL.value, p.email))
            wanted.add((ExclusionKind.DOMAIN.value, email_domain(p.email)))
    if not wanted:
        return {}
    rows = session.execute(
        select(Exclusion.kind, Exclusion.value, Exclusion.id).where(
            tuple_(Exclusion.kind, Exclusion.value).in_(list(wanted))
        )
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
        self.client_responsible: dict[int, int | None] = {}
        self.active_users: set[int] = set()

    def previous_manager(self, match: _Known) -> int | None:
        """The active manager who already works with this contact: the client's, else the last lead's."""
        if match.client_id is not None:
            user_id = self.client_responsible.get(match.client_id)
            if user_id in self.active_users:
                return user_id
        if match.lead_responsible_id in self.active_users:
            return match.lead_responsible_id
        return None

    @classmethod
    def load(cls, session: Session, prepared: Sequence[_Prepared]) -> _KnownContacts:
        known = cls()
        phones = {p.phone for p in prepared if p.phone}
        emails = {p.email for p in prepared if p.email}
        messengers = {p.messenger for p in prepared if p.messenger}
        # Earlier leads first, then contact points, so that a client's own contact info wins.
        for column, values, target in (
            (Lead.phone, phones, known.by_phone),
            (Lead.email, emails, known.by_email),
            (Lead.messenger_user, messengers, known.by_messenger),
        ):
            if not values:
                continue
            latest = (
                select(column.label("value"), func.max(Lead.id).label("lead_id"))
                .where(column.in_(values))
                .group_by(column)
                .subquery()
            )
            rows = session.execute(
                select(
                    latest.c.value, Lead.id, Lead.client_id, Lead.contact_person_id, Lead.responsible_user_id
                ).join(Lead, Lead.id == latest.c.lead_id)
            )
            for value, lead_id, client_id, person_id, responsible_id in rows:
                target[value] = _Known(client_id, person_id, lead_id, None, responsible_id)
        for kind, values, target in (
            (ContactKind.PHONE, phones, known.by_phone),
            (ContactKind.EMAIL, emails, known.by_email),
            (ContactKind.MESSENGER, messengers, known.by_messenger),
        ):
            if not values:
                continue
            rows2 = session.execute(
                select(ContactPoint.value, ContactPoint.client_id, ContactPoint.contact_person_id)
                .where(ContactPoint.kind == kind.value, ContactPoint.value.in_(values))
                .order_by(ContactPoint.id)
            )
            for value, client_id, person_id in rows2:
                earlier = target.get(value)
                if earlier is not None and earlier.client_id == client_id and earlier.contact_person_id:
                    continue
                target[value] = _Known(
                    client_id,
                    person_id,
                    earlier.lead_id if earlier else None,
                    None,
                    earlier.lead_responsible_id if earlier else None,
                )
        client_ids = {
            k.client_id
            for table in (known.by_phone, known.by_email, known.by_messenger)
            for k in table.values()
            if k.client_id is not None
        }
        if client_ids:
            rows3 = session.execute(
                select(Client.id, Client.responsible_user_id).where(Client.id.in_(client_ids))
            )
            known.client_responsible = {client_id: user_id for client_id, user_id in rows3}
        candidates = {uid for uid in known.client_responsible.values() if uid is not None} | {
            k.lead_responsible_id
            for table in (known.by_phone, known.by_email, known.by_messenger)
            for k in table.values()
            if k.lead_responsible_id is not None
        }
        if candidates:
            known.active_users = set(
                session.scalars(select(User.id).where(User.id.in_(candidates), User.active.is_(True)))
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
        known = _Known(
            row["client_id"], row["contact_person_id"], None, position, row["responsible_user_id"]
        )
        if row["responsible_user_id"] is not None:
            # Chosen among active users just now: later repeats in the batch go to the same one.
            self.active_users.add(row["responsible_user_id"])
        for value, table in ((prep.phone, self.by_phone), (prep.email, self.by_email),
                             (prep.messenger, self.by_messenger)):
            if value and value not in table:
                table[value] = known


class _Distributor:
    """Picks the responsible for each new lead by its channel's rule (DOMAIN §3)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._members: dict[int, list[int]] = {}
        self._load: dict[int, dict[int, int]] = {}
        self._locked: set[int] = set()

    def members(self, role_id: int) -> list[int]:
        """Active members of a role, by id."""
        if role_id not in self._members:
            self._members[role_id] = list(
                self.session.scalars(
                    select(User.id)
                    .join(user_roles, user_roles.c.user_id == User.id)
                    .where(user_roles.c.role_id == role_id, User.active.is_(True))
                    .order_by(User.id)
                )
            )
        return self._members[role_id]

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
        members = self.members(role_id)
        if not members:
            return None, role_id, "responsible: the role's pool (the role has no active members)"
        if rule is DistributionRule.ROUND_ROBIN:
            if channel.id not in self._locked:
                # Serialize round-robin per channel across processes: the row lock (PostgreSQL;
                # SQLite's write lock is already held) makes the position read here current.
                channel.rr_last_user_id = self.session.scalar(
                    select(Channel.rr_last_user_id).where(Channel.id == channel.id).with_for_update()
                )
                self._locked.add(channel.id)
            last = channel.rr_last_user_id
            following = [m for m in members if last is None or m > last]
            chosen = following[0] if following else members[0]
            channel.rr_last_user_id = chosen
            self.session.execute(
                update(Channel).where(Channel.id == channel.id).values(rr_last_user_id=chosen)
            )
            return chosen, None, "responsible: round-robin over the role"
        # least-loaded
        load = self._load.get(role_id)
        if load is None:
            rows = self.session.execute(
                select(Lead.responsible_user_id, func.count())
                .where(
                    Lead.responsible_user_id.in_(members),
                    Lead.state.in_([s.value for s in OPEN_STATES]),
                )
                .group_by(Lead.responsible_user_id)
            )
            counts = {user_id: int(count) for user_id, count in rows}
            load = {member: int(counts.get(member, 0)) for member in members}
            self._load[role_id] = load
        chosen = min(members, key=lambda member: (load[member], member))
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


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _insert_leads(session: Session, rows: list[dict[str, Any]]) -> list[int | None]:
    """Insert the rows; ids in order, None where a concurrent intake took the same key first."""
    clean = [{k: v for k, v in row.items() if not k.startswith("_")} for row in rows]
    leads = _table(Lead)
    ids: list[int | None]
    if len(clean) == 1:
        # One lead (a ringing call): ON CONFLICT DO NOTHING answers a lost race without a savepoint.
        ids = [session.scalar(_insert_ignoring_conflict(session, leads).returning(leads.c.id), clean[0])]
    else:
        try:
            with session.begin_nested():
                ids = list(
                    session.scalars(
                        insert(leads).returning(leads.c.id, sort_by_parameter_order=True), clean
                    )
                )
        except IntegrityError:
            # Someone inserted one of these keys meanwhile: go row by row to find which.
            ids = [
                session.scalar(_insert_ignoring_conflict(session, leads).returning(leads.c.id), row)
                for row in clean
            ]
    _link_batch_repeats(session, rows, ids)
    return ids


def _insert_ignoring_conflict(session: Session, table: Table) -> Any:
    """INSERT … ON CONFLICT (channel_id, external_id) DO NOTHING for the session's dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return pg_insert(table).on_conflict_do_nothing(index_elements=["channel_id", "external_id"])
    return sqlite_insert(table).on_conflict_do_nothing(index_elements=["channel_id", "external_id"])


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
