"""``make bench``: the web-form intake endpoint, accepted submissions/s and p50/p99 latency.

    python -m bench.endpoint                     # SQLite (fresh file in bench/out/) and a private
                                                 # PostgreSQL server (tests/pg.py, fsync ON)
    python -m bench.endpoint --engines sqlite
    python -m bench.endpoint --pg-url postgresql+psycopg://user@host/inflow_bench --reset

For each engine: a fresh database with a web-form channel and some earlier leads; the baseline
is the bare intake service (``register_lead``, one unit of work per lead) called in a loop in
this process; then ``inflow serve`` runs as its own process (rate limits off, no channel sync)
and an aiohttp client posts JSON submissions over real HTTP, up to ``--concurrency`` (32) in
flight: first as fast as they are answered (the most it takes, with the latency that queueing
behind 32 clients gives), then paced at 500/s (the latency a site's visitors see at the target
rate, counted from when each submission was due). Every answer must be 201; the leads are
counted afterwards. Targets: ≥ 500 accepted submissions/s, and p99 ≤ 50 ms at 500/s. The table
goes to stdout and ``bench/out/endpoint.md``; exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from sqlalchemy import func, select

from app.persistence.models import Lead
from app.persistence.uow import Database, open_database
from app.services.admin import ChannelSpec, create_channel
from app.services.intake import LeadInput, register_lead, register_leads
from app.services.permissions import Actor
from bench.machine import CpuWatch, describe_machine
from bench.measure import percentile
from bench.run import prepare_fresh

OUT = Path(__file__).resolve().parent / "out"
REPO = Path(__file__).resolve().parent.parent
TARGET_RATE = 500.0
TARGET_P99_MS = 50.0
LISTENING = re.compile(r"^Listening on http://(\S+)$")


@dataclass(frozen=True, slots=True)
class Figures:
    """One engine's measurements."""

    engine: str
    baseline_rate: float
    baseline_p50_ms: float
    baseline_p99_ms: float
    rate: float
    p50_ms: float
    p99_ms: float
    paced_rate: float
    paced_p50_ms: float
    paced_p99_ms: float
    accepted: int
    leads_stored: int
    serve_cpu_ms: float  # CPU time of the serve process per accepted submission

    @property
    def capacity(self) -> float:
        """Submissions/s one fully available core would take at that CPU cost."""
        return 1000.0 / self.serve_cpu_ms if self.serve_cpu_ms > 0 else float("nan")

    @property
    def met(self) -> bool:
        """Whether the targets are met (and nothing was lost)."""
        return (
            self.rate >= TARGET_RATE
            and self.paced_p99_ms <= TARGET_P99_MS
            and self.leads_stored == self.accepted
        )


def log(message: str) -> None:
    """Progress on stderr."""
    sys.stderr.write(f"[endpoint] {message}\n")
    sys.stderr.flush()


def prepare(db: Database, earlier: int) -> tuple[int, str]:
    """A web-form channel, its token, and ``earlier`` leads already taken in."""
    with db.uow() as uow:
        created = create_channel(
            uow, Actor.system(), ChannelSpec(kind="request", name="Сайт (бенчмарк)", web_form=True)
        )
    assert created.token is not None
    channel_id = created.channel.id
    for first in range(0, earlier, 500):
        with db.uow() as uow:
            register_leads(
                uow,
                [
                    LeadInput(channel_id, f"earlier-{n}", phone=f"+7903{n:07d}", contact_name=f"Клиент {n}")
                    for n in range(first, min(first + 500, earlier))
                ],
            )
    return channel_id, created.token


def baseline(db: Database, channel_id: int, count: int) -> tuple[float, list[float]]:
    """The bare intake service in a loop: (leads/s, seconds per lead)."""
    times: list[float] = []
    started = time.perf_counter()
    for n in range(count):
        t0 = time.perf_counter()
        with db.uow() as uow:
            register_lead(uow, LeadInput(channel_id, f"base-{n}", phone=f"+7905{n:07d}", contact_name="Иван"))
        times.append(time.perf_counter() - t0)
    return count / (time.perf_counter() - started), times


