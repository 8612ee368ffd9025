"""The measurements: intake through the service against raw inserts, phone lookup against a raw
indexed SELECT, repeat detection against the generator's truth, and the yearly report query.

Every figure comes with its baseline measured in the same process on the same database, so the
ratios stay meaningful on a slower or faster machine.
"""

from __future__ import annotations

import cProfile
import io
import math
import pstats
import random
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, text

from app.domain.enums import LeadState
from app.persistence.models import Lead
from app.persistence.types import UTCDateTime
from app.persistence.uow import Database
from app.services.dto import LeadDTO
from app.services.intake import IntakeOutcome, IntakeResult, register_lead, register_leads
from app.services.lookup import match_phone
from bench.data import PHONE_STYLES, FreshLead, Ledger, World, e164, format_phone

BATCH = 500

LEADS_TABLE = cast(Table, Lead.__table__)


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (``share`` 0.5 = median, 0.99 = p99)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


# ------------------------------------------------------------------------------- correctness


@dataclass
class Tally:
    """Repeat detection checked against the generator's truth."""

    checked: int = 0
    expected_repeats: int = 0
    expected_new: int = 0
    missed_repeats: int = 0  # a known contact, but not a repeat or linked to the wrong client
    false_merges: int = 0  # an unknown contact marked repeat or linked to a client
    wrong_normalization: int = 0  # the stored E.164 phone or e-mail differs from the truth
    not_created: int = 0
    examples: list[str] = field(default_factory=list)
    # category ("known_client", "earlier_lead", "new") -> [checked, wrong]
    by_category: dict[str, list[int]] = field(default_factory=dict)

    def add(self, other: Tally) -> None:
        """Sum another tally into this one."""
        self.checked += other.checked
        self.expected_repeats += other.expected_repeats
        self.expected_new += other.expected_new
        self.missed_repeats += other.missed_repeats
        self.false_merges += other.false_merges
        self.wrong_normalization += other.wrong_normalization
        self.not_created += other.not_created
        for category, (checked, wrong) in other.by_category.items():
            mine = self.by_category.setdefault(category, [0, 0])
            mine[0] += checked
            mine[1] += wrong
        self.examples.extend(other.examples[: max(0, 10 - len(self.examples))])

    def check(self, fresh: FreshLead, result: IntakeResult) -> None:
        """Compare one intake result with what the generator knows."""
        self.checked += 1
        expected = fresh.expected
        category = self.by_category.setdefault(expected.category, [0, 0])
        category[0] += 1
        wrong_before = self._wrong()
        self._check(fresh, result)
        if self._wrong() > wrong_before:
            category[1] += 1

    def _wrong(self) -> int:
        return self.missed_repeats + self.false_merges + self.wrong_normalization + self.not_created

    def _check(self, fresh: FreshLead, result: IntakeResult) -> None:
        expected = fresh.expected
        if result.outcome is not IntakeOutcome.CREATED or result.lead is None:
            self.not_created += 1
            self._example(f"{fresh.item.external_id}: outcome {result.outcome}")
            return
        lead = result.lead
        if lead.phone != expected.phone or lead.email != expected.email:
            self.wrong_normalization += 1
            self._example(
                f"{fresh.item.external_id}: {fresh.item.phone!r}/{fresh.item.email!r} stored as "
                f"{lead.phone!r}/{lead.email!r}, expected {expected.phone!r}/{expected.email!r}"
            )
        if expected.state is LeadState.REPEAT:
            self.expected_repeats += 1
            if lead.state is not LeadState.REPEAT or lead.client_id != expected.client_id:
                self.missed_repeats += 1
                self._example(
                    f"{fresh.item.external_id} ({expected.category}, {fresh.item.phone!r}): state "
                    f"{lead.state}, client {lead.client_id}; expected repeat of client {expected.client_id}"
                )
        else:
            self.expected_new += 1
            if lead.state is not LeadState.NEW or lead.client_id is not None:
                self.false_merges += 1
                self._example(
                    f"{fresh.item.external_id} ({fresh.item.phone!r}): state {lead.state}, "
                    f"client {lead.client_id}; expected a new lead"
                )

    def _example(self, line: str) -> None:
        if len(self.examples) < 10:
            self.examples.append(line)


