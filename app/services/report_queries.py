"""The SQL of every built-in report and its drill-down (definitions: docs/DECISIONS.md "Reports").

Every figure is aggregated by the database (GROUP BY, conditional sums, window functions); Python
only puts the few aggregated rows in order, names them and pivots state counts into columns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Integer,
    Numeric,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.orm import aliased
from sqlalchemy.sql.compiler import SQLCompiler

from app.domain.enums import (
    ChannelKind,
    LeadState,
    StageKind,
)
from app.domain.errors import ValidationError
from app.persistence.models import (
    CallRecord,
    Client,
    Interest,
    Lead,
    Pipeline,
    Process,
    RejectionReason,
    Stage,
    User,
)
from app.services.report_scope import NO_SOURCE, S, Scope, source_clause, where_all
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
RESPONSE_INDEX = "ix_leads_report_response"
MISSED_INDEX = "ix_call_records_report_missed"
_OVERDUE_SQL = (
    "leads.state NOT IN ('converted', 'repeat_processed', 'rejected') AND leads.sla_due_at IS NOT NULL"
)
# Verbatim the predicate of the partial index ix_leads_report_unanswered (models.py, migration 0009).
_UNANSWERED_SQL = "leads.first_action_at IS NULL AND leads.sla_due_at IS NOT NULL"
REJECTIONS_INDEX = "ix_leads_report_rejections"
SOURCES_INDEX = "ix_leads_report_sources"


def _sqlite_from_hint(self: SQLiteCompiler, table: Any, text: str) -> str:
    return text


# SQLAlchemy renders table hints only for dialects that declare them, and SQLite's compiler does
# not, although SQLite has INDEXED BY: let it render the hints written for "sqlite" (only this
# module writes any).
if SQLiteCompiler.get_from_hint_text is SQLCompiler.get_from_hint_text:
    SQLiteCompiler.get_from_hint_text = _sqlite_from_hint  # type: ignore[method-assign,assignment]


def _verbatim(sql: str) -> Any:
    """A partial index's predicate as written in its definition (see the constants above)."""
    return text(sql)


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
    for kind, channel_id, state, n in scope.session.execute(statement):
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


# ======================================================================================= helpers


def _whole_seconds(scope: Scope, seconds: Any) -> Any:
    """Seconds rounded down to a whole second (durations are reported to the second)."""
    # Rounded to the millisecond first: julianday arithmetic gives 89999.9999… for 25 hours.
    if scope.dialect == "sqlite":
        return cast(func.round(seconds, 3), Integer)  # truncation: the floor of a non-negative duration
    return cast(func.floor(func.round(cast(seconds, Numeric), 3)), Integer)


