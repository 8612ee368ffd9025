"""Two desks at once (DOMAIN §9): real connections from separate engines, threads started together.

Every test opens a second :class:`Database` on the same URL, so the two sides never share a
connection pool — as two desktops on one PostgreSQL (or one SQLite file) would. A
``threading.Barrier`` lines the threads up; on PostgreSQL an engine hook can also hold each
thread right before its INSERT, so both have passed the "already there?" check before either
writes. (SQLite serializes writers with BEGIN IMMEDIATE, so there the race is only "who commits
first"; the hook would deadlock and is used on PostgreSQL only.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select

from app.domain.enums import ClientKind
from app.domain.errors import ConcurrentModification, InflowError, LeadAlreadyConverted, LeadClosed
from app.persistence.models import Client, Interest, Lead, LeadHistory, User
from app.persistence.uow import Database
from app.services.dto import LeadDTO
from app.services.intake import CHUNK, IntakeOutcome, IntakeResult, LeadInput, register_lead, register_leads
from app.services.permissions import Actor
from app.services.processing import (
    ConversionInput,
    NewClient,
    NewInterest,
    convert_lead,
    reject_lead,
)
from tests.factories import (
    actor_of,
    count,
    lead,
    make_channel,
    make_role,
    make_user,
    new_lead,
    unique,
)

TIMEOUT = 30


@pytest.fixture
def dbs(db: Database) -> Iterator[list[Database]]:
    """The test's database and a second, independent engine on the same URL."""
    other = Database(db.url)
    try:
        yield [db, other]
    finally:
        other.dispose()


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None


def run_together(n: int, work: Callable[[int, threading.Barrier], Any]) -> list[Outcome]:
    """Run ``work(i, barrier)`` in n threads; each thread decides where to meet the others."""
    barrier = threading.Barrier(n, timeout=TIMEOUT)
    outcomes = [Outcome() for _ in range(n)]

    def target(i: int) -> None:
        try:
            outcomes[i].value = work(i, barrier)
        except BaseException as error:  # reported by the test
            outcomes[i].error = error

    threads = [threading.Thread(target=target, args=(i,), daemon=True) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT * 2)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    for o in outcomes:
        assert not isinstance(o.error, threading.BrokenBarrierError), "threads never met: a writer blocked"
    return outcomes


