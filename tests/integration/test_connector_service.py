"""The connector service: one syncer per channel across processes, takeover, stop, errors, --once."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import update

from app.cli import main
from app.connectors import leases
from app.connectors.service import ENV_FACTORY_LOOKUP, ConnectorService
from app.persistence.models import Channel, ConnectorLease
from app.persistence.uow import Database
from tests import fake_connectors
from tests.factories import build, make_channel

WAIT = 30.0


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll until the condition holds (a generous limit only guards against a hang)."""
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.05)


def service(db: Database, holder: str, **options: float) -> ConnectorService:
    """A service with short intervals and the counting connectors."""
    settings = {"lease_ttl": 3.0, "scan_interval": 0.1, "poll_timeout": 0.05, "min_cycle": 0.05}
    settings.update(options)
    return ConnectorService(db, holder=holder, factory_lookup=fake_connectors.lookup, **settings)


@pytest.fixture
def running() -> Iterator[list[ConnectorService]]:
    """Services started in a test are stopped after it even when it fails."""
    started: list[ConnectorService] = []
    yield started
    for each in started:
        assert each.stop(timeout=WAIT)


def start(started: list[ConnectorService], svc: ConnectorService) -> ConnectorService:
    svc.start_in_thread()
    started.append(svc)
    return svc


def channels(db: Database, count: int, **fields: object) -> list[int]:
    made = []
    for n in range(count):
        kind = "email" if n % 2 else "dialog"
        made.append(int(build(db, make_channel, kind=kind, **fields).id))
    return made


def test_two_services_sync_each_channel_exactly_once_between_them(
    db: Database, running: list[ConnectorService]
) -> None:
    ids = channels(db, 6)
    request = int(build(db, make_channel, kind="request").id)  # not a syncable kind
    first = start(running, service(db, "one:1:a"))
    second = start(running, service(db, "two:2:b"))
    wait_until(
        lambda: all(sum(fake_connectors.syncs(db, c).values()) >= 3 for c in ids), "every channel synced"
    )
    # Read while both run: once one stops, the other takes its channels over at once (by design).
    by_channel = {c: fake_connectors.syncs(db, c) for c in ids}
    first.request_stop()
    second.request_stop()
    assert first.stop(timeout=WAIT) and second.stop(timeout=WAIT)
    assert all(len(holders) == 1 for holders in by_channel.values()), by_channel
    assert fake_connectors.syncs(db, request) == {}
    with db.engine.connect() as connection:
        assert leases.holders(connection) == {}  # a clean stop releases every lease


def test_a_dead_holders_channels_are_taken_over_after_its_lease_expires(
    db: Database, running: list[ConnectorService]
) -> None:
    ids = channels(db, 3)
    for c in ids:
        assert leases.acquire_now(db, c, "dead:1:x", ttl=1.0)  # then it died: no renewal
    with db.session() as session:
        expired_at = max(session.get_one(ConnectorLease, c).expires_at for c in ids)
    start(running, service(db, "heir:2:y"))
    wait_until(lambda: all(fake_connectors.syncs(db, c) for c in ids), "the heir syncs every channel")
    for c in ids:
        assert set(fake_connectors.syncs(db, c)) == {"heir:2:y"}
        first = fake_connectors.first_sync(db, c, "heir:2:y")
        assert first is not None and first >= expired_at


def test_a_lost_lease_or_a_deactivated_channel_stops_its_sync(
    db: Database, running: list[ConnectorService]
) -> None:
    stolen, deactivated, kept = channels(db, 3)
    svc = start(running, service(db, "me:1:a", lease_ttl=0.6))
    wait_until(lambda: {s.channel_id for s in svc.statuses()} == {stolen, deactivated, kept}, "all taken")
    with db.uow() as uow:
        # Another process took the channel over (as if ours had expired meanwhile).
        uow.session.execute(
            update(ConnectorLease).where(ConnectorLease.channel_id == stolen).values(holder="thief:2:b")
        )
        uow.session.execute(update(Channel).where(Channel.id == deactivated).values(active=False))
    wait_until(lambda: {s.channel_id for s in svc.statuses()} == {kept}, "the two stopped")
    with db.engine.connect() as connection:
        live = leases.holders(connection)
    assert live.get(stolen) == "thief:2:b"  # not released by us: it is not ours
    assert deactivated not in live and live[kept] == "me:1:a"


def test_errors_back_off_with_one_log_line_and_other_channels_go_on(
    db: Database, running: list[ConnectorService], caplog: pytest.LogCaptureFixture
) -> None:
    broken = int(build(db, make_channel, "broken mailbox", kind="email", lead_source=False).id)
    (fine,) = channels(db, 1)
    caplog.set_level(logging.WARNING, logger="inflow.sync")
    svc = start(running, service(db, "me:1:a", max_backoff=0.2))
    wait_until(lambda: any(s.channel_id == broken and s.last_error for s in svc.statuses()), "failure seen")
    wait_until(lambda: sum(fake_connectors.syncs(db, fine).values()) >= 3, "the other channel syncs")
    status = {s.channel_id: s for s in svc.statuses()}
    assert status[broken].state == "failing" and status[broken].last_error == "The server refused the login."
    assert status[fine].state == "syncing" and status[fine].items >= 1
    lines = [r.getMessage() for r in caplog.records if f"channel {broken}" in r.getMessage()]
    assert lines and all("\n" not in line and "refused the login" in line for line in lines)


def test_sync_once_syncs_each_free_channel_once_and_exits_0(
    db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = channels(db, 2)
    taken = int(build(db, make_channel, "held elsewhere", kind="dialog").id)
    assert leases.acquire_now(db, taken, "other:9:z")
    monkeypatch.setenv(ENV_FACTORY_LOOKUP, "tests.fake_connectors:lookup")
    assert main(["--database", db_url, "sync", "--once"]) == 0
    out = capsys.readouterr().out
    assert "held elsewhere: synced by another process now." in out
    assert [sum(fake_connectors.syncs(db, c).values()) for c in ids] == [1, 1]
    assert fake_connectors.syncs(db, taken) == {}
    with db.engine.connect() as connection:
        assert leases.holders(connection) == {taken: "other:9:z"}


def test_sync_once_exits_1_with_a_sentence_when_a_channel_fails(
    db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    build(db, make_channel, "broken bot", kind="dialog")
    channels(db, 1)
    monkeypatch.setenv(ENV_FACTORY_LOOKUP, "tests.fake_connectors:lookup")
    assert main(["--database", db_url, "sync", "--once"]) == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err == "inflow: Channel 'broken bot' could not be synced: The server refused the login."


def test_a_channel_filter_keeps_a_process_from_taking_channels_it_cannot_sync(
    db: Database, running: list[ConnectorService]
) -> None:
    mine, not_mine = channels(db, 2)
    allowed = {mine}
    svc = ConnectorService(
        db,
        holder="desk:1:a",
        factory_lookup=fake_connectors.lookup,
        scan_interval=0.1,
        poll_timeout=0.05,
        min_cycle=0.05,
        channel_filter=lambda channel_id, kind: channel_id in allowed,
    )
    start(running, svc)
    wait_until(lambda: sum(fake_connectors.syncs(db, mine).values()) >= 2, "its channel synced")
    with db.engine.connect() as connection:
        assert leases.holders(connection) == {mine: "desk:1:a"}
    assert fake_connectors.syncs(db, not_mine) == {}
    allowed.clear()  # e.g. the secret was removed from this computer's keyring
    wait_until(lambda: not svc.statuses(), "the channel is let go")
    with db.engine.connect() as connection:
        assert leases.holders(connection) == {}
