"""``make bench``: the softphone — INVITE to a committed lead with the toast shown, and answer to wizard.

    python -m bench.softphone                       # a copy of bench/out/bench.db (1M leads) if present
    python -m bench.softphone --database sqlite:///path.db --calls 200 --answers 20

sipp places sequential calls over direct SIP to a desk running in this process (offscreen: the
real SipEngine, SoftphoneController, toast and intake wizard, on a copy of the benchmark
database). sipp's message trace (``-trace_msg``, microsecond timestamps) gives the moment each
INVITE left; the desk notes when the lead was committed and the toast filled in. Baseline in
the same run: a bare pjsua2 script (its own process, ``libHandleEvents`` in a loop, 180 Ringing
from the callback) — its INVITE → 180 time from the same trace. Then calls that the desk answers
by clicking the toast's Answer button: click → intake wizard shown.

Targets (issue 4): INVITE → lead committed + toast p50 ≤ 30 ms, p99 ≤ 100 ms with 1,000,000
leads; answer click → wizard visible ≤ 100 ms. The table goes to stdout and
``bench/out/softphone.md``; the exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TARGET_P50_MS = 30.0
TARGET_P99_MS = 100.0
TARGET_WIZARD_MS = 100.0
_STAMP = re.compile(r"^-+ (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)$")


def free_port() -> int:
    """A free UDP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


# ------------------------------------------------------------------------------------- sipp trace


def read_trace(folder: Path) -> dict[str, dict[str, float]]:
    """Call-ID → {"invite": epoch seconds sent, "180": epoch seconds received} from sipp's trace."""
    calls: dict[str, dict[str, float]] = {}
    for path in folder.glob("*_messages.log"):
        stamp = 0.0
        direction = ""
        first = ""
        for line in path.read_text(errors="replace").splitlines():
            match = _STAMP.match(line)
            if match:
                stamp = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()
                direction, first = "", ""
                continue
            if line.startswith(("UDP message sent", "UDP message received")):
                direction = "sent" if "sent" in line else "received"
                continue
            if direction and not first and line.strip():
                first = line.strip()
                continue
            if first and line.lower().startswith("call-id:"):
                call_id = line.split(":", 1)[1].strip()
                entry = calls.setdefault(call_id, {})
                if direction == "sent" and first.startswith("INVITE "):
                    entry.setdefault("invite", stamp)
                elif direction == "received" and first.startswith("SIP/2.0 180"):
                    entry.setdefault("180", stamp)
                first, direction = "", ""
    return calls