@contextmanager
def meet_before_insert(engines: Sequence[Engine], parties: int) -> Iterator[None]:
    """Hold each thread at its first INSERT INTO leads until all parties are there (PostgreSQL)."""
    barrier = threading.Barrier(parties, timeout=TIMEOUT)
    seen: set[int] = set()
    lock = threading.Lock()

    def hook(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO LEADS"):
            me = threading.get_ident()
            with lock:
                first = me not in seen
                seen.add(me)
            if first:
                barrier.wait()

    for engine in engines:
        event.listen(engine, "before_cursor_execute", hook)
    try:
        yield
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", hook)


# ------------------------------------------------------------------------ two actors, one lead


@dataclass
class Pair:
    actors: list[Actor]
    lead: LeadDTO


@pytest.fixture
def pair(db: Database) -> Pair:
    with db.uow() as uow:
        a = make_user(uow.session, "disp-a", roles=["dispatcher"])
        b = make_user(uow.session, "disp-b", roles=["dispatcher"])
        manager = make_user(uow.session, "mgr", roles=["manager"])
        channel = make_channel(uow.session, rule="fixed", user=manager)
    x = new_lead(db, channel, phone="+7 916 123-45-67")
    return Pair([actor_of(db, a), actor_of(db, b)], x)


def _act(kind: str, uow: Any, actor: Actor, lead_id: int, version: int | None) -> str:
    if kind == "reject":
        reject_lead(uow, actor, lead_id, reason_code="spam", expected_version=version)
        return "rejected"
    data = ConversionInput(
        new_client=NewClient(ClientKind.COMPANY, unique("ООО Гонка")), interest=NewInterest("Сделка")
    )
    convert_lead(uow, actor, lead_id, data, expected_version=version)
    return "converted"


ACTION_PAIRS = [("reject", "reject"), ("convert", "convert"), ("convert", "reject")]


def _assert_one_winner(db: Database, x: LeadDTO, outcomes: list[Outcome], allowed: tuple[type, ...]) -> None:
    winners = [o for o in outcomes if o.error is None]
    losers = [o for o in outcomes if o.error is not None]
    assert len(winners) == 1, outcomes
    (loser,) = losers
    assert isinstance(loser.error, InflowError), repr(loser.error)
    assert isinstance(loser.error, allowed), repr(loser.error)
    assert str(loser.error)  # a sentence, not a traceback
    result = winners[0].value
    stored = lead(db, x.id)
    assert stored.state.value == result
    assert stored.version == x.version + 1  # exactly one change got in
    assert stored.processed_at is not None
    with db.session() as session:
        finals = session.scalars(
            select(LeadHistory.action).where(
                LeadHistory.lead_id == x.id, LeadHistory.action.in_(["converted", "rejected"])
            )
        ).all()
    assert finals == [result]
    expected_clients = 1 if result == "converted" else 0
    assert count(db, Client) == expected_clients
    assert count(db, Interest) == expected_clients


@pytest.mark.parametrize(("first", "second"), ACTION_PAIRS)
def test_same_lead_from_two_desks_with_the_version_they_saw(
    dbs: list[Database], pair: Pair, first: str, second: str
) -> None:
    """Both desks show version 1; both press the button at once: one wins, one must reload."""
    kinds = [first, second]

    def work(i: int, barrier: threading.Barrier) -> str:
        with dbs[i].session() as session:
            seen = session.get_one(Lead, pair.lead.id).version  # what the desk shows
        barrier.wait()
        with dbs[i].uow() as uow:
            return _act(kinds[i], uow, pair.actors[i], pair.lead.id, seen)

    outcomes = run_together(2, work)
    _assert_one_winner(dbs[0], pair.lead, outcomes, (ConcurrentModification,))


@pytest.mark.parametrize(("first", "second"), ACTION_PAIRS)
def test_same_lead_from_two_desks_without_version(
    dbs: list[Database], pair: Pair, first: str, second: str
) -> None:
    """No version passed: the second sees the first's result and gets a clear domain error."""
    kinds = [first, second]

    def work(i: int, barrier: threading.Barrier) -> str:
        barrier.wait()
        with dbs[i].uow() as uow:
            return _act(kinds[i], uow, pair.actors[i], pair.lead.id, None)

    outcomes = run_together(2, work)
    _assert_one_winner(
        dbs[0], pair.lead, outcomes, (ConcurrentModification, LeadAlreadyConverted, LeadClosed)
    )


@pytest.mark.postgres
@pytest.mark.parametrize(("first", "second"), ACTION_PAIRS)
def test_same_lead_inside_two_open_transactions(
    pg_url_factory: Callable[..., str], first: str, second: str
) -> None:
    """PostgreSQL: both transactions are open before either touches the lead."""
    url = pg_url_factory()
    dbs = [Database(url), Database(url)]
    try:
        pair_ = _make_pair(dbs[0])
        kinds = [first, second]

        def work(i: int, barrier: threading.Barrier) -> str:
            with dbs[i].uow() as uow:
                uow.session.execute(select(func.count()).select_from(User))  # the transaction is live
                barrier.wait()
                return _act(kinds[i], uow, pair_.actors[i], pair_.lead.id, pair_.lead.version)

        outcomes = run_together(2, work)
        _assert_one_winner(dbs[0], pair_.lead, outcomes, (ConcurrentModification,))
    finally:
        for d in dbs:
            d.dispose()


def _make_pair(db: Database) -> Pair:
    with db.uow() as uow:
        a = make_user(uow.session, roles=["dispatcher"])
        b = make_user(uow.session, roles=["dispatcher"])
        channel = make_channel(uow.session, rule="fixed", user=a)
    x = new_lead(db, channel, phone="+7 916 123-45-67")
    return Pair([actor_of(db, a), actor_of(db, b)], x)


# ------------------------------------------------------------------------- the same inquiry twice


def _channel(db: Database, **kwargs: Any) -> int:
    with db.uow() as uow:
        return make_channel(uow.session, **kwargs).id


def test_same_inquiry_from_two_engines_is_one_lead(dbs: list[Database]) -> None:
    channel_id = _channel(dbs[0], kind="email")
    item = LeadInput(channel_id=channel_id, external_id="<same@mail>", email="client@example.ru")

    def work(i: int, barrier: threading.Barrier) -> IntakeResult:
        barrier.wait()
        with dbs[i].uow() as uow:
            return register_lead(uow, item)

    if dbs[0].dialect == "postgresql":
        with meet_before_insert([d.engine for d in dbs], 2):
            outcomes = run_together(2, work)
    else:
        outcomes = run_together(2, work)
    assert [o.error for o in outcomes] == [None, None]
    results: list[IntakeResult] = [o.value for o in outcomes]
    assert sorted(r.outcome.value for r in results) == ["created", "existing"]
    assert results[0].lead and results[1].lead and results[0].lead.id == results[1].lead.id
    assert count(dbs[0], Lead) == 1
    assert count(dbs[0], LeadHistory) == 1


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (["A", "B"], ["B", "C"]),  # overlapping in the same order
        (["A", "B", "C"], ["A", "B", "C"]),  # the same batch replayed by two desks
    ],
    ids=["overlap", "same-batch"],
)
def test_overlapping_batches_from_two_engines(dbs: list[Database], left: list[str], right: list[str]) -> None:
    """Two mail syncs of one mailbox at once: every message is one lead, both report its id."""
    channel_id = _channel(dbs[0], kind="email")
    batches = [
        [LeadInput(channel_id=channel_id, external_id=key, email=f"{key.lower()}@example.ru") for key in keys]
        for keys in (left, right)
    ]

    def work(i: int, barrier: threading.Barrier) -> list[IntakeResult]:
        barrier.wait()
        with dbs[i].uow() as uow:
            return register_leads(uow, batches[i])

    if dbs[0].dialect == "postgresql":
        with meet_before_insert([d.engine for d in dbs], 2):
            outcomes = run_together(2, work)
    else:
        outcomes = run_together(2, work)
    assert [o.error for o in outcomes] == [None, None]
    ids: dict[str, set[int]] = {}
    created: dict[str, int] = {}
    for batch, outcome in zip(batches, outcomes, strict=True):
        for item, result in zip(batch, outcome.value, strict=True):
            assert result.lead is not None
            assert item.external_id is not None
            ids.setdefault(item.external_id, set()).add(result.lead.id)
            created[item.external_id] = created.get(item.external_id, 0) + result.created
    keys = set(left) | set(right)
    assert all(len(v) == 1 for v in ids.values()), ids
    assert created == dict.fromkeys(keys, 1)
    assert count(dbs[0], Lead) == len(keys)
    assert count(dbs[0], LeadHistory) == len(keys)


