"""Lead intake on both engines (DOMAIN §3): idempotency, repeats, exclusions, distribution, SLA."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select

from app.domain.enums import LeadQuality, LeadState
from app.domain.errors import NotFound, ValidationError
from app.persistence.models import Channel, ExcludedContact, Lead, LeadHistory
from app.persistence.uow import Database
from app.services.intake import CHUNK, IntakeOutcome, LeadInput
from app.services.permissions import Actor
from app.services.processing import reject_lead
from tests.factories import (
    build,
    count,
    history,
    lead,
    make_channel,
    make_client,
    make_exclusion,
    make_role,
    make_user,
    new_lead,
    role,
    take_in,
    take_in_many,
    unique,
)

MOSCOW = timezone(timedelta(hours=3))
FORMATS = ["8 (916) 123-45-67", "+7 916 123-45-67", "79161234567", "9161234567"]
E164 = "+79161234567"


def _channel(db: Database, **kwargs: object) -> Channel:
    return build(db, make_channel, **kwargs)  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------- phones and repeats


def test_every_format_of_a_number_is_one_contact(db: Database) -> None:
    channel = _channel(db, kind="call")
    results = [take_in(db, channel, external_id=f"call-{i}", phone=raw) for i, raw in enumerate(FORMATS)]

    assert [r.outcome for r in results] == [IntakeOutcome.CREATED] * 4
    leads = [lead(db, r.lead.id) for r in results if r.lead]
    assert [x.phone for x in leads] == [E164] * 4
    assert [x.raw_contact for x in leads] == FORMATS  # the phone as dialled is kept
    first, *repeats = leads
    assert first.state is LeadState.NEW and first.repeat_of_lead_id is None
    for previous, repeat in zip(leads, repeats, strict=False):
        assert repeat.state is LeadState.REPEAT
        assert repeat.quality is LeadQuality.REPEAT
        assert repeat.repeat_of_lead_id == previous.id  # the latest earlier lead of the contact


def test_formats_in_one_batch_are_repeats_of_the_first(db: Database) -> None:
    channel = _channel(db, kind="call")
    results = take_in_many(
        db,
        [LeadInput(channel_id=channel.id, external_id=f"b-{i}", phone=raw) for i, raw in enumerate(FORMATS)],
    )
    ids = [r.lead.id for r in results if r.lead]
    assert len(set(ids)) == 4
    stored = [lead(db, i) for i in ids]
    assert {x.phone for x in stored} == {E164}
    assert stored[0].state is LeadState.NEW
    for repeat in stored[1:]:
        assert repeat.state is LeadState.REPEAT
        assert repeat.quality is LeadQuality.REPEAT
        assert repeat.repeat_of_lead_id == ids[0]
    # what intake reported is what was stored
    assert [r.lead.repeat_of_lead_id for r in results if r.lead] == [x.repeat_of_lead_id for x in stored]


def test_phone_of_a_client_makes_repeats_linked_to_the_client(db: Database) -> None:
    with db.uow() as uow:
        manager = make_user(uow.session)
        client = make_client(
            uow.session,
            "ООО Ромашка",
            kind="company",
            phones=["+7 (916) 123-45-67"],
            responsible=manager,
            contact="Иван Петров",
        )
        channel = make_channel(uow.session, kind="call", rule="pool", role=role(uow.session, "operator"))
    leads = [new_lead(db, channel, phone=raw) for raw in FORMATS]

    assert {x.phone for x in leads} == {E164}
    for i, x in enumerate(leads):
        assert x.state is LeadState.REPEAT
        assert x.quality is LeadQuality.REPEAT
        assert x.client_id == client.id
        assert x.contact_person_id is not None
        # the contact goes back to the manager who already works with the client
        assert x.responsible_user_id == manager.id
        assert x.responsible_role_id is None
        if i:
            assert x.repeat_of_lead_id == leads[i - 1].id


def test_email_repeat_is_case_insensitive(db: Database) -> None:
    channel = _channel(db, kind="email")
    first = new_lead(db, channel, email="Ivan.Petrov@Example.RU")
    second = new_lead(db, channel, email="ivan.petrov@example.ru")
    third = new_lead(db, channel, email="Иван <IVAN.PETROV@EXAMPLE.RU>")

    assert first.email == second.email == third.email == "ivan.petrov@example.ru"
    assert first.state is LeadState.NEW
    assert (second.state, second.quality, second.repeat_of_lead_id) == (
        LeadState.REPEAT,
        LeadQuality.REPEAT,
        first.id,
    )
    assert third.state is LeadState.REPEAT and third.repeat_of_lead_id == second.id


def test_email_of_a_client_is_found_in_any_case(db: Database) -> None:
    with db.uow() as uow:
        client = make_client(uow.session, emails=["info@romashka.ru"])
        channel = make_channel(uow.session, kind="email")
    x = new_lead(db, channel, email="INFO@Romashka.RU")
    assert x.state is LeadState.REPEAT and x.client_id == client.id


def test_a_different_number_is_not_a_repeat(db: Database) -> None:
    channel = _channel(db, kind="call")
    new_lead(db, channel, phone="+7 916 123-45-67")
    other = new_lead(db, channel, phone="+7 916 123-45-68")
    assert other.state is LeadState.NEW and other.repeat_of_lead_id is None


# ------------------------------------------------------------------------------------ idempotency


def test_same_external_id_twice_is_one_lead(db: Database) -> None:
    channel = _channel(db, kind="email")
    first = take_in(db, channel, external_id="<msg-1@mail>", email="a@b.ru", subject="Hello")
    again = take_in(db, channel, external_id="<msg-1@mail>", email="a@b.ru", subject="Hello")

    assert first.outcome is IntakeOutcome.CREATED and first.created
    assert again.outcome is IntakeOutcome.EXISTING and not again.created
    assert first.lead is not None and again.lead is not None
    assert again.lead.id == first.lead.id
    assert count(db, Lead) == 1
    assert count(db, LeadHistory) == 1


def test_same_external_id_on_another_channel_is_a_new_lead(db: Database) -> None:
    one = _channel(db, kind="email")
    two = _channel(db, kind="email")
    a = take_in(db, one, external_id="42", email="x@y.ru")
    b = take_in(db, two, external_id="42", email="z@y.ru")
    assert a.outcome is b.outcome is IntakeOutcome.CREATED
    assert a.lead and b.lead and a.lead.id != b.lead.id
    assert count(db, Lead) == 2


def test_batch_with_internal_duplicates(db: Database) -> None:
    channel = _channel(db, kind="request")
    earlier = take_in(db, channel, external_id="form-0", phone="+7 495 000-00-00")
    items = [
        LeadInput(channel_id=channel.id, external_id="form-1", phone="+7 495 111-11-11"),
        LeadInput(channel_id=channel.id, external_id="form-2", phone="+7 495 222-22-22"),
        LeadInput(channel_id=channel.id, external_id="form-1", phone="+7 495 111-11-11"),
        LeadInput(channel_id=channel.id, external_id="form-0", phone="+7 495 000-00-00"),
        LeadInput(channel_id=channel.id, external_id="form-2", phone="+7 495 222-22-22"),
    ]
    results = take_in_many(db, items)

    assert [r.outcome for r in results] == [
        IntakeOutcome.CREATED,
        IntakeOutcome.CREATED,
        IntakeOutcome.EXISTING,
        IntakeOutcome.EXISTING,
        IntakeOutcome.EXISTING,
    ]
    ids = [r.lead.id if r.lead else None for r in results]
    assert ids[2] == ids[0] and ids[4] == ids[1] and ids[0] != ids[1]
    assert earlier.lead is not None and ids[3] == earlier.lead.id
    assert count(db, Lead) == 3
    assert count(db, LeadHistory) == 3
    # A replay of the whole batch creates nothing.
    again = take_in_many(db, items)
    assert {r.outcome for r in again} == {IntakeOutcome.EXISTING}
    assert [r.lead.id if r.lead else None for r in again] == ids
    assert count(db, Lead) == 3


def test_inquiries_without_external_id_are_separate_leads(db: Database) -> None:
    channel = _channel(db, kind="request")
    a = take_in(db, channel, contact_name="Гость", phone="+7 495 123-00-01")
    b = take_in(db, channel, contact_name="Гость", phone="+7 495 123-00-01")
    assert a.created and b.created and a.lead and b.lead and a.lead.id != b.lead.id


def test_blank_external_id_is_no_key(db: Database) -> None:
    channel = _channel(db, kind="request")
    results = [
        take_in(db, channel, external_id=blank, phone=phone)
        for blank, phone in (("", "+7 916 111-11-11"), ("", "+7 916 222-22-22"), ("  ", "+7 916 333-33-33"))
    ]
    assert [r.outcome for r in results] == [IntakeOutcome.CREATED] * 3
    assert count(db, Lead) == 3


# ------------------------------------------------------------------------------- exclusion & flags


@pytest.mark.parametrize(
    ("kind", "listed", "inquiry"),
    [
        ("phone", "+7 916 555-44-33", {"phone": "8 (916) 555-44-33"}),
        ("email", "supplier@partner.ru", {"email": "Supplier@Partner.RU"}),
        ("domain", "Partner.RU", {"email": "anyone@partner.ru"}),
        ("messenger", "telegram:777001", {"messenger_user": "telegram:777001"}),
    ],
)
def test_excluded_contact_makes_no_lead_but_is_logged(
    db: Database, kind: str, listed: str, inquiry: dict[str, Any]
) -> None:
    with db.uow() as uow:
        exclusion = make_exclusion(uow.session, kind, listed)
        channel = make_channel(uow.session, kind="email")
    result = take_in(db, channel, external_id="ex-1", subject="Прайс", **inquiry)

    assert result.outcome is IntakeOutcome.EXCLUDED
    assert result.lead is None and result.reason
    assert count(db, Lead) == 0
    with db.session() as session:
        logged = session.scalars(select(ExcludedContact)).all()
        assert len(logged) == 1
        assert logged[0].channel_id == channel.id
        assert logged[0].exclusion_id == exclusion.id
        assert logged[0].external_id == "ex-1"
        assert logged[0].subject == "Прайс"
    # other contacts of the same channel still make leads
    assert take_in(db, channel, external_id="ok-1", phone="+7 916 000-00-01").created


def test_channel_that_is_not_a_lead_source_makes_no_lead(db: Database) -> None:
    channel = _channel(db, kind="email", lead_source=False)
    result = take_in(db, channel, external_id="m-1", email="client@example.ru")
    assert result.outcome is IntakeOutcome.NOT_LEAD_SOURCE
    assert result.lead is None and result.reason
    assert count(db, Lead) == 0
    assert count(db, ExcludedContact) == 0


# ------------------------------------------------------------------------------- quality and SLA


def test_quality_target_for_new_contact_from_ad_channel(db: Database) -> None:
    ad = _channel(db, ad_source="Яндекс.Директ")
    plain = _channel(db)
    first = new_lead(db, ad, phone="+7 916 700-00-01")
    assert first.quality is LeadQuality.TARGET
    assert first.ad_source == "Яндекс.Директ"
    assert new_lead(db, plain, phone="+7 916 700-00-02").quality is LeadQuality.UNCHECKED
    # the same contact again through the ad channel is a repeat, not a second target
    assert new_lead(db, ad, phone="8 916 700 00 01").quality is LeadQuality.REPEAT
    # an advertising source given with the inquiry counts as well
    assert new_lead(db, plain, phone="+7 916 700-00-03", ad_source="utm:vk").quality is LeadQuality.TARGET


def test_sla_due_is_received_plus_channel_minutes(db: Database) -> None:
    with_sla = _channel(db, sla_minutes=15)
    without = _channel(db)
    received = datetime(2026, 3, 2, 10, 0, tzinfo=MOSCOW)
    a = new_lead(db, with_sla, phone="+7 916 800-00-01", received_at=received)
    b = new_lead(db, without, phone="+7 916 800-00-02", received_at=received)
    assert a.sla_due_at == received + timedelta(minutes=15)
    assert lead(db, a.id).sla_due_at == received + timedelta(minutes=15)
    assert lead(db, a.id).received_at == received
    assert b.sla_due_at is None


def test_naive_received_at_is_refused(db: Database) -> None:
    channel = _channel(db)
    with pytest.raises(ValidationError, match="time zone"):
        take_in(db, channel, external_id="n", phone="+7 916 000-00-09", received_at=datetime(2026, 1, 1, 9))
    assert count(db, Lead) == 0


def test_unknown_channel_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound, match="channel"):
        take_in(db, 999_999, external_id="x", phone="+7 916 000-00-09")


# ----------------------------------------------------------------------------------- distribution


def test_fixed_user(db: Database) -> None:
    with db.uow() as uow:
        user = make_user(uow.session)
        channel = make_channel(uow.session, rule="fixed", user=user, role=role(uow.session, "manager"))
    x = new_lead(db, channel, phone="+7 916 100-00-01")
    assert (x.responsible_user_id, x.responsible_role_id) == (user.id, None)


def test_pool_is_the_role_only(db: Database) -> None:
    with db.uow() as uow:
        make_user(uow.session, roles=["operator"])
        operators = role(uow.session, "operator")
        channel = make_channel(uow.session, rule="pool", role=operators)
    x = new_lead(db, channel, phone="+7 916 100-00-02")
    assert (x.responsible_user_id, x.responsible_role_id) == (None, operators.id)


def test_round_robin_cycles_over_active_members_in_id_order(db: Database) -> None:
    with db.uow() as uow:
        make_user(uow.session)  # a manager outside the custom role
        sales = make_role(uow.session, "sales-rr")
        a = make_user(uow.session, roles=[sales])
        b = make_user(uow.session, roles=[sales], active=False)
        c = make_user(uow.session, roles=[sales])
        d = make_user(uow.session, roles=[sales])
        channel = make_channel(uow.session, rule="round-robin", role=sales)
    # every lead in its own unit of work: the position is kept in the database
    got = [new_lead(db, channel, phone=f"+7 916 200-00-{i:02d}").responsible_user_id for i in range(7)]
    assert got == [a.id, c.id, d.id, a.id, c.id, d.id, a.id]
    assert b.id not in got
    # and inside one batch it keeps cycling from where it stopped
    batch = take_in_many(
        db,
        [
            LeadInput(channel_id=channel.id, external_id=unique("rr"), phone=f"+7 916 201-00-{i:02d}")
            for i in range(3)
        ],
    )
    assert [r.lead.responsible_user_id for r in batch if r.lead] == [c.id, d.id, a.id]


def test_least_loaded_picks_the_member_with_fewest_open_leads(db: Database) -> None:
    with db.uow() as uow:
        sales = make_role(uow.session, "sales-ll")
        a = make_user(uow.session, roles=[sales])
        b = make_user(uow.session, roles=[sales])
        c = make_user(uow.session, roles=[sales])
        fixed_a = make_channel(uow.session, rule="fixed", user=a)
        fixed_b = make_channel(uow.session, rule="fixed", user=b)
        fixed_c = make_channel(uow.session, rule="fixed", user=c)
        channel = make_channel(uow.session, rule="least-loaded", role=sales)
    for i in range(3):
        new_lead(db, fixed_a, phone=f"+7 916 300-01-{i:02d}")
    for i in range(2):
        new_lead(db, fixed_b, phone=f"+7 916 300-02-{i:02d}")
    closed = [new_lead(db, fixed_c, phone=f"+7 916 300-03-{i:02d}") for i in range(3)]
    # c has the most leads but they are all closed: closed leads are no load
    with db.uow() as uow:
        for x in closed[:2]:
            reject_lead(uow, Actor.system(), x.id, reason_code="spam")
    # loads now: a 3, b 2, c 1
    first = new_lead(db, channel, phone="+7 916 300-09-01")
    assert first.responsible_user_id == c.id
    # c 2, b 2: the tie goes to the lower id
    second = new_lead(db, channel, phone="+7 916 300-09-02")
    assert second.responsible_user_id == b.id
    batch = take_in_many(
        db,
        [
            LeadInput(channel_id=channel.id, external_id=unique("ll"), phone=f"+7 916 300-09-1{i}")
            for i in range(4)
        ],
    )
    # loads a 3, b 3, c 2 → c, then a (3,3,3 tie → lowest id), b, c
    assert [r.lead.responsible_user_id for r in batch if r.lead] == [c.id, a.id, b.id, c.id]


def test_zone_rules_with_fallback(db: Database) -> None:
    with db.uow() as uow:
        msk = make_user(uow.session)
        spb = make_user(uow.session)
        partners = make_user(uow.session)
        fallback = make_user(uow.session)
        dispatchers = role(uow.session, "dispatcher")
        channel = make_channel(
            uow.session,
            rule="zone",
            user=fallback,
            zones=[
                ("source", "Avito", dispatchers),
                ("phone_prefix", "+7495", msk),
                ("phone_prefix", "+7812", spb),
                ("email_domain", "Partner.RU", partners),
            ],
        )
        pool_fallback = make_channel(
            uow.session, rule="zone", role=dispatchers, zones=[("phone_prefix", "+7495", msk)]
        )
    by_source = new_lead(db, channel, phone="+7 495 111-22-33", ad_source="avito")
    assert (by_source.responsible_user_id, by_source.responsible_role_id) == (None, dispatchers.id)
    assert new_lead(db, channel, phone="8 (495) 111-22-34").responsible_user_id == msk.id
    assert new_lead(db, channel, phone="8 812 111-22-35").responsible_user_id == spb.id
    assert new_lead(db, channel, email="boss@partner.ru").responsible_user_id == partners.id
    other = new_lead(db, channel, phone="+7 343 111-22-36", email="x@gmail.com")
    assert (other.responsible_user_id, other.responsible_role_id) == (fallback.id, None)
    pooled = new_lead(db, pool_fallback, phone="+7 343 111-22-37")
    assert (pooled.responsible_user_id, pooled.responsible_role_id) == (None, dispatchers.id)


def test_repeat_contact_goes_to_the_manager_of_the_earlier_lead(db: Database) -> None:
    with db.uow() as uow:
        sales = make_role(uow.session, "sales-rep")
        a = make_user(uow.session, roles=[sales])
        make_user(uow.session, roles=[sales])
        channel = make_channel(uow.session, rule="round-robin", role=sales)
    first = new_lead(db, channel, phone="+7 916 400-00-01")
    again = new_lead(db, channel, phone="89164000001")
    assert first.responsible_user_id == again.responsible_user_id == a.id


def test_repeat_in_the_same_batch_goes_to_the_same_manager(db: Database) -> None:
    with db.uow() as uow:
        sales = make_role(uow.session, "sales-batch")
        make_user(uow.session, roles=[sales])
        make_user(uow.session, roles=[sales])
        channel = make_channel(uow.session, rule="round-robin", role=sales)
    results = take_in_many(
        db,
        [
            LeadInput(channel_id=channel.id, external_id="m-1", email="new@client.ru"),
            LeadInput(channel_id=channel.id, external_id="m-2", email="New@Client.ru"),
        ],
    )
    first, second = (r.lead for r in results)
    assert first is not None and second is not None
    assert second.state is LeadState.REPEAT
    # the same as two separate intakes (see the test above)
    assert second.responsible_user_id == first.responsible_user_id


def test_inactive_client_manager_is_skipped(db: Database) -> None:
    with db.uow() as uow:
        gone = make_user(uow.session, active=False)
        fixed = make_user(uow.session)
        client = make_client(uow.session, phones=["+7 916 500-00-01"], responsible=gone)
        channel = make_channel(uow.session, rule="fixed", user=fixed)
    x = new_lead(db, channel, phone="8 916 500 00 01")
    assert x.client_id == client.id and x.state is LeadState.REPEAT
    assert x.responsible_user_id == fixed.id


# ---------------------------------------------------------------------------------------- history


def test_created_history_entry_per_lead(db: Database) -> None:
    with db.uow() as uow:
        user = make_user(uow.session)
        channel = make_channel(uow.session, rule="fixed", user=user)
    results = take_in_many(
        db,
        [
            LeadInput(channel_id=channel.id, external_id=f"h-{i}", phone=f"+7 916 600-00-0{i}")
            for i in range(3)
        ],
    )
    for r in results:
        assert r.lead is not None
        entries = history(db, r.lead.id)
        assert [e.action for e in entries] == ["created"]
        assert entries[0].changes["state"] == [None, "new"]
        assert entries[0].changes["responsible_user_id"] == [None, user.id]
        assert entries[0].user_id is None  # taken in by the program itself
        assert entries[0].comment


def test_lead_fields_are_stored(db: Database) -> None:
    channel = _channel(db, kind="request")
    received = datetime(2026, 3, 3, 8, 15, tzinfo=UTC)
    x = new_lead(
        db,
        channel,
        external_id="web-77",
        received_at=received,
        contact_name="Анна",
        phone="+7 916 123-00-77",
        email="Anna@Mail.RU",
        subject="Заявка с сайта",
        message="Перезвоните",
        extra={"utm_campaign": "spring"},
    )
    stored = lead(db, x.id)
    assert stored == x
    assert stored.kind.value == "request"
    assert (stored.phone, stored.email) == ("+79161230077", "anna@mail.ru")
    assert stored.contact_name == "Анна" and stored.subject == "Заявка с сайта"


# ---------------------------------------------------------------------------------- large batches


def test_batch_of_1200_spans_chunks_and_keeps_order(db: Database) -> None:
    assert CHUNK < 1200
    channel = _channel(db, kind="request", ad_source="import")
    items = [
        LeadInput(
            channel_id=channel.id,
            external_id=f"row-{i}",
            phone=f"+7 9{i // 10000:02d} {i % 10000:04d}-000",
            contact_name=f"Строка {i}",
        )
        for i in range(1200)
    ]
    # a key of the first chunk repeated in the third and a contact repeated across chunks
    items.append(LeadInput(channel_id=channel.id, external_id="row-7", phone=items[7].phone))
    items.append(LeadInput(channel_id=channel.id, external_id="row-late", phone=items[3].phone))
    results = take_in_many(db, items)

    assert len(results) == len(items)
    for i, r in enumerate(results[:1200]):
        assert r.outcome is IntakeOutcome.CREATED, i
        assert (
            r.lead is not None and r.lead.external_id == f"row-{i}" and r.lead.contact_name == f"Строка {i}"
        )
    assert results[1200].outcome is IntakeOutcome.EXISTING
    assert results[1200].lead and results[0].lead and results[7].lead
    assert results[1200].lead.id == results[7].lead.id
    late = results[1201].lead
    assert late is not None and late.state is LeadState.REPEAT
    assert late.repeat_of_lead_id == results[3].lead.id  # type: ignore[union-attr]
    ids = [r.lead.id for r in results[:1200] if r.lead]
    assert len(set(ids)) == 1200
    assert count(db, Lead) == 1201
    assert count(db, LeadHistory) == 1201
    with db.session() as session:
        stored = {ext: id_ for ext, id_ in session.execute(select(Lead.external_id, Lead.id))}
    assert all(stored[f"row-{i}"] == ids[i] for i in range(1200))
