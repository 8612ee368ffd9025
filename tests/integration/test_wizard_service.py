"""The intake wizard's reads on both engines: candidates by phone / e-mail, client cards, inquiries."""

from __future__ import annotations

from app.domain.enums import LeadState, StageKind
from app.domain.errors import NotFound
from app.persistence.uow import Database
from app.services.permissions import Actor
from app.services.processing import reject_lead
from app.services.wizard import (
    FoundBy,
    client_card,
    client_interests,
    inquiry_matches,
    inquiry_setup,
    lead_for_wizard,
    lead_state,
    search_clients,
)
from tests.factories import (
    actor_of,
    contact_person_of,
    make_channel,
    make_client,
    make_interest,
    make_user,
    new_lead,
)


def test_lead_of_a_known_phone_finds_the_client_with_interests_and_earlier_leads(db: Database) -> None:
    with db.uow() as uow:
        s = uow.session
        manager = make_user(s, full_name="Мария Иванова")
        channel = make_channel(s, kind="call", name="Телефон-wizard", user=manager, rule="fixed")
        client = make_client(
            s,
            "ООО Ромашка",
            kind="company",
            inn="7707083893",
            phones=["+7 916 123-45-67"],
            contact="Иван Петров",
            responsible=manager,
        )
        make_interest(s, client, "Окна на дачу", responsible=manager)
        make_interest(s, client, "Старая сделка", stage_kind=StageKind.WON)
        person_id = contact_person_of(s, client).id  # type: ignore[union-attr]
        other = make_client(s, "Someone else", phones=["+7 999 000-00-00"])
        client_id, other_id = client.id, other.id
    first = new_lead(db, channel, phone="8 (916) 123-45-67", subject="Первый звонок")
    with db.uow() as uow:
        reject_lead(uow, Actor.system(), first.id, reason_code="wrong_number")
    lead = new_lead(db, channel, phone="+79161234567", subject="Снова звонит")

    with db.session() as session:
        data = lead_for_wizard(session, Actor.system(), lead.id)
    assert data.lead.id == lead.id and not data.is_converted
    assert data.channel.name == "Телефон-wizard"
    assert data.responsible_name == "Мария Иванова"
    assert [c.client.id for c in data.candidates] == [client_id]
    card = data.candidates[0]
    assert card.found_by == FoundBy.LINKED
    assert card.matched_contact_person_id == person_id
    assert [p.name for p in card.contacts] == ["Иван Петров"]
    assert [i.title for i in card.open_interests] == ["Окна на дачу"]
    assert card.open_interests[0].responsible_name == "Мария Иванова"
    assert card.responsible_name == "Мария Иванова"
    assert [e.id for e in data.earlier_leads] == [first.id]
    assert data.earlier_leads[0].state is LeadState.REJECTED
    assert data.earlier_leads[0].rejection_reason == "Ошибочный номер"
    assert other_id not in [c.client.id for c in data.candidates]
    assert data.pipelines and data.users and data.reasons


def test_email_match_and_client_card_and_interests(db: Database) -> None:
    with db.uow() as uow:
        s = uow.session
        channel = make_channel(s, kind="email")
        client = make_client(s, "Пётр Сидоров", emails=["Petr@Example.ru"], contact="Пётр Сидоров")
        make_interest(s, client, "Кухня")
        client_id = client.id
    lead = new_lead(db, channel, email="petr@example.ru")
    with db.session() as session:
        data = lead_for_wizard(session, Actor.system(), lead.id)
        card = client_card(session, Actor.system(), client_id, exclude_lead_id=lead.id)
        interests = client_interests(session, Actor.system(), client_id)
        found = search_clients(session, Actor.system(), "сидоров")
        state = lead_state(session, Actor.system(), lead.id)
    assert data.candidates[0].client.id == client_id
    assert card.found_by == FoundBy.SEARCH and card.earlier_leads == ()
    assert [i.title for i in interests] == ["Кухня"]
    assert [c.id for c in found] == [client_id]
    assert state.version == lead.version


def test_invisible_lead_and_client_are_not_found(db: Database) -> None:
    with db.uow() as uow:
        s = uow.session
        owner = make_user(s)
        stranger = make_user(s)
        channel = make_channel(s, user=owner, rule="fixed")
        client = make_client(s, responsible=owner, phones=["+7 916 700-00-01"])
        client_id = client.id
    lead = new_lead(db, channel, phone="+7 916 700-00-02")
    actor = actor_of(db, stranger)
    with db.session() as session:
        for call in (
            lambda: lead_for_wizard(session, actor, lead.id),
            lambda: client_interests(session, actor, client_id),
            lambda: client_card(session, actor, client_id),
        ):
            try:
                call()
            except NotFound:
                pass
            else:
                raise AssertionError("expected NotFound")


def test_inquiry_setup_prefers_walk_in_and_matches_show_client_since(db: Database) -> None:
    with db.uow() as uow:
        s = uow.session
        make_channel(s, "Web form", kind="request")
        walk_in = make_channel(s, "Walk-in", kind="request")
        make_channel(s, "Mailbox", kind="email")
        make_channel(s, "Silent", kind="request", lead_source=False)
        client = make_client(s, "Иванов Иван", phones=["+7 916 555-44-33"])
        client_id = client.id
        walk_in_id = walk_in.id
    with db.session() as session:
        setup = inquiry_setup(session)
        matches = inquiry_matches(session, Actor.system(), phone="8 916 555 44 33")
        by_name = inquiry_matches(session, Actor.system(), name="иванов")
        nothing = inquiry_matches(session, Actor.system(), name="ив", phone="12")
    assert [c.name for c in setup.channels] == ["Web form", "Walk-in"]
    assert setup.default_channel_id == walk_in_id and setup.region == "RU"
    assert matches[0].what == "client" and matches[0].id == client_id
    assert matches[0].since is not None and "+79165554433" in matches[0].detail
    assert any(m.id == client_id for m in by_name)
    assert nothing == ()