def run_sipp(
    port: int, scenario: Path, folder: Path, calls: int, *, pause_ms: int, rate: int = 20
) -> subprocess.Popen[bytes]:
    """sipp placing sequential calls with a message trace in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    command = [
        "sipp", f"127.0.0.1:{port}", "-sf", str(scenario),
        "-set", "caller", "+79161234567", "-set", "display", "Bench",
        "-s", "inflow", "-m", str(calls), "-l", "1", "-r", str(rate), "-d", str(pause_ms),
        "-i", "127.0.0.1", "-p", str(free_port()), "-mi", "127.0.0.1", "-mp", str(free_port()),
        "-nostdin", "-timeout", "120s", "-recv_timeout", "20000", "-trace_msg", "-trace_err",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


# ------------------------------------------------------------------------------------ bare pjsua2


def bare_peer(port: int) -> None:
    """The baseline: a minimal pjsua2 program that rings (180) every incoming call at once."""
    import pjsua2 as pj

    class Call(pj.Call):  # type: ignore[misc]
        pass

    calls: dict[int, Any] = {}

    class Account(pj.Account):  # type: ignore[misc]
        def onIncomingCall(self, prm: Any) -> None:
            call = Call(self, prm.callId)
            calls[prm.callId] = call
            op = pj.CallOpParam()
            op.statusCode = 180
            call.answer(op)

    ep = pj.Endpoint()
    ep.libCreate()
    config = pj.EpConfig()
    config.uaConfig.threadCnt = 0
    config.uaConfig.mainThreadOnly = True
    config.uaConfig.maxCalls = 32
    config.medConfig.sndAutoCloseTime = -1
    config.logConfig.consoleLevel = 0
    ep.libInit(config)
    transport = pj.TransportConfig()
    transport.port = port
    transport.boundAddress = "127.0.0.1"
    tid = ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, transport)
    ep.libStart()
    ep.audDevManager().setNullDev()
    account_config = pj.AccountConfig()
    account_config.idUri = f"sip:127.0.0.1:{port}"
    account_config.sipConfig.transportId = tid
    account_config.mediaConfig.transportConfig.boundAddress = "127.0.0.1"
    account = Account()
    account.create(account_config, True)
    print("ready", flush=True)
    try:
        while sys.stdin.readable():
            ep.libHandleEvents(10)
            for key in [k for k, c in calls.items() if not c.isActive()]:
                del calls[key]
            if _stdin_closed():
                break
    finally:
        calls.clear()
        account.shutdown()
        ep.libDestroy()


def _stdin_closed() -> bool:
    import select

    readable, _w, _x = select.select([sys.stdin], [], [], 0)
    return bool(readable) and not sys.stdin.buffer.read1(1)


def measure_baseline(scenarios: dict[str, Path], work: Path, calls: int) -> list[float]:
    """INVITE → 180 of the bare pjsua2 peer, in ms."""
    port = free_port()
    peer = subprocess.Popen(
        [sys.executable, "-m", "bench.softphone", "--bare-peer", str(port)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert peer.stdout is not None
        # pjlib prints a few lines of its own on stdout before libInit silences it.
        while (said := peer.stdout.readline()) and said.strip() != b"ready":
            pass
        if not said:
            raise SystemExit("the bare pjsua2 peer did not start")
        folder = work / "baseline"
        sipp = run_sipp(port, scenarios["cancel"], folder, calls, pause_ms=50)
        if sipp.wait(300) != 0:
            raise SystemExit(f"sipp failed against the bare peer (see {folder})")
    finally:
        if peer.stdin is not None:
            peer.stdin.close()
        try:
            peer.wait(10)
        except subprocess.TimeoutExpired:
            peer.kill()
    trace = read_trace(folder)
    return [(t["180"] - t["invite"]) * 1000 for t in trace.values() if "180" in t and "invite" in t]


# ---------------------------------------------------------------------------------------- desk


@dataclass
class DeskFigures:
    """What the desk measured."""

    ring_ms: list[float]  # INVITE sent → lead committed + toast filled in
    toast_ms: list[float]  # INVITE sent → toast shown (before the database answered)
    invite_180_ms: list[float]  # INVITE sent → 180 received, Inflow's engine
    wizard_ms: list[float]  # Answer clicked → wizard shown
    leads: int


def measure_desk(url: str, scenarios: dict[str, Path], work: Path, calls: int, answers: int) -> DeskFigures:
    """Ring the desk ``calls`` times (caller gives up), then ``answers`` times answered from the toast."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import func, select

    from app.persistence.models import Lead, User
    from app.persistence.uow import open_database
    from app.services.admin import create_user
    from app.services.catalogs import users
    from app.services.permissions import Actor, load_actor
    from telephony.engine import SipEngine
    from telephony.model import DirectLine
    from ui.context import AppContext
    from ui.gc_guard import GuiThreadGarbageCollector
    from ui.live_updates import ChangeWatcher
    from ui.softphone.controller import RingReport, SoftphoneController
    from ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    GuiThreadGarbageCollector(app)
    db = open_database(url)
    login = "bench-softphone"
    with db.uow() as uow:
        if uow.session.scalar(select(User.id).where(User.login == login)) is None:
            create_user(uow, Actor.system(), login, "Bench Softphone", ["operator"], password="bench")
    with db.session() as session:
        user = next(u for u in users(session) if u.login == login)
        actor = load_actor(session, user.id)
        leads_before = int(session.scalar(select(func.count()).select_from(Lead)) or 0)
    tasks = TaskRunner()
    watcher = ChangeWatcher(db)
    context = AppContext(db=db, actor=actor, user=user, tasks=tasks, watcher=watcher)
    watcher.start()
    engine = SipEngine(media_address="127.0.0.1", ring_timeout_s=0)
    engine.start()
    port = free_port()
    engine.add_direct_line(DirectLine("direct", "127.0.0.1", port))
    controller = SoftphoneController(context, engine)
    reports: dict[str, tuple[float, float, RingReport]] = {}  # Call-ID → (epoch at fill-in, toast epoch)

    def on_ring(report: RingReport) -> None:
        now_epoch = time.time()
        toast_epoch = now_epoch - (report.committed_ms - report.toast_ms) / 1000
        reports[report.outcome.lead.external_id if report.outcome.lead else str(report.call_id)] = (
            now_epoch,
            toast_epoch,
            report,
        )

    controller.ring_handled.connect(on_ring)
    prepared = QEventLoop()
    controller.prepare_channels(lambda _channels: prepared.quit())
    prepared.exec()

    def spin_until(done: Any, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)

    try:
        print(f"  ringing the desk {calls} times …", file=sys.stderr)
        folder = work / "desk"
        # A desk's pace, not a flood: four calls a second, each ringing for 100 ms.
        sipp = run_sipp(port, scenarios["cancel"], folder, calls, pause_ms=100, rate=4)
        spin_until(lambda: sipp.poll() is not None, 600)
        spin_until(lambda: len(reports) >= calls, 60)
        tasks.wait()
        if sipp.returncode != 0:
            raise SystemExit(f"sipp failed against the desk (see {folder})")
        trace = read_trace(folder)
        ring_ms: list[float] = []
        toast_ms: list[float] = []
        invite_180: list[float] = []
        for call_id, stamps in trace.items():
            if "invite" in stamps and "180" in stamps:
                invite_180.append((stamps["180"] - stamps["invite"]) * 1000)
            if call_id in reports and "invite" in stamps:
                filled, toasted, _report = reports[call_id]
                ring_ms.append((filled - stamps["invite"]) * 1000)
                toast_ms.append((toasted - stamps["invite"]) * 1000)

        print(f"  answering {answers} calls from the toast …", file=sys.stderr)
        wizard_ms: list[float] = []
        clicked: dict[str, float] = {}

        def on_wizard(lead_id: int) -> None:
            wizard = controller.wizards.get(lead_id)
            if wizard is not None and wizard.isVisible():
                wizard_ms.append((time.perf_counter() - clicked.pop("t", time.perf_counter())) * 1000)
                QTimer.singleShot(0, wizard.close)

        controller.wizard_opened.connect(on_wizard)
        answered_before = len(reports)

        def click_answer(report: RingReport) -> None:
            toast = controller.toast(report.call_id)
            if toast is not None:
                clicked["t"] = time.perf_counter()
                toast.answer_button.click()

        controller.ring_handled.connect(click_answer)
        sipp = run_sipp(port, scenarios["answered"], work / "answers", answers, pause_ms=300, rate=5)
        spin_until(lambda: sipp.poll() is not None, 600)
        spin_until(lambda: len(reports) >= answered_before + answers, 30)
        tasks.wait()
        with db.session() as session:
            leads_after = int(session.scalar(select(func.count()).select_from(Lead)) or 0)
        return DeskFigures(ring_ms, toast_ms, invite_180, wizard_ms, leads_after - leads_before)
    finally:
        controller.close()
        engine.stop()
        tasks.wait()
        watcher.stop()
        db.dispose()


