"""``make bench``: intake, lookup and repeat detection at an empty database and at a million leads.

    python -m bench.run                      # 200k clients, 1M leads, fresh SQLite in bench/out/
    python -m bench.run --quick              # 20k clients, 50k leads: a minute, for debugging
    python -m bench.run --database postgresql+psycopg://user@host/inflow_bench --reset

The generator knows the truth (whose phone is whose), the year of leads is bulk-filled with raw
inserts, then the services are measured against raw-SQL baselines in the same process. The table
goes to stdout and to ``bench/out/last.md``; progress goes to stderr. The exit status is 1 when a
target is missed.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url

from app.persistence.uow import Database, open_database
from bench.data import Ledger, World
from bench.fill import fill_clients, fill_leads, fill_reference, log
from bench.machine import CpuWatch, describe_machine
from bench.measure import (
    IntakeRunner,
    measure_intake,
    measure_lookup,
    measure_report,
    percentile,
)
from bench.report import Results
from bench.reports import measure_reports
from bench.search import measure_search

OUT = Path(__file__).resolve().parent / "out"
DEFAULT_SEED = 20261123


@dataclass(frozen=True, slots=True)
class Settings:
    """What to generate and how much to measure."""

    leads: int
    clients: int
    url: str
    seed: int
    batched: int
    single: int
    lookups: int
    profile: bool
    reset: bool
    quick: bool


def parse_args(argv: list[str] | None = None) -> Settings:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, help="leads in the bulk-filled year (default 1,000,000)")
    parser.add_argument("--clients", type=int, help="clients with contact persons (default 200,000)")
    parser.add_argument(
        "--database",
        metavar="URL",
        help="SQLAlchemy URL (sqlite:///… or postgresql+psycopg://…); default a fresh bench/out/bench.db",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument("--quick", action="store_true", help="a 50k-lead run with smaller samples")
    parser.add_argument("--batched", type=int, help="leads taken in by the batched measurement (20,000)")
    parser.add_argument("--single", type=int, help="leads taken in one per unit of work (2,000)")
    parser.add_argument("--lookups", type=int, help="phone lookups of known contacts (5,000)")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the intake at N leads into bench/out/profile-*.txt"
    )
    parser.add_argument(
        "--reset", action="store_true", help="wipe the --database first if it already holds data"
    )
    args = parser.parse_args(argv)
    quick = bool(args.quick)
    url = args.database or f"sqlite:///{OUT / ('bench-quick.db' if quick else 'bench.db')}"
    return Settings(
        leads=args.leads if args.leads is not None else (50_000 if quick else 1_000_000),
        clients=args.clients if args.clients is not None else (20_000 if quick else 200_000),
        url=url,
        seed=args.seed,
        batched=args.batched if args.batched is not None else (5_000 if quick else 20_000),
        single=args.single if args.single is not None else (500 if quick else 2_000),
        lookups=args.lookups if args.lookups is not None else (2_000 if quick else 5_000),
        profile=bool(args.profile),
        reset=bool(args.reset or args.database is None),
        quick=quick,
    )


# ------------------------------------------------------------------------------- databases


def _sqlite_files(url: URL) -> list[Path]:
    assert url.database
    path = Path(url.database)
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm")]


def _pg_admin(url: URL) -> psycopg.Connection[tuple[object, ...]]:
    conninfo = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    return psycopg.connect(conninfo, autocommit=True)


def prepare_fresh(url_text: str, reset: bool) -> None:
    """Make sure the database is empty: refuse to touch data unless ``reset``."""
    url = make_url(url_text)
    if url.get_backend_name() == "sqlite":
        files = _sqlite_files(url)
        if files[0].exists():
            if not reset:
                raise SystemExit(f"{files[0]} exists; pass --reset to replace it")
            for path in files:
                path.unlink(missing_ok=True)
        files[0].parent.mkdir(parents=True, exist_ok=True)
        return
    db = Database(url_text)
    try:
        tables = inspect(db.engine).get_table_names()
        if tables:
            if not reset:
                raise SystemExit(
                    f"{db.describe()} already has tables; pass --reset to wipe its public schema"
                )
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
    finally:
        db.dispose()


def copy_empty(url_text: str) -> str:
    """A copy of the database as it is now (clients, no leads); returns its URL."""
    url = make_url(url_text)
    if url.get_backend_name() == "sqlite":
        source = _sqlite_files(url)[0]
        target = source.with_name(source.stem + "-empty" + source.suffix)
        for path in _sqlite_files(url.set(database=str(target))):
            path.unlink(missing_ok=True)
        shutil.copyfile(source, target)
        return url.set(database=str(target)).render_as_string(hide_password=False)
    assert url.database
    name = f"{url.database}_empty"
    with _pg_admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"')
    return url.set(database=name).render_as_string(hide_password=False)


def drop_copy(url_text: str) -> None:
    """Remove the copy made by :func:`copy_empty` (PostgreSQL; SQLite files stay in bench/out/)."""
    url = make_url(url_text)
    if url.get_backend_name() == "postgresql":
        with _pg_admin(url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


def database_size(db: Database) -> str:
    """The size of the database on disk."""
    url = make_url(db.url)
    if url.get_backend_name() == "sqlite":
        size = sum(p.stat().st_size for p in _sqlite_files(url) if p.exists())
    else:
        with db.session() as session:
            size = int(session.scalar(text("SELECT pg_database_size(current_database())")) or 0)
    return f"{size / 1024 / 1024:,.0f} MiB"


# ------------------------------------------------------------------------------------ main


def settle() -> None:
    """Quiet the machine before a measurement.

    The generator's truth (hundreds of thousands of objects) is frozen out of the garbage
    collector's reach: the application never carries it, so its collections must not be timed.
    The bulk fill's dirty pages are written out, so the kernel's writeback does not compete with
    the checkpoints of the measured commits.
    """
    gc.collect()
    gc.freeze()
    os.sync()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 0 when every target is met."""
    settings = parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    now = datetime.now(UTC)
    world = World(settings.seed, settings.clients, settings.leads, now)

    log(f"database: {make_url(settings.url).render_as_string(hide_password=True)}")
    prepare_fresh(settings.url, settings.reset)
    db = open_database(settings.url)
    machine = describe_machine(db)

    t0 = time.perf_counter()
    reasons = fill_reference(db.engine, world)
    n_clients, n_persons, n_points = fill_clients(settings.url, world)
    clients_seconds = time.perf_counter() - t0
    log(f"{n_clients:,} clients, {n_persons:,} contact persons, {n_points:,} contact points "
        f"in {clients_seconds:.1f} s")
    db.dispose()

    empty_url = copy_empty(settings.url)

    log(f"filling {settings.leads:,} leads")
    ledger = Ledger()
    t0 = time.perf_counter()
    written = fill_leads(settings.url, db.engine, world, ledger, reasons)
    leads_seconds = time.perf_counter() - t0
    log(f"{written:,} leads in {leads_seconds:.1f} s ({written / leads_seconds:,.0f}/s)")
    size = database_size(db)

    empty_db = open_database(empty_url)
    try:
        log(f"measuring the empty database and the one with {written:,} leads, turn about")
        settle()
        watch = CpuWatch()
        log(f"  load average before measuring: {os.getloadavg()[0]:.2f}")
        # Both or neither under the profiler, so the empty/full ratio stays fair.
        profile_dir = OUT if settings.profile else None
        runners = [
            IntakeRunner(empty_db, world, Ledger(), "empty", profile_dir),
            IntakeRunner(db, world, ledger, "full", profile_dir),
        ]
        intake_empty, intake_full = measure_intake(
            runners, settings.batched, settings.single, progress=log
        )
        log(f"  phone lookup of {settings.lookups:,} known contacts")
        lookup_empty, lookup_full = measure_lookup(
            [empty_db, db], world, settings.lookups, random.Random(settings.seed + 1)
        )
        log("  report query")
        report_empty = measure_report(empty_db)
        report_full = measure_report(db)
        log("  global search")
        search_full = measure_search(db)
        log("  built-in reports (bench/reports.py)")
        reports_full = measure_reports(db)
        contention = watch.summary()
        log(f"  {contention}")
    finally:
        empty_db.dispose()
        db.dispose()
        drop_copy(empty_url)

    results = Results(settings.leads, intake_empty, intake_full, lookup_empty, lookup_full,
                      report_empty, report_full)
    text_out = render(settings, machine, results, {
        "clients": n_clients, "persons": n_persons, "points": n_points, "leads": written,
        "clients_seconds": clients_seconds, "leads_seconds": leads_seconds, "size": size,
        "total_seconds": time.perf_counter() - started, "contention": contention,
    })
    text_out += "\n\n## Global search (desktop, Ctrl+K) on the full database\n\n" + search_full.markdown()
    text_out += "\n\n## Built-in reports on the full database\n\n" + reports_full.markdown()
    print(text_out)
    (OUT / ("last-quick.md" if settings.quick else "last.md")).write_text(text_out + "\n", encoding="utf-8")
    failed = results.failed() + reports_full.failed()
    if percentile(search_full.latencies, 0.99) > 0.1:
        failed.append("global search p99 > 100 ms")
    if failed:
        log("targets missed: " + "; ".join(failed))
    return 1 if failed else 0


