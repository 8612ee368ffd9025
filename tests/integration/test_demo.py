"""`inflow demo`: realistic data in every state, through the product's own services, on both engines."""

from __future__ import annotations

import json
import random

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.domain.contacts import normalize_phone
from app.domain.enums import ChannelKind, LeadState
from app.persistence.models import (
    CallRecord,
    Channel,
    Client,
    ContactPoint,
    ExcludedContact,
    Interaction,
    Interest,
    Lead,
    LeadHistory,
    Process,
    Stage,
    User,
)
from app.persistence.uow import open_database
from app.services.auth import authenticate
from app.services.demo import (
    DEMO_CLIENT_PHONE,
    DEMO_PASSWORD,
    format_phone,
    generate_demo,
    inn_company,
    inn_is_valid,
    inn_person,
)


def run(capsys: pytest.CaptureFixture[str], db_url: str, *argv: str) -> tuple[int, str, str]:
    code = main(["--database", db_url, *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_demo_fills_every_state_kind_and_stage(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, db_url, "demo", "--leads", "300", "--seed", "5")
    assert code == 0, err
    assert "300 leads" in out and f'"{DEMO_PASSWORD}"' in out

    db = open_database(db_url)
    try:
        with db.session() as session:
            states = dict(session.execute(select(Lead.state, func.count()).group_by(Lead.state)).all())
            assert set(states) == {state.value for state in LeadState}, states
            assert sum(states.values()) == 300
            lead_kinds = {k for (k,) in session.execute(select(Lead.kind).distinct())}
            channel_kinds = {k for (k,) in session.execute(select(Channel.kind).distinct())}
            assert lead_kinds == channel_kinds == {kind.value for kind in ChannelKind}
            names = set(session.scalars(select(Channel.name)))
            assert {"Телефон", "Почта sales@", "Telegram", "Сайт", "Walk-in"} <= names

            # Interests on every stage of the default pipeline; processes and tasks too.
            stages = set(session.scalars(select(Stage.id)))
            assert set(session.scalars(select(Interest.stage_id).distinct())) == stages
            assert session.scalar(select(func.count()).select_from(Process)) > 0
            assert session.scalar(select(func.count()).select_from(Interaction)) > 0
            assert session.scalar(select(func.count()).select_from(CallRecord)) > 0
            assert session.scalar(select(func.count()).select_from(ExcludedContact)) > 0

            # Every role has a user; demo users sign in with the documented password.
            roles = {code for user in session.scalars(select(User)) for code in (r.code for r in user.roles)}
            assert roles == {"operator", "manager", "dispatcher", "supervisor", "admin"}
            assert authenticate(session, "manager1", DEMO_PASSWORD).login == "manager1"

            # Companies carry valid INNs; every stored phone is E.164.
            for inn in session.scalars(select(Client.inn).where(Client.inn.is_not(None))):
                assert inn is not None and inn_is_valid(inn), inn
            for value in session.scalars(select(ContactPoint.value).where(ContactPoint.kind == "phone")):
                assert normalize_phone(value) == value

            # The rules of processing hold in the generated data (DOMAIN §4).
            closed = list(
                session.execute(
                    select(
                        Lead.state,
                        Lead.processed_at,
                        Lead.processor_id,
                        Lead.result_interest_id,
                        Lead.result_process_id,
                        Lead.received_at,
                    ).where(Lead.state.in_(["converted", "repeat_processed"]))
                )
            )
            for state, processed_at, processor_id, interest_id, process_id, received_at in closed:
                assert processed_at is not None and processor_id is not None, state
                assert (interest_id is None) != (process_id is None)
                assert received_at <= processed_at
            rejected_without_reason = session.scalar(
                select(func.count())
                .select_from(Lead)
                .join(Channel, Channel.id == Lead.channel_id)
                .where(Lead.state == "rejected", Lead.rejection_reason_id.is_(None), Channel.reason_required)
            )
            assert rejected_without_reason == 0
            # Every lead has its history, starting with its creation.
            assert (
                session.scalar(
                    select(func.count(func.distinct(LeadHistory.lead_id))).where(
                        LeadHistory.action == "created"
                    )
                )
                == 300
            )
    finally:
        db.dispose()

    # The demo client is found by a phone written the Russian way.
    code, out, err = run(capsys, db_url, "find", "8 (916) 123-45-67", "--json")
    assert code == 0, err
    found = json.loads(out)
    assert set(found) == {"clients", "contacts", "leads"}
    clients = [c for c in found["clients"] if DEMO_CLIENT_PHONE in c["phones"]]
    assert clients and clients[0]["name"] == "Иванов Сергей Петрович"
    for group in found.values():
        for item in group:
            assert {"id", "name", "phones", "emails"} <= set(item)

    code, out, _ = run(capsys, db_url, "find", "8 (916) 123-45-67")
    assert code == 0 and "Иванов Сергей Петрович" in out and "+79161234567" in out

    # A second demo into the same database is refused in one sentence.
    code, out, err = run(capsys, db_url, "demo", "--leads", "10")
    assert code == 1 and "already holds data" in err and "Traceback" not in err


def test_demo_is_reproducible_for_a_seed_and_small_runs_still_cover_every_state(db_url: str) -> None:
    db = open_database(db_url)
    try:
        with db.uow() as uow:
            summary = generate_demo(uow, leads=20, seed=11)
        assert summary.leads == 20
        assert set(summary.states) == {state.value for state in LeadState}, summary.states
        with db.session() as session:
            names = list(session.scalars(select(Client.name).order_by(Client.id).limit(10)))
    finally:
        db.dispose()
    assert names[0] == "Иванов Сергей Петрович"


def test_demo_with_no_leads_sets_up_the_office(db_url: str) -> None:
    db = open_database(db_url)
    try:
        with db.uow() as uow:
            summary = generate_demo(uow, leads=0)
        assert summary.leads == 0 and summary.users == 12 and summary.channels == 5
    finally:
        db.dispose()


def test_generated_inns_have_valid_check_digits() -> None:
    rng = random.Random(3)
    for _ in range(200):
        company, person = inn_company(rng), inn_person(rng)
        assert len(company) == 10 and inn_is_valid(company)
        assert len(person) == 12 and inn_is_valid(person)
    assert inn_is_valid("7707083893")  # Sberbank
    assert not inn_is_valid("7707083894")
    assert inn_is_valid("500100732259")
    assert not inn_is_valid("500100732250")


def test_every_demo_phone_style_normalizes_back() -> None:
    for style in range(8):
        assert normalize_phone(format_phone("+79161234567", style)) == "+79161234567"
