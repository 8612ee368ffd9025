"""My Sales for a dispatcher with 100,000 unprocessed leads: first paint, scrolling, resident memory.

    python -m bench.ui_board                     # 100,000 open + 200,000 closed leads, scratch SQLite
    python -m bench.ui_board --open 20000 --closed 0 --keep /tmp/board.db

The scratch database is bulk-filled (raw inserts, not intake: this measures the board, not intake)
in this process; the measurement runs in a fresh child process, so its resident memory is the
desktop's own and not the filler's. The child builds the desktop context the way the application
does, then times:

- first paint: from ``MySalesWorkspace(context)`` to the end of the first paint of the Inquiries
  column with cards in it (the workspace shown at 1600×900; offscreen unless QT_QPA_PLATFORM says
  otherwise);
- scrolling: the column scrolled to its end page after page (lazy ``fetchMore``), the time each
  page takes to arrive and the longest the GUI thread was blocked meanwhile;
- resident memory (VmRSS) after the first paint and after 10,000 and all cards are loaded.

``--gc-freeze`` first moves the start-up heap out of the garbage collector's reach (what an
application can do once started): the longest GUI pause while scrolling is then no longer a full
collection walking every module and Qt wrapper.

Targets (issue 3): first paint ≤ 300 ms, scrolling without stalls, resident memory ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("call", "email", "dialog", "request")


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux /proc; ru_maxrss elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------------------------------- fill


def fill(path: Path, open_leads: int, closed_leads: int, interests: int) -> None:
    """A scratch database: a dispatcher, channels of every kind pooled to the dispatcher role, leads."""
    from sqlalchemy import insert, select

    from app.persistence.models import Channel, Client, Interest, Lead, Role, Stage
    from app.persistence.uow import open_database
    from app.services.admin import create_user
    from app.services.permissions import Actor

    started = time.perf_counter()
    db = open_database(f"sqlite:///{path}")
    try:
        with db.uow() as uow:
            session = uow.session
            create_user(uow, Actor.system(), "dispatcher", "Дина Диспетчер", ["dispatcher"], password="bench")
            role_id = session.scalar(select(Role.id).where(Role.code == "dispatcher"))
            channels: list[tuple[int, str]] = []
            for kind in KINDS:
                channel = Channel(
                    name=f"Bench {kind}",
                    kind=kind,
                    rule="pool",
                    responsible_role_id=role_id,
                    settings={},
                    sla_minutes=60,
                )
                session.add(channel)
                session.flush()
                channels.append((channel.id, kind))
        now = datetime.now(UTC)
        total = open_leads + closed_leads
        start = now - timedelta(days=365)
        step = (now - start) / max(1, total)
        with db.uow() as uow:
            rows: list[dict[str, Any]] = []
            # Closed leads first (the older part of the year), then the unprocessed ones.
            for n in range(total):
                channel_id, kind = channels[n % len(channels)]
                is_open = n >= closed_leads
                received = start + step * n
                rows.append(
                    {
                        "channel_id": channel_id,
                        "kind": kind,
                        "external_id": f"bench-{n}",
                        "received_at": received,
                        "contact_name": f"Контакт {n}",
                        "raw_contact": f"+7 916 {n % 10_000_000:07d}",
                        "phone": f"+7916{n % 10_000_000:07d}",
                        "subject": f"Заявка №{n}: нужна консультация по доставке",
                        "state": "new" if is_open else ("converted" if n % 3 else "rejected"),
                        "quality": "unchecked",
                        "responsible_role_id": role_id,
                        "sla_due_at": received + timedelta(minutes=60),
                        "updated_at": received,
                        "version": 1,
                    }
                )
                if len(rows) == 20_000:
                    uow.session.execute(insert(Lead), rows)
                    rows = []
            if rows:
                uow.session.execute(insert(Lead), rows)
        with db.uow() as uow:
            session = uow.session
            stage_ids = list(session.scalars(select(Stage.id).order_by(Stage.position)))
            client_rows = [
                {"kind": "person", "name": f"Клиент {n}", "name_lower": f"клиент {n}"}
                for n in range(interests)
            ]
            session.execute(insert(Client), client_rows)
            client_ids = list(session.scalars(select(Client.id).order_by(Client.id)))
            session.execute(
                insert(Interest),
                [
                    {
                        "client_id": client_ids[n],
                        "pipeline_id": 1,
                        "stage_id": stage_ids[n % 4],  # the open stages
                        "title": f"Сделка {n}",
                        "amount": Decimal(10_000 + n),
                        "created_at": now - timedelta(minutes=n),
                        "version": 1,
                    }
                    for n in range(interests)
                ],
            )
    finally:
        db.dispose()
    print(f"filled {path} in {time.perf_counter() - started:.1f} s", file=sys.stderr)


# ---------------------------------------------------------------------------------------- measure


def measure(path: Path, scope: str, gc_freeze: bool) -> dict[str, Any]:
    """Run the workspace in this (fresh) process and time it."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtGui import QPaintEvent
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])

    from app.persistence.uow import open_database
    from app.services.catalogs import users
    from app.services.permissions import load_actor
    from ui.context import AppContext
    from ui.live_updates import ChangeWatcher
    from ui.my_sales import workspace as workspace_module
    from ui.tasks import TaskRunner

    marks: dict[str, float] = {}

    class TimedInquiryView(workspace_module.InquiryColumnView):  # type: ignore[misc, valid-type]
        """The real column, noting when its first paint with cards has finished."""

        def paintEvent(self, event: QPaintEvent) -> None:
            super().paintEvent(event)
            if "first_paint" not in marks and self.model().rowCount() > 0:
                marks["first_paint"] = time.perf_counter()

    workspace_module.InquiryColumnView = TimedInquiryView  # type: ignore[misc]

    db = open_database(f"sqlite:///{path}", upgrade=False)
    with db.session() as session:
        user = next(u for u in users(session) if u.login == "dispatcher")
        actor = load_actor(session, user.id)
    tasks = TaskRunner()
    watcher = ChangeWatcher(db)
    watcher.start()
    context = AppContext(db=db, actor=actor, user=user, tasks=tasks, watcher=watcher)
    if gc_freeze:
        # What an application may do once started: move the start-up heap (modules, Qt wrappers,
        # SQLAlchemy's mappers) out of the collector's way, so full collections stay short.
        import gc

        gc.collect()
        gc.freeze()
    baseline = rss_mb()

    def wait(condition: Any, timeout: float = 60.0) -> None:
        deadline = time.perf_counter() + timeout
        while not condition():
            if time.perf_counter() > deadline:
                raise TimeoutError("the board did not get there in time")
            app.processEvents()
            time.sleep(0.0005)

    started = time.perf_counter()
    workspace = workspace_module.MySalesWorkspace(context)
    if scope != "my_roles":
        workspace.set_scope(scope)  # type: ignore[arg-type]
    workspace.resize(1600, 900)
    workspace.show()
    wait(lambda: "first_paint" in marks)
    first_paint_ms = (marks["first_paint"] - started) * 1000
    wait(lambda: workspace.model.total is not None and not workspace._stages_busy)
    counted_ms = (time.perf_counter() - started) * 1000
    rss_first = rss_mb()

    # Scrolling: to the end of the column again and again; each time the view asks for a page.
    view = workspace.inquiry_view
    model = workspace.model
    gaps: list[float] = []
    ticker = QElapsedTimer()
    ticker.start()
    last = [0]

    def tick() -> None:
        now = ticker.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    heartbeat = QTimer()
    heartbeat.setInterval(5)
    heartbeat.timeout.connect(tick)
    heartbeat.start()
    page_ms: list[float] = []
    rss_10k = None
    scroll_started = time.perf_counter()
    while not model.exhausted:
        rows = model.rowCount()
        asked = time.perf_counter()
        view.scrollToBottom()
        view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
        wait(lambda rows=rows: model.rowCount() > rows or model.exhausted)
        page_ms.append((time.perf_counter() - asked) * 1000)
        wait(lambda: not model.busy)
        if rss_10k is None and model.rowCount() >= 10_000:
            rss_10k = rss_mb()
    scroll_s = time.perf_counter() - scroll_started
    heartbeat.stop()
    loaded = model.rowCount()
    rss_all = rss_mb()

    # A change by "another desk" with everything loaded: the refresh by difference.
    refresh_started = time.perf_counter()
    workspace.refresh()
    wait(lambda: not model.busy and not workspace._stages_busy)
    refresh_ms = (time.perf_counter() - refresh_started) * 1000

    workspace.close()
    watcher.stop()
    tasks.wait()
    db.dispose()
    return {
        "scope": scope,
        "gc_freeze": gc_freeze,
        "total": model.total,
        "first_paint_ms": round(first_paint_ms, 1),
        "counted_ms": round(counted_ms, 1),
        "page_ms_median": round(statistics.median(page_ms), 1) if page_ms else None,
        "page_ms_p95": round(sorted(page_ms)[int(len(page_ms) * 0.95) - 1], 1) if page_ms else None,
        "page_ms_max": round(max(page_ms), 1) if page_ms else None,
        "pages": len(page_ms),
        "loaded": loaded,
        "scroll_all_s": round(scroll_s, 1),
        "longest_gui_gap_ms": max(gaps) if gaps else None,
        "refresh_all_loaded_ms": round(refresh_ms, 1),
        "rss_baseline_mb": round(baseline, 1),
        "rss_first_paint_mb": round(rss_first, 1),
        "rss_10k_loaded_mb": round(rss_10k, 1) if rss_10k is not None else None,
        "rss_all_loaded_mb": round(rss_all, 1),
    }