def render(
    settings: Settings, machine: list[tuple[str, str]], results: Results, data: dict[str, object]
) -> str:
    """Machine, the table, and the notes that explain it."""
    dialect = make_url(settings.url).get_backend_name()
    lines = ["## Machine", ""]
    lines += [f"- {name}: {value}" for name, value in machine]
    lines.append(f"- database: {'SQLite file' if dialect == 'sqlite' else 'PostgreSQL'}")
    lines += ["", "## Figures", "", results.markdown(), "", "## Run", ""]
    leads = data["leads"]
    assert isinstance(leads, int)
    lines += [
        f"- command: `python -m bench.run{' --quick' if settings.quick else ''}` "
        f"(seed {settings.seed}, {settings.clients:,} clients, {settings.leads:,} leads)",
        f"- data: {data['clients']:,} clients, {data['persons']:,} contact persons, "
        f"{data['points']:,} contact points; {leads:,} leads over the last year (~10% from known "
        "contacts) with one history entry each",
        f"- bulk fill: clients {data['clients_seconds']:.0f} s, leads {data['leads_seconds']:.0f} s; "
        f"database {data['size']}; whole run {data['total_seconds']:.0f} s",
        f"- intake measured per database: {settings.batched:,} leads batched (500 per unit of work) "
        f"and {settings.single:,} one per unit of work, after an untimed warm-up of 120; "
        f"lookups: {settings.lookups:,} known contacts",
        f"- machine load: {data['contention']}",
    ]
    if settings.profile:
        lines.append(
            "- **profiled run** (`--profile`): intake timings include cProfile's overhead; the "
            "profiles are in bench/out/profile-*.txt; do not compare these figures with the targets"
        )
    full = results.intake_full
    names = {
        "known_client": "from a client's phone or e-mail, written in any of the six formats",
        "earlier_lead": "from the phone of an earlier lead without a client",
        "new": "from a phone or e-mail never seen before",
    }
    lines += ["", "Repeat detection by kind of inquiry (checked / wrong; empty DB, then full DB):", ""]
    for category, text_ in names.items():
        e = results.intake_empty.tally.by_category.get(category, [0, 0])
        f = full.tally.by_category.get(category, [0, 0])
        lines.append(f"- {text_}: {e[0]:,} / {e[1]}; {f[0]:,} / {f[1]}")
    examples = results.intake_empty.tally.examples + full.tally.examples
    if examples:
        lines += ["", "Repeat-detection discrepancies (first ones):", ""]
        lines += [f"- {line}" for line in examples[:10]]
    misses = results.lookup_empty.misses + results.lookup_full.misses
    if misses:
        lines += ["", "Lookup misses (first ones):", ""]
        lines += [f"- {line}" for line in misses[:10]]
    lines += ["", f"Report query at {leads:,} leads, plan:", "", "```", results.report_full.plan, "```"]
    return "\n".join(lines)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