# ----------------------------------------------------------------------------------- intake


@dataclass
class IntakeFigures:
    """Intake at one database size, with its raw-insert baselines."""

    label: str
    lead_count_before: int
    batched_leads: int = 0
    batched_seconds: float = 0.0
    raw_batched_seconds: float = 0.0
    single_latencies: list[float] = field(default_factory=list)
    raw_single_latencies: list[float] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)

    @property
    def batched_rate(self) -> float:
        """Leads per second through ``register_leads``, one unit of work per batch."""
        return self.batched_leads / self.batched_seconds

    @property
    def raw_batched_rate(self) -> float:
        """Leads per second of the raw Core executemany of the same rows."""
        return self.batched_leads / self.raw_batched_seconds

    @property
    def single_rate(self) -> float:
        """Leads per second through ``register_lead``, one unit of work each."""
        return len(self.single_latencies) / sum(self.single_latencies)

    @property
    def raw_single_rate(self) -> float:
        """Leads per second of one raw insert per transaction."""
        return len(self.raw_single_latencies) / sum(self.raw_single_latencies)


def _raw_row(lead: LeadDTO, suffix: str, now: datetime) -> dict[str, Any]:
    """The row intake wrote, for the raw baseline (a different external id keeps it unique)."""
    return {
        "channel_id": lead.channel_id,
        "kind": lead.kind.value,
        "external_id": f"{lead.external_id}{suffix}",
        "received_at": lead.received_at,
        "contact_name": lead.contact_name,
        "raw_contact": lead.raw_contact,
        "phone": lead.phone,
        "email": lead.email,
        "messenger_user": lead.messenger_user,
        "subject": lead.subject,
        "message": lead.message,
        "ad_source": lead.ad_source,
        "extra": None,
        "client_id": lead.client_id,
        "contact_person_id": lead.contact_person_id,
        "repeat_of_lead_id": lead.repeat_of_lead_id,
        "responsible_user_id": lead.responsible_user_id,
        "responsible_role_id": lead.responsible_role_id,
        "state": lead.state.value,
        "quality": lead.quality.value,
        "sla_due_at": lead.sla_due_at,
        "created_by_id": None,
        "updated_at": now,
        "version": 1,
    }


