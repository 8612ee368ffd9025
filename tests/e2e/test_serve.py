"""``inflow serve`` as a process: kill -9 and SIGTERM under load lose no 2xx submission; two
processes on one PostgreSQL split the channels; usage errors and the log format."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from app.connectors import leases
from app.connectors.service import ENV_FACTORY_LOOKUP
from app.persistence.models import Lead
from app.persistence.uow import Database, open_database
from tests import fake_connectors
from tests.factories import build, make_channel
from tests.web_client import web_form_channel

REPO = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"^Listening on http://(127\.0\.0\.1:\d+)$")
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d (DEBUG|INFO|WARNING|ERROR) [\w.]+: \S"
)
WAIT = 60.0
# Submissions answered 2xx after the action of load_until (requests in flight at that moment).
after_action: list[str] = []


class Serve:
    """One ``python -m app serve`` process on a free port."""

    def __init__(self, db_url: str, log: Path, *options: str, env: dict[str, str] | None = None) -> None:
        environment = dict(os.environ)
        environment.pop("INFLOW_DATABASE_URL", None)
        environment.update(env or {})
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app", "--database", db_url, "serve", "--listen", "127.0.0.1:0", *options],
            cwd=REPO,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=log.open("w"),
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        match = LISTENING.match(line)
        assert match, f"no address printed ({line!r}); log:\n{log.read_text()}"
        self.address = match.group(1)

    @property
    def url(self) -> str:
        """The submissions URL."""
        return f"http://{self.address}/api/v1/requests"

    def stop(self) -> int:
        """SIGTERM and the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(WAIT)


@pytest.fixture
def processes() -> Iterator[list[Serve]]:
    """Serve processes a test started are gone after it, whatever happened."""
    started: list[Serve] = []
    yield started
    for each in started:
        if each.process.poll() is None:
            each.process.kill()
            each.process.wait(WAIT)


def load_until(
    url: str, token: str, count: int, after: int, action: Callable[[], None]
) -> list[tuple[str, int, Any]]:
    """Send ``count`` submissions, 32 at a time; call ``action`` once ``after`` were answered 2xx.

    Returns (submission id, status, body) each; status 0 when no answer came (the server went away).
    """

    async def run() -> list[tuple[str, int, Any]]:
        accepted = 0
        after_action.clear()
        fired = False
        semaphore = asyncio.Semaphore(32)
        connector = aiohttp.TCPConnector(limit=32)
        headers = {"Authorization": f"Bearer {token}"}
        async with aiohttp.ClientSession(connector=connector, headers=headers) as session:

            async def one(n: int) -> tuple[str, int, Any]:
                nonlocal accepted, fired
                key = f"load-{n}"
                async with semaphore:
                    try:
                        async with session.post(
                            url,
                            json={"phone": f"+7916{n:07d}", "submission_id": key},
                            timeout=aiohttp.ClientTimeout(total=WAIT),
                        ) as answer:
                            result = (key, answer.status, await answer.json())
                    except (aiohttp.ClientError, TimeoutError, ValueError) as error:
                        return key, 0, str(error)
                if 200 <= result[1] < 300:
                    accepted += 1
                    if fired:
                        after_action.append(key)
                    if accepted >= after and not fired:
                        fired = True
                        action()
                return result

            return list(await asyncio.gather(*(one(n) for n in range(count))))

    return asyncio.run(run())


def assert_every_2xx_is_stored(db_url: str, results: list[tuple[str, int, Any]]) -> int:
    db = open_database(db_url)
    try:
        with db.session() as session:
            stored = {key: lead_id for key, lead_id in session.execute(select(Lead.external_id, Lead.id))}
    finally:
        db.dispose()
    accepted = {key: body["id"] for key, status, body in results if 200 <= status < 300}
    assert accepted, "nothing was accepted before the stop"
    missing = {key for key in accepted if stored.get(key) != accepted[key]}
    assert not missing, f"{len(missing)} submissions answered 2xx are not in the database"
    assert all(status in (0, 200, 201) for _, status, _ in results), {s for _, s, _ in results}
    return len(accepted)


def test_kill_9_during_the_load_loses_no_accepted_submission(
    db: Database, db_url: str, tmp_path: Path, processes: list[Serve]
) -> None:
    _, token = web_form_channel(db)
    serve = Serve(db_url, tmp_path / "serve.log", "--rate-token", "0", "--rate-ip", "0", "--no-sync")
    processes.append(serve)
    results = load_until(serve.url, token, 1000, 250, lambda: os.kill(serve.process.pid, signal.SIGKILL))
    assert serve.process.wait(WAIT) == -signal.SIGKILL
    accepted = assert_every_2xx_is_stored(db_url, results)
    assert accepted < 1000  # the kill did cut the load short


def test_sigterm_finishes_requests_in_flight_and_exits_0(
    db: Database, db_url: str, tmp_path: Path, processes: list[Serve]
) -> None:
    _, token = web_form_channel(db)
    log = tmp_path / "serve.log"
    serve = Serve(db_url, log, "--rate-token", "0", "--rate-ip", "0")
    processes.append(serve)
    results = load_until(serve.url, token, 1000, 250, lambda: serve.process.send_signal(signal.SIGTERM))
    assert serve.process.wait(WAIT) == 0
    assert_every_2xx_is_stored(db_url, results)
    assert after_action, "no request in flight at the signal was answered"
    lines = log.read_text().splitlines()
    assert lines and all(LOG_LINE.match(line) for line in lines), lines
    assert any("stopping" in line for line in lines) and lines[-1].endswith("stopped")