def _timing_rollup(scope: Scope, fine: Any, sums: tuple[str, ...]) -> list[Any]:
    """Counts and nearest-rank median / p90 by channel, by manager and in total, in one statement.

    ``fine`` is a select grouped by (channel_id, manager_id, sec) with ``n`` (how many) and the
    ``sums`` columns; ``sec`` is the whole-second duration or NULL (not answered / not called
    back). The durations become a histogram per group; a running sum over it in duration order
    finds the first second whose cumulative count reaches rank ⌈n/2⌉ or ⌈0.9·n⌉ — nearest rank,
    the same on both engines, with one sort of the period instead of a window over every value.
    Rows: (grp, key, n, timed, *sums, median, p90)."""
    base = fine.cte("fine").prefix_with("MATERIALIZED")
    groups = (("channel", base.c.channel_id), ("manager", base.c.manager_id), ("total", literal(0)))
    counts = union_all(
        *[
            select(
                literal(grp).label("grp"),
                key.label("key"),
                func.sum(base.c.n).label("n"),
                func.sum(case((base.c.sec.is_not(None), base.c.n), else_=0)).label("timed"),
                *[func.sum(base.c[name]).label(name) for name in sums],
            ).group_by(key)
            for grp, key in groups
        ]
    ).subquery("counts")
    histogram = union_all(
        *[
            select(literal(grp).label("grp"), key.label("key"), base.c.sec, func.sum(base.c.n).label("n"))
            .where(base.c.sec.is_not(None))
            .group_by(key, base.c.sec)
            for grp, key in groups
        ]
    ).subquery("histogram")
    running = select(
        histogram.c.grp,
        histogram.c.key,
        histogram.c.sec,
        # Cast: PostgreSQL sums bigints into numeric, and ⌈n/2⌉ below needs integer division.
        cast(
            func.sum(histogram.c.n).over(
                partition_by=(histogram.c.grp, histogram.c.key), order_by=histogram.c.sec, rows=(None, 0)
            ),
            BigInteger,
        ).label("cum"),
        cast(func.sum(histogram.c.n).over(partition_by=(histogram.c.grp, histogram.c.key)), BigInteger).label(
            "total"
        ),
    ).subquery("running")
    ranks = (
        select(
            running.c.grp,
            running.c.key,
            func.min(case((running.c.cum >= (running.c.total + 1) // 2, running.c.sec))).label("median"),
            func.min(case((running.c.cum >= (running.c.total * 9 + 9) // 10, running.c.sec))).label("p90"),
        )
        .group_by(running.c.grp, running.c.key)
        .subquery("ranks")
    )
    statement = select(
        counts.c.grp,
        counts.c.key,
        counts.c.n,
        counts.c.timed,
        *[counts.c[name] for name in sums],
        ranks.c.median,
        ranks.c.p90,
    ).outerjoin(
        ranks,
        and_(ranks.c.grp == counts.c.grp, func.coalesce(ranks.c.key, -1) == func.coalesce(counts.c.key, -1)),
    )
    return list(scope.session.execute(statement))


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _int(value: Any) -> int:
    return int(value or 0)


GROUP_TITLES = {"reason": "Reason", "channel": "Channel", "manager": "Manager", "total": "Total"}


# ======================================================================================= rejections

REJECTION_COLUMNS = [
    C("group", "Grouped by"),
    C("name", "Name"),
    C("count", "Rejected", T.INT),
    C("share", "Share", T.PERCENT),
]


def rejections_report(scope: Scope, filters: ReportFilters) -> ReportResult:
    """Rejected leads of the period by reason, by channel and by manager, with shares of all
    rejections; one table whose ``group`` column says which grouping a row belongs to."""
    base = where_all(
        select(
            Lead.rejection_reason_id.label("reason"),
            Lead.channel_id.label("channel"),
            Lead.responsible_user_id.label("manager"),
            func.count().label("n"),
        ),
        [Lead.state == LeadState.REJECTED.value, *scope.lead_filters()],
    ).group_by(Lead.rejection_reason_id, Lead.channel_id, Lead.responsible_user_id)
    if scope.covered_by_report_index:
        base = _hint(base, scope, REJECTIONS_INDEX)
    grouped = base.cte("rejected")
    statement = union_all(
        select(literal("reason").label("grp"), grouped.c.reason.label("key"), func.sum(grouped.c.n))
        .group_by(grouped.c.reason),
        select(literal("channel").label("grp"), grouped.c.channel.label("key"), func.sum(grouped.c.n))
        .group_by(grouped.c.channel),
        select(literal("manager").label("grp"), grouped.c.manager.label("key"), func.sum(grouped.c.n))
        .group_by(grouped.c.manager),
    )
    reasons = {
        row.id: row.name for row in scope.session.execute(select(RejectionReason.id, RejectionReason.name))
    }
    scope.check()
    counts = [(str(grp), key, _int(n)) for grp, key, n in scope.session.execute(statement)]
    total = sum(n for grp, _, n in counts if grp == "reason")

    def name(grp: str, key: Any) -> str:
        if grp == "reason":
            return reasons.get(key, f"#{key}") if key is not None else "(no reason)"
        if grp == "channel":
            return scope.channel_name(key)
        return scope.user_name(key)

    order = {"reason": 0, "channel": 1, "manager": 2}
    rows = [
        {
            "group": grp,
            "name": name(grp, key),
            "count": n,
            "share": _share(n, total),
            "drill": {"group": grp, "id": key},
        }
        for grp, key, n in sorted(counts, key=lambda c: (order[c[0]], -c[2], name(c[0], c[1])))
    ]
    totals: dict[str, Any] = {"count": total, "share": 1.0 if total else None, "drill": {}}
    chart = {grp: {r["name"]: r["count"] for r in rows if r["group"] == grp} for grp in order}
    return _result(
        ReportName.REJECTIONS, "Rejection reasons", filters, REJECTION_COLUMNS, rows, totals, chart
    )


def rejections_drill(
    scope: Scope, filters: ReportFilters, drill: dict[str, Any], limit: int | None
) -> ReportResult:
    """The rejected leads behind a row."""
    conditions: list[Any] = [Lead.state == LeadState.REJECTED.value]
    column = {
        "reason": Lead.rejection_reason_id,
        "channel": Lead.channel_id,
        "manager": Lead.responsible_user_id,
    }
    grp = drill.get("group")
    if grp in column:
        key = drill.get("id")
        conditions.append(column[grp].is_(None) if key is None else column[grp] == int(key))
    return lead_rows(scope, filters, conditions, limit, "Rejected leads", ReportName.REJECTIONS)


# =========================================================================================== funnel

FUNNEL_COLUMNS = [
    C("pipeline", "Pipeline"),
    C("stage", "Stage"),
    C("count", "Interests", T.INT),
    C("amount", "Amount", T.MONEY),
    C("reached", "Reached the stage", T.INT),
    C("conversion", "Conversion from the previous stage", T.PERCENT),
]


def funnel_report(scope: Scope, filters: ReportFilters) -> ReportResult:
    """Interests created in the period by their current stage, in stage order, with how many
    reached each stage (now on it or on a later open/won stage) and the stage-to-stage conversion."""
    counts = where_all(
        select(
            Interest.stage_id.label("stage_id"),
            func.count().label("n"),
            func.coalesce(func.sum(Interest.amount), 0).label("amount"),
        ),
        scope.interest_filters(),
    ).group_by(Interest.stage_id).subquery("counts")
    n = func.coalesce(counts.c.n, 0)
    progressing = case((Stage.kind == StageKind.LOST.value, 0), else_=n)
    statement = (
        select(
            Pipeline.id,
            Pipeline.name,
            Stage.id,
            Stage.name,
            Stage.kind,
            n,
            func.coalesce(counts.c.amount, 0),
            func.sum(progressing).over(
                partition_by=Stage.pipeline_id,
                order_by=(Stage.position.desc(), Stage.id.desc()),
                rows=(None, 0),
            ),
        )
        .select_from(Stage)
        .join(Pipeline, Pipeline.id == Stage.pipeline_id)
        .outerjoin(counts, counts.c.stage_id == Stage.id)
        .order_by(Pipeline.is_default.desc(), Pipeline.name, Stage.position, Stage.id)
    )
    rows: list[dict[str, Any]] = []
    previous: dict[int, int] = {}
    total_count = 0
    total_amount = Decimal(0)
    chart: dict[str, list[tuple[str, int]]] = {}
    for pipeline_id, pipeline, stage_id, stage, kind, count, amount, reached in scope.session.execute(
        statement
    ):
        count = _int(count)
        money = Decimal(str(amount or 0)).quantize(Decimal("0.01"))
        lost = kind == StageKind.LOST.value
        reached_value = None if lost else _int(reached)
        conversion = None
        if not lost and pipeline_id in previous:
            conversion = _share(reached_value or 0, previous[pipeline_id])
        if not lost:
            previous[pipeline_id] = reached_value or 0
        rows.append(
            {
                "pipeline": pipeline,
                "stage": stage,
                "count": count,
                "amount": money,
                "reached": reached_value,
                "conversion": conversion,
                "stage_kind": kind,
                "drill": {"stage_id": stage_id},
            }
        )
        chart.setdefault(pipeline, []).append((stage, reached_value if reached_value is not None else count))
        total_count += count
        total_amount += money
    totals = {"count": total_count, "amount": total_amount, "drill": {}}
    return _result(
        ReportName.FUNNEL, "Sales funnel", filters, FUNNEL_COLUMNS, rows, totals, {"pipelines": chart}
    )


INTEREST_COLUMNS = [
    C("id", "Interest", T.INT),
    C("created_at", "Created", T.DATETIME),
    C("title", "Title"),
    C("client", "Client"),
    C("stage", "Stage"),
    C("amount", "Amount", T.MONEY),
    C("responsible", "Responsible"),
    C("lead_id", "Lead", T.INT),
]


def funnel_drill(
    scope: Scope, filters: ReportFilters, drill: dict[str, Any], limit: int | None
) -> ReportResult:
    """The interests on a stage (or all of the funnel)."""
    conditions = scope.interest_filters()
    if drill.get("stage_id") is not None:
        conditions.append(Interest.stage_id == int(drill["stage_id"]))
    if drill.get("pipeline_id") is not None:
        conditions.append(Interest.pipeline_id == int(drill["pipeline_id"]))
    statement = where_all(
        select(
            Interest.id, Interest.created_at, Interest.title, Client.name, Stage.name, Interest.amount,
            Interest.responsible_user_id, Interest.lead_id,
        )
        .select_from(Interest)
        .join(Client, Client.id == Interest.client_id)
        .join(Stage, Stage.id == Interest.stage_id),
        conditions,
    ).order_by(Interest.created_at, Interest.id)
    if limit is not None:
        statement = statement.limit(limit + 1)
    rows = [
        {
            "id": interest_id,
            "created_at": created_at,
            "title": title,
            "client": client,
            "stage": stage,
            "amount": amount,
            "responsible": scope.user_name(user_id, ""),
            "lead_id": lead_id,
            "drill": {"interest_id": interest_id},
        }
        for interest_id, created_at, title, client, stage, amount, user_id, lead_id in scope.session.execute(
            statement
        )
    ]
    truncated = limit is not None and len(rows) > limit
    del rows[limit if truncated and limit is not None else len(rows):]
    return _result(ReportName.FUNNEL, "Interests", filters, INTEREST_COLUMNS, rows, truncated=truncated)


# ========================================================================================== control

LIGHTS = ("red", "yellow", "green")
CONTROL_COLUMNS = [
    C("manager", "Manager"),
    C("light", "Light", T.LIGHT),
    C("clients", "Clients", T.INT),
    C("green", "Green", T.INT),
    C("yellow", "Yellow", T.INT),
    C("red", "Red", T.INT),
    C("no_interest", "No active interest", T.INT),
    C("overdue", "Overdue interactions", T.INT),
    C("no_portrait", "Portrait not filled", T.INT),
    C("no_contacts", "No contact info", T.INT),
]
CLIENT_CONTROL_COLUMNS = [
    C("client", "Client"),
    C("manager", "Manager"),
    C("light", "Light", T.LIGHT),
    C("active_interest", "Active interest"),
    C("no_overdue", "No overdue interaction"),
    C("portrait", "Portrait filled"),
    C("contacts", "Contact info filled"),
]


def _flag(condition: Any) -> Any:
    return case((condition, 1), else_=0)


def _check_flags(scope: Scope) -> tuple[Any, Any, Any, Any]:
    """Per client, 1/0 for each of the four checks: active interest, no overdue interaction,
    portrait filled, contact info filled."""
    now = scope.current_time
    # The per-client facts are stored on the client and kept by triggers (migration 0009): the
    # checks used to probe interests, interactions and contact points for each of 100k clients.
    active_interest = Client.open_interest_count > 0
    no_overdue = or_(Client.next_planned_at.is_(None), Client.next_planned_at >= now)
    contacts = Client.contact_point_count > 0
    return _flag(active_interest), _flag(no_overdue), Client.portrait_filled, _flag(contacts)


def _client_checks(scope: Scope) -> Any:
    """Per client: its name and manager, the four check flags, as a CTE; and its light."""
    active_interest, no_overdue, portrait, contacts = _check_flags(scope)
    checks = where_all(
        select(
            Client.id.label("client_id"),
            Client.name.label("client"),
            Client.responsible_user_id.label("manager_id"),
            active_interest.label("active_interest"),
            no_overdue.label("no_overdue"),
            portrait.label("portrait"),
            contacts.label("contacts"),
        ),
        scope.client_filters(),
    ).cte("checks")
    failed = 4 - (checks.c.active_interest + checks.c.no_overdue + checks.c.portrait + checks.c.contacts)
    light = case((failed == 0, "green"), (failed == 1, "yellow"), else_="red")
    return checks, light


def control_report(scope: Scope, filters: ReportFilters) -> ReportResult:
    """The traffic light per manager: how many of the manager's clients are green / yellow / red
    and which checks fail; the drill-down gives the light of every client."""
    # One pass over the clients, grouped by manager: the flags are plain column tests now.
    active_interest, no_overdue, portrait, contacts = _check_flags(scope)
    failed = 4 - (active_interest + no_overdue + portrait + contacts)
    statement = where_all(
        select(
            Client.responsible_user_id,
            func.count(),
            func.sum(_flag(failed == 0)),
            func.sum(_flag(failed == 1)),
            func.sum(_flag(failed >= 2)),
            func.sum(1 - active_interest),
            func.sum(1 - no_overdue),
            func.sum(1 - portrait),
            func.sum(1 - contacts),
        ),
        scope.client_filters(),
    ).group_by(Client.responsible_user_id)
    rows: list[dict[str, Any]] = []
    keys = ("clients", "green", "yellow", "red", "no_interest", "overdue", "no_portrait", "no_contacts")
    totals: dict[str, Any] = dict.fromkeys(keys, 0)
    for manager_id, *values in scope.session.execute(statement):
        figures = dict(zip(keys, (_int(v) for v in values), strict=True))
        rows.append(
            {
                "manager": scope.user_name(manager_id),
                "light": manager_light(figures["clients"], figures["yellow"], figures["red"]),
                **figures,
                "drill": {"manager_id": manager_id},
            }
        )
        for key in keys:
            totals[key] += figures[key]
    order = {light_: i for i, light_ in enumerate(LIGHTS)}
    rows.sort(key=lambda r: (order[r["light"]], -r["red"], r["manager"]))
    totals["light"] = manager_light(totals["clients"], totals["yellow"], totals["red"]) if rows else None
    totals["drill"] = {}
    chart = {"lights": {light_: totals[light_] for light_ in LIGHTS}}
    return _result(ReportName.CONTROL, "Supervisor control", filters, CONTROL_COLUMNS, rows, totals, chart)


def manager_light(clients: int, yellow: int, red: int) -> str:
    """A manager's light: red when a fifth or more of the clients are red, green when none is red
    and at least four fifths are green, yellow otherwise."""
    if clients == 0:
        return "green"
    if red * 5 >= clients:
        return "red"
    green = clients - yellow - red
    if red == 0 and green * 5 >= clients * 4:
        return "green"
    return "yellow"


def control_drill(
    scope: Scope, filters: ReportFilters, drill: dict[str, Any], limit: int | None
) -> ReportResult:
    """Every client of a manager (or of all) with the four checks and the light, red first."""
    checks, light = _client_checks(scope)
    statement = select(
        checks.c.client_id, checks.c.client, checks.c.manager_id, light.label("light"),
        checks.c.active_interest, checks.c.no_overdue, checks.c.portrait, checks.c.contacts,
    )
    if "manager_id" in drill:
        manager = drill["manager_id"]
        statement = statement.where(
            checks.c.manager_id.is_(None) if manager is None else checks.c.manager_id == int(manager)
        )
    wanted = drill.get("light") or (drill.get("column") if drill.get("column") in LIGHTS else None)
    if wanted:
        statement = statement.where(light == wanted)
    severity = case((light == "red", 0), (light == "yellow", 1), else_=2)
    statement = statement.order_by(severity, checks.c.client, checks.c.client_id)
    if limit is not None:
        statement = statement.limit(limit + 1)
    rows = [
        {
            "client": client,
            "manager": scope.user_name(manager_id),
            "light": light_,
            "active_interest": bool(a),
            "no_overdue": bool(o),
            "portrait": bool(p),
            "contacts": bool(c),
            "drill": {"client_id": client_id},
        }
        for client_id, client, manager_id, light_, a, o, p, c in scope.session.execute(statement)
    ]
    truncated = limit is not None and len(rows) > limit
    del rows[limit if truncated and limit is not None else len(rows):]
    return _result(
        ReportName.CONTROL, "Clients by light", filters, CLIENT_CONTROL_COLUMNS, rows, truncated=truncated
    )


# ===================================================================================== missed calls

MISSED_COLUMNS = [
    C("group", "Grouped by"),
    C("name", "Name"),
    C("missed", "Missed calls", T.INT),
    C("called_back", "Called back", T.INT),
    C("called_back_share", "Called back, share", T.PERCENT),
    C("median_seconds", "Callback time, median", T.SECONDS),
    C("p90_seconds", "Callback time, p90", T.SECONDS),
]


# Verbatim the predicate of the partial index ix_call_records_report_missed (models.py, migration
# 0009): both engines use a partial index only for a query carrying the identical terms.
_MISSED_SQL = "call_records.direction = 'in' AND call_records.result <> 'answered'"


def _missed_from(scope: Scope, statement: S) -> tuple[S, Any]:
    """``statement`` restricted to the period's missed inbound calls (with the filters), and the
    column giving each call's manager (its lead's responsible user)."""
    conditions: list[Any] = [_verbatim(_MISSED_SQL), *scope.period(CallRecord.ring_at)]
    if scope.channel_ids is not None:
        conditions.append(CallRecord.channel_id.in_(scope.channel_ids) if scope.channel_ids else false())
    lead = aliased(Lead, name="call_lead")
    lead_conditions = scope.lead_filters(lead, period=False, channel=False)
    if lead_conditions:
        # Lead filters: the lead is joined for them (and gives the manager).
        statement = statement.outerjoin(lead, lead.id == CallRecord.lead_id)
        return where_all(statement, [*conditions, *lead_conditions]), lead.responsible_user_id
    # Otherwise the manager is stored on the call (kept by triggers, migration 0009).
    return where_all(statement, conditions), CallRecord.lead_responsible_user_id


def _missed_calls(scope: Scope) -> Any:
    """Missed inbound calls of the period with the first outbound call back to the same number
    (stored on the call by triggers, migration 0009) and the lead's manager."""
    statement = select(CallRecord.id).select_from(CallRecord)
    statement, manager = _missed_from(scope, statement)
    statement = statement.with_only_columns(
        CallRecord.id.label("call_id"),
        CallRecord.channel_id.label("channel_id"),
        CallRecord.ring_at.label("ring_at"),
        CallRecord.caller.label("caller"),
        CallRecord.caller_phone.label("caller_phone"),
        CallRecord.result.label("result"),
        CallRecord.callback_at.label("callback_at"),
        manager.label("manager_id"),
        maintain_column_froms=True,
    )
    return statement.subquery("missed")


def missed_calls_report(scope: Scope, filters: ReportFilters) -> ReportResult:
    """Missed inbound calls by channel and by manager: how many, how many were called back (an
    outbound call to the same number later), and how fast (nearest-rank median and p90)."""
    # Counted per (channel, manager, seconds to the call back) in the partial index's order.
    statement = select(CallRecord.id).select_from(CallRecord)
    statement, manager = _missed_from(scope, statement)
    # Hinted: for a year's range SQLite would rather take ix_call_records_ring_at and sort.
    statement = _hint(statement, scope, MISSED_INDEX, CallRecord)
    fine = statement.with_only_columns(
        CallRecord.channel_id.label("channel_id"),
        manager.label("manager_id"),
        CallRecord.callback_seconds.label("sec"),
        func.count().label("n"),
        maintain_column_froms=True,
    ).group_by(CallRecord.channel_id, manager, CallRecord.callback_seconds)
    counts: list[tuple[str, Any, int, int]] = []
    percentiles: dict[tuple[str, Any], tuple[float | None, float | None]] = {}
    for grp, key, n, called_back, median, p90 in _timing_rollup(scope, fine, ()):
        counts.append((str(grp), key, _int(n), _int(called_back)))
        percentiles[(str(grp), key)] = (_float(median), _float(p90))
    return _grouped_timing_result(
        scope, filters, ReportName.MISSED_CALLS, "Missed calls", MISSED_COLUMNS, counts, percentiles,
        ("missed", "called_back", "called_back_share"),
    )


def _grouped_timing_result(
    scope: Scope,
    filters: ReportFilters,
    name: ReportName,
    title: str,
    columns: list[ReportColumn],
    counts: list[tuple[str, Any, int, int]],
    percentiles: dict[tuple[str, Any], tuple[float | None, float | None]],
    keys: tuple[str, str, str],
    extra: dict[tuple[str, Any], dict[str, Any]] | None = None,
) -> ReportResult:
    all_key, part_key, share_key = keys
    rows: list[dict[str, Any]] = []
    totals: dict[str, Any] = {}
    for grp, key, whole, part in counts:
        median, p90 = percentiles.get((grp, key), (None, None))
        row: dict[str, Any] = {
            all_key: whole,
            part_key: part,
            share_key: _share(part, whole),
            "median_seconds": median,
            "p90_seconds": p90,
            **(extra or {}).get((grp, key), {}),
        }
        if grp == "total":
            totals = {**row, "drill": {}}
            continue
        label = scope.channel_name(key) if grp == "channel" else scope.user_name(key)
        rows.append({"group": grp, "name": label, **row, "drill": {"group": grp, "id": key}})
    order = {"channel": 0, "manager": 1}
    rows.sort(key=lambda r: (order[r["group"]], -r[all_key], r["name"]))
    if not totals:
        totals = {all_key: 0, part_key: 0, share_key: None, "drill": {}}
    return _result(name, title, filters, columns, rows, totals)


MISSED_DRILL_COLUMNS = [
    C("ring_at", "Rang", T.DATETIME),
    C("channel", "Channel"),
    C("caller", "Caller"),
    C("manager", "Manager"),
    C("result", "Result"),
    C("callback_at", "Called back", T.DATETIME),
    C("callback_seconds", "After", T.SECONDS),
]


def missed_calls_drill(
    scope: Scope, filters: ReportFilters, drill: dict[str, Any], limit: int | None
) -> ReportResult:
    """The missed calls behind a row, oldest first."""
    missed = _missed_calls(scope)
    delay = scope.seconds_between(missed.c.callback_at, missed.c.ring_at)
    statement = select(missed, delay.label("delay"))
    column = {"channel": missed.c.channel_id, "manager": missed.c.manager_id}.get(str(drill.get("group")))
    if column is not None:
        key = drill.get("id")
        statement = statement.where(column.is_(None) if key is None else column == int(key))
    if drill.get("column") == "called_back":
        statement = statement.where(missed.c.callback_at.is_not(None))
    statement = statement.order_by(missed.c.ring_at, missed.c.call_id)
    if limit is not None:
        statement = statement.limit(limit + 1)
    rows = [
        {
            "ring_at": _aware(row.ring_at) if isinstance(row.ring_at, datetime) else _parse(row.ring_at),
            "channel": scope.channel_name(row.channel_id),
            "caller": row.caller or row.caller_phone,
            "manager": scope.user_name(row.manager_id, ""),
            "result": row.result,
            "callback_at": _parse(row.callback_at),
            "callback_seconds": _float(row.delay),
            "drill": {"call_id": row.call_id},
        }
        for row in scope.session.execute(statement)
    ]
    truncated = limit is not None and len(rows) > limit
    del rows[limit if truncated and limit is not None else len(rows):]
    return _result(
        ReportName.MISSED_CALLS, "Missed calls", filters, MISSED_DRILL_COLUMNS, rows, truncated=truncated
    )


def _parse(value: Any) -> datetime | None:
    """A timestamp from a subquery (SQLite hands back its text form there)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return _aware(value)
    return _aware(datetime.fromisoformat(str(value)))


# ==================================================================================== response time

RESPONSE_COLUMNS = [
    C("group", "Grouped by"),
    C("name", "Name"),
    C("leads", "Leads", T.INT),
    C("answered", "With a first action", T.INT),
    C("answered_share", "With a first action, share", T.PERCENT),
    C("median_seconds", "Response time, median", T.SECONDS),
    C("p90_seconds", "Response time, p90", T.SECONDS),
    C("within_sla_share", "Within the SLA", T.PERCENT),
]


def response_time_report(scope: Scope, filters: ReportFilters) -> ReportResult:
    """Arrival → first action of the period's leads, by manager and by channel: counts, nearest-
    rank median and p90, and the share answered within the channel's SLA."""
    now = scope.current_time
    # The response seconds and the within-the-SLA flag are stored on the lead (kept by triggers,
    # migration 0009), so the period is counted per (channel, manager, seconds, flag) by walking
    # ix_leads_report_response in order, one count per row. The flag is NULL unless the lead has
    # both a deadline and a first action: 1 counts within the SLA, non-NULL answered with a deadline.
    flag = Lead.response_within_sla
    answered = where_all(
        select(
            Lead.channel_id.label("channel_id"),
            Lead.responsible_user_id.label("manager_id"),
            Lead.response_seconds.label("sec"),
            func.count().label("n"),
            case((flag == 1, func.count()), else_=0).label("within"),
            case((flag.is_not(None), func.count()), else_=0).label("decided"),
        ),
        scope.lead_filters(),
    ).group_by(Lead.channel_id, Lead.responsible_user_id, Lead.response_seconds, flag)
    if scope.covered_by_report_index:
        answered = _hint(answered, scope, RESPONSE_INDEX)
    # Decided also: unanswered leads whose deadline has passed (a deadline still ahead waits) —
    # few, from the partial index ix_leads_report_unanswered; they add to "decided" only (their
    # leads are already counted above with no seconds).
    overdue = where_all(
        select(
            Lead.channel_id.label("channel_id"),
            Lead.responsible_user_id.label("manager_id"),
            cast(literal(None), Integer).label("sec"),
            literal(0).label("n"),
            literal(0).label("within"),
            func.count().label("decided"),
        ),
        [_verbatim(_UNANSWERED_SQL), Lead.sla_due_at < now, *scope.lead_filters()],
    ).group_by(Lead.channel_id, Lead.responsible_user_id)
    fine: Any = union_all(answered, overdue)
    counts: list[tuple[str, Any, int, int]] = []
    extra: dict[tuple[str, Any], dict[str, Any]] = {}
    percentiles: dict[tuple[str, Any], tuple[float | None, float | None]] = {}
    if scope.dialect == "postgresql":
        # PostgreSQL prices the partial aggregates its workers would hand over by its estimate of
        # the groups (~53k for 19k real at a million leads) and walks the index alone: 360 ms vs
        # 250 ms with two workers on the loaded bench machine. Cheaper tuples for this statement
        # only (set back below; a failed transaction drops the SET LOCAL anyway).
        scope.session.execute(text("SET LOCAL parallel_tuple_cost = 0.001"))
    rollup = _timing_rollup(scope, fine, ("within", "decided"))
    if scope.dialect == "postgresql":
        scope.session.execute(text("SET LOCAL parallel_tuple_cost TO DEFAULT"))
    for grp, key, n, answered, in_sla, with_sla, median, p90 in rollup:
        counts.append((str(grp), key, _int(n), _int(answered)))
        extra[(str(grp), key)] = {"within_sla_share": _share(_int(in_sla), _int(with_sla))}
        percentiles[(str(grp), key)] = (_float(median), _float(p90))
    return _grouped_timing_result(
        scope, filters, ReportName.RESPONSE_TIME, "Response time", RESPONSE_COLUMNS, counts, percentiles,
        ("leads", "answered", "answered_share"), extra,
    )


def response_time_drill(
    scope: Scope, filters: ReportFilters, drill: dict[str, Any], limit: int | None
) -> ReportResult:
    """The leads behind a response-time row."""
    column = {"channel": Lead.channel_id, "manager": Lead.responsible_user_id}.get(str(drill.get("group")))
    conditions: list[Any] = []
    if column is not None:
        key = drill.get("id")
        conditions.append(column.is_(None) if key is None else column == int(key))
    return lead_rows(scope, filters, conditions, limit, "Leads", ReportName.RESPONSE_TIME)


# ========================================================================================== sources

SOURCE_COLUMNS = [
    C("source", "Source"),
    C("leads", "Leads", T.INT),
    C("target", "Target", T.INT),
    C("target_share", "Target share", T.PERCENT),
    C("converted", "Converted", T.INT),
    C("converted_share", "Converted share", T.PERCENT),
    C("rejected", "Rejected", T.INT),
    C("rejected_share", "Rejected share", T.PERCENT),
]


def sources_report(scope: Scope, filters: ReportFilters) -> ReportResult:
    """Leads of the period by advertising source: target share (quality target), converted share,
    rejected share."""
    # Counted per (source, quality, state) in the order of ix_leads_report_sources — one count per
    # lead instead of three conditional sums (a third less CPU on SQLite at a million leads) —
    # then summed per source.
    fine = where_all(
        select(Lead.ad_source.label("source"), Lead.quality.label("quality"), Lead.state.label("state"),
               func.count().label("n")),
        scope.lead_filters(),
    ).group_by(Lead.ad_source, Lead.quality, Lead.state)
    if scope.covered_by_report_index:
        fine = _hint(fine, scope, SOURCES_INDEX)
    per = fine.subquery("per_source")
    statement = select(
        per.c.source,
        func.sum(per.c.n),
        func.sum(case((per.c.quality == "target", per.c.n), else_=0)),
        func.sum(case((per.c.state == LeadState.CONVERTED.value, per.c.n), else_=0)),
        func.sum(case((per.c.state == LeadState.REJECTED.value, per.c.n), else_=0)),
    ).group_by(per.c.source)
    merged: dict[str, list[int]] = {}
    for source, *values in scope.session.execute(statement):
        key = source or NO_SOURCE
        figures = merged.setdefault(key, [0, 0, 0, 0])
        for i, value in enumerate(values):
            figures[i] += _int(value)
    rows: list[dict[str, Any]] = []
    sums = [0, 0, 0, 0]
    for source, (leads, target, converted, rejected) in sorted(
        merged.items(), key=lambda item: (-item[1][0], item[0])
    ):
        rows.append(_source_row(source or "(no source)", leads, target, converted, rejected))
        rows[-1]["drill"] = {"source": source}
        sums = [a + b for a, b in zip(sums, (leads, target, converted, rejected), strict=True)]
    totals = {**_source_row(None, *sums), "drill": {}}
    return _result(ReportName.SOURCES, "Source effectiveness", filters, SOURCE_COLUMNS, rows, totals)


def _source_row(
    source: str | None, leads: int, target: int, converted: int, rejected: int
) -> dict[str, Any]:
    return {
        "source": source,
        "leads": leads,
        "target": target,
        "target_share": _share(target, leads),
        "converted": converted,
        "converted_share": _share(converted, leads),
        "rejected": rejected,
        "rejected_share": _share(rejected, leads),
    }


def sources_drill(
    scope: Scope, filters: ReportFilters, drill: dict[str, Any], limit: int | None
) -> ReportResult:
    """The leads of a source."""
    conditions: list[Any] = []
    if "source" in drill:
        conditions.append(source_clause(Lead.ad_source, [drill["source"] or NO_SOURCE]))
    column = drill.get("column")
    if column in ("converted", "converted_share"):
        conditions.append(Lead.state == LeadState.CONVERTED.value)
    elif column in ("rejected", "rejected_share"):
        conditions.append(Lead.state == LeadState.REJECTED.value)
    elif column in ("target", "target_share"):
        conditions.append(Lead.quality == "target")
    return lead_rows(scope, filters, conditions, limit, "Leads", ReportName.SOURCES)


# ============================================================================================== kpi

KPI_COLUMNS = [
    C("manager", "Manager"),
    C("leads_in", "Leads in", T.INT),
    C("processed", "Processed", T.INT),
    C("converted", "Converted", T.INT),
    C("overdue", "Overdue open leads", T.INT),
    C("missed_calls", "Missed calls", T.INT),
]
_CLOSED = (LeadState.CONVERTED.value, LeadState.REPEAT_PROCESSED.value, LeadState.REJECTED.value)


def kpi_report(scope: Scope, filters: ReportFilters) -> ReportResult:
    """The daily summary per manager: leads in, of them processed and converted, open leads past
    their deadline, missed calls."""
    now = scope.current_time
    period_end = min(scope.end, now) if scope.end is not None else now
    # Counted per (kind, channel, state, manager) in the report index's order (no sort of the year
    # on SQLite), then summed per manager.
    fine = where_all(
        select(
            Lead.responsible_user_id.label("manager"),
            Lead.state.label("state"),
            func.count().label("n"),
        ),
        scope.lead_filters(),
    ).group_by(Lead.kind, Lead.channel_id, Lead.state, Lead.responsible_user_id)
    if scope.covered_by_report_index:
        fine = _hint(fine, scope, LEADS_INDEX)
    per_state = fine.subquery("per_state")
    leads_in = select(
        per_state.c.manager.label("manager"),
        func.sum(per_state.c.n).label("leads_in"),
        func.sum(case((per_state.c.state.in_(_CLOSED), per_state.c.n), else_=0)).label("processed"),
        func.sum(case((per_state.c.state == LeadState.CONVERTED.value, per_state.c.n), else_=0)).label(
            "converted"
        ),
        literal(0).label("overdue"),
        literal(0).label("missed"),
    ).group_by(per_state.c.manager)
    overdue = where_all(
        select(
            Lead.responsible_user_id.label("manager"),
            literal(0), literal(0), literal(0),
            func.count().label("overdue"),
            literal(0),
        ),
        [
            # Verbatim the predicate of the partial index ix_leads_report_overdue (migration 0009).
            _verbatim(_OVERDUE_SQL),
            Lead.sla_due_at < period_end,
            *scope.lead_filters(period=False),
        ],
    ).group_by(Lead.responsible_user_id)
    missed_from, manager = _missed_from(scope, select(CallRecord.id).select_from(CallRecord))
    missed_from = _hint(missed_from, scope, MISSED_INDEX, CallRecord)
    missed_counts = missed_from.with_only_columns(
        manager, literal(0), literal(0), literal(0), literal(0), func.count(), maintain_column_froms=True
    ).group_by(manager)
    parts = union_all(leads_in, overdue, missed_counts).subquery("parts")
    statement = select(
        parts.c.manager,
        func.sum(parts.c.leads_in),
        func.sum(parts.c.processed),
        func.sum(parts.c.converted),
        func.sum(parts.c.overdue),
        func.sum(parts.c.missed),
    ).group_by(parts.c.manager)
    keys = ("leads_in", "processed", "converted", "overdue", "missed_calls")
    rows: list[dict[str, Any]] = []
    totals: dict[str, Any] = dict.fromkeys(keys, 0)
    for manager_id, *values in scope.session.execute(statement):
        figures = dict(zip(keys, (_int(v) for v in values), strict=True))
        rows.append({"manager": scope.user_name(manager_id), **figures, "drill": {"manager_id": manager_id}})
        for key in keys:
            totals[key] += figures[key]
    rows.sort(key=lambda r: (r["manager"] == "(no manager)", r["manager"]))
    totals["drill"] = {}
    return _result(ReportName.KPI, "Daily KPI summary", filters, KPI_COLUMNS, rows, totals)


def kpi_drill(
    scope: Scope, filters: ReportFilters, drill: dict[str, Any], limit: int | None
) -> ReportResult:
    """The leads behind a KPI cell (missed calls: the calls)."""
    conditions: list[Any] = []
    manager = drill.get("manager_id", ...)
    column = drill.get("column")
    if column == "missed_calls":
        missed_drill = {"group": "manager", "id": manager} if manager is not ... else {}
        return missed_calls_drill(scope, filters, missed_drill, limit)
    if manager is not ...:
        conditions.append(
            Lead.responsible_user_id.is_(None)
            if manager is None
            else Lead.responsible_user_id == int(manager)
        )
    if column == "overdue":
        now = scope.current_time
        period_end = min(scope.end, now) if scope.end is not None else now
        conditions += [Lead.state.not_in(_CLOSED), Lead.sla_due_at.is_not(None), Lead.sla_due_at < period_end]
        unbounded = Scope(**{**scope.__dict__, "start": None, "end": None})
        return lead_rows(unbounded, filters, conditions, limit, "Overdue open leads", ReportName.KPI)
    if column == "processed":
        conditions.append(Lead.state.in_(_CLOSED))
    elif column == "converted":
        conditions.append(Lead.state == LeadState.CONVERTED.value)
    return lead_rows(scope, filters, conditions, limit, "Leads", ReportName.KPI)


# ========================================================================================= registry

ReportFunction = Callable[[Scope, ReportFilters], ReportResult]
DrillFunction = Callable[[Scope, ReportFilters, dict[str, Any], int | None], ReportResult]

REPORTS: dict[ReportName, ReportFunction] = {
    ReportName.LEADS: leads_report,
    ReportName.REJECTIONS: rejections_report,
    ReportName.FUNNEL: funnel_report,
    ReportName.CONTROL: control_report,
    ReportName.MISSED_CALLS: missed_calls_report,
    ReportName.RESPONSE_TIME: response_time_report,
    ReportName.SOURCES: sources_report,
    ReportName.KPI: kpi_report,
}
DRILLS: dict[ReportName, DrillFunction] = {
    ReportName.LEADS: leads_drill,
    ReportName.REJECTIONS: rejections_drill,
    ReportName.FUNNEL: funnel_drill,
    ReportName.CONTROL: control_drill,
    ReportName.MISSED_CALLS: missed_calls_drill,
    ReportName.RESPONSE_TIME: response_time_drill,
    ReportName.SOURCES: sources_drill,
    ReportName.KPI: kpi_drill,
}

__all__ = ["DRILLS", "REPORTS", "lead_trend"]