class _Profiler:
    """cProfile switched on only around the measured calls; written out at the end."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.profile = cProfile.Profile() if path is not None else None

    @contextmanager
    def active(self) -> Iterator[None]:
        if self.profile is None:
            yield
            return
        self.profile.enable()
        try:
            yield
        finally:
            self.profile.disable()

    def write(self) -> None:
        if self.profile is None or self.path is None:
            return
        out = io.StringIO()
        stats = pstats.Stats(self.profile, stream=out)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
        self.path.write_text(out.getvalue(), encoding="utf-8")


def count_leads(db: Database) -> int:
    """How many leads the database holds."""
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Lead)) or 0)


class IntakeRunner:
    """Intake on one database, in rounds, so two databases can be measured turn about.

    Machines drift (a shared CPU, the kernel's writeback): measuring the empty database and the
    full one in alternating rounds lets the drift fall on both alike, so their ratio holds.
    """

    def __init__(
        self, db: Database, world: World, ledger: Ledger, label: str, profile_dir: Path | None = None
    ) -> None:
        self.db = db
        self.world = world
        self.ledger = ledger
        self.figures = IntakeFigures(label=label, lead_count_before=count_leads(db))
        def path(kind: str) -> Path | None:
            return profile_dir / f"profile-{label}-{kind}.txt" if profile_dir else None

        self._batched_profile = _Profiler(path("batched"))
        self._single_profile = _Profiler(path("single"))

    def warm_up(self) -> None:
        """Statement caches, the connection pool, the page cache: checked, not timed."""
        warm = self.world.fresh_leads(100, self.ledger)
        created: list[LeadDTO] = []
        with self.db.uow() as uow:
            for fresh, result in zip(warm, register_leads(uow, [f.item for f in warm]), strict=True):
                self.figures.tally.check(fresh, result)
                if result.lead is not None:
                    created.append(result.lead)
        for fresh in self.world.fresh_leads(20, self.ledger):
            with self.db.uow() as uow:
                self.figures.tally.check(fresh, register_lead(uow, fresh.item))
        now = datetime.now(UTC)
        with self.db.engine.begin() as conn:
            conn.execute(insert(LEADS_TABLE), [_raw_row(lead, ":warm", now) for lead in created])

    def batched(self, count: int) -> list[LeadDTO]:
        """``register_leads``, one unit of work per batch of 500, as mail sync and imports do."""
        leads = self.world.fresh_leads(count, self.ledger)
        batches = [leads[start : start + BATCH] for start in range(0, len(leads), BATCH)]
        results: list[list[IntakeResult]] = []
        with self._batched_profile.active():
            started = time.perf_counter()
            for chunk in batches:
                with self.db.uow() as uow:
                    results.append(register_leads(uow, [f.item for f in chunk]))
            self.figures.batched_seconds += time.perf_counter() - started
        self.figures.batched_leads += len(leads)
        created: list[LeadDTO] = []
        for chunk, chunk_results in zip(batches, results, strict=True):
            for fresh, result in zip(chunk, chunk_results, strict=True):
                self.figures.tally.check(fresh, result)
                if result.lead is not None:
                    created.append(result.lead)
        return created

    def raw_batched(self, created: Sequence[LeadDTO]) -> None:
        """Baseline: the same rows, Core executemany into leads, one transaction per 500."""
        now = datetime.now(UTC)
        rows = [_raw_row(lead, ":raw", now) for lead in created]
        started = time.perf_counter()
        for start in range(0, len(rows), BATCH):
            with self.db.engine.begin() as conn:
                conn.execute(insert(LEADS_TABLE), rows[start : start + BATCH])
        self.figures.raw_batched_seconds += time.perf_counter() - started

    def single(self, count: int) -> list[LeadDTO]:
        """``register_lead``, one unit of work per lead, as a ringing call does."""
        created: list[LeadDTO] = []
        for fresh in self.world.fresh_leads(count, self.ledger):
            with self._single_profile.active():
                started = time.perf_counter()
                with self.db.uow() as uow:
                    result = register_lead(uow, fresh.item)
                self.figures.single_latencies.append(time.perf_counter() - started)
            self.figures.tally.check(fresh, result)
            if result.lead is not None:
                created.append(result.lead)
        return created

    def raw_single(self, created: Sequence[LeadDTO]) -> None:
        """Baseline: the same rows, one Core insert per transaction."""
        now = datetime.now(UTC)
        for lead in created:
            row = _raw_row(lead, ":raw", now)
            started = time.perf_counter()
            with self.db.engine.begin() as conn:
                conn.execute(insert(LEADS_TABLE), row)
            self.figures.raw_single_latencies.append(time.perf_counter() - started)

    def finish(self) -> IntakeFigures:
        """Write the profiles, if any, and hand over the figures."""
        self._batched_profile.write()
        self._single_profile.write()
        return self.figures


def measure_intake(
    runners: Sequence[IntakeRunner],
    batched: int,
    single: int,
    rounds: int = 8,
    progress: Callable[[str], None] = print,
) -> list[IntakeFigures]:
    """Batched, then single-lead intake on every database, turn about in ``rounds`` rounds."""
    for runner in runners:
        runner.warm_up()
    progress(f"  batched intake: {batched:,} leads per database in {rounds} rounds")
    for number in range(rounds):
        share = batched // rounds + (1 if number < batched % rounds else 0)
        order = runners if number % 2 == 0 else list(reversed(runners))
        for runner in order:
            runner.raw_batched(runner.batched(share))
    progress(f"  single-lead intake: {single:,} leads per database in {rounds} rounds")
    for number in range(rounds):
        share = single // rounds + (1 if number < single % rounds else 0)
        order = runners if number % 2 == 0 else list(reversed(runners))
        for runner in order:
            runner.raw_single(runner.single(share))
    return [runner.finish() for runner in runners]


# ----------------------------------------------------------------------------------- lookup

_RAW_LOOKUP = text(
    "SELECT client_id, contact_person_id FROM contact_points WHERE kind = 'phone' AND value = :value"
)


@dataclass
class LookupFigures:
    """Phone lookup by a differently written number, against the raw indexed SELECT."""

    latencies: list[float] = field(default_factory=list)
    raw_latencies: list[float] = field(default_factory=list)
    hits: int = 0
    raw_hits: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)


def measure_lookup(
    dbs: Sequence[Database], world: World, count: int, rng: random.Random
) -> list[LookupFigures]:
    """``match_phone`` for random known contacts, each written in a format other than the stored
    one, on every database turn about; the raw indexed SELECT by the normalized value right after."""
    figures = [LookupFigures() for _ in dbs]
    sample = rng.sample(world.known_phones, min(count, len(world.known_phones)))
    sessions = [db.session_factory() for db in dbs]
    try:
        for session in sessions:
            # Warm-up: statement cache and the first pages of the indexes.
            for national in sample[:50]:
                match_phone(session, format_phone(national, 0))
                session.execute(_RAW_LOOKUP, {"value": e164(national)}).all()
        for number, national in enumerate(sample):
            owner = world.phone_owner[national]
            style = rng.choice([s for s in range(len(PHONE_STYLES)) if s != owner.style])
            raw = format_phone(national, style)
            order = range(len(dbs)) if number % 2 == 0 else range(len(dbs) - 1, -1, -1)
            for index in order:
                session, figure = sessions[index], figures[index]
                started = time.perf_counter()
                match = match_phone(session, raw)
                figure.latencies.append(time.perf_counter() - started)
                started = time.perf_counter()
                rows = session.execute(_RAW_LOOKUP, {"value": e164(national)}).all()
                figure.raw_latencies.append(time.perf_counter() - started)
                figure.total += 1
                if match is not None and match.client_ids and match.client_ids[0] == owner.client_id:
                    figure.hits += 1
                elif len(figure.misses) < 10:
                    figure.misses.append(f"{raw!r} → {match}; expected client {owner.client_id}")
                if rows and rows[0][0] == owner.client_id:
                    figure.raw_hits += 1
    finally:
        for session in sessions:
            session.rollback()
            session.close()
    return figures


# --------------------------------------------------------------------------------- report query


@dataclass
class ReportFigures:
    """"Leads by state × channel kind for a year": the time and what it counted."""

    timings: list[float] = field(default_factory=list)
    rows: list[tuple[str, str, int]] = field(default_factory=list)
    plan: str = ""

    @property
    def median_ms(self) -> float:
        """Median of the runs, in milliseconds."""
        return statistics.median(self.timings) * 1000


REPORT_SQL = (
    "SELECT state, kind, count(*) FROM leads WHERE received_at >= :since "
    "GROUP BY state, kind ORDER BY state, kind"
)


def measure_report(db: Database, runs: int = 5) -> ReportFigures:
    """GROUP BY state, kind over received_at in the last year; median of ``runs``."""
    figures = ReportFigures()
    since = datetime.now(UTC) - timedelta(days=365)
    statement = (
        select(Lead.state, Lead.kind, func.count())
        .where(Lead.received_at >= since)
        .group_by(Lead.state, Lead.kind)
        .order_by(Lead.state, Lead.kind)
    )
    with db.session() as session:
        for _ in range(runs):
            started = time.perf_counter()
            rows = session.execute(statement).all()
            figures.timings.append(time.perf_counter() - started)
        figures.rows = [(str(state), str(kind), int(count)) for state, kind, count in rows]
        prefix = "EXPLAIN QUERY PLAN " if db.dialect == "sqlite" else "EXPLAIN "
        explain = text(prefix + REPORT_SQL).bindparams(bindparam("since", type_=UTCDateTime()))
        plan = session.execute(explain, {"since": since}).all()
        figures.plan = "\n".join(" | ".join(str(part) for part in row) for row in plan)
    return figures
