"""The values the reports read from storage (migration 0009, kept by triggers) equal what they
stand for, recomputed from the rows after every kind of write, on both engines."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update

from app.domain.enums import ClientKind, StageKind
from app.persistence.models import CallRecord, Client, ContactPoint, Interaction, Interest, Lead, Stage
from app.persistence.uow import Database
from app.services.permissions import Actor
from app.services.processing import assign_lead, take_in_progress
from tests.factories import make_channel, make_client, make_interest, make_user, new_lead, stages

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _seconds(later: datetime | None, earlier: datetime) -> int | None:
    if later is None:
        return None
    return math.floor(round((later - earlier).total_seconds(), 3))


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def assert_lead_facts(db: Database) -> None:
    with db.session() as session:
        rows = session.execute(
            select(Lead.id, Lead.received_at, Lead.first_action_at, Lead.sla_due_at, Lead.response_seconds,
                   Lead.response_within_sla)
        ).all()
    for lead_id, received, first, due, seconds, within in rows:
        expected_within = None if first is None or due is None else int(first <= due)
        assert (seconds, within) == (_seconds(first, received), expected_within), lead_id


def assert_call_facts(db: Database) -> None:
    with db.session() as session:
        calls = session.execute(
            select(CallRecord.id, CallRecord.direction, CallRecord.caller_phone, CallRecord.ring_at,
                   CallRecord.lead_id, CallRecord.callback_at, CallRecord.callback_seconds,
                   CallRecord.lead_responsible_user_id)
        ).all()
        managers = dict(session.execute(select(Lead.id, Lead.responsible_user_id)).all())
    for call in calls:
        callback = None
        if call.direction == "in":
            later = [o.ring_at for o in calls if o.direction == "out" and o.caller_phone == call.caller_phone
                     and call.caller_phone is not None and o.ring_at > call.ring_at]
            callback = min(later) if later else None
        assert call.callback_at == callback, call
        assert call.callback_seconds == _seconds(callback, call.ring_at), call
        assert call.lead_responsible_user_id == managers.get(call.lead_id), call


def assert_client_facts(db: Database) -> None:
    with db.session() as session:
        open_stages = set(session.scalars(select(Stage.id).where(Stage.kind == StageKind.OPEN.value)))
        interests = session.execute(select(Interest.client_id, Interest.stage_id)).all()
        points = session.execute(select(ContactPoint.client_id, ContactPoint.kind)).all()
        tasks = session.execute(
            select(Interaction.client_id, Interaction.status, Interaction.planned_at)
        ).all()
        clients = session.execute(
            select(Client.id, Client.kind, Client.portrait, Client.inn, Client.open_interest_count,
                   Client.contact_point_count, Client.next_planned_at, Client.portrait_filled)
        ).all()
    for client in clients:
        planned = [
            at for cid, status, at in tasks if cid == client.id and status == "planned" and at is not None
        ]
        portrait = bool((client.portrait or "").strip()) and (
            client.kind != ClientKind.COMPANY.value or bool((client.inn or "").strip())
        )
        expected: tuple[Any, ...] = (
            sum(1 for cid, stage in interests if cid == client.id and stage in open_stages),
            sum(1 for cid, kind in points if cid == client.id and kind in ("phone", "email")),
            min(planned) if planned else None,
            int(portrait),
        )
        stored = (client.open_interest_count, client.contact_point_count, _aware(client.next_planned_at),
                  client.portrait_filled)
        assert stored == expected, client


def test_response_seconds_follow_every_write_of_a_lead(db: Database) -> None:
    with db.uow() as uow:
        user = make_user(uow.session)
        other = make_user(uow.session)
        channel = make_channel(uow.session, user=user, rule="fixed", sla_minutes=30)
        user_id, other_id = user.id, other.id
    leads = [new_lead(db, channel, phone=f"+7 916 710-00-{i:02d}") for i in range(4)]
    assert_lead_facts(db)  # intake: deadline, no first action
    system = Actor.system()
    with db.uow() as uow:  # the processing service's first action
        take_in_progress(uow, system, leads[0].id)
    assert_lead_facts(db)
    with db.uow() as uow:  # ORM writes, as an import would
        row = uow.session.get(Lead, leads[1].id)
        assert row is not None
        row.first_action_at = row.received_at + timedelta(minutes=45, milliseconds=999)
    assert_lead_facts(db)
    with db.session() as session, session.begin():  # Core UPDATE, as the dialogs service writes it
        session.execute(update(Lead).where(Lead.id == leads[2].id).values(
            first_action_at=T0, received_at=T0 - timedelta(hours=25), sla_due_at=T0 + timedelta(seconds=1)))
        session.execute(update(Lead).where(Lead.id == leads[1].id).values(sla_due_at=None))
        session.execute(update(Lead).where(Lead.id == leads[0].id).values(first_action_at=None))
    assert_lead_facts(db)
    with db.session() as session, session.begin():  # a bulk insert with a first action already set
        session.add(Lead(channel_id=channel.id, kind="request", received_at=T0, first_action_at=T0
                         + timedelta(seconds=61.5), sla_due_at=T0 + timedelta(minutes=1), state="new",
                         quality="unchecked", responsible_user_id=other_id))
    assert_lead_facts(db)
    with db.uow() as uow:
        assign_lead(uow, system, leads[3].id, other_id)
    assert_lead_facts(db)
    assert user_id != other_id


def test_call_back_facts_follow_every_write_of_the_call_log(db: Database) -> None:
    with db.uow() as uow:
        user = make_user(uow.session)
        other = make_user(uow.session)
        channel = make_channel(uow.session, kind="call", user=user, rule="fixed")
        user_id, other_id = user.id, other.id
    lead = new_lead(db, channel, phone="+7 916 720-00-01")
    phone, elsewhere = "+79167200001", "+79167200002"

    def call(direction: str, at: datetime, number: str = phone, **extra: Any) -> int:
        with db.session() as session, session.begin():
            row = CallRecord(sip_call_id=f"{direction}-{at.isoformat()}-{number}", direction=direction,
                             caller_phone=number, ring_at=at, **extra)
            session.add(row)
            session.flush()
            return row.id

    missed = call("in", T0, result="no_answer", lead_id=lead.id)
    call("in", T0 + timedelta(minutes=5), result="busy")
    assert_call_facts(db)
    late = call("out", T0 + timedelta(hours=2), result="answered")
    assert_call_facts(db)
    early = call("out", T0 + timedelta(minutes=3, milliseconds=400))  # logged out of order
    assert_call_facts(db)
    call("out", T0 - timedelta(minutes=1))  # before the missed call: not a call back
    assert_call_facts(db)
    with db.session() as session, session.begin():
        session.execute(update(CallRecord).where(CallRecord.id == early).values(caller_phone=elsewhere))
    assert_call_facts(db)
    with db.session() as session, session.begin():
        session.execute(update(CallRecord).where(CallRecord.id == late)
            .values(ring_at=T0 + timedelta(minutes=2)))
    assert_call_facts(db)
    with db.session() as session, session.begin():
        session.execute(delete(CallRecord).where(CallRecord.id == late))
    assert_call_facts(db)
    with db.session() as session, session.begin():
        session.execute(update(CallRecord).where(CallRecord.id == early).values(caller_phone=phone))
        session.execute(update(CallRecord).where(CallRecord.id == missed)
            .values(ring_at=T0 + timedelta(minutes=4)))
    assert_call_facts(db)
    with db.uow() as uow:  # the lead changes hands: so does its calls' manager
        assign_lead(uow, Actor.system(), lead.id, other_id)
    assert_call_facts(db)
    second = new_lead(db, channel, phone="+7 916 720-00-03")
    with db.session() as session, session.begin():
        session.execute(update(CallRecord).where(CallRecord.id == missed).values(lead_id=second.id))
    assert_call_facts(db)
    with db.session() as session, session.begin():
        session.execute(delete(Lead).where(Lead.id == second.id))  # ON DELETE SET NULL
    assert_call_facts(db)
    assert user_id != other_id


def test_client_facts_follow_interests_contacts_interactions_and_the_portrait(db: Database) -> None:
    with db.uow() as uow:
        user = make_user(uow.session)
        first = make_client(uow.session, responsible=user, phones=["+7 916 730-00-01"])
        second = make_client(uow.session, kind=ClientKind.COMPANY, responsible=user, emails=["a@b.ru"])
        first_id, second_id = first.id, second.id
    assert_client_facts(db)
    with db.uow() as uow:
        interest = make_interest(uow.session, first_id)
        make_interest(uow.session, first_id, stage_kind=StageKind.WON)
        interest_id = interest.id
        uow.session.add(ContactPoint(client_id=first_id, kind="messenger", value="telegram:1"))
        uow.session.add(Interaction(kind="task", status="planned", client_id=first_id, subject="Позвонить",
                                    planned_at=T0 + timedelta(days=1)))
        uow.session.add(Interaction(kind="task", status="planned", client_id=first_id, subject="Написать",
                                    planned_at=T0))
        uow.session.add(Interaction(kind="task", status="planned", lead_id=None, subject="Без клиента",
                                    planned_at=T0))
    assert_client_facts(db)
    with db.session() as session, session.begin():
        all_stages = stages(session)
        won = next(s.id for s in all_stages if s.kind == StageKind.WON.value)
        session.execute(update(Interest).where(Interest.id == interest_id).values(stage_id=won))
        session.execute(update(Interaction).where(Interaction.subject == "Написать").values(status="done"))
        session.execute(update(ContactPoint).where(ContactPoint.client_id == first_id)
            .values(client_id=second_id))
        session.execute(update(Client).where(Client.id == second_id).values(portrait="Покупает окна"))
        session.execute(update(Client).where(Client.id == first_id).values(portrait="  "))
    assert_client_facts(db)
    with db.session() as session, session.begin():
        session.execute(update(Stage).where(Stage.id == won).values(kind=StageKind.OPEN.value))
        session.execute(update(Client).where(Client.id == second_id).values(inn="7701234567"))
        session.execute(update(Interaction).where(Interaction.subject == "Позвонить").values(
            planned_at=T0 - timedelta(days=3), client_id=second_id))
    assert_client_facts(db)
    with db.session() as session, session.begin():
        session.execute(update(Stage).where(Stage.id == won).values(kind=StageKind.WON.value))
        session.execute(delete(Interest).where(Interest.client_id == first_id))
        session.execute(delete(ContactPoint).where(ContactPoint.kind == "phone"))
        session.execute(delete(Interaction).where(Interaction.subject == "Позвонить"))
        session.execute(update(Client).where(Client.id == second_id).values(kind=ClientKind.PERSON.value,
                                                                            inn=None))
    assert_client_facts(db)
    with db.session() as session, session.begin():
        session.add(Client(name="С портретом", name_lower="с портретом", portrait="Дилер",
                           responsible_user_id=user.id))
    assert_client_facts(db)
