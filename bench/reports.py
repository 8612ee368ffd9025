"""Every built-in report for a year of a million leads, and a 10,000-row drill-down, against
raw-SQL floors measured in the same run (issue "Built-in reports", targets ≤ 300 ms / ≤ 200 ms).

    python -m bench.reports                                   # bench/out/bench.db (filled when empty)
    python -m bench.reports --database postgresql+psycopg://postgres@127.0.0.1:PORT/inflow_bench

``make bench`` (bench/run.py) calls :func:`measure_reports` on the database it has just filled.
The year of leads is what bench/fill.py writes; the report companions it does not write (the call
log, interests, planned interactions, client portraits) are derived from the leads by
:func:`ensure_report_data` with INSERT … SELECT, once per database.

The floor of a report is the cheapest statement that reads the same rows: a ``count(*)`` over the
period of its table, by the index the report could at best use. The ratio says how far the
report's grouping, joins and Python shaping are from that floor.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.persistence.uow import Database, open_database
from app.services.permissions import Actor
from app.services.reports import ReportFilters, ReportName, drill_down, run_report

REPORT_TARGET_MS = 300.0
DRILL_TARGET_MS = 200.0
DRILL_ROWS = 10_000
ZONE = ZoneInfo("Europe/Moscow")


def log(message: str) -> None:
    """Progress on stderr."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------------ companions


def ensure_report_data(db: Database) -> dict[str, int]:
    """Derive the call log, interests, planned interactions and portraits from the bench's leads
    (only when the database has none yet); returns the row counts."""
    sqlite = db.dialect == "sqlite"

    def plus_minutes(column: str, minutes: str) -> str:
        if sqlite:
            return f"strftime('%Y-%m-%d %H:%M:%f000', {column}, '+' || ({minutes}) || ' minutes')"
        return f"{column} + make_interval(mins => ({minutes})::int)"

    now = "strftime('%Y-%m-%d %H:%M:%f000', 'now')" if sqlite else "now()"
    with db.engine.begin() as conn:
        if not conn.scalar(text("SELECT count(*) FROM call_records")):
            log("  deriving the call log from the call leads (every 5th missed, 2/3 of those called back)")
            conn.execute(text(
                "INSERT INTO call_records (sip_call_id, direction, channel_id, caller, caller_phone, "
                "ring_at, result, lead_id) "
                "SELECT 'bench-in-' || id, 'in', channel_id, raw_contact, phone, received_at, "
                "CASE WHEN id % 5 = 0 THEN 'no_answer' ELSE 'answered' END, id "
                "FROM leads WHERE kind = 'call' AND phone IS NOT NULL"
            ))
            conn.execute(text(
                "INSERT INTO call_records (sip_call_id, direction, channel_id, caller, caller_phone, "
                "ring_at, result) "
                "SELECT 'bench-out-' || id, 'out', channel_id, '101', phone, "
                f"{plus_minutes('received_at', 'id % 240 + 1')}, 'answered' FROM leads "
                "WHERE kind = 'call' AND phone IS NOT NULL AND id % 5 = 0 AND id % 3 <> 0"
            ))
        if not conn.scalar(text("SELECT count(*) FROM interests")):
            log("  deriving interests from the converted leads (stage by id, amount by id)")
            clients = int(conn.scalar(text("SELECT max(id) FROM clients")) or 1)
            conn.execute(text(
                "INSERT INTO interests (client_id, pipeline_id, stage_id, title, amount, "
                "responsible_user_id, lead_id, created_at, version) "
                f"SELECT coalesce(l.client_id, l.id % {clients} + 1), s.pipeline_id, s.id, "
                "'Сделка ' || l.id, "
                "(l.id % 100) * 1000, coalesce(l.responsible_user_id, l.processor_id), l.id, "
                "coalesce(l.processed_at, l.received_at), 1 "
                "FROM leads l JOIN stages s ON s.pipeline_id = 1 AND s.position = l.id % 6 + 1 "
                "WHERE l.state = 'converted'"
            ))
        if not conn.scalar(text("SELECT count(*) FROM interactions")):
            log("  planned interactions for every third client with a manager (a third of them overdue)")
            conn.execute(text(
                "INSERT INTO interactions (kind, status, client_id, user_id, subject, planned_at, "
                "created_at) "
                f"SELECT 'task', 'planned', id, responsible_user_id, 'Позвонить', "
                f"{plus_minutes(now, '(id % 9 - 3) * 1440')}, {now} "
                "FROM clients WHERE responsible_user_id IS NOT NULL AND id % 3 = 0"
            ))
            conn.execute(text(
                "UPDATE clients SET portrait = 'Покупает окна' WHERE id % 2 = 0 AND portrait IS NULL"
            ))
        counts = {
            table: int(conn.scalar(text(f"SELECT count(*) FROM {table}")) or 0)
            for table in ("leads", "call_records", "interests", "interactions", "clients")
        }
    if not sqlite:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    return counts


