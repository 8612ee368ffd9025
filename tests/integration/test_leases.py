"""Channel leases and cursors in SQL, and the move of web-form tokens into intake_tokens (0007)."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic import command
from sqlalchemy import select, text

from app.connectors import leases
from app.persistence.migrate import alembic_config
from app.persistence.models import ConnectorLease, IntakeToken
from app.persistence.uow import Database, open_database
from app.services.admin import token_digest
from tests.factories import build, make_channel


def _channel(db: Database, kind: str = "dialog") -> int:
    return int(build(db, make_channel, kind=kind).id)


def test_one_holder_at_a_time_renewal_and_release(db: Database) -> None:
    channel = _channel(db)
    assert leases.acquire_now(db, channel, "a:1:x")
    assert not leases.acquire_now(db, channel, "b:2:y")
    assert leases.acquire_now(db, channel, "a:1:x")  # renewal by the holder
    assert leases.renew_now(db, [channel], "a:1:x") == {channel}
    assert leases.renew_now(db, [channel], "b:2:y") == set()
    with db.engine.connect() as connection:
        assert leases.holders(connection) == {channel: "a:1:x"}
    assert leases.release_now(db, [channel], "b:2:y") == 0  # not its lease
    assert leases.release_now(db, [channel], "a:1:x") == 1
    assert leases.acquire_now(db, channel, "b:2:y")


def test_an_expired_lease_is_taken_over_and_the_old_holder_cannot_renew(db: Database) -> None:
    channel = _channel(db)
    assert leases.acquire_now(db, channel, "dead:1:x", ttl=-1)  # expired at once: the holder died
    with db.engine.connect() as connection:
        assert leases.holders(connection) == {}
    assert leases.acquire_now(db, channel, "alive:2:y")
    assert leases.renew_now(db, [channel], "dead:1:x") == set()
    assert not leases.acquire_now(db, channel, "dead:1:x")
    with db.session() as session:
        lease = session.get_one(ConnectorLease, channel)
        assert lease.holder == "alive:2:y" and lease.expires_at > lease.acquired_at


def test_racing_processes_get_exactly_one_lease_per_channel(db: Database) -> None:
    channels = [_channel(db) for _ in range(3)]
    holders = [f"host:{n}:r" for n in range(8)]
    start = threading.Barrier(len(holders))

    def contend(holder: str) -> list[int]:
        start.wait()
        return [c for c in channels if leases.acquire_now(db, c, holder)]

    with ThreadPoolExecutor(len(holders)) as pool:
        won = dict(zip(holders, pool.map(contend, holders), strict=True))
    winners = {c: [h for h, got in won.items() if c in got] for c in channels}
    assert all(len(w) == 1 for w in winners.values()), winners
    with db.engine.connect() as connection:
        assert leases.holders(connection) == {c: w[0] for c, w in winners.items()}


def test_the_holder_id_names_host_process_and_run() -> None:
    first, second = leases.make_holder(), leases.make_holder()
    host, pid, _ = first.split(":")
    assert host and pid.isdigit() and first != second


def test_a_cursor_commits_with_the_items_or_not_at_all(db: Database) -> None:
    channel = _channel(db)
    with db.uow() as uow:
        assert leases.get_cursor(uow.session, channel, "offset", 0) == 0
        leases.set_cursor(uow.session, channel, "offset", 41)
    with pytest.raises(RuntimeError), db.uow() as uow:
        leases.set_cursor(uow.session, channel, "offset", 99)
        raise RuntimeError("the items failed to store")
    with db.uow() as uow:
        assert leases.get_cursor(uow.session, channel, "offset") == 41
        leases.set_cursor(uow.session, channel, "offset", {"uidvalidity": 7, "uid": 12})
        leases.set_cursor(uow.session, channel, "folder", "INBOX")
    with db.session() as session:
        assert leases.all_cursors(session, channel) == {
            "offset": {"uidvalidity": 7, "uid": 12},
            "folder": "INBOX",
        }


def test_upgrade_moves_web_form_digests_from_settings_to_intake_tokens(db_url: str) -> None:
    db = open_database(db_url)
    try:
        config = alembic_config(db.engine)
        command.downgrade(config, "0006")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO channels (name, kind, lead_source, reason_required, rule, counts_in_stats,"
                    " settings, active, created_at) VALUES (:name, 'request', true, false, 'pool', true,"
                    " :settings, true, CURRENT_TIMESTAMP)"
                ),
                [
                    {"name": "Сайт", "settings": json.dumps({"token_sha256": token_digest("old"), "x": 1})},
                    {"name": "Walk-in", "settings": "{}"},
                ],
            )
        command.upgrade(config, "head")
        with db.session() as session:
            rows = session.execute(
                text("SELECT name, settings FROM channels WHERE name IN ('Сайт', 'Walk-in') ORDER BY name")
            ).all()
            assert [(name, _json(settings)) for name, settings in rows] == [
                ("Walk-in", {}),
                ("Сайт", {"x": 1}),
            ]
            tokens = session.execute(select(IntakeToken.token_hash, IntakeToken.revoked_at)).all()
            assert [tuple(t) for t in tokens] == [(token_digest("old"), None)]
    finally:
        db.dispose()


def _json(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value
