"""The SQL of every built-in report and its drill-down (definitions: docs/DECISIONS.md "Reports").

Every figure is aggregated by the database (GROUP BY, conditional sums, window functions); Python
only puts the few aggregated rows in order, names them and pivots state counts into columns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import aliased

from app.domain.enums import ChannelKind, LeadState
from app.domain.errors import ValidationError
from app.persistence.models import Interest, Lead, Process, User
from app.services.report_scope import S, Scope, where_all
from app.services.reports import (
    ColumnType,
    ReportColumn,
    ReportFilters,
    ReportName,
    ReportResult,
)

C = ReportColumn
T = ColumnType

KIND_ORDER = {kind.value: index for index, kind in enumerate(ChannelKind)}
STATE_TITLES = {
    LeadState.NEW.value: "New",
    LeadState.IN_PROGRESS.value: "In progress",
    LeadState.REPEAT.value: "Repeat",
    LeadState.CONVERTED.value: "Converted",
    LeadState.REPEAT_PROCESSED.value: "Repeat (processed)",
    LeadState.REJECTED.value: "Rejected",
}
STATES = tuple(STATE_TITLES)

# SQLite has no hash aggregation: a GROUP BY that the index order does not give costs a sort of
# every row of the year (~1 s per million). The report indexes (migration 0009) lead with the
# grouping columns; the hint makes SQLite walk them in order even when a period bound would tempt
# the planner into the received_at index (which then needs that sort).
LEADS_INDEX = "ix_leads_report_channel_state"


def _hint(statement: S, scope: Scope, index: str, table: Any = Lead) -> S:
    if scope.dialect == "sqlite":
        return statement.with_hint(table, f"INDEXED BY {index}", "sqlite")
    return statement


def _result(
    name: ReportName,
    title: str,
    filters: ReportFilters,
    columns: list[ReportColumn],
    rows: list[dict[str, Any]],
    totals: dict[str, Any] | None = None,
    chart: dict[str, Any] | None = None,
    truncated: bool = False,
) -> ReportResult:
    return ReportResult(
        name=name,
        title=title,
        date_from=filters.date_from,
        date_to=filters.date_to,
        columns=tuple(columns),
        rows=tuple(rows),
        totals=totals or {},
        chart=chart or {},
        truncated=truncated,
    )


def _share(part: int | float, whole: int | float) -> float | None:
    return (part / whole) if whole else None


# ============================================================================================ leads

LEAD_COLUMNS = [
    C("kind", "Kind"),
    C("channel", "Channel"),
    *[C(state, title, T.INT) for state, title in STATE_TITLES.items()],
    C("total", "Total", T.INT),
]


def leads_report(scope: Scope, filters: ReportFilters) -> ReportResult:
    """Lead analysis: a row per channel (with its kind), a count per state and the total."""
    statement = select(Lead.kind, Lead.channel_id, Lead.state, func.count().label("n"))
    statement = where_all(statement, scope.lead_filters()).group_by(Lead.kind, Lead.channel_id, Lead.state)
    if scope.covered_by_report_index:
        statement = _hint(statement, scope, LEADS_INDEX)
    counts: dict[tuple[str, int], dict[str, int]] = {}
    for kind, channel_id, state, n in scope.session.execute(statement).tuples():
        counts.setdefault((str(kind), int(channel_id)), dict.fromkeys(STATES, 0))[str(state)] += int(n)
    rows: list[dict[str, Any]] = []
    totals: dict[str, Any] = {"kind": None, "channel": None, **dict.fromkeys(STATES, 0), "total": 0}
    by_kind: dict[str, dict[str, int]] = {}
    for (kind, channel_id), states in sorted(
        counts.items(), key=lambda item: (KIND_ORDER.get(item[0][0], 99), scope.channel_name(item[0][1]))
    ):
        total = sum(states.values())
        rows.append(
            {
                "kind": kind,
                "channel": scope.channel_name(channel_id),
                **states,
                "total": total,
                "drill": {"channel_id": channel_id, "kind": kind},
            }
        )
        kind_counts = by_kind.setdefault(kind, dict.fromkeys(STATES, 0))
        for state, n in states.items():
            totals[state] += n
            kind_counts[state] += n
        totals["total"] += total
    totals["drill"] = {}
    chart = {"states": list(STATES), "kinds": by_kind}
    return _result(ReportName.LEADS, "Lead analysis", filters, LEAD_COLUMNS, rows, totals, chart)


LEAD_DRILL_COLUMNS = [
    C("id", "Lead", T.INT),
    C("received_at", "Received", T.DATETIME),
    C("channel", "Channel"),
    C("kind", "Kind"),
    C("contact", "Contact"),
    C("state", "State"),
    C("responsible", "Responsible"),
    C("result", "Result"),
    C("processed_at", "Processed", T.DATETIME),
    C("processor", "Processor"),
]


def lead_rows(
    scope: Scope,
    filters: ReportFilters,
    conditions: list[Any],
    limit: int | None,
    title: str,
    name: ReportName,
) -> ReportResult:
    """One row per lead passing the report's filters and ``conditions``, oldest first."""
    processor = aliased(User, name="processor")
    statement = (
        select(
            Lead.id,
            Lead.received_at,
            Lead.channel_id,
            Lead.kind,
            func.coalesce(Lead.contact_name, Lead.raw_contact, Lead.phone, Lead.email).label("contact"),
            Lead.state,
            Lead.responsible_user_id,
            Interest.id.label("interest_id"),
            Interest.title.label("interest_title"),
            Process.id.label("process_id"),
            Process.title.label("process_title"),
            Lead.processed_at,
            processor.full_name.label("processor"),
        )
        .select_from(Lead)
        .outerjoin(Interest, Interest.id == Lead.result_interest_id)
        .outerjoin(Process, Process.id == Lead.result_process_id)
        .outerjoin(processor, processor.id == Lead.processor_id)
    )
    statement = where_all(statement, [*scope.lead_filters(), *conditions]).order_by(Lead.received_at, Lead.id)
    if limit is not None:
        statement = statement.limit(limit + 1)
    rows: list[dict[str, Any]] = []
    for row in scope.session.execute(statement):
        if row.interest_id is not None:
            outcome: str | None = f"interest #{row.interest_id}: {row.interest_title}"
        elif row.process_id is not None:
            outcome = f"process #{row.process_id}: {row.process_title}"
        else:
            outcome = None
        rows.append(
            {
                "id": row.id,
                "received_at": row.received_at,
                "channel": scope.channel_name(row.channel_id),
                "kind": row.kind,
                "contact": row.contact,
                "state": row.state,
                "responsible": scope.user_name(row.responsible_user_id, ""),
                "result": outcome,
                "processed_at": row.processed_at,
                "processor": row.processor,
                "drill": {"lead_id": row.id},
            }
        )
    truncated = limit is not None and len(rows) > limit
    if truncated:
        del rows[limit:]
    return _result(name, title, filters, LEAD_DRILL_COLUMNS, rows, truncated=truncated)