# ----------------------------------------------------------------------------------- measuring


@dataclass
class Figure:
    """One measured line."""

    what: str
    timings: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    rows: int = 0
    target_ms: float = REPORT_TARGET_MS

    @property
    def median_ms(self) -> float:
        return statistics.median(self.timings) * 1000

    @property
    def floor_ms(self) -> float:
        return statistics.median(self.floor) * 1000 if self.floor else float("nan")

    @property
    def ok(self) -> bool:
        return self.median_ms <= self.target_ms


@dataclass
class ReportFigures:
    """Every report and the drill-down."""

    dialect: str
    counts: dict[str, int]
    period: tuple[date, date]
    figures: list[Figure] = field(default_factory=list)

    def failed(self) -> list[str]:
        """The lines over their target."""
        return [f"{f.what} {f.median_ms:.0f} ms > {f.target_ms:.0f} ms" for f in self.figures if not f.ok]

    def markdown(self) -> str:
        """The table for bench/out/last.md and docs/PERFORMANCE.md."""
        engine = "SQLite" if self.dialect == "sqlite" else "PostgreSQL"
        lines = [
            f"Reports on {engine}: {self.counts.get('leads', 0):,} leads, "
            f"{self.counts.get('call_records', 0):,} calls, {self.counts.get('interests', 0):,} interests, "
            f"{self.counts.get('clients', 0):,} clients; "
            f"period {self.period[0]} – {self.period[1]} (Europe/Moscow), everything visible (system actor); "
            "median of 5 runs after one warm-up.",
            "",
            "| measure | rows | median (ms) | floor: raw count of the rows read (ms) | ratio | target "
            "| result |",
            "|---|---:|---:|---:|---:|---|---|",
        ]
        for f in self.figures:
            ratio = f.median_ms / f.floor_ms if f.floor and f.floor_ms > 0 else float("nan")
            lines.append(
                f"| {f.what} | {f.rows:,} | {f.median_ms:.1f} | {f.floor_ms:.1f} | {ratio:.1f}× | "
                f"≤ {f.target_ms:.0f} ms | {'PASS' if f.ok else '**FAIL**'} |"
            )
        return "\n".join(lines)