# ----------------------------------------------------------------------------------------- main


def prepare_database(url: str | None, work: Path) -> tuple[str, str]:
    """The database to ring into: a copy of bench/out/bench.db when there is one (never the original)."""
    if url:
        return url, url
    source = OUT / "bench.db"
    if not source.exists():
        source = OUT / "bench-quick.db"
    if not source.exists():
        raise SystemExit("no benchmark database: run `python -m bench.run` first, or pass --database URL")
    target = work / "softphone.db"
    print(f"  copying {source.name} ({source.stat().st_size / 1e9:.1f} GB) …", file=sys.stderr)
    shutil.copyfile(source, target)
    for suffix in ("-wal", "-shm"):
        side = source.with_name(source.name + suffix)
        if side.exists():
            shutil.copyfile(side, target.with_name(target.name + suffix))
    return f"sqlite:///{target}", f"copy of bench/out/{source.name}"


def main(argv: list[str] | None = None) -> int:
    """Run the softphone benchmark; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(prog="python -m bench.softphone", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database", metavar="URL", help="ring into this database (default: a copy of bench.db)"
    )
    parser.add_argument("--calls", type=int, default=200, help="calls for the ring latency (default 200)")
    parser.add_argument("--answers", type=int, default=20, help="calls answered from the toast (default 20)")
    parser.add_argument("--bare-peer", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare_peer:
        bare_peer(args.bare_peer)
        return 0
    if shutil.which("sipp") is None:
        print("sipp is not installed (Debian sip-tester)", file=sys.stderr)
        return 1
    from bench.machine import CpuWatch, describe_machine
    from tests.telephony.sipp import write_scenarios

    with tempfile.TemporaryDirectory(prefix="inflow-softphone-bench-") as temporary:
        work = Path(temporary)
        scenarios = write_scenarios(work)
        url, described = prepare_database(args.database, work)
        watch = CpuWatch()
        print("  baseline: a bare pjsua2 peer …", file=sys.stderr)
        baseline = measure_baseline(scenarios, work, args.calls)
        desk = measure_desk(url, scenarios, work, args.calls, args.answers)
        cpu = watch.summary()
    lines = render(describe_machine(), described, baseline, desk, cpu)
    text = "\n".join(lines) + "\n"
    print(text)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "softphone.md").write_text(text, encoding="utf-8")
    ok = (
        percentile(desk.ring_ms, 50) <= TARGET_P50_MS
        and percentile(desk.ring_ms, 99) <= TARGET_P99_MS
        and bool(desk.wizard_ms)
        and max(desk.wizard_ms) <= TARGET_WIZARD_MS
    )
    return 0 if ok else 1


def render(
    machine: list[tuple[str, str]], database: str, baseline: list[float], desk: DeskFigures, cpu: str
) -> list[str]:
    """The Markdown report."""
    p50_base = percentile(baseline, 50)
    p50 = percentile(desk.ring_ms, 50)

    def row(name: str, values: list[float], target: str) -> str:
        return (
            f"| {name} | {len(values)} | {percentile(values, 50):.1f} | {percentile(values, 99):.1f} | "
            f"{max(values) if values else float('nan'):.1f} | {target} |"
        )

    lines = ["## Softphone (`python -m bench.softphone`)", ""]
    lines += [f"- {name}: {value}" for name, value in machine]
    lines += [f"- database: {database}", f"- {cpu}", f"- leads made by the run: {desk.leads}", ""]
    lines += [
        "| measurement (ms) | n | p50 | p99 | max | target |",
        "|---|---|---|---|---|---|",
        row("baseline: bare pjsua2 INVITE → 180", baseline, "—"),
        row("Inflow engine INVITE → 180", desk.invite_180_ms, "—"),
        row("INVITE → toast shown", desk.toast_ms, "—"),
        row("INVITE → lead committed + toast filled in", desk.ring_ms, "p50 ≤ 30, p99 ≤ 100"),
        row("Answer click → wizard shown", desk.wizard_ms, "≤ 100"),
        "",
        f"Ratio of p50 (lead committed + toast) to the bare INVITE → 180: {p50 / p50_base:.1f}×"
        if p50_base > 0
        else "Ratio: the baseline was too fast to measure.",
    ]
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
