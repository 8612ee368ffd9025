"""Every built-in report against a brute-force count over the same seeded rows, on both engines."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.domain.errors import ReportCancelled, ValidationError
from app.persistence.uow import Database
from app.services.permissions import Actor
from app.services.reports import (
    NO_SOURCE,
    PeriodPreset,
    ReportFilters,
    ReportFormat,
    ReportName,
    ReportResult,
    drill_down,
    lead_trend,
    period_for_preset,
    run_report,
    write_report,
)
from tests.factories import actor_of
from tests.integration.reports_seed import NOW, STATES, Seeded, Truth, local_day_bounds, seed

MOSCOW = ZoneInfo("Europe/Moscow")
VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")
FIRST, LAST = date(2026, 3, 1), date(2026, 3, 20)


@pytest.fixture
def seeded(db: Database) -> Seeded:
    return seed(db)


def run(db: Database, name: ReportName, filters: ReportFilters, actor: Actor | None = None) -> ReportResult:
    with db.session() as session:
        return run_report(session, actor or Actor.system(), name, filters)


def truth(data: Seeded, zone: Any = MOSCOW, first: date = FIRST, last: date = LAST, **kwargs: Any) -> Truth:
    start, end = local_day_bounds(first, last, zone)
    return Truth(data, start, end, **kwargs)


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) < 0.01


# ------------------------------------------------------------------------------------------- leads


@pytest.mark.parametrize("zone", [MOSCOW, VLADIVOSTOK], ids=["moscow", "vladivostok"])
def test_leads_report_equals_brute_force(db: Database, seeded: Seeded, zone: ZoneInfo) -> None:
    result = run(db, ReportName.LEADS, ReportFilters(date_from=FIRST, date_to=LAST, zone=zone))
    expected = truth(seeded, zone).leads_table()
    got = {(r["kind"], r["drill"]["channel_id"]): {s: r[s] for s in STATES} for r in result.rows}
    assert got == expected
    for row in result.rows:
        assert row["total"] == sum(row[s] for s in STATES)
    assert result.totals["total"] == sum(sum(v.values()) for v in expected.values())
    assert all(seeded.channels["Импорт"] != r["drill"]["channel_id"] for r in result.rows)
    kinds = result.chart["kinds"]
    assert sum(sum(v.values()) for v in kinds.values()) == result.totals["total"]


@pytest.mark.parametrize("zone", [MOSCOW, VLADIVOSTOK], ids=["moscow", "vladivostok"])
def test_a_lead_at_2330_local_belongs_to_that_local_day(db: Database, seeded: Seeded, zone: ZoneInfo) -> None:
    day = date(2026, 3, 10)
    filters = ReportFilters(date_from=day, date_to=day, zone=zone)
    result = run(db, ReportName.LEADS, filters)
    late = [
        lead
        for lead in seeded.leads[:6]
        if lead["received_at"].astimezone(zone).date() == day
        and lead["received_at"].astimezone(zone).hour == 23
    ]
    assert late, "the seed has a lead at 23:30 local"
    assert result.totals["total"] == len(truth(seeded, zone, day, day).leads())
    with db.session() as session:
        rows = drill_down(session, Actor.system(), ReportName.LEADS, filters, {}).rows
    ids = {r["id"] for r in rows}
    assert {lead["id"] for lead in late if lead["channel_id"] not in seeded.not_counted} <= ids
    after_midnight = [
        lead for lead in seeded.leads[:6] if lead["received_at"].astimezone(zone).date() == date(2026, 3, 11)
    ]
    assert not ids & {lead["id"] for lead in after_midnight}


def test_leads_filters_and_drill_down(db: Database, seeded: Seeded) -> None:
    manager = seeded.managers[0]
    filters = ReportFilters(
        date_from=FIRST,
        date_to=LAST,
        zone=MOSCOW,
        manager_ids=(manager,),
        qualities=("target", "repeat"),
        sources=("yandex", NO_SOURCE),
    )
    result = run(db, ReportName.LEADS, filters)
    t = truth(seeded, managers={manager}, qualities={"target", "repeat"}, sources={"yandex", None})
    assert {
        (r["kind"], r["drill"]["channel_id"]): {s: r[s] for s in STATES} for r in result.rows
    } == t.leads_table()
    row = result.rows[0]
    with db.session() as session:
        drilled = drill_down(
            session, Actor.system(), ReportName.LEADS, filters, {**row["drill"], "column": "new"}
        )
    assert len(drilled.rows) == row["new"]
    assert all(r["state"] == "new" for r in drilled.rows)
    by_id = {lead["id"]: lead for lead in seeded.leads}
    for r in drilled.rows:
        assert by_id[r["id"]]["processed_at"] == r["processed_at"]
    # department filter: the first two managers' department
    filters = ReportFilters(
        date_from=FIRST, date_to=LAST, zone=MOSCOW, department_ids=(seeded.departments[0],)
    )
    result = run(db, ReportName.LEADS, filters)
    assert result.totals["total"] == len(truth(seeded, managers=set(seeded.managers[:2])).leads())
    # kind filter
    result = run(
        db, ReportName.LEADS, ReportFilters(date_from=FIRST, date_to=LAST, zone=MOSCOW, kinds=("call",))
    )
    assert {r["kind"] for r in result.rows} == {"call"}
    assert result.totals["total"] == len(truth(seeded, channels={seeded.channels["Линия 1"]}).leads())


def test_a_manager_sees_only_own_leads(db: Database, seeded: Seeded) -> None:
    manager = seeded.managers[1]
    actor = actor_of(db, manager)
    filters = ReportFilters(date_from=FIRST, date_to=LAST, zone=MOSCOW)
    result = run(db, ReportName.LEADS, filters, actor)
    expected = truth(seeded, viewer=manager)
    assert {(r["kind"], r["drill"]["channel_id"]): {s: r[s] for s in STATES} for r in result.rows} == (
        expected.leads_table()
    )
    assert result.totals["total"] < run(db, ReportName.LEADS, filters).totals["total"]
    with db.session() as session:
        rows = drill_down(session, actor, ReportName.LEADS, filters, {}).rows
    assert {r["id"] for r in rows} == {lead["id"] for lead in expected.leads()}
    # Interests by their responsible: only the manager's own.
    funnel = run(db, ReportName.FUNNEL, filters, actor)
    assert funnel.totals["count"] == len(truth(seeded, viewer=manager).interests())


def test_trend_has_every_local_day(db: Database, seeded: Seeded) -> None:
    filters = ReportFilters(date_from=FIRST, date_to=LAST, zone=VLADIVOSTOK)
    with db.session() as session:
        trend = lead_trend(session, Actor.system(), filters)
    assert [d for d, _ in trend] == [date(2026, 3, d) for d in range(1, 21)]
    expected = {d: 0 for d, _ in trend}
    for lead in truth(seeded, VLADIVOSTOK).leads():
        expected[lead["received_at"].astimezone(VLADIVOSTOK).date()] += 1
    assert dict(trend) == expected


# ------------------------------------------------------------------------------------- rejections


def test_rejections_by_reason_channel_and_manager(db: Database, seeded: Seeded) -> None:
    result = run(db, ReportName.REJECTIONS, ReportFilters(date_from=FIRST, date_to=LAST, zone=MOSCOW))
    expected = truth(seeded).rejections()
    total = sum(expected["reason"].values())
    assert result.totals["count"] == total
    for grp in ("reason", "channel", "manager"):
        rows = [r for r in result.rows if r["group"] == grp]
        assert {r["drill"]["id"]: r["count"] for r in rows} == dict(expected[grp])
        assert sum(r["share"] for r in rows) == pytest.approx(1.0)
    row = next(r for r in result.rows if r["group"] == "channel")
    with db.session() as session:
        drilled = drill_down(
            session,
            Actor.system(),
            ReportName.REJECTIONS,
            ReportFilters(date_from=FIRST, date_to=LAST, zone=MOSCOW),
            row["drill"],
        )
    assert len(drilled.rows) == row["count"]


# ---------------------------------------------------------------------------------------- funnel


def test_funnel_by_stage_with_conversion(db: Database, seeded: Seeded) -> None:
    filters = ReportFilters(date_from=FIRST, date_to=LAST, zone=MOSCOW)
    result = run(db, ReportName.FUNNEL, filters)
    expected = truth(seeded).funnel()
    got = {r["drill"]["stage_id"]: r for r in result.rows}
    assert set(got) == set(expected)
    for stage_id, figures in expected.items():
        assert got[stage_id]["count"] == figures["count"]
        assert got[stage_id]["amount"] == Decimal(figures["amount"]).quantize(Decimal("0.01"))
        assert got[stage_id]["reached"] == figures["reached"]
    previous: dict[str, int] = {}
    for row in result.rows:
        if row["reached"] is None:
            continue
        if row["pipeline"] in previous and previous[row["pipeline"]]:
            assert row["conversion"] == pytest.approx(row["reached"] / previous[row["pipeline"]])
        previous[row["pipeline"]] = row["reached"]
    stage_row = max(result.rows, key=lambda r: r["count"])
    with db.session() as session:
        drilled = drill_down(session, Actor.system(), ReportName.FUNNEL, filters, stage_row["drill"])
    assert len(drilled.rows) == stage_row["count"]
    # A lead filter keeps the interests made from such leads.
    call = seeded.channels["Линия 1"]
    result = run(
        db, ReportName.FUNNEL, ReportFilters(date_from=FIRST, date_to=LAST, zone=MOSCOW, channel_ids=(call,))
    )
    assert result.totals["count"] == len(truth(seeded, channels={call}).interests())


# --------------------------------------------------------------------------------------- control


def test_control_lights(db: Database, seeded: Seeded) -> None:
    filters = ReportFilters(date_from=FIRST, date_to=LAST, zone=MOSCOW)
    result = run(db, ReportName.CONTROL, filters)
    expected = truth(seeded).control()
    by_manager: dict[int, dict[str, int]] = {}
    for client in expected.values():
        figures = by_manager.setdefault(client["manager"], {"clients": 0, "green": 0, "yellow": 0, "red": 0})
        figures["clients"] += 1
        figures[client["light"]] += 1
    assert {
        r["drill"]["manager_id"]: {k: r[k] for k in ("clients", "green", "yellow", "red")}
        for r in result.rows
    } == by_manager
    assert result.totals["clients"] == len(expected)
    with db.session() as session:
        drilled = drill_down(session, Actor.system(), ReportName.CONTROL, filters, {})
    got = {r["drill"]["client_id"]: r for r in drilled.rows}
    assert set(got) == set(expected)
    for client_id, checks in expected.items():
        for key in ("active_interest", "no_overdue", "portrait", "contacts", "light"):
            assert got[client_id][key] == checks[key], (client_id, key)


# ---------------------------------------------------------------------------------- missed calls


def test_missed_calls_called_back_and_how_fast(db: Database, seeded: Seeded) -> None:
    filters = ReportFilters(date_from=FIRST, date_to=LAST, zone=MOSCOW)
    result = run(db, ReportName.MISSED_CALLS, filters)
    expected = truth(seeded).missed_table()
    got = {(r["group"], r["drill"]["id"]): r for r in result.rows}
    got[("total", 0)] = dict(result.totals)
    assert set(got) == set(expected)
    for key, figures in expected.items():
        row = got[key]
        assert row["missed"] == figures["missed"], key
        assert row["called_back"] == figures["called_back"], key
        assert close(row["median_seconds"], figures["median"]), key
        assert close(row["p90_seconds"], figures["p90"]), key
    row = next(r for r in result.rows if r["group"] == "channel")
    with db.session() as session:
        drilled = drill_down(session, Actor.system(), ReportName.MISSED_CALLS, filters, row["drill"])
    assert len(drilled.rows) == row["missed"]
    assert sum(1 for r in drilled.rows if r["callback_at"] is not None) == row["called_back"]


# --------------------------------------------------------------------------------- response time


def test_response_time_by_manager_and_channel(db: Database, seeded: Seeded) -> None:
    filters = ReportFilters(date_from=FIRST, date_to=LAST, zone=MOSCOW)
    with db.session() as session:
        result = run_report(session, Actor.system(), ReportName.RESPONSE_TIME, filters)
    expected = truth(seeded).response(datetime.now(UTC))
    got = {(r["group"], r["drill"]["id"]): r for r in result.rows}
    got[("total", 0)] = dict(result.totals)
    assert set(got) == set(expected)
    for key, figures in expected.items():
        row = got[key]
        assert row["leads"] == figures["leads"], key
        assert row["answered"] == figures["answered"], key
        assert close(row["median_seconds"], figures["median"]), key
        assert close(row["p90_seconds"], figures["p90"]), key
        assert close(row["within_sla_share"], figures["within"]), key


# --------------------------------------------------------------------------------------- sources


def test_sources(db: Database, seeded: Seeded) -> None:
    filters = ReportFilters(date_from=FIRST, date_to=LAST, zone=MOSCOW)
    result = run(db, ReportName.SOURCES, filters)
    expected = truth(seeded).sources_table()
    got = {
        (r["drill"]["source"] or None): (r["leads"], r["target"], r["converted"], r["rejected"])
        for r in result.rows
    }
    assert got == expected
    for row in result.rows:
        assert row["target_share"] == pytest.approx(row["target"] / row["leads"])
    row = next(r for r in result.rows if r["drill"]["source"] == NO_SOURCE)
    with db.session() as session:
        drilled = drill_down(
            session, Actor.system(), ReportName.SOURCES, filters, {**row["drill"], "column": "converted"}
        )
    assert len(drilled.rows) == row["converted"]


# ------------------------------------------------------------------------------------------- kpi


def test_kpi(db: Database, seeded: Seeded) -> None:
    filters = ReportFilters(date_from=FIRST, date_to=LAST, zone=MOSCOW)
    result = run(db, ReportName.KPI, filters)
    t = truth(seeded)
    leads = t.leads()
    assert result.totals["leads_in"] == len(leads)
    assert result.totals["processed"] == sum(
        1 for x in leads if x["state"] in ("converted", "repeat_processed", "rejected")
    )
    assert result.totals["converted"] == sum(1 for x in leads if x["state"] == "converted")
    assert result.totals["missed_calls"] == len(t.missed())
    end = min(t.end, datetime.now(UTC))
    overdue = [
        x
        for x in t.leads(period=False)
        if x["state"] in ("new", "in_progress", "repeat")
        and x["sla_due_at"] is not None
        and x["sla_due_at"] < end
    ]
    assert result.totals["overdue"] == len(overdue)
    per_manager = {r["drill"]["manager_id"]: r["leads_in"] for r in result.rows}
    for manager in seeded.managers:
        assert per_manager.get(manager, 0) == sum(1 for x in leads if x["responsible"] == manager)


# ------------------------------------------------------------------------------- formats & misc


def test_xlsx_csv_json_pdf_carry_the_same_numbers(db: Database, seeded: Seeded) -> None:
    import csv
    import json

    from openpyxl import load_workbook

    result = run(db, ReportName.LEADS, ReportFilters(date_from=FIRST, date_to=LAST, zone=MOSCOW))
    stream = io.BytesIO()
    write_report(result, ReportFormat.XLSX, stream, MOSCOW)
    sheet = load_workbook(io.BytesIO(stream.getvalue())).active
    assert sheet is not None
    values = list(sheet.iter_rows(min_row=5, values_only=True))
    assert len(values) == len(result.rows) + 1
    for row, cells in zip(result.rows, values, strict=False):
        assert list(cells) == [row[c.key] for c in result.columns]
    assert values[-1][-1] == result.totals["total"]

    stream = io.BytesIO()
    write_report(result, ReportFormat.JSON, stream, MOSCOW)
    document = json.loads(stream.getvalue())
    assert (
        document["report"] == "leads" and document["from"] == "2026-03-01" and document["to"] == "2026-03-20"
    )
    assert [r["total"] for r in document["rows"]] == [r["total"] for r in result.rows]
    assert set(document["rows"][0]) >= {"kind", "channel", "total", *STATES}
    assert document["totals"]["total"] == result.totals["total"]

    stream = io.BytesIO()
    write_report(result, ReportFormat.CSV, stream, MOSCOW)
    lines = list(csv.reader(io.StringIO(stream.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == [c.key for c in result.columns]
    assert lines[-1][0] == "Total" and int(lines[-1][-1]) == result.totals["total"]

    stream = io.BytesIO()
    write_report(result, ReportFormat.PDF, stream, MOSCOW)
    pdf = stream.getvalue()
    assert pdf.startswith(b"%PDF") and b"/Type /Page" in pdf and b"DejaVu" in pdf


@pytest.mark.parametrize("name", list(ReportName))
def test_every_report_writes_every_format(db: Database, seeded: Seeded, name: ReportName) -> None:
    result = run(db, name, ReportFilters(date_from=FIRST, date_to=LAST, zone=MOSCOW))
    for fmt in ReportFormat:
        stream = io.BytesIO()
        write_report(result, fmt, stream, MOSCOW)
        assert stream.getvalue()
    if result.rows:
        with db.session() as session:
            drilled = drill_down(
                session,
                Actor.system(),
                name,
                ReportFilters(date_from=FIRST, date_to=LAST, zone=MOSCOW),
                result.rows[0]["drill"],
                limit=3,
            )
        assert len(drilled.rows) <= 3


def test_cancelled_report_raises(db: Database, seeded: Seeded) -> None:
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 1

    with db.session() as session, pytest.raises(ReportCancelled):
        run_report(
            session, Actor.system(), ReportName.MISSED_CALLS, ReportFilters(zone=MOSCOW), cancelled=cancelled
        )


def test_presets() -> None:
    today = date(2026, 5, 14)  # a Thursday
    assert period_for_preset(PeriodPreset.TODAY, today) == (today, today)
    assert period_for_preset(PeriodPreset.YESTERDAY, today) == (date(2026, 5, 13),) * 2
    assert period_for_preset(PeriodPreset.WEEK, today) == (date(2026, 5, 11), today)
    assert period_for_preset(PeriodPreset.MONTH, today) == (date(2026, 5, 1), today)
    assert period_for_preset(PeriodPreset.QUARTER, today) == (date(2026, 4, 1), today)
    assert period_for_preset(PeriodPreset.YEAR, today) == (date(2026, 1, 1), today)
    with pytest.raises(ValidationError):
        period_for_preset(PeriodPreset.CUSTOM, today)


def test_now_is_after_the_seed() -> None:
    assert datetime.now(UTC) > NOW
