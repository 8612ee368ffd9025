"""Finding clients and callers on both engines: phone in any format, e-mail, INN, part of a name."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from app.domain.enums import LeadState
from app.persistence.models import Channel, Client, User
from app.persistence.uow import Database
from app.services.lookup import find, identify_caller, match_email, match_phone
from app.services.permissions import Actor
from app.services.processing import reject_lead
from tests.factories import (
    actor_of,
    contact_person_of,
    make_channel,
    make_client,
    make_interest,
    make_user,
    new_lead,
)


@dataclass
class Book:
    manager: User
    other: User
    romashka: Client
    person: Client
    channel: Channel
    contact_id: int


@pytest.fixture
def book(db: Database) -> Book:
    with db.uow() as uow:
        s = uow.session
        manager = make_user(s, "lookup-manager", full_name="Мария Иванова")
        other = make_user(s, "lookup-other", full_name="Олег Петров")
        romashka = make_client(
            s,
            "ООО Ромашка",
            kind="company",
            inn="7707083893",
            phones=["+7 (495) 123-45-67"],
            emails=["Info@Romashka.RU"],
            responsible=manager,
            contact="Иван Сергеевич Лютиков",
        )
        make_interest(s, romashka, "Поставка бумаги", responsible=manager)
        make_interest(s, romashka, "Картриджи", responsible=manager)
        make_interest(s, romashka, "Старая сделка", stage_kind="won", responsible=manager)
        person = make_client(
            s, "Пётр Сидоров", phones=["+7 916 765-43-21"], responsible=other, inn="500100732259"
        )
        channel = make_channel(s, kind="call", rule="fixed", user=manager)
        contact = contact_person_of(s, romashka)
        assert contact is not None
        contact_id = contact.id
    return Book(manager, other, romashka, person, channel, contact_id)


@pytest.mark.parametrize("query", ["8 (495) 123-45-67", "+7 495 123 45 67", "74951234567", "4951234567"])
def test_find_by_phone_in_another_format(db: Database, book: Book, query: str) -> None:
    with db.session() as session:
        found = find(session, query)
    assert [c.id for c in found.clients] == [book.romashka.id]
    assert found.clients[0].phones == ("+74951234567",)
    assert [p.id for p in found.contacts] == [book.contact_id]


@pytest.mark.parametrize("query", ["info@romashka.ru", "INFO@ROMASHKA.RU", "Info@Romashka.Ru"])
def test_find_by_email_in_another_case(db: Database, book: Book, query: str) -> None:
    with db.session() as session:
        found = find(session, query)
        assert [c.id for c in found.clients] == [book.romashka.id]
        assert found.clients[0].emails == ("info@romashka.ru",)
        match = match_email(session, query)
    assert match is not None and match.found and match.client_ids == (book.romashka.id,)


@pytest.mark.parametrize(("query", "which"), [("7707083893", "romashka"), ("500100732259", "person")])
def test_find_by_inn(db: Database, book: Book, query: str, which: str) -> None:
    with db.session() as session:
        found = find(session, query)
    expected: Client = getattr(book, which)
    assert [c.id for c in found.clients] == [expected.id]
    assert found.clients[0].inn == query


@pytest.mark.parametrize("query", ["ромашка", "РОМАШКА", "Ромаш", "ооо ром"])
def test_find_by_part_of_a_cyrillic_name_in_any_case(db: Database, book: Book, query: str) -> None:
    with db.session() as session:
        found = find(session, query)
    assert [c.id for c in found.clients] == [book.romashka.id]
    assert found.clients[0].name == "ООО Ромашка"


def test_find_contact_person_by_name_brings_the_client(db: Database, book: Book) -> None:
    with db.session() as session:
        found = find(session, "лютиков")
    assert [p.id for p in found.contacts] == [book.contact_id]
    assert [c.id for c in found.clients] == [book.romashka.id]


def test_find_leads_by_phone_and_contact_name(db: Database, book: Book) -> None:
    x = new_lead(db, book.channel, phone="+7 926 000-11-22", contact_name="Алексей Громов")
    with db.session() as session:
        by_phone = find(session, "8 926 000 11 22")
        by_name = find(session, "громов")
    assert [lead.id for lead in by_phone.leads] == [x.id]
    assert [lead.id for lead in by_name.leads] == [x.id]
    assert by_phone.clients == ()


def test_find_nothing(db: Database, book: Book) -> None:
    with db.session() as session:
        assert find(session, "Несуществующая фирма").empty
        assert find(session, "+7 999 000-00-00").empty
        assert find(session, "nobody@nowhere.ru").empty
        assert find(session, "   ").empty
        assert find(session, "100%_совпадение").empty  # LIKE wildcards are literal


def test_find_respects_client_visibility(db: Database, book: Book) -> None:
    other = actor_of(db, book.other)
    with db.session() as session:
        assert find(session, "ромашка", other).clients == ()  # Maria's client
        assert [c.id for c in find(session, "сидоров", other).clients] == [book.person.id]
        everything = find(session, "ромашка", Actor.system())
    assert [c.id for c in everything.clients] == [book.romashka.id]


def test_match_phone(db: Database, book: Book) -> None:
    x = new_lead(db, book.channel, phone="8 495 123 45 67")
    with db.session() as session:
        match = match_phone(session, "+7 (495) 123-45-67")
        assert match_phone(session, "not a phone") is None
        unknown = match_phone(session, "+7 999 111-22-33")
    assert match is not None and match.value == "+74951234567"
    assert match.client_ids == (book.romashka.id,)
    assert match.contact_person_ids == (book.contact_id,)
    assert match.lead_ids == (x.id,)
    assert unknown is not None and not unknown.found


def test_identify_caller_of_a_company(db: Database, book: Book) -> None:
    x = new_lead(db, book.channel, phone="+7 495 123-45-67")
    with db.uow() as uow:
        reject_lead(uow, Actor.system(), x.id, reason_code="existing_client")
    with db.session() as session:
        card = identify_caller(session, "8 (495) 123-45-67")
    assert card.known
    assert card.phone == "+74951234567"
    assert card.client_id == book.romashka.id
    assert card.client_name == card.company == "ООО Ромашка"
    assert card.contact_name == "Иван Сергеевич Лютиков"
    assert set(card.open_interests) == {"Поставка бумаги", "Картриджи"}  # not the won one
    assert card.last_lead_id == x.id
    assert card.last_lead_state is LeadState.REJECTED
    assert card.last_lead_at == x.received_at
    assert card.responsible_user_id == book.manager.id
    assert card.responsible_name == "Мария Иванова"


def test_identify_caller_of_a_private_person(db: Database, book: Book) -> None:
    with db.session() as session:
        card = identify_caller(session, "89167654321")
    assert card.known and card.client_id == book.person.id
    assert card.client_name == "Пётр Сидоров" and card.company is None
    assert card.open_interests == () and card.last_lead_id is None and card.last_lead_state is None
    assert card.responsible_name == "Олег Петров"


def test_identify_caller_known_only_by_an_earlier_lead(db: Database, book: Book) -> None:
    x = new_lead(db, book.channel, phone="+7 903 555-66-77", contact_name="Светлана")
    with db.session() as session:
        card = identify_caller(session, "8-903-555-66-77")
    assert card.known and card.client_id is None
    assert card.contact_name == "Светлана"
    assert card.last_lead_id == x.id and card.last_lead_state is LeadState.NEW
    assert card.responsible_user_id == book.manager.id and card.responsible_name == "Мария Иванова"


@pytest.mark.parametrize("raw", ["+7 999 000-00-00", None, "", "101"])
def test_identify_unknown_caller(db: Database, book: Book, raw: str | None) -> None:
    with db.session() as session:
        card = identify_caller(session, raw)
    assert not card.known
    assert card.client_id is None and card.client_name is None and card.open_interests == ()
    assert card.last_lead_id is None and card.responsible_name is None


@pytest.mark.parametrize("query", ["петр сид", "ПЁТР", "Пётр Сидоров"])
def test_find_reads_yo_as_ye(db: Database, book: Book, query: str) -> None:
    with db.session() as s:
        found = find(s, query)
    assert [c.id for c in found.clients] == [book.person.id]