def test_two_serve_processes_on_one_postgresql_sync_each_channel_exactly_once(
    pg_url_factory: Callable[..., str], tmp_path: Path, processes: list[Serve]
) -> None:
    url = pg_url_factory()
    db = open_database(url)
    try:
        ids = [int(build(db, make_channel, kind="dialog" if n % 2 else "email").id) for n in range(6)]
        options = ("--scan-interval", "0.2", "--poll-timeout", "0.05", "--lease-ttl", "5")
        env = {ENV_FACTORY_LOOKUP: "tests.fake_connectors:lookup"}
        for n in range(2):
            processes.append(Serve(url, tmp_path / f"serve{n}.log", *options, env=env))
        deadline = time.monotonic() + WAIT
        while not all(sum(fake_connectors.syncs(db, c).values()) >= 3 for c in ids):
            assert time.monotonic() < deadline, "not every channel was synced"
            time.sleep(0.1)
        # While both run, each channel has exactly one syncer. (Once one stops, the other may take
        # its channels over at once: that is the clean hand-over, so it is read before stopping.)
        by_channel = {c: fake_connectors.syncs(db, c) for c in ids}
        for each in processes:
            each.process.send_signal(signal.SIGTERM)
        assert [p.stop() for p in processes] == [0, 0]
        logs = "\n".join(p.log.read_text() for p in processes)
        assert all(len(holders) == 1 for holders in by_channel.values()), f"{by_channel}\n{logs}"
    finally:
        db.dispose()


def test_usage_errors_and_a_busy_port(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'inflow.db'}"

    def inflow(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app", "--database", db_url, *argv],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=WAIT,
        )

    bad = inflow("serve", "--listen", "nowhere")
    assert bad.returncode == 2 and "is not HOST:PORT" in bad.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = inflow("serve", "--listen", f"127.0.0.1:{port}", "--no-sync")
    assert busy.returncode == 1
    assert busy.stderr.strip().splitlines()[-1].startswith(f"inflow: Cannot listen on 127.0.0.1:{port} (")


def test_inflow_sync_runs_until_sigterm_then_releases_its_leases(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    ids = [int(build(db, make_channel, kind=kind).id) for kind in ("dialog", "email")]
    environment = dict(os.environ)
    environment.pop("INFLOW_DATABASE_URL", None)
    environment[ENV_FACTORY_LOOKUP] = "tests.fake_connectors:lookup"
    log = tmp_path / "sync.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app",
            "--database",
            db_url,
            "sync",
            "--scan-interval",
            "0.2",
            "--poll-timeout",
            "0.05",
        ],
        cwd=REPO,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    try:
        deadline = time.monotonic() + WAIT
        while not all(fake_connectors.syncs(db, c) for c in ids):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        assert process.wait(WAIT) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(WAIT)
    with db.engine.connect() as connection:
        assert leases.holders(connection) == {}
    lines = log.read_text().splitlines()
    assert any("took channel" in line for line in lines) and all(LOG_LINE.match(line) for line in lines)


def test_a_killed_holders_channels_are_taken_over_by_the_other_process(
    pg_url_factory: Callable[..., str], tmp_path: Path, processes: list[Serve]
) -> None:
    url = pg_url_factory()
    db = open_database(url)
    try:
        ids = [int(build(db, make_channel, kind="dialog" if n % 2 else "email").id) for n in range(4)]
        env = {ENV_FACTORY_LOOKUP: "tests.fake_connectors:lookup"}
        options = ("--scan-interval", "0.2", "--poll-timeout", "0.05", "--lease-ttl", "1.5")
        first = Serve(url, tmp_path / "first.log", *options, env=env)
        processes.append(first)
        deadline = time.monotonic() + WAIT
        while not all(fake_connectors.syncs(db, c) for c in ids):
            assert time.monotonic() < deadline, "the first process did not sync every channel"
            time.sleep(0.1)
        (dead,) = {holder for c in ids for holder in fake_connectors.syncs(db, c)}
        second = Serve(url, tmp_path / "second.log", *options, env=env)
        processes.append(second)
        time.sleep(1.0)  # the second one scans several times meanwhile and finds every lease held
        before_kill = datetime.now(UTC)
        assert all(set(fake_connectors.syncs(db, c)) == {dead} for c in ids)
        first.process.kill()  # no clean stop: its leases stay until they expire
        assert first.process.wait(WAIT) == -signal.SIGKILL
        while not all(len(fake_connectors.syncs(db, c)) == 2 for c in ids):
            assert time.monotonic() < deadline + WAIT, "the second process did not take every channel over"
            time.sleep(0.1)
        for c in ids:
            (heir,) = set(fake_connectors.syncs(db, c)) - {dead}
            taken = fake_connectors.first_sync(db, c, heir)
            assert taken is not None and taken >= before_kill
        assert second.stop() == 0
    finally:
        db.dispose()
