"""What every report shares: the period in UTC, the filters turned into WHERE clauses, names.

A :class:`Scope` is resolved once per report run (a few small queries over the catalogs) and then
gives each report's SQL the same conditions, so the Reports workspace, ``inflow report`` and the
benchmark count exactly the same leads. See docs/DECISIONS.md "Reports" for the definitions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Float, Select, and_, cast, false, func, literal, or_, select, text, true
from sqlalchemy.orm import Session

from app.domain.enums import ChannelKind, Visibility
from app.domain.errors import ReportCancelled
from app.persistence.models import Channel, Client, Interest, Lead, User
from app.services.export import local_zone, period_bounds
from app.services.permissions import Actor, client_visibility_clause, lead_visibility_clause

NO_SOURCE = ""
"""The value of ``ReportFilters.sources`` (and of a sources row's drill) that means "no source"."""


@dataclass(frozen=True, slots=True)
class ChannelInfo:
    """A channel as reports show it."""

    id: int
    name: str
    kind: ChannelKind
    counts_in_stats: bool


@dataclass
class Scope:
    """One report run's resolved filters (see module docstring)."""

    session: Session
    actor: Actor
    zone: tzinfo
    start: datetime | None
    end: datetime | None
    # None: any channel; otherwise the channel ids that pass the channel, kind and statistics filters.
    channel_ids: tuple[int, ...] | None
    # None: any responsible; otherwise the users that pass the manager and department filters.
    manager_ids: tuple[int, ...] | None
    qualities: tuple[str, ...]
    sources: tuple[str, ...]
    channels: dict[int, ChannelInfo]
    users: dict[int, str]
    cancelled: Callable[[], bool] | None = None
    now: datetime | None = None
    # Whether the person chose channels or kinds (not only the statistics flag narrowing them).
    channels_chosen: bool = False

    # ------------------------------------------------------------------------------ helpers

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        bind = self.session.get_bind()
        return bind.dialect.name

    @property
    def current_time(self) -> datetime:
        """"Now" for overdue checks (fixed per run, so every query agrees)."""
        if self.now is None:
            self.now = datetime.now(UTC)
        return self.now

    def check(self) -> None:
        """Raise :class:`ReportCancelled` when the caller asked to stop."""
        if self.cancelled is not None and self.cancelled():
            raise ReportCancelled("The report was cancelled.")

    def channel_name(self, channel_id: int | None) -> str:
        """A channel's name for a row."""
        if channel_id is None:
            return "—"
        info = self.channels.get(channel_id)
        return info.name if info is not None else f"#{channel_id}"

    def user_name(self, user_id: int | None, empty: str = "(no manager)") -> str:
        """A user's full name for a row."""
        if user_id is None:
            return empty
        return self.users.get(user_id, f"#{user_id}")

    @property
    def lead_filtered(self) -> bool:
        """Whether any filter beyond the period restricts the leads."""
        return bool(
            self.channel_ids is not None
            or self.manager_ids is not None
            or self.qualities
            or self.sources
            or self.actor.visibility is not Visibility.ALL
        )

    @property
    def covered_by_report_index(self) -> bool:
        """Whether the lead filters use only the columns the report indexes carry (migration 0009):
        channel, kind, state, received_at, responsible user and quality — not the source, and not
        the creator or role a restricted actor's visibility needs."""
        return not self.sources and self.actor.visibility is Visibility.ALL

    # --------------------------------------------------------------------------- conditions

    def period(self, column: Any) -> list[ColumnElement[bool]]:
        """``start <= column < end`` (the open ends left out)."""
        conditions: list[ColumnElement[bool]] = []
        if self.start is not None:
            conditions.append(column >= self.start)
        if self.end is not None:
            conditions.append(column < self.end)
        return conditions

    def lead_filters(
        self, lead: Any = Lead, *, period: bool = True, channel: bool = True
    ) -> list[ColumnElement[bool]]:
        """Every lead filter: period on ``received_at``, visibility, channel/kind, manager/department,
        quality, source (``lead`` may be an alias of :class:`Lead`)."""
        conditions: list[ColumnElement[bool]] = []
        if period:
            conditions += self.period(lead.received_at)
        if self.actor.visibility is not Visibility.ALL:
            conditions.append(_adapt(lead_visibility_clause(self.actor), lead))
        if self.channel_ids is not None and channel:
            conditions.append(lead.channel_id.in_(self.channel_ids) if self.channel_ids else false())
        if self.manager_ids is not None:
            conditions.append(
                lead.responsible_user_id.in_(self.manager_ids) if self.manager_ids else false()
            )
        if self.qualities:
            conditions.append(lead.quality.in_(self.qualities))
        if self.sources:
            conditions.append(source_clause(lead.ad_source, self.sources))
        return conditions

    def interest_filters(self) -> list[ColumnElement[bool]]:
        """Interests the actor may see that pass the manager/department filters and, when lead
        filters are given, whose originating lead passes them (period on ``created_at``)."""
        conditions = self.period(Interest.created_at)
        conditions.append(responsible_visibility(self.actor, Interest.responsible_user_id))
        if self.manager_ids is not None:
            conditions.append(
                Interest.responsible_user_id.in_(self.manager_ids) if self.manager_ids else false()
            )
        if self.channels_chosen or self.qualities or self.sources:
            lead_conditions: list[ColumnElement[bool]] = [Lead.id == Interest.lead_id]
            if self.channel_ids is not None:
                lead_conditions.append(Lead.channel_id.in_(self.channel_ids) if self.channel_ids else false())
            if self.qualities:
                lead_conditions.append(Lead.quality.in_(self.qualities))
            if self.sources:
                lead_conditions.append(source_clause(Lead.ad_source, self.sources))
            conditions.append(select(Lead.id).where(*lead_conditions).exists())
        return conditions

    def client_filters(self) -> list[ColumnElement[bool]]:
        """Clients with a responsible manager that the actor may see and the filters keep."""
        conditions: list[ColumnElement[bool]] = [Client.responsible_user_id.is_not(None)]
        conditions.append(client_visibility_clause(self.actor))
        if self.manager_ids is not None:
            conditions.append(
                Client.responsible_user_id.in_(self.manager_ids) if self.manager_ids else false()
            )
        if self.channels_chosen or self.qualities or self.sources:
            # Lead filters pick the clients who came through such a lead in the period.
            lead_conditions = [Lead.client_id == Client.id, *self.lead_filters()]
            conditions.append(select(Lead.id).where(*lead_conditions).exists())
        return conditions

    def seconds_between(self, later: Any, earlier: Any) -> ColumnElement[float]:
        """``later - earlier`` in seconds, as a float, on either engine."""
        if self.dialect == "sqlite":
            return cast((func.julianday(later) - func.julianday(earlier)) * literal(86400.0), Float)
        return cast(func.extract("epoch", later - earlier), Float)


def _adapt(clause: ColumnElement[bool], lead: Any) -> ColumnElement[bool]:
    if lead is Lead:
        return clause
    from sqlalchemy.sql.util import ClauseAdapter

    adapted: ColumnElement[bool] = ClauseAdapter(lead).traverse(clause)
    return adapted


def source_clause(column: Any, sources: Sequence[str]) -> ColumnElement[bool]:
    """``column IN sources``, where :data:`NO_SOURCE` stands for NULL (or blank)."""
    named = [s for s in sources if s != NO_SOURCE]
    parts: list[ColumnElement[bool]] = []
    if named:
        parts.append(column.in_(named))
    if len(named) != len(sources):
        parts.append(or_(column.is_(None), column == ""))
    return or_(*parts) if parts else false()


def responsible_visibility(actor: Actor, column: Any) -> ColumnElement[bool]:
    """Interests and calls by their responsible user: own, own department's, or all."""
    if actor.visibility is Visibility.ALL:
        return true()
    ids = set()
    if actor.user_id is not None:
        ids.add(actor.user_id)
    if actor.visibility is Visibility.DEPARTMENT:
        ids |= set(actor.department_user_ids)
    return column.in_(sorted(ids)) if ids else false()


def resolve_scope(
    session: Session,
    actor: Actor,
    filters: Any,
    cancelled: Callable[[], bool] | None = None,
    now: datetime | None = None,
) -> Scope:
    """Resolve :class:`~app.services.reports.ReportFilters` into a :class:`Scope`."""
    zone = filters.zone or local_zone()
    start, end = period_bounds(filters.date_from, filters.date_to, zone)
    channels = {
        row.id: ChannelInfo(row.id, row.name, ChannelKind(row.kind), bool(row.counts_in_stats))
        for row in session.execute(select(Channel.id, Channel.name, Channel.kind, Channel.counts_in_stats))
    }
    users = {row.id: row.full_name for row in session.execute(select(User.id, User.full_name))}
    kinds = {ChannelKind(k) for k in filters.kinds}
    wanted = set(filters.channel_ids)
    channel_ids: tuple[int, ...] | None = None
    if wanted or kinds or not all(c.counts_in_stats for c in channels.values()):
        channel_ids = tuple(
            sorted(
                c.id
                for c in channels.values()
                if c.counts_in_stats and (not wanted or c.id in wanted) and (not kinds or c.kind in kinds)
            )
        )
    manager_ids: tuple[int, ...] | None = None
    if filters.manager_ids or filters.department_ids:
        candidates = set(filters.manager_ids) if filters.manager_ids else None
        if filters.department_ids:
            in_departments = set(
                session.scalars(select(User.id).where(User.department_id.in_(filters.department_ids)))
            )
            candidates = in_departments if candidates is None else candidates & in_departments
        manager_ids = tuple(sorted(candidates or ()))
    if session.get_bind().dialect.name == "postgresql":
        # A report is a few big aggregates: JIT compilation cost more than it saved (0.5 s of a
        # 1.3 s query at a million leads), and sorts and hashes of a year fit in 64 MB instead of
        # spilling to disk. SET LOCAL: until the caller's transaction ends.
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '64MB'"))
    return Scope(
        session=session,
        actor=actor,
        zone=zone,
        start=start,
        end=end,
        channel_ids=channel_ids,
        manager_ids=manager_ids,
        qualities=tuple(str(q) for q in filters.qualities),
        sources=tuple(filters.sources),
        channels=channels,
        users=users,
        cancelled=cancelled,
        now=now,
        channels_chosen=bool(wanted or kinds),
    )


AnySelect = Select[*tuple[Any, ...]]
S = TypeVar("S", bound=AnySelect)


def where_all(statement: S, conditions: Sequence[ColumnElement[bool]]) -> S:
    """``statement.where(*conditions)`` that accepts an empty list."""
    return statement.where(and_(*conditions)) if conditions else statement
