"""The Requests workspace's service on both engines: filters, keyset paging, visibility."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.enums import LeadState
from app.domain.errors import ValidationError
from app.persistence.uow import Database
from app.services import requests as svc
from app.services.permissions import Actor
from app.services.processing import reject_lead
from app.services.requests import RequestFilter
from tests.factories import actor_of, make_channel, make_user, new_lead, role

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@dataclass
class Desk:
    """A site form and an office channel (request kind), a chat channel, two managers."""

    site: int
    office: int
    chat: int
    m1: int
    m2: int


@pytest.fixture
def desk(db: Database) -> Desk:
    with db.uow() as uow:
        s = uow.session
        m1 = make_user(s, "m1")
        m2 = make_user(s, "m2")
        site = make_channel(s, "Сайт", rule="fixed", user=m1, ad_source="site").id
        office = make_channel(s, "Офис", rule="pool", role=role(s, "manager")).id
        chat = make_channel(s, "Телеграм", kind="dialog", rule="fixed", user=m1).id
        return Desk(site, office, chat, m1.id, m2.id)


ANY = RequestFilter()


def read(db: Database, actor: Actor, flt: RequestFilter = ANY, **kw: object) -> list[svc.RequestRow]:
    with db.session() as session:
        return svc.requests(session, actor, flt, **kw)  # type: ignore[arg-type]


def count(db: Database, actor: Actor, flt: RequestFilter = ANY) -> int:
    with db.session() as session:
        return svc.count_requests(session, actor, flt)


def test_only_request_channels_newest_first_with_names(db: Database, desk: Desk) -> None:
    first = new_lead(
        db,
        desk.site,
        contact_name="Анна",
        phone="8 (916) 123-45-67",
        email="Anna@Example.ru",
        message="Нужны окна\nв квартиру",
        received_at=at(1),
        ad_source="yandex.direct",
        extra={"utm_source": "yandex", "utm_campaign": "okna", "other": "x"},
    )
    second = new_lead(db, desk.office, contact_name="Борис", received_at=at(2))
    new_lead(db, desk.chat, contact_name="Чат", received_at=at(3))  # a dialog: not a request

    rows = read(db, Actor.system())
    assert [row.id for row in rows] == [second.id, first.id]
    anna = rows[1]
    assert anna.contact == "Анна"
    assert anna.phone == "+79161234567" and anna.email == "anna@example.ru"
    assert anna.message == "Нужны окна в квартиру"
    assert anna.channel_name == "Сайт"
    assert anna.responsible_name == "Сотрудник m1" and anna.responsible == "Сотрудник m1"
    assert anna.utm == (("utm_source", "yandex"), ("utm_campaign", "okna"))
    assert anna.source_text == "yandex.direct · utm_source=yandex · utm_campaign=okna"
    assert rows[0].role_name is not None and rows[0].responsible == rows[0].role_name
    assert anna.received_at == at(1) and anna.received_at.tzinfo is not None
    assert count(db, Actor.system()) == 2


def test_filters(db: Database, desk: Desk) -> None:
    a = new_lead(db, desk.site, contact_name="Анна Петрова", phone="+79161234567", received_at=at(10))
    b = new_lead(
        db, desk.office, contact_name="Борис", email="boris@mail.ru", message="Балкон", received_at=at(20)
    )
    c = new_lead(db, desk.site, contact_name="Вера", ad_source="avito", received_at=at(30))
    with db.uow() as uow:
        reject_lead(uow, Actor.system(), b.id, reason_code="spam")
    system = Actor.system()

    def ids(**kw: object) -> list[int]:
        flt = RequestFilter(**kw)  # type: ignore[arg-type]
        found = [row.id for row in read(db, system, flt)]
        assert count(db, system, flt) == len(found)
        return found

    assert ids(channel_id=desk.site) == [c.id, a.id]
    assert ids(received_from=at(15), received_to=at(30)) == [b.id]
    assert ids(states=frozenset({LeadState.REJECTED})) == [b.id]
    assert ids(states=frozenset({LeadState.NEW, LeadState.REPEAT})) == [c.id, a.id]
    assert ids(source="avito") == [c.id]
    assert ids(text="8 916 123-45-67") == [a.id]  # a phone in any format
    assert ids(text="BORIS@mail.ru") == [b.id]
    assert ids(text="петрова") == [a.id]  # Cyrillic, another case than stored
    assert ids(text="балкон") == [b.id]  # words of the message
    assert ids(text="100%_") == []  # LIKE wildcards are literal
    with pytest.raises(ValidationError):
        ids(received_from=at(30), received_to=at(10))
    with db.session() as session:
        assert svc.request_sources(session, system) == ["avito", "site"]
        assert [channel.name for channel in svc.request_channels(session)] == ["Офис", "Сайт"]


def test_keyset_pages_and_refresh_range(db: Database, desk: Desk) -> None:
    # Two leads share a timestamp: the id breaks the tie, and no page repeats or skips one.
    made = [new_lead(db, desk.office, contact_name=f"L{n}", received_at=at(n // 2)) for n in range(7)]
    expected = [lead.id for lead in sorted(made, key=lambda lead: (lead.received_at, lead.id), reverse=True)]
    system = Actor.system()
    seen: list[int] = []
    cursor = None
    while True:
        page = read(db, system, limit=3, before=cursor)
        seen.extend(row.id for row in page)
        if len(page) < 3:
            break
        cursor = page[-1].cursor
    assert seen == expected
    # A refresh reads the loaded window up to the last row shown, including newcomers on top.
    loaded = read(db, system, limit=3)
    newcomer = new_lead(db, desk.office, contact_name="Новый", received_at=at(100))
    window = read(db, system, limit=None, until=loaded[-1].cursor)
    assert [row.id for row in window] == [newcomer.id, *[row.id for row in loaded]]


def test_visibility(db: Database, desk: Desk) -> None:
    mine = new_lead(db, desk.site, contact_name="Моя", received_at=at(1))  # fixed to m1
    pooled = new_lead(db, desk.office, contact_name="Пул", received_at=at(2))  # the managers' pool
    with db.uow() as uow:
        outsider = make_user(uow.session, "op1", roles=["operator"])
    m1, m2, operator = actor_of(db, desk.m1), actor_of(db, desk.m2), actor_of(db, outsider)
    assert [row.id for row in read(db, m1)] == [pooled.id, mine.id]
    assert [row.id for row in read(db, m2)] == [pooled.id]
    assert read(db, operator) == [] and count(db, operator) == 0
    with db.session() as session:
        assert svc.request_sources(session, m2) == []
        assert svc.request_sources(session, m1) == ["site"]