def _time(call: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    result = call()  # warm-up (page cache, statement cache)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        timings.append(time.perf_counter() - started)
    return timings, result


FLOORS = {
    "leads": "SELECT count(*) FROM leads WHERE received_at >= :s AND received_at < :e",
    "calls": "SELECT count(*) FROM call_records WHERE ring_at >= :s AND ring_at < :e",
    "interests": "SELECT count(*) FROM interests WHERE created_at >= :s AND created_at < :e",
    "clients": "SELECT count(*) FROM clients WHERE responsible_user_id IS NOT NULL",
}
REPORT_FLOOR = {
    ReportName.LEADS: "leads",
    ReportName.REJECTIONS: "leads",
    ReportName.FUNNEL: "interests",
    ReportName.CONTROL: "clients",
    ReportName.MISSED_CALLS: "calls",
    ReportName.RESPONSE_TIME: "leads",
    ReportName.SOURCES: "leads",
    ReportName.KPI: "leads",
}


def measure_reports(db: Database, runs: int = 5, today: date | None = None) -> ReportFigures:
    """Every report over the last year, the 10,000-row drill-down, and their floors."""
    counts = ensure_report_data(db)
    today = today or datetime.now(ZONE).date()
    first = today - timedelta(days=365)
    filters = ReportFilters(date_from=first, date_to=today, zone=ZONE)
    start = datetime(first.year, first.month, first.day, tzinfo=ZONE).astimezone(UTC)
    end = (datetime(today.year, today.month, today.day, tzinfo=ZONE) + timedelta(days=1)).astimezone(UTC)
    result = ReportFigures(db.dialect, counts, (first, today))
    actor = Actor.system()
    with db.session() as session:
        bounds = _bounds(db, start, end)
        floors: dict[str, list[float]] = {}
        for key, sql in FLOORS.items():
            floors[key], _ = _time(lambda sql=sql: session.execute(text(sql), bounds).scalar(), runs)
        for name in ReportName:
            log(f"  report {name.value}")
            timings, report = _time(lambda name=name: run_report(session, actor, name, filters), runs)
            result.figures.append(
                Figure(f"`{name.value}` for a year", timings, floors[REPORT_FLOOR[name]], len(report.rows))
            )
        log(f"  drill-down of {DRILL_ROWS:,} leads")
        timings, drilled = _time(
            lambda: drill_down(session, actor, ReportName.LEADS, filters, {}, limit=DRILL_ROWS), runs
        )
        raw = (
            "SELECT l.id, l.received_at, l.channel_id, l.kind, l.contact_name, l.state, "
            "l.responsible_user_id, i.title, p.title, l.processed_at, u.full_name FROM leads l "
            "LEFT JOIN interests i ON i.id = l.result_interest_id "
            "LEFT JOIN processes p ON p.id = l.result_process_id "
            "LEFT JOIN users u ON u.id = l.processor_id "
            "WHERE l.received_at >= :s AND l.received_at < :e ORDER BY l.received_at, l.id LIMIT 10000"
        )
        floor, _ = _time(lambda: session.execute(text(raw), bounds).all(), runs)
        result.figures.append(
            Figure(f"drill-down: first {DRILL_ROWS:,} leads of the year with result and processor",
                   timings, floor, len(drilled.rows), DRILL_TARGET_MS)
        )
    return result


def _bounds(db: Database, start: datetime, end: datetime) -> dict[str, Any]:
    if db.dialect == "sqlite":
        fmt = "%Y-%m-%d %H:%M:%S.%f"
        return {"s": start.replace(tzinfo=None).strftime(fmt), "e": end.replace(tzinfo=None).strftime(fmt)}
    return {"s": start, "e": end}


# ---------------------------------------------------------------------------------------- main


def _fill_if_empty(url: str, seed: int, leads: int, clients: int) -> None:
    from bench.data import Ledger, World
    from bench.fill import fill_clients, fill_leads, fill_reference

    db = open_database(url)
    try:
        with db.engine.connect() as conn:
            if conn.scalar(text("SELECT count(*) FROM leads")):
                return
        log(f"filling {clients:,} clients and {leads:,} leads")
        world = World(seed, clients, leads, datetime.now(UTC))
        reasons = fill_reference(db.engine, world)
        fill_clients(url, world)
        fill_leads(url, db.engine, world, Ledger(), reasons)
    finally:
        db.dispose()


def main(argv: list[str] | None = None) -> int:
    """Measure the reports on an existing bench database (filled first when it has no leads)."""
    from bench.run import DEFAULT_SEED, OUT

    parser = argparse.ArgumentParser(prog="python -m bench.reports", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", metavar="URL", help="default: bench/out/bench.db")
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    url = args.database or f"sqlite:///{OUT / 'bench.db'}"
    log(f"database: {make_url(url).render_as_string(hide_password=True)} (upgrading the schema)")
    _fill_if_empty(url, DEFAULT_SEED, args.leads, args.clients)
    db = open_database(url)
    try:
        from bench.machine import describe_machine

        machine = describe_machine(db)
        figures = measure_reports(db, args.runs)
    finally:
        db.dispose()
    lines = ["## Machine", ""] + [f"- {name}: {value}" for name, value in machine]
    text_out = "\n".join(lines) + "\n\n## Reports\n\n" + figures.markdown()
    print(text_out)
    suffix = "sqlite" if make_url(url).get_backend_name() == "sqlite" else "postgresql"
    (OUT / f"last-reports-{suffix}.md").write_text(text_out + "\n", encoding="utf-8")
    failed = figures.failed()
    if failed:
        log("targets missed: " + "; ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
