"""Processing a lead on both engines (DOMAIN §4, §5): reject, convert, reassign, history, versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.domain.enums import ClientKind, LeadState, StageKind
from app.domain.errors import (
    ConcurrentModification,
    InflowError,
    LeadAlreadyConverted,
    LeadClosed,
    ReasonRequired,
    ValidationError,
)
from app.persistence.models import (
    Channel,
    Client,
    ContactPerson,
    ContactPoint,
    Exclusion,
    Interest,
    Lead,
    LeadHistory,
    Process,
    ProgressStatus,
    User,
)
from app.persistence.uow import Database
from app.services.dto import LeadDTO
from app.services.intake import IntakeOutcome
from app.services.permissions import Actor
from app.services.processing import (
    ConversionInput,
    ConversionResult,
    NewClient,
    NewContactPerson,
    NewInterest,
    NewProcess,
    assign_lead,
    convert_lead,
    lead_history,
    mark_duplicate,
    mark_spam,
    redirect_lead,
    reject_lead,
    return_to_work,
    take_in_progress,
)
from tests.factories import (
    actor_of,
    contact_person_of,
    count,
    history,
    lead,
    make_channel,
    make_client,
    make_interest,
    make_user,
    new_lead,
    reason_id,
    role,
    stages,
    take_in,
)


@dataclass
class Desk:
    """A manager with a channel whose leads go to them, and a dispatcher."""

    manager: User
    other: User
    dispatcher: User
    channel: Channel
    strict_channel: Channel
    pool_channel: Channel

    def lead(self, db: Database, phone: str = "+7 916 123-45-67", **fields: object) -> LeadDTO:
        return new_lead(db, self.channel, phone=phone, **fields)


@pytest.fixture
def desk(db: Database) -> Desk:
    with db.uow() as uow:
        s = uow.session
        manager = make_user(s, "manager1", roles=["manager"], full_name="Мария Менеджер")
        other = make_user(s, "manager2", roles=["manager"], full_name="Олег Другой")
        dispatcher = make_user(s, "dispatcher1", roles=["dispatcher"])
        channel = make_channel(s, "Заявки", rule="fixed", user=manager)
        strict = make_channel(s, "Звонки", kind="call", rule="fixed", user=manager, reason_required=True)
        pool = make_channel(s, "Пул", rule="pool", role=role(s, "manager"))
    return Desk(manager, other, dispatcher, channel, strict, pool)


def _convert(
    db: Database, actor: Actor, lead_id: int, data: ConversionInput, **kw: object
) -> ConversionResult:
    with db.uow() as uow:
        return convert_lead(uow, actor, lead_id, data, **kw)  # type: ignore[arg-type]


def _company(name: str = "ООО Ромашка", inn: str | None = "7707083893") -> ConversionInput:
    return ConversionInput(
        new_client=NewClient(ClientKind.COMPANY, name, inn),
        new_contact=NewContactPerson("Иван Петров", "закупщик"),
        interest=NewInterest("Поставка бумаги", amount=Decimal("15000.50")),
    )


def _actions(db: Database, lead_id: int) -> list[str]:
    return [h.action for h in history(db, lead_id)]


# ------------------------------------------------------------------------------------------ reject


def test_reject_with_reason(db: Database, desk: Desk) -> None:
    x = desk.lead(db)
    actor = actor_of(db, desk.manager)
    with db.uow() as uow:
        done = reject_lead(uow, actor, x.id, reason_code="wrong_number", comment="ошиблись номером")
    stored = lead(db, x.id)
    assert stored == done
    assert stored.state is LeadState.REJECTED
    with db.session() as session:
        assert stored.rejection_reason_id == reason_id(session, "wrong_number")
    assert stored.rejection_comment == "ошиблись номером"
    assert stored.processed_at is not None and stored.processor_id == desk.manager.id
    assert stored.version == x.version + 1
    entry = history(db, x.id)[-1]
    assert entry.action == "rejected" and entry.user_id == desk.manager.id
    assert entry.changes["state"] == ["new", "rejected"]
    assert entry.changes["rejection_reason_id"][1] == stored.rejection_reason_id
    assert entry.comment == "ошиблись номером"


def test_reason_required_by_channel(db: Database, desk: Desk) -> None:
    x = new_lead(db, desk.strict_channel, phone="+7 916 000-11-22")
    actor = actor_of(db, desk.manager)
    with pytest.raises(ReasonRequired, match="reason") as caught, db.uow() as uow:
        reject_lead(uow, actor, x.id, comment="без причины")
    assert isinstance(caught.value, ValidationError)
    assert lead(db, x.id) == x  # nothing changed
    assert _actions(db, x.id) == ["created"]
    with db.uow() as uow:
        reject_lead(uow, actor, x.id, reason_code="not_our_service")
    assert lead(db, x.id).state is LeadState.REJECTED


def test_reason_optional_elsewhere_and_unknown_reason_refused(db: Database, desk: Desk) -> None:
    x = desk.lead(db)
    actor = actor_of(db, desk.manager)
    with pytest.raises(ValidationError), db.uow() as uow:
        reject_lead(uow, actor, x.id, reason_code="no-such-reason")
    assert lead(db, x.id).state is LeadState.NEW
    with db.uow() as uow:
        reject_lead(uow, actor, x.id)
    rejected = lead(db, x.id)
    assert rejected.state is LeadState.REJECTED and rejected.rejection_reason_id is None


def test_closed_leads_refuse_actions(db: Database, desk: Desk) -> None:
    rejected = desk.lead(db, "+7 916 000-00-01")
    converted = desk.lead(db, "+7 916 000-00-02")
    actor = actor_of(db, desk.dispatcher)
    with db.uow() as uow:
        reject_lead(uow, actor, rejected.id, reason_code="spam")
    _convert(db, actor, converted.id, _company())
    for lead_id, error in ((rejected.id, LeadClosed), (converted.id, LeadAlreadyConverted)):
        with pytest.raises(error), db.uow() as uow:
            reject_lead(uow, actor, lead_id, reason_code="spam")
        with pytest.raises(InflowError), db.uow() as uow:
            take_in_progress(uow, actor, lead_id)
        with pytest.raises(LeadClosed), db.uow() as uow:
            assign_lead(uow, actor, lead_id, desk.other.id)
        with pytest.raises(LeadClosed), db.uow() as uow:
            redirect_lead(uow, actor, lead_id, desk.manager.roles[0].id)
    with pytest.raises(ValidationError), db.uow() as uow:
        return_to_work(uow, actor, converted.id)  # only rejected leads return


# ----------------------------------------------------------------------------------------- convert


def test_convert_into_new_company_with_contact_and_interest(db: Database, desk: Desk) -> None:
    x = desk.lead(db, "8 (916) 123-45-67", email="Ivan@Romashka.ru", contact_name="Иван")
    actor = actor_of(db, desk.manager)
    before = datetime.now(UTC)
    result = _convert(db, actor, x.id, _company())

    stored = lead(db, x.id)
    assert result.lead == stored
    assert stored.state is LeadState.CONVERTED
    assert stored.client_id == result.client_id
    assert stored.contact_person_id == result.contact_person_id is not None
    assert result.interest is not None and stored.result_interest_id == result.interest.id
    assert stored.result_process_id is None
    assert stored.processed_at is not None and stored.processed_at >= before - timedelta(seconds=5)
    assert stored.processor_id == result.interest.responsible_user_id == desk.manager.id
    with db.session() as session:
        client = session.get_one(Client, result.client_id)
        assert (client.kind, client.name, client.inn) == ("company", "ООО Ромашка", "7707083893")
        assert client.responsible_user_id == desk.manager.id
        person = session.get_one(ContactPerson, result.contact_person_id)
        assert (person.client_id, person.name, person.position) == (client.id, "Иван Петров", "закупщик")
        points = session.scalars(select(ContactPoint).where(ContactPoint.client_id == client.id)).all()
        assert {(p.kind, p.value, p.contact_person_id) for p in points} == {
            ("phone", "+79161234567", person.id),
            ("email", "ivan@romashka.ru", person.id),
        }
        interest = session.get_one(Interest, result.interest.id)
        first_open = next(s for s in stages(session) if s.kind == StageKind.OPEN.value)
        assert interest.stage_id == first_open.id and interest.pipeline_id == first_open.pipeline_id
        assert (interest.client_id, interest.contact_person_id, interest.lead_id) == (
            client.id,
            person.id,
            x.id,
        )
        assert interest.title == "Поставка бумаги" and interest.amount == Decimal("15000.50")
    entry = history(db, x.id)[-1]
    assert entry.action == "converted"
    assert entry.changes["state"] == ["new", "converted"]
    assert entry.changes["result_interest_id"] == [None, result.interest.id]
    assert entry.changes["client_id"] == [None, result.client_id]
    assert entry.changes["processor_id"] == [None, desk.manager.id]
    assert entry.changes["processed_at"][0] is None and entry.changes["processed_at"][1]


def test_convert_person_onto_a_given_stage_with_company_phone(db: Database, desk: Desk) -> None:
    x = desk.lead(db, "+7 916 222-33-44")
    with db.session() as session:
        third_id, pipeline_id = stages(session)[2].id, stages(session)[2].pipeline_id
    data = ConversionInput(
        new_client=NewClient(ClientKind.PERSON, "  Пётр Сидоров  "),
        phone_is_personal=False,
        interest=NewInterest("Кухня", stage_id=third_id),
    )
    result = _convert(db, actor_of(db, desk.manager), x.id, data)
    assert result.contact_person_id is None and result.interest is not None
    assert (result.interest.stage_id, result.interest.pipeline_id) == (third_id, pipeline_id)
    with db.session() as session:
        client = session.get_one(Client, result.client_id)
        assert (client.kind, client.name, client.inn) == ("person", "Пётр Сидоров", None)
        point = session.scalars(select(ContactPoint).where(ContactPoint.client_id == client.id)).one()
        assert (point.value, point.contact_person_id, point.is_personal) == ("+79162223344", None, False)


def test_processor_is_the_interests_responsible(db: Database, desk: Desk) -> None:
    x = desk.lead(db)
    data = ConversionInput(
        new_client=NewClient(ClientKind.PERSON, "Анна"),
        interest=NewInterest("Ремонт", responsible_user_id=desk.other.id),
    )
    result = _convert(db, actor_of(db, desk.dispatcher), x.id, data)
    assert result.interest is not None and result.interest.responsible_user_id == desk.other.id
    assert result.lead.processor_id == desk.other.id
    assert lead(db, x.id).processor_id == desk.other.id


def test_convert_repeat_into_existing_client(db: Database, desk: Desk) -> None:
    with db.uow() as uow:
        client = make_client(
            uow.session,
            "ООО Ромашка",
            kind="company",
            phones=["+79161234567"],
            contact="Иван",
            responsible=desk.manager,
        )
        person = contact_person_of(uow.session, client)
        assert person is not None
        person_id = person.id
    x = desk.lead(db, "8 916 123 45 67")
    assert x.state is LeadState.REPEAT and x.client_id == client.id
    data = ConversionInput(
        client_id=client.id, contact_person_id=person_id, interest=NewInterest("Ещё бумага")
    )
    points_before = count(db, ContactPoint)
    result = _convert(db, actor_of(db, desk.manager), x.id, data)
    assert result.lead.state is LeadState.REPEAT_PROCESSED
    assert lead(db, x.id).state is LeadState.REPEAT_PROCESSED
    assert (result.client_id, result.contact_person_id) == (client.id, person_id)
    assert count(db, Client) == 1
    assert count(db, ContactPoint) == points_before  # the phone was already there


def test_convert_into_existing_open_interest(db: Database, desk: Desk) -> None:
    with db.uow() as uow:
        client = make_client(uow.session, phones=["+79161234567"])
        interest = make_interest(uow.session, client, "Открытая сделка", responsible=desk.other)
    x = desk.lead(db)
    data = ConversionInput(client_id=client.id, existing_interest_id=interest.id)
    result = _convert(db, actor_of(db, desk.dispatcher), x.id, data)
    assert result.lead.result_interest_id == interest.id
    assert result.lead.processor_id == desk.other.id
    assert count(db, Interest) == 1


def test_repeat_taken_in_progress_still_ends_repeat_processed(db: Database, desk: Desk) -> None:
    with db.uow() as uow:
        client = make_client(uow.session, phones=["+79165550000"], responsible=desk.manager)
    x = desk.lead(db, "+7 916 555-00-00")
    assert x.state is LeadState.REPEAT and x.repeat_of_lead_id is None and x.client_id == client.id
    actor = actor_of(db, desk.manager)
    with db.uow() as uow:
        take_in_progress(uow, actor, x.id)
    result = _convert(db, actor, x.id, ConversionInput(client_id=client.id, interest=NewInterest("Сделка")))
    assert result.lead.state is LeadState.REPEAT_PROCESSED


def test_converting_twice_is_refused(db: Database, desk: Desk) -> None:
    x = desk.lead(db)
    actor = actor_of(db, desk.manager)
    first = _convert(db, actor, x.id, _company())
    clients, interests, entries = count(db, Client), count(db, Interest), count(db, LeadHistory)
    with pytest.raises(LeadAlreadyConverted, match=str(x.id)):
        _convert(db, actor, x.id, _company("ООО Другая", None))
    assert (count(db, Client), count(db, Interest), count(db, LeadHistory)) == (clients, interests, entries)
    assert lead(db, x.id) == first.lead


def test_convert_into_a_process(db: Database, desk: Desk) -> None:
    x = desk.lead(db)
    due = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
    data = ConversionInput(
        new_client=NewClient(ClientKind.PERSON, "Гость"),
        process=NewProcess("Выезд замерщика", due_at=due, description="до обеда"),
    )
    result = _convert(db, actor_of(db, desk.manager), x.id, data)
    assert result.interest is None and result.process is not None
    assert result.process.assignee_id == desk.manager.id
    stored = lead(db, x.id)
    assert stored.state is LeadState.CONVERTED
    assert stored.result_process_id == result.process.id and stored.result_interest_id is None
    assert stored.processor_id == desk.manager.id and stored.processed_at is not None
    with db.session() as session:
        process = session.get_one(Process, result.process.id)
        assert (process.title, process.due_at, process.lead_id, process.client_id) == (
            "Выезд замерщика",
            due,
            x.id,
            result.client_id,
        )
    assert count(db, Interest) == 0


def test_only_a_role_responsible_leaves_processing_date_empty(db: Database, desk: Desk) -> None:
    x = new_lead(db, desk.pool_channel, phone="+7 916 777-00-01")
    assert x.responsible_user_id is None and x.responsible_role_id is not None
    result = _convert(db, Actor.system(), x.id, _company())
    stored = lead(db, x.id)
    assert stored.state is LeadState.CONVERTED
    assert stored.processed_at is None and stored.processor_id is None
    assert result.interest is not None and result.interest.responsible_user_id is None
    assert "processed_at" not in history(db, x.id)[-1].changes


def test_role_member_converting_a_pool_lead_becomes_processor(db: Database, desk: Desk) -> None:
    x = new_lead(db, desk.pool_channel, phone="+7 916 777-00-02")
    result = _convert(db, actor_of(db, desk.other), x.id, _company())
    stored = lead(db, x.id)
    assert stored.processor_id == desk.other.id and stored.processed_at is not None
    assert stored.responsible_user_id == desk.other.id and stored.responsible_role_id is None
    assert result.interest is not None and result.interest.responsible_user_id == desk.other.id


def test_processing_date_is_never_changed(db: Database, desk: Desk) -> None:
    x = desk.lead(db)
    manager = actor_of(db, desk.manager)
    with db.uow() as uow:
        reject_lead(uow, manager, x.id, reason_code="wrong_number")
    first = lead(db, x.id)
    assert first.processed_at is not None and first.processor_id == desk.manager.id
    with db.uow() as uow:
        returned = return_to_work(uow, manager, x.id)
    assert returned.state is LeadState.NEW and returned.rejection_reason_id is None
    assert returned.processed_at == first.processed_at
    with db.uow() as uow:
        reject_lead(uow, actor_of(db, desk.dispatcher), x.id, reason_code="spam")
    again = lead(db, x.id)
    assert (again.processed_at, again.processor_id) == (first.processed_at, first.processor_id)
    with db.uow() as uow:
        return_to_work(uow, manager, x.id)
    data = ConversionInput(
        new_client=NewClient(ClientKind.PERSON, "X"),
        interest=NewInterest("Y", responsible_user_id=desk.other.id),
    )
    _convert(db, manager, x.id, data)
    final = lead(db, x.id)
    assert final.state is LeadState.CONVERTED
    assert (final.processed_at, final.processor_id) == (first.processed_at, first.processor_id)
    assert _actions(db, x.id) == ["created", "rejected", "returned", "rejected", "returned", "converted"]


# ------------------------------------------------------------------------------ responsible changes


def test_assign_writes_history(db: Database, desk: Desk) -> None:
    x = desk.lead(db)
    with db.uow() as uow:
        done = assign_lead(uow, actor_of(db, desk.dispatcher), x.id, desk.other.id)
    assert done.responsible_user_id == desk.other.id and done.responsible_role_id is None
    assert lead(db, x.id) == done
    entry = history(db, x.id)[-1]
    assert entry.action == "assigned" and entry.user_id == desk.dispatcher.id
    assert entry.changes == {"responsible_user_id": [desk.manager.id, desk.other.id]}


def test_assign_to_an_inactive_user_is_refused(db: Database, desk: Desk) -> None:
    with db.uow() as uow:
        gone = make_user(uow.session, active=False)
    x = desk.lead(db)
    with pytest.raises(ValidationError), db.uow() as uow:
        assign_lead(uow, actor_of(db, desk.dispatcher), x.id, gone.id)
    assert lead(db, x.id).responsible_user_id == desk.manager.id


def test_redirect_to_a_role(db: Database, desk: Desk) -> None:
    x = desk.lead(db)
    with db.session() as session:
        operators = role(session, "operator").id
    with db.uow() as uow:
        done = redirect_lead(uow, actor_of(db, desk.dispatcher), x.id, operators)
    assert (done.responsible_user_id, done.responsible_role_id) == (None, operators)
    entry = history(db, x.id)[-1]
    assert entry.action == "redirected"
    assert entry.changes == {
        "responsible_user_id": [desk.manager.id, None],
        "responsible_role_id": [None, operators],
    }


def test_take_in_progress_with_status(db: Database, desk: Desk) -> None:
    with db.uow() as uow:
        status = ProgressStatus(name="Перезвонить", position=1, color="#ff0000")
        uow.session.add(status)
        uow.flush()
    x = desk.lead(db)
    with db.uow() as uow:
        done = take_in_progress(uow, actor_of(db, desk.manager), x.id, status.id)
    assert done.state is LeadState.IN_PROGRESS
    with db.session() as session:
        assert session.get_one(Lead, x.id).progress_status_id == status.id
        assert session.get_one(Lead, x.id).first_action_at is not None
    entry = history(db, x.id)[-1]
    assert entry.action == "in_progress"
    assert entry.changes["state"] == ["new", "in_progress"]
    assert entry.changes["progress_status_id"] == [None, status.id]
    with pytest.raises(ValidationError), db.uow() as uow:
        take_in_progress(uow, actor_of(db, desk.manager), x.id, 987654)


def test_take_pool_lead_in_progress_makes_the_taker_responsible(db: Database, desk: Desk) -> None:
    x = new_lead(db, desk.pool_channel, phone="+7 916 777-00-03")
    with db.uow() as uow:
        done = take_in_progress(uow, actor_of(db, desk.other), x.id)
    assert (done.responsible_user_id, done.responsible_role_id) == (desk.other.id, None)
    assert history(db, x.id)[-1].changes["responsible_user_id"] == [None, desk.other.id]


def test_return_to_work_writes_history(db: Database, desk: Desk) -> None:
    with db.uow() as uow:
        make_client(uow.session, phones=["+79168889900"])
    repeat = desk.lead(db, "+7 916 888-99-00")
    actor = actor_of(db, desk.manager)
    with db.uow() as uow:
        reject_lead(uow, actor, repeat.id, reason_code="existing_client", comment="уже клиент")
    with db.uow() as uow:
        back = return_to_work(uow, actor, repeat.id)
    assert back.state is LeadState.REPEAT  # a known contact goes back as a repeat
    assert (back.rejection_reason_id, back.rejection_comment) == (None, None)
    entry = history(db, repeat.id)[-1]
    assert entry.action == "returned"
    assert entry.changes["state"] == ["rejected", "repeat"]
    assert entry.changes["rejection_comment"] == ["уже клиент", None]


def test_mark_spam_adds_the_contact_to_the_exclusion_list(db: Database, desk: Desk) -> None:
    x = desk.lead(db, "8 (916) 999-88-77", email="Spam@Bad.ru")
    with db.uow() as uow:
        done = mark_spam(uow, actor_of(db, desk.manager), x.id, add_to_exclusions=True)
    with db.session() as session:
        assert done.state is LeadState.REJECTED
        assert done.rejection_reason_id == reason_id(session, "spam")
        listed = {(e.kind, e.value) for e in session.scalars(select(Exclusion))}
    assert listed == {("phone", "+79169998877"), ("email", "spam@bad.ru")}
    assert "rejected" in _actions(db, x.id)
    again = take_in(db, desk.channel, external_id="spam-2", phone="+7 916 999 88 77")
    assert again.outcome is IntakeOutcome.EXCLUDED and again.lead is None
    mail = take_in(db, desk.channel, external_id="spam-3", email="SPAM@bad.ru")
    assert mail.outcome is IntakeOutcome.EXCLUDED


def test_mark_spam_excludes_a_messenger_user(db: Database, desk: Desk) -> None:
    first = take_in(db, desk.channel, external_id="tg-1", messenger_user="telegram:4242", subject="Реклама")
    assert first.lead is not None
    with db.uow() as uow:
        mark_spam(uow, actor_of(db, desk.manager), first.lead.id, add_to_exclusions=True)
    with db.session() as session:
        listed = {(e.kind, e.value) for e in session.scalars(select(Exclusion))}
    assert listed == {("messenger", "telegram:4242")}
    again = take_in(db, desk.channel, external_id="tg-2", messenger_user="telegram:4242")
    assert again.outcome is IntakeOutcome.EXCLUDED and again.lead is None


def test_mark_spam_twice_lists_the_contact_once(db: Database, desk: Desk) -> None:
    first = desk.lead(db, "8 (916) 999-88-77")
    second = desk.lead(db, "+7 916 999 88 77")
    actor = actor_of(db, desk.manager)
    for x in (first, second):
        with db.uow() as uow:
            mark_spam(uow, actor, x.id, add_to_exclusions=True)
    assert count(db, Exclusion) == 1
    assert lead(db, second.id).state is LeadState.REJECTED


def test_mark_spam_without_exclusion(db: Database, desk: Desk) -> None:
    x = desk.lead(db)
    with db.uow() as uow:
        mark_spam(uow, actor_of(db, desk.manager), x.id)
    assert count(db, Exclusion) == 0
    assert take_in(db, desk.channel, external_id="again", phone="+7 916 123-45-67").created


def test_mark_duplicate_links_the_leads(db: Database, desk: Desk) -> None:
    with db.uow() as uow:
        client = make_client(uow.session, phones=["+79161112233"])
    original = desk.lead(db, "+7 916 111-22-33")
    dup = desk.lead(db, "+7 916 444-55-66")
    with db.uow() as uow:
        done = mark_duplicate(uow, actor_of(db, desk.manager), dup.id, original.id)
    with db.session() as session:
        stored = session.get_one(Lead, dup.id)
        assert stored.duplicate_of_lead_id == original.id
        assert stored.rejection_reason_id == reason_id(session, "duplicate")
    assert done.state is LeadState.REJECTED and done.client_id == client.id
    entries = history(db, dup.id)
    assert [e.action for e in entries] == ["created", "rejected", "duplicate"]
    assert entries[-1].changes["duplicate_of_lead_id"] == [None, original.id]
    assert entries[-1].changes["client_id"] == [None, client.id]
    with pytest.raises(ValidationError), db.uow() as uow:
        mark_duplicate(uow, actor_of(db, desk.manager), original.id, original.id)


def test_lead_history_service_lists_all_entries(db: Database, desk: Desk) -> None:
    x = desk.lead(db)
    dispatcher = actor_of(db, desk.dispatcher)
    with db.uow() as uow:
        assign_lead(uow, dispatcher, x.id, desk.other.id)
    with db.uow() as uow:
        reject_lead(uow, dispatcher, x.id, reason_code="spam")
    with db.session() as session:
        entries = lead_history(session, dispatcher, x.id)
    assert [e.action for e in entries] == ["created", "assigned", "rejected"]
    assert [e.user_id for e in entries] == [None, desk.dispatcher.id, desk.dispatcher.id]
    assert all(e.at.tzinfo is not None for e in entries)


# ------------------------------------------------------------------------------------- versions


def test_stale_version_is_refused(db: Database, desk: Desk) -> None:
    x = desk.lead(db)
    dispatcher = actor_of(db, desk.dispatcher)
    with db.uow() as uow:
        assign_lead(uow, dispatcher, x.id, desk.other.id, expected_version=x.version)
    for action in (
        lambda uow: reject_lead(uow, dispatcher, x.id, reason_code="spam", expected_version=x.version),
        lambda uow: assign_lead(uow, dispatcher, x.id, desk.manager.id, expected_version=x.version),
        lambda uow: redirect_lead(
            uow, dispatcher, x.id, desk.manager.roles[0].id, expected_version=x.version
        ),
        lambda uow: take_in_progress(uow, dispatcher, x.id, expected_version=x.version),
        lambda uow: convert_lead(uow, dispatcher, x.id, _company(), expected_version=x.version),
    ):
        with pytest.raises(ConcurrentModification, match="reload"), db.uow() as uow:
            action(uow)
    current = lead(db, x.id)
    assert current.version == x.version + 1 and current.responsible_user_id == desk.other.id
    assert count(db, Client) == 0
    with db.uow() as uow:
        reject_lead(uow, dispatcher, x.id, reason_code="spam", expected_version=current.version)
    assert lead(db, x.id).version == current.version + 1


# ---------------------------------------------------------------------- invalid conversion input


def _bad_inputs() -> list[tuple[str, ConversionInput]]:
    interest = NewInterest("Сделка")
    company = NewClient(ClientKind.COMPANY, "ООО Лютик", "7707083893")
    return [
        ("no client", ConversionInput(interest=interest)),
        ("client and new client", ConversionInput(client_id=-1, new_client=company, interest=interest)),
        ("empty name", ConversionInput(new_client=NewClient(ClientKind.PERSON, "   "), interest=interest)),
        (
            "bad INN",
            ConversionInput(new_client=NewClient(ClientKind.COMPANY, "ООО Х", "12345"), interest=interest),
        ),
        (
            "INN of 11 digits",
            ConversionInput(
                new_client=NewClient(ClientKind.COMPANY, "ООО Х", "77070838931"), interest=interest
            ),
        ),
        ("two targets", ConversionInput(new_client=company, interest=interest, process=NewProcess("Задача"))),
        ("no target", ConversionInput(new_client=company)),
        (
            "empty contact",
            ConversionInput(new_client=company, new_contact=NewContactPerson(" "), interest=interest),
        ),
        ("empty title", ConversionInput(new_client=company, interest=NewInterest("  "))),
        (
            "negative amount",
            ConversionInput(new_client=company, interest=NewInterest("X", amount=Decimal(-1))),
        ),
        ("empty process", ConversionInput(new_client=company, process=NewProcess(""))),
        ("unknown stage", ConversionInput(new_client=company, interest=NewInterest("X", stage_id=999_999))),
        (
            "inactive owner",
            ConversionInput(new_client=company, interest=NewInterest("X", responsible_user_id=-5)),
        ),
        (
            "existing INN",
            ConversionInput(
                new_client=NewClient(ClientKind.COMPANY, "Дубль", "7701000000"), interest=interest
            ),
        ),
        ("foreign interest", ConversionInput(new_client=company, existing_interest_id=-7)),
    ]


@pytest.mark.parametrize(("case", "data"), _bad_inputs(), ids=[case for case, _ in _bad_inputs()])
def test_bad_conversion_input_writes_nothing(
    db: Database, desk: Desk, case: str, data: ConversionInput
) -> None:
    with db.uow() as uow:
        existing = make_client(uow.session, "ООО Существующая", kind="company", inn="7701000000")
        foreign = make_interest(uow.session, existing, "Чужая")
    if data.existing_interest_id == -7:
        data = ConversionInput(new_client=data.new_client, existing_interest_id=foreign.id)
    x = desk.lead(db, email="who@where.ru")
    tables = (Client, ContactPerson, ContactPoint, Interest, User, LeadHistory)
    if case == "inactive owner":
        with db.uow() as uow:
            gone = make_user(uow.session, active=False)
        assert data.interest is not None
        data = ConversionInput(
            new_client=data.new_client, interest=NewInterest("X", responsible_user_id=gone.id)
        )
    before = {t.__name__: count(db, t) for t in (*tables, Process)}

    with pytest.raises(ValidationError) as caught:
        _convert(db, actor_of(db, desk.manager), x.id, data)
    assert str(caught.value)  # a sentence for the person
    assert {t.__name__: count(db, t) for t in (*tables, Process)} == before
    assert lead(db, x.id) == x