class ServeProcess:
    """``inflow serve`` on a free port, without rate limits or channel sync."""

    def __init__(self, url: str) -> None:
        env = dict(os.environ)
        env.pop("INFLOW_DATABASE_URL", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app", "--database", url, "serve", "--listen", "127.0.0.1:0",
             "--rate-token", "0", "--rate-ip", "0", "--no-sync"],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        match = LISTENING.match(line)
        if match is None:
            self.process.kill()
            raise SystemExit(f"inflow serve did not start (said {line!r})")
        self.url = f"http://{match.group(1)}/api/v1/requests"

    def cpu_seconds(self) -> float:
        """User + system CPU time the process (all its threads) used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> int:
        """SIGTERM and wait; the exit status."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(60)


async def load(
    url: str, token: str, prefix: str, count: int, concurrency: int, pace: float | None = None
) -> tuple[float, list[float], int]:
    """Post ``count`` submissions with up to ``concurrency`` in flight: (accepted/s, latencies, accepted).

    Without ``pace`` each of the ``concurrency`` clients sends the next submission as soon as the
    last is answered (the most the endpoint takes). With ``pace`` (submissions/s) submission n is
    due at start + n / pace, whatever the answers do (a site's visitors do not wait for each
    other), and its latency counts from when it was due — a late send counts against the
    endpoint (no coordinated omission).
    """
    latencies: list[float] = []
    accepted = 0
    failures: dict[int, int] = {}
    queue = iter(range(count))
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(
        connector=connector, headers={"Authorization": f"Bearer {token}"}
    ) as session:

        async def worker() -> None:
            nonlocal accepted
            for n in queue:
                body = {
                    "name": f"Посетитель {n}",
                    "phone": f"8 (916) {n // 10000 % 1000:03d}-{n // 100 % 100:02d}-{n % 100:02d}",
                    "message": "Перезвоните, пожалуйста",
                    "submission_id": f"{prefix}-{n}",
                    "utm_source": "yandex",
                    "utm_campaign": "bench",
                }
                t0 = time.perf_counter()
                if pace is not None:
                    due = started + n / pace
                    if due > t0:
                        await asyncio.sleep(due - t0)
                    t0 = due
                async with session.post(url, json=body) as answer:
                    await answer.read()
                    status = answer.status
                latencies.append(time.perf_counter() - t0)
                if status == 201:
                    accepted += 1
                else:
                    failures[status] = failures.get(status, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - started
    if failures:
        raise SystemExit(f"not every submission was accepted: {failures}")
    return accepted / wall, latencies, accepted


def measure_engine(engine: str, url: str, args: argparse.Namespace) -> Figures:
    """Baseline and endpoint on one fresh database."""
    db = open_database(url)
    try:
        log(f"{engine}: preparing ({args.earlier} earlier leads)")
        channel_id, token = prepare(db, args.earlier)
        log(f"{engine}: baseline, {args.baseline} leads through register_lead")
        base_rate, base_times = baseline(db, channel_id, args.baseline)
        serve = ServeProcess(url)
        # The client's own full garbage collections (this process holds the app's ~100k objects
        # after the baseline) would pause it mid-measurement and count as endpoint latency.
        gc.collect()
        gc.freeze()
        try:
            log(f"{engine}: warm-up, {args.warmup} submissions")
            asyncio.run(load(serve.url, token, "warm", args.warmup, args.concurrency))
            log(f"{engine}: {args.submissions} submissions, {args.concurrency} in flight")
            cpu_before = serve.cpu_seconds()
            rate, latencies, accepted = asyncio.run(
                load(serve.url, token, "run", args.submissions, args.concurrency)
            )
            serve_cpu = serve.cpu_seconds() - cpu_before
            log(f"{engine}: {args.submissions} submissions paced at {TARGET_RATE:.0f}/s")
            paced_rate, paced_latencies, paced_accepted = asyncio.run(
                load(serve.url, token, "paced", args.submissions, args.concurrency, pace=TARGET_RATE)
            )
        finally:
            status = serve.stop()
        if status != 0:
            raise SystemExit(f"inflow serve exited with status {status}")
        with db.session() as session:
            stored = int(
                session.scalar(
                    select(func.count())
                    .select_from(Lead)
                    .where(Lead.external_id.like("run-%") | Lead.external_id.like("paced-%"))
                )
                or 0
            )
    finally:
        db.dispose()
    return Figures(
        engine=engine,
        baseline_rate=base_rate,
        baseline_p50_ms=statistics.median(base_times) * 1000,
        baseline_p99_ms=percentile(base_times, 0.99) * 1000,
        rate=rate,
        p50_ms=statistics.median(latencies) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
        paced_rate=paced_rate,
        paced_p50_ms=statistics.median(paced_latencies) * 1000,
        paced_p99_ms=percentile(paced_latencies, 0.99) * 1000,
        accepted=accepted + paced_accepted,
        leads_stored=stored,
        serve_cpu_ms=serve_cpu / max(accepted, 1) * 1000,
    )


def render(figures: list[Figures], args: argparse.Namespace, machine: list[tuple[str, str]], cpu: str) -> str:
    """The Markdown table with the machine."""
    lines = [
        f"### Web-form endpoint ({args.submissions} submissions, {args.concurrency} in flight, "
        f"{args.earlier} earlier leads)",
        "",
        "| engine | most accepted/s (p50 / p99 ms) | at 500/s: p50 / p99 ms | bare intake leads/s "
        "(p50 / p99 ms) | endpoint ÷ bare | serve CPU ms/submission (≈ /s per free core) | stored | target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        lines.append(
            f"| {f.engine} | {f.rate:.0f} ({f.p50_ms:.1f} / {f.p99_ms:.1f}) | "
            f"{f.paced_p50_ms:.1f} / {f.paced_p99_ms:.1f} | "
            f"{f.baseline_rate:.0f} ({f.baseline_p50_ms:.1f} / {f.baseline_p99_ms:.1f}) | "
            f"{f.rate / f.baseline_rate:.2f}× | {f.serve_cpu_ms:.2f} (≈ {f.capacity:.0f}) | "
            f"{f.leads_stored}/{f.accepted} | "
            f"{'met' if f.met else 'MISSED'} (≥ {TARGET_RATE:.0f}/s; p99 ≤ {TARGET_P99_MS:.0f} ms at "
            f"{TARGET_RATE:.0f}/s) |"
        )
    lines += ["", *(f"- {name}: {value}" for name, value in machine), f"- {cpu}", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the measurement; 0 when every target is met."""
    parser = argparse.ArgumentParser(prog="python -m bench.endpoint", description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgresql", help="sqlite, postgresql or both")
    parser.add_argument(
        "--pg-url", metavar="URL", help="an existing PostgreSQL database (default: a private server)"
    )
    parser.add_argument("--reset", action="store_true", help="wipe --pg-url's database first")
    parser.add_argument("--submissions", type=int, default=5000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--baseline", type=int, default=1000, help="leads through the bare service (1,000)")
    parser.add_argument("--earlier", type=int, default=10_000, help="leads already in the database (10,000)")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    figures: list[Figures] = []
    machine: list[tuple[str, str]] = []
    cpu = CpuWatch()
    if "sqlite" in engines:
        url = f"sqlite:///{OUT / 'endpoint.db'}"
        prepare_fresh(url, True)
        figures.append(measure_engine("SQLite", url, args))
        machine = describe_machine()
    if "postgresql" in engines:
        server = None
        if args.pg_url:
            prepare_fresh(args.pg_url, args.reset)
            url = args.pg_url
        else:
            import tests.pg as pg

            # A durable server for a fair figure: the tests' server runs with fsync off.
            pg.SERVER_SETTINGS = "-c listen_addresses=127.0.0.1 -c max_connections=200"
            server = pg.PgServer.start()
            url = server.create_database("inflow_bench_endpoint")
        try:
            figures.append(measure_engine("PostgreSQL", url, args))
            db = open_database(url)
            try:
                machine = describe_machine(db)
            finally:
                db.dispose()
        finally:
            if server is not None:
                server.stop()
    report = render(figures, args, machine, cpu.summary())
    sys.stdout.write(report + "\n")
    (OUT / "endpoint.md").write_text(report + "\n", encoding="utf-8")
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