@pytest.mark.postgres
def test_batches_with_keys_in_opposite_order(pg_url_factory: Callable[..., str]) -> None:
    """Two imports of one file, one read bottom-up, at once.

    Each takes its first chunk of 500 (disjoint), then needs the other's rows: PostgreSQL must kill
    one transaction. The loser must get a clear InflowError, and its retry must find every lead.
    """
    url = pg_url_factory()
    dbs = [Database(url), Database(url)]
    try:
        channel_id = _channel(dbs[0], kind="request")
        keys = [f"row-{n:04d}" for n in range(2 * CHUNK)]
        batches = [
            [LeadInput(channel_id=channel_id, external_id=key, contact_name=key) for key in order]
            for order in (keys, keys[::-1])
        ]

        def work(i: int, barrier: threading.Barrier) -> list[IntakeResult]:
            with dbs[i].uow() as uow:
                return register_leads(uow, batches[i])

        with meet_before_insert([d.engine for d in dbs], 2):
            outcomes = run_together(2, work)
        for i, outcome in enumerate(outcomes):
            if outcome.error is not None:
                assert isinstance(outcome.error, InflowError), repr(outcome.error)[:300]
                assert str(outcome.error)
                with dbs[i].uow() as uow:  # the caller retries
                    outcome.value = register_leads(uow, batches[i])
        assert count(dbs[0], Lead) == len(keys)
        by_key: dict[str | None, set[int]] = {}
        for o in outcomes:
            for r in o.value:
                assert r.lead is not None
                by_key.setdefault(r.lead.external_id, set()).add(r.lead.id)
        assert len(by_key) == len(keys) and all(len(v) == 1 for v in by_key.values())
    finally:
        for d in dbs:
            d.dispose()


# ------------------------------------------------------------------------------- round-robin race


def test_round_robin_under_concurrent_intake(dbs: list[Database]) -> None:
    """20 inquiries at once from several engines: every active member within ±1 of the others."""
    with dbs[0].uow() as uow:
        sales = make_role(uow.session, "sales-race")
        members = [make_user(uow.session, roles=[sales]) for _ in range(3)]
        idle = make_user(uow.session, roles=[sales], active=False)
        channel = make_channel(uow.session, kind="call", rule="round-robin", role=sales)
    engines = [*dbs, Database(dbs[0].url), Database(dbs[0].url)]
    try:

        def work(i: int, barrier: threading.Barrier) -> IntakeResult:
            barrier.wait()
            with engines[i % len(engines)].uow() as uow:
                return register_lead(
                    uow,
                    LeadInput(channel_id=channel.id, external_id=f"call-{i}", phone=f"+7 916 000-00-{i:02d}"),
                )

        outcomes = run_together(20, work)
    finally:
        for extra in engines[2:]:
            extra.dispose()
    assert [o.error for o in outcomes] == [None] * 20
    assert all(o.value.outcome is IntakeOutcome.CREATED for o in outcomes)
    with dbs[0].session() as session:
        per_user = dict(
            session.execute(
                select(Lead.responsible_user_id, func.count()).group_by(Lead.responsible_user_id)
            ).all()
        )
    assert idle.id not in per_user and None not in per_user
    assert sum(per_user.values()) == 20
    loads = [per_user.get(m.id, 0) for m in members]
    assert max(loads) - min(loads) <= 1, per_user
    # what each intake reported matches what was stored
    reported = [o.value.lead.responsible_user_id for o in outcomes]
    assert {uid: reported.count(uid) for uid in set(reported)} == per_user