def report(figures: dict[str, Any]) -> str:
    """The figures as a short table."""
    lines = [
        f"My Sales, dispatcher, scope {figures['scope']}: {figures['total']:,} unprocessed leads"
        + (" (start-up heap gc.freeze()d)" if figures["gc_freeze"] else ""),
        f"  first paint (workspace created → first page painted)  {figures['first_paint_ms']:8.1f} ms"
        "   target ≤ 300 ms",
        f"  column count and stages read                          {figures['counted_ms']:8.1f} ms",
        f"  page of 200 on scroll: median / p95 / max             {figures['page_ms_median']} / "
        f"{figures['page_ms_p95']} / {figures['page_ms_max']} ms ({figures['pages']} pages)",
        f"  longest GUI-thread gap while scrolling                {figures['longest_gui_gap_ms']} ms",
        f"  all {figures['loaded']:,} cards loaded by scrolling in          {figures['scroll_all_s']} s",
        f"  refresh by difference with all cards loaded           {figures['refresh_all_loaded_ms']} ms",
        f"  resident memory: start {figures['rss_baseline_mb']} MB, "
        f"first paint {figures['rss_first_paint_mb']} MB (target ≤ 300 MB),",
        f"    10,000 cards loaded {figures['rss_10k_loaded_mb']} MB, "
        f"all cards {figures['rss_all_loaded_mb']} MB",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--open", type=int, default=100_000, help="unprocessed leads (default 100,000)")
    parser.add_argument("--closed", type=int, default=200_000, help="processed leads (default 200,000)")
    parser.add_argument("--interests", type=int, default=2_000, help="interests on the stages")
    parser.add_argument("--scope", choices=("mine", "my_roles", "all"), default="my_roles")
    parser.add_argument("--keep", type=Path, help="the scratch database file (reused when it exists)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--gc-freeze", action="store_true", help="gc.freeze() the start-up heap first (see the docstring)"
    )
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args(argv)

    if args.measure is not None:
        print(json.dumps(measure(args.measure, args.scope, args.gc_freeze)))
        return 0

    with tempfile.TemporaryDirectory(prefix="inflow-board-") as scratch:
        path = args.keep or Path(scratch) / "board.db"
        if not path.exists():
            fill(path, args.open, args.closed, args.interests)
        child = subprocess.run(
            [sys.executable, "-m", "bench.ui_board", "--measure", str(path), "--scope", args.scope]
            + (["--gc-freeze"] if args.gc_freeze else []),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode != 0:
            print(child.stderr, file=sys.stderr)
            return child.returncode
        figures = json.loads(child.stdout.strip().splitlines()[-1])
    print(json.dumps(figures, indent=2) if args.json else report(figures))
    return 0 if figures["first_paint_ms"] <= 300 and figures["rss_first_paint_mb"] <= 300 else 1


if __name__ == "__main__":
    raise SystemExit(main())
