"""The call-log service on SQLite and PostgreSQL: classification, leads at ringing, missed calls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.domain.enums import CallDirection, CallResult, InteractionKind, InteractionStatus, LeadState
from app.persistence.models import CallRecord, ChannelNumber, Interaction, Lead
from app.persistence.uow import Database
from app.services.calls import (
    DEFAULT_CHANNEL_NAME,
    InboundCall,
    RingOutcome,
    call_answered,
    call_ended,
    ensure_call_channels,
    recent_caller_phones,
    recent_calls,
    ring_inbound,
)
from tests.factories import build, count, lead, make_channel, make_client, make_user, unique


def _call_channel(db: Database, *, pattern: str | None = None, numbers: tuple[str, ...] = ()) -> int:
    with db.uow() as uow:
        user = make_user(uow.session, roles=["operator"])
        channel = make_channel(uow.session, kind="call", rule="fixed", user=user)
        channel.internal_pattern = pattern
        for number in numbers:
            uow.session.add(ChannelNumber(channel_id=channel.id, number=number))
        return channel.id


def _ring(db: Database, channel_id: int, caller: str, name: str = "") -> tuple[str, RingOutcome]:
    call_id = unique("call") + "@127.0.0.1"
    with db.uow() as uow:
        call = InboundCall(call_id, channel_id, caller, name, "sip:127.0.0.1:5060")
        return call_id, ring_inbound(uow, call)


def test_one_call_channel_is_the_default_and_none_makes_telefon(db: Database) -> None:
    with db.uow() as uow:
        first = ensure_call_channels(uow)
    assert first.created
    assert [c.name for c in first.channels] == [DEFAULT_CHANNEL_NAME]
    assert first.default_id == first.channels[0].id
    with db.uow() as uow:
        again = ensure_call_channels(uow)
    assert not again.created and again.default_id == first.default_id
    build(db, make_channel, kind="call", rule="fixed", user=build(db, make_user))
    with db.uow() as uow:
        two = ensure_call_channels(uow)
    assert len(two.channels) == 2 and two.default_id is None


def test_a_number_in_three_formats_is_one_lead_per_call_then_repeats(db: Database) -> None:
    channel_id = _call_channel(db)
    outcomes = [_ring(db, channel_id, caller)[1] for caller in ("+79161234567", "89161234567", "9161234567")]
    leads = [lead(db, o.lead.id) for o in outcomes if o.lead is not None]
    assert len({x.id for x in leads}) == 3
    assert {x.phone for x in leads} == {"+79161234567"}
    assert leads[0].state is LeadState.NEW
    assert [x.state for x in leads[1:]] == [LeadState.REPEAT, LeadState.REPEAT]
    assert leads[1].repeat_of_lead_id == leads[0].id
    assert leads[2].repeat_of_lead_id in (leads[0].id, leads[1].id)
    assert [o.repeat for o in outcomes] == [False, True, True]
    # The toast of the second call shows the first lead as the caller's last one.
    assert outcomes[1].card.last_lead_id == leads[0].id


def test_the_same_call_id_twice_is_one_lead_and_one_record(db: Database) -> None:
    channel_id = _call_channel(db)
    call = InboundCall("same@host", channel_id, "+79161234567")
    with db.uow() as uow:
        first = ring_inbound(uow, call)
    with db.uow() as uow:
        second = ring_inbound(uow, call)
    assert first.created and not second.created
    assert first.lead is not None and second.lead is not None and first.lead.id == second.lead.id
    assert first.record_id == second.record_id
    assert count(db, CallRecord) == 1


def test_internal_callers_make_no_lead_and_keep_the_reason(db: Database) -> None:
    channel_id = _call_channel(db, pattern=r"2\d\d", numbers=("+74951112233",))
    build(db, make_user, "colleague", extension="101")
    reasons = {}
    for caller in ("101", "205", "84951112233"):
        _call_id, outcome = _ring(db, channel_id, caller)
        assert outcome.lead is None
        assert outcome.direction is CallDirection.INTERNAL
        reasons[caller] = outcome.internal_reason
    assert reasons == {
        "101": "extension:101 (colleague)",
        "205": r"pattern:2\d\d",
        "84951112233": "own_number:+74951112233",
    }
    assert count(db, Lead) == 0
    with db.session() as session:
        stored = session.scalars(select(CallRecord.internal_reason).order_by(CallRecord.id)).all()
    assert list(stored) == list(reasons.values())


def test_an_anonymous_caller_still_makes_a_lead(db: Database) -> None:
    channel_id = _call_channel(db)
    _call_id, outcome = _ring(db, channel_id, "")
    assert outcome.lead is not None
    assert outcome.lead.phone is None


def test_a_known_clients_card_is_on_the_toast(db: Database) -> None:
    channel_id = _call_channel(db)
    with db.uow() as uow:
        manager = make_user(uow.session, full_name="Анна Петрова")
        client = make_client(
            uow.session, "ООО Ромашка", kind="company", phones=["+79161234567"], responsible=manager
        )
        client_id = client.id
    _call_id, outcome = _ring(db, channel_id, "8 916 123-45-67")
    card = outcome.card
    assert card.known and card.client_id == client_id
    assert card.company == "ООО Ромашка" and card.responsible_name == "Анна Петрова"
    assert outcome.repeat
    assert outcome.lead.client_id == client_id


def test_a_missed_call_keeps_its_lead_with_the_result_and_a_call_back_task(db: Database) -> None:
    channel_id = _call_channel(db)
    call_id, outcome = _ring(db, channel_id, "+79161234567")
    lead_id = outcome.lead.id
    ended = datetime.now(UTC)
    with db.uow() as uow:
        end = call_ended(uow, call_id, ended, CallResult.NO_ANSWER)
    assert end.missed and end.callback_task_id is not None
    with db.session() as session:
        stored = session.get_one(Lead, lead_id)
        assert stored.extra is not None and stored.extra["call_result"] == "no_answer"
        assert stored.state == LeadState.NEW.value  # still a lead to process
        task = session.get_one(Interaction, end.callback_task_id)
        assert (task.kind, task.status) == (InteractionKind.CALL.value, InteractionStatus.PLANNED.value)
        assert task.lead_id == lead_id and task.user_id == stored.responsible_user_id is not None
        assert "+79161234567" in task.subject
        record = session.scalars(select(CallRecord).where(CallRecord.sip_call_id == call_id)).one()
        assert record.result == "no_answer" and record.end_at is not None and record.talk_seconds is None


def test_an_answered_call_has_its_talk_time_and_who_answered(db: Database) -> None:
    channel_id = _call_channel(db)
    operator = build(db, make_user, roles=["operator"])
    call_id, _outcome = _ring(db, channel_id, "+79161234567")
    answered = datetime.now(UTC)
    with db.uow() as uow:
        call_answered(uow, call_id, answered, operator.id)
    with db.uow() as uow:
        end = call_ended(uow, call_id, answered + timedelta(seconds=42), CallResult.ANSWERED)
    assert not end.missed and end.callback_task_id is None
    assert count(db, Interaction) == 0
    with db.session() as session:
        (row,) = recent_calls(session)
        assert row.talk_seconds == 42 and row.answered_by_id == operator.id
        assert row.result is CallResult.ANSWERED and row.direction is CallDirection.IN
        assert row.answered_by_name == operator.full_name
        assert recent_caller_phones(session) == ["+79161234567"]


def test_a_ring_group_call_answered_at_one_desk_is_not_missed_at_the_others(db: Database) -> None:
    channel_id = _call_channel(db)
    operator = build(db, make_user, roles=["operator"])
    call_id, _outcome = _ring(db, channel_id, "+79161234567")
    answered = datetime.now(UTC)
    # Desk A answers; desk B's leg ends without a Reason header (the PBX did not say why).
    with db.uow() as uow:
        call_answered(uow, call_id, answered, operator.id)
    with db.uow() as uow:
        other = call_ended(uow, call_id, answered + timedelta(seconds=1), CallResult.NO_ANSWER)
    assert not other.missed and other.callback_task_id is None
    with db.uow() as uow:
        call_ended(uow, call_id, answered + timedelta(seconds=30), CallResult.ANSWERED)
    with db.session() as session:
        (row,) = recent_calls(session)
    assert row.result is CallResult.ANSWERED and row.talk_seconds == 30 and row.answered_by_id == operator.id
    assert count(db, Interaction) == 0


def test_answered_elsewhere_first_then_the_answering_desk_reports(db: Database) -> None:
    channel_id = _call_channel(db)
    operator = build(db, make_user, roles=["operator"])
    call_id, outcome = _ring(db, channel_id, "+79161234567")
    start = datetime.now(UTC)
    # Desk B is cancelled with "Call completed elsewhere" before desk A's answer is written.
    with db.uow() as uow:
        early = call_ended(uow, call_id, start, CallResult.ANSWERED, answered_elsewhere=True)
    assert not early.missed and early.record is not None and early.record.result is CallResult.ANSWERED
    with db.uow() as uow:
        call_answered(uow, call_id, start, operator.id)
    with db.uow() as uow:
        call_ended(uow, call_id, start + timedelta(seconds=12), CallResult.ANSWERED)
    with db.session() as session:
        (row,) = recent_calls(session)
    assert row.talk_seconds == 12 and row.answered_by_id == operator.id
    assert count(db, Interaction) == 0
    assert outcome.lead is not None and (lead(db, outcome.lead.id).state is LeadState.NEW)