def _column_state(drill: Mapping[str, Any]) -> str | None:
    state = drill.get("state")
    if state is None and drill.get("column") in STATES:
        state = drill["column"]
    if state is not None and state not in STATES:
        raise ValidationError(f"'{state}' is not a lead state.")
    return state


def leads_drill(
    scope: Scope, filters: ReportFilters, drill: dict[str, Any], limit: int | None
) -> ReportResult:
    """The leads behind a cell of the lead analysis."""
    conditions: list[Any] = []
    parts = ["Leads"]
    if drill.get("channel_id") is not None:
        conditions.append(Lead.channel_id == int(drill["channel_id"]))
        parts.append(scope.channel_name(int(drill["channel_id"])))
    elif drill.get("kind"):
        conditions.append(Lead.kind == str(drill["kind"]))
        parts.append(str(drill["kind"]))
    state = _column_state(drill)
    if state is not None:
        conditions.append(Lead.state == state)
        parts.append(STATE_TITLES[state])
    return lead_rows(scope, filters, conditions, limit, ": ".join(parts[:1]) + (
        " — " + ", ".join(parts[1:]) if parts[1:] else ""), ReportName.LEADS)


# ============================================================================================ trend


def lead_trend(scope: Scope) -> tuple[tuple[date, int], ...]:
    """Leads per local day of the period: one bounded range count per day (exact across daylight
    saving changes), grouped by the database."""
    first, last = _trend_days(scope)
    if first is None or last is None:
        return ()
    days: list[tuple[date, datetime, datetime]] = []
    day = first
    while day <= last:
        start = datetime.combine(day, time()).replace(tzinfo=scope.zone)
        end = datetime.combine(day + timedelta(days=1), time()).replace(tzinfo=scope.zone)
        days.append((day, start, end))
        day += timedelta(days=1)
    counts: dict[int, int] = {}
    # In slices, so no statement carries more parameters than SQLite allows.
    for offset in range(0, len(days), 300):
        scope.check()
        chunk = days[offset : offset + 300]
        from app.persistence.types import UTCDateTime

        parts = [
            select(
                literal(offset + i).label("day"),
                literal(start, UTCDateTime()).label("day_start"),
                literal(end, UTCDateTime()).label("day_end"),
            )
            for i, (_, start, end) in enumerate(chunk)
        ]
        bounds = union_all(*parts).cte("days") if len(parts) > 1 else parts[0].cte("days")
        statement = (
            select(bounds.c.day, func.count(Lead.id))
            .select_from(bounds)
            .join(Lead, (Lead.received_at >= bounds.c.day_start) & (Lead.received_at < bounds.c.day_end))
        )
        statement = where_all(statement, scope.lead_filters(period=False)).group_by(bounds.c.day)
        for index, n in scope.session.execute(statement):
            counts[int(index)] = int(n)
    return tuple((day, counts.get(i, 0)) for i, (day, _, _) in enumerate(days))


def _trend_days(scope: Scope) -> tuple[date | None, date | None]:
    first = last = None
    if scope.start is not None:
        first = scope.start.astimezone(scope.zone).date()
    if scope.end is not None:
        last = (scope.end.astimezone(scope.zone) - timedelta(microseconds=1)).date()
    if first is None or last is None:
        low, high = scope.session.execute(
            where_all(select(func.min(Lead.received_at), func.max(Lead.received_at)), scope.lead_filters())
        ).one()
        if first is None and low is not None:
            first = _aware(low).astimezone(scope.zone).date()
        if last is None:
            last = (datetime.now(scope.zone) if high is None else _aware(high).astimezone(scope.zone)).date()
    if first is None:
        return None, None
    return first, last


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# ========================================================================================= registry

ReportFunction = Callable[[Scope, ReportFilters], ReportResult]
DrillFunction = Callable[[Scope, ReportFilters, dict[str, Any], int | None], ReportResult]

REPORTS: dict[ReportName, ReportFunction] = {
    ReportName.LEADS: leads_report,
}
DRILLS: dict[ReportName, DrillFunction] = {
    ReportName.LEADS: leads_drill,
}

__all__ = ["DRILLS", "REPORTS", "lead_trend"]
