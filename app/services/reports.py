"""Built-in reports for supervisors (DOMAIN §7, issue "Built-in reports").

The contract every report follows, shared by the Reports workspace, ``inflow report`` and the
benchmark:

* :func:`run_report` takes a session, the actor (permissions decide whose leads count), the report's
  name and :class:`ReportFilters`, and returns a frozen :class:`ReportResult`: columns, rows and a
  totals row. All aggregation happens in SQL.
* Rows may carry a ``drill`` key (a small dict of plain values); :func:`drill_down` turns it, with
  the same filters, into a :class:`ReportResult` with one row per lead / interest / call.
* Column titles are English; the desktop translates them with the context ``"ReportColumns"``
  (``QT_TRANSLATE_NOOP`` list in ``ui/reports``), the CLI prints them as they are.
* Periods are inclusive local calendar dates in the user's time zone (``filters.zone``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta, tzinfo
from enum import StrEnum
from typing import IO, Any

from sqlalchemy.orm import Session

from app.domain.enums import ChannelKind, LeadQuality
from app.domain.errors import ReportCancelled, ValidationError
from app.services.permissions import Actor
from app.services.report_scope import NO_SOURCE, resolve_scope


class ReportName(StrEnum):
    """The built-in reports; the values are the names of ``inflow report NAME``."""

    LEADS = "leads"
    REJECTIONS = "rejections"
    FUNNEL = "funnel"
    CONTROL = "control"
    MISSED_CALLS = "missed-calls"
    RESPONSE_TIME = "response-time"
    SOURCES = "sources"
    KPI = "kpi"


class PeriodPreset(StrEnum):
    """Period presets of the filter bar; CUSTOM uses the dates given."""

    TODAY = "today"
    YESTERDAY = "yesterday"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    CUSTOM = "custom"


class ColumnType(StrEnum):
    """How a column's values are shown and exported."""

    TEXT = "text"
    INT = "int"
    PERCENT = "percent"  # a float share 0..1
    SECONDS = "seconds"  # a duration in seconds (float)
    MONEY = "money"  # a Decimal
    DATE = "date"
    DATETIME = "datetime"  # aware UTC; shown in the user's zone
    LIGHT = "light"  # "red" / "yellow" / "green"


@dataclass(frozen=True, slots=True)
class ReportColumn:
    """One column: the row key, an English title and how to show it."""

    key: str
    title: str
    type: ColumnType = ColumnType.TEXT


@dataclass(frozen=True, slots=True)
class ReportFilters:
    """Filters every report accepts; an empty tuple means "any"."""

    date_from: date | None = None
    date_to: date | None = None
    zone: tzinfo | None = None
    channel_ids: tuple[int, ...] = ()
    kinds: tuple[ChannelKind, ...] = ()
    manager_ids: tuple[int, ...] = ()
    department_ids: tuple[int, ...] = ()
    qualities: tuple[LeadQuality, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ReportResult:
    """What a report (or a drill-down) returns: rows are dicts keyed by column key."""

    name: ReportName
    title: str
    date_from: date | None
    date_to: date | None
    columns: tuple[ReportColumn, ...]
    rows: tuple[Mapping[str, Any], ...]
    totals: Mapping[str, Any] = field(default_factory=dict)
    # Chart-friendly figures where a picture says more (e.g. leads: {"kinds": {kind: {state: n}}});
    # empty for drill-downs.
    chart: Mapping[str, Any] = field(default_factory=dict)
    # The drill-down was cut at ``limit`` rows (there are more).
    truncated: bool = False


CancelCheck = Callable[[], bool]
"""Called between a report's queries; returning True stops the report with ``ReportCancelled``."""


def period_for_preset(preset: PeriodPreset, today: date) -> tuple[date, date]:
    """Inclusive local dates of a preset relative to ``today`` (week = Monday..today, etc.)."""
    preset = PeriodPreset(preset)
    if preset is PeriodPreset.TODAY:
        return today, today
    if preset is PeriodPreset.YESTERDAY:
        yesterday = today - timedelta(days=1)
        return yesterday, yesterday
    if preset is PeriodPreset.WEEK:
        return today - timedelta(days=today.weekday()), today
    if preset is PeriodPreset.MONTH:
        return today.replace(day=1), today
    if preset is PeriodPreset.QUARTER:
        return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
    if preset is PeriodPreset.YEAR:
        return date(today.year, 1, 1), today
    raise ValidationError("A custom period has no preset dates: give the first and the last day.")


def run_report(
    session: Session,
    actor: Actor,
    name: ReportName,
    filters: ReportFilters,
    *,
    cancelled: CancelCheck | None = None,
) -> ReportResult:
    """Run one report over the leads (interests, calls) the actor may see."""
    from app.services import report_queries

    scope = resolve_scope(session, actor, filters, cancelled)
    scope.check()
    result = report_queries.REPORTS[ReportName(name)](scope, filters)
    scope.check()
    return result


def drill_down(
    session: Session,
    actor: Actor,
    name: ReportName,
    filters: ReportFilters,
    drill: Mapping[str, Any],
    *,
    limit: int | None = None,
) -> ReportResult:
    """The rows behind one figure of a report (a row's ``drill`` value, optionally with a
    ``"column"`` key naming the clicked column)."""
    from app.services import report_queries

    scope = resolve_scope(session, actor, filters)
    return report_queries.DRILLS[ReportName(name)](scope, filters, dict(drill), limit)


def lead_trend(session: Session, actor: Actor, filters: ReportFilters) -> tuple[tuple[date, int], ...]:
    """Leads received per local day of the period (every day present, zeros included): the trend
    line of the Reports workspace."""
    from app.services import report_queries

    return report_queries.lead_trend(resolve_scope(session, actor, filters))


class ReportFormat(StrEnum):
    """Output formats of ``inflow report`` and the workspace's export buttons."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    PDF = "pdf"


def write_report(
    result: ReportResult, fmt: ReportFormat, stream: IO[bytes], zone: tzinfo | None = None
) -> None:
    """Write a report (or a drill-down) in a format; JSON follows INTERFACES ("report NAME --format
    json"), CSV/XLSX follow the conventions of app/services/export.py, PDF is an A4 table with the
    title, period and totals."""
    from app.services import report_output

    report_output.write(result, ReportFormat(fmt), stream, zone)


__all__ = [
    "NO_SOURCE",
    "CancelCheck",
    "ColumnType",
    "PeriodPreset",
    "ReportCancelled",
    "ReportColumn",
    "ReportFilters",
    "ReportFormat",
    "ReportName",
    "ReportResult",
    "drill_down",
    "lead_trend",
    "period_for_preset",
    "run_report",
    "write_report",
]
