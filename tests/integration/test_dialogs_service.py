"""The Dialogs service: conversations → leads, the list, replies, linking, quick replies (both engines).

Inbound messages are handed to :func:`ingest_messages` directly (the connector tests cover the
Bot API); replies go through a fake messenger client.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.connectors.base import ConnectorError
from app.connectors.telegram import BotIdentity, UpdateBatch
from app.domain.enums import ChannelKind, ContactKind, LeadQuality, LeadState, MessageStatus
from app.domain.errors import NotFound, PermissionDenied, ValidationError
from app.persistence.models import (
    ContactPoint,
    Conversation,
    ConversationMessage,
    ExcludedContact,
    Lead,
)
from app.persistence.uow import Database
from app.services.dialogs import (
    DEFAULT_QUICK_REPLIES,
    Attachment,
    IncomingMessage,
    IngestOutcome,
    IngestResult,
    conversation_messages,
    conversation_of_lead,
    get_conversation,
    ingest_messages,
    link_conversation,
    list_conversations,
    mark_answered,
    quick_replies,
    retry_message,
    send_reply,
    set_quick_replies,
)
from app.services.permissions import Actor
from app.services.processing import reject_lead
from tests.factories import (
    actor_of,
    build,
    contact_person_of,
    count,
    history,
    lead,
    make_channel,
    make_client,
    make_exclusion,
    make_user,
    take_in,
)

SYSTEM = Actor.system()
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
_updates = itertools.count(10_000)


class FakeMessenger:
    """A messenger client that records what it sends, or fails while ``failing`` is set."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str | None, str | None]] = []
        self.failing: str | None = None
        self._ids = itertools.count(500)

    async def identify(self) -> BotIdentity:
        return BotIdentity(1, "fake_bot", "Fake")

    async def fetch_updates(self, offset: int | None, timeout: float) -> UpdateBatch:
        return UpdateBatch((), None)

    async def send_text(self, chat_id: str, text: str) -> str:
        return self._send(chat_id, text, None)

    async def send_file(
        self, chat_id: str, path: Path, *, caption: str | None = None, as_photo: bool = False
    ) -> str:
        return self._send(chat_id, caption, path.name)

    async def download(self, file_id: str, target: Path) -> Path:
        target.write_bytes(file_id.encode())
        return target

    async def aclose(self) -> None:
        pass

    def _send(self, chat_id: str, text: str | None, file_name: str | None) -> str:
        if self.failing:
            raise ConnectorError(self.failing)
        self.sent.append((chat_id, text, file_name))
        return str(next(self._ids))


def dialog_channel(db: Database, **options: object) -> int:
    """A dialog channel."""
    with db.uow() as uow:
        return make_channel(uow.session, kind=ChannelKind.DIALOG.value, **options).id  # type: ignore[arg-type]


def message(
    user: int,
    text: str | None = "Здравствуйте",
    *,
    at: datetime = T0,
    name: str | None = "Мария Котова",
    phone: str | None = None,
    update: str | None = None,
    attachments: tuple[Attachment, ...] = (),
) -> IncomingMessage:
    """An inbound message of a Telegram user (chat id = user id, as in private chats)."""
    return IncomingMessage(
        external_id=update or str(next(_updates)),
        chat_id=str(user),
        user_key=f"telegram:{user}",
        sent_at=at,
        display_name=name,
        username=f"user{user}",
        text=text,
        shared_phone=phone,
        attachments=attachments,
    )


def ingest(db: Database, channel_id: int, *messages: IncomingMessage) -> list[IngestResult]:
    """Ingest messages in one unit of work."""
    with db.uow() as uow:
        return ingest_messages(uow, channel_id, messages)


def conversation_of(db: Database, conversation_id: int) -> Conversation:
    """The stored conversation, freshly read."""
    with db.session() as session:
        row = session.get_one(Conversation, conversation_id)
        session.expunge(row)
        return row


# ---------------------------------------------------------------------------------------- intake


def test_an_unknown_user_opens_a_new_lead(db: Database) -> None:
    channel_id = dialog_channel(db, ad_source="Telegram-бот")
    [result] = ingest(db, channel_id, message(1, "Хочу заказать торт\nна субботу"))
    assert result.outcome is IngestOutcome.NEW_LEAD and result.lead_id is not None
    made = lead(db, result.lead_id)
    assert made.kind is ChannelKind.DIALOG
    assert made.state is LeadState.NEW and made.quality is LeadQuality.TARGET
    assert made.contact_name == "Мария Котова"
    assert made.messenger_user == "telegram:1"
    assert made.raw_contact == "telegram:1"
    assert made.subject == "Хочу заказать торт"
    assert made.message == "Хочу заказать торт\nна субботу"
    assert made.received_at == T0
    conversation = conversation_of(db, result.conversation_id)
    assert conversation.lead_id == made.id and conversation.waiting_since == T0


def test_further_messages_join_the_open_lead_and_replays_change_nothing(db: Database) -> None:
    channel_id = dialog_channel(db)
    first = message(2, "Добрый день", update="u-1")
    [opened] = ingest(db, channel_id, first)
    second, replay = ingest(
        db, channel_id, message(2, "Есть доставка?", at=T0 + timedelta(minutes=1), update="u-2"), first
    )
    assert second.outcome is IngestOutcome.THREAD and second.lead_id == opened.lead_id
    assert second.conversation_id == opened.conversation_id
    assert replay.outcome is IngestOutcome.DUPLICATE and not replay.stored
    assert count(db, Lead) == 1
    assert count(db, ConversationMessage) == 2
    conversation = conversation_of(db, opened.conversation_id)
    # Waiting since the first unanswered message, not the latest.
    assert conversation.waiting_since == T0
    assert conversation.last_message_at == T0 + timedelta(minutes=1)


def test_a_linked_user_makes_a_repeat_lead_once_the_first_lead_is_closed(db: Database) -> None:
    channel_id = dialog_channel(db)
    client = build(db, make_client, "ИП Соколов", contact="Олег Соколов")
    with db.session() as session:
        person = contact_person_of(session, client.id)
        assert person is not None
        person_id = person.id
    [first] = ingest(db, channel_id, message(3, "Нужна консультация"))
    assert first.lead_id is not None

    with db.uow() as uow:
        linked = link_conversation(uow, SYSTEM, first.conversation_id, client.id, person_id)
    assert (linked.client_id, linked.client_name, linked.contact_person_name) == (
        client.id,
        "ИП Соколов",
        "Олег Соколов",
    )
    assert lead(db, first.lead_id).client_id == client.id
    assert [h.action for h in history(db, first.lead_id)] == ["created", "client_linked"]
    with db.session() as session:
        point = session.scalars(
            select(ContactPoint).where(ContactPoint.kind == ContactKind.MESSENGER.value)
        ).one()
        assert (point.value, point.client_id, point.contact_person_id) == ("telegram:3", client.id, person_id)

    # While the lead is open, the user's messages stay in its thread.
    [joined] = ingest(db, channel_id, message(3, "Вы тут?"))
    assert joined.outcome is IngestOutcome.THREAD

    with db.uow() as uow:
        reject_lead(uow, SYSTEM, first.lead_id, reason_code="duplicate")
    [again] = ingest(db, channel_id, message(3, "Хочу ещё заказать", at=T0 + timedelta(days=2)))
    assert again.outcome is IngestOutcome.REPEAT_LEAD
    assert again.lead_id not in (None, first.lead_id)
    assert again.lead_id is not None
    repeat = lead(db, again.lead_id)
    assert repeat.state is LeadState.REPEAT and repeat.quality is LeadQuality.REPEAT
    assert repeat.client_id == client.id and repeat.contact_person_id == person_id
    assert conversation_of(db, again.conversation_id).lead_id == repeat.id


def test_a_messenger_contact_point_known_before_makes_the_first_message_a_repeat(db: Database) -> None:
    channel_id = dialog_channel(db)
    client = build(db, make_client, "ООО Лето")
    with db.uow() as uow:
        uow.session.add(
            ContactPoint(client_id=client.id, kind=ContactKind.MESSENGER.value, value="telegram:4")
        )
    [result] = ingest(db, channel_id, message(4, "Добрый вечер"))
    assert result.outcome is IngestOutcome.REPEAT_LEAD
    assert result.lead_id is not None
    assert lead(db, result.lead_id).client_id == client.id
    assert conversation_of(db, result.conversation_id).client_id == client.id


def test_a_shared_phone_on_the_exclusion_list_makes_no_lead(db: Database) -> None:
    channel_id = dialog_channel(db)
    build(db, make_exclusion, "phone", "+7 495 111-22-33")
    [result] = ingest(db, channel_id, message(5, None, phone="84951112233"))
    assert result.outcome is IngestOutcome.EXCLUDED and result.lead_id is None
    # The phone is remembered on the conversation: later text messages are excluded too.
    [later] = ingest(db, channel_id, message(5, "Пришлите счёт"))
    assert later.outcome is IngestOutcome.EXCLUDED
    assert count(db, Lead) == 0
    assert count(db, ExcludedContact) == 2
    assert count(db, ConversationMessage) == 2
    assert conversation_of(db, result.conversation_id).phone == "+74951112233"


def test_a_messenger_user_on_the_exclusion_list_makes_no_lead(db: Database) -> None:
    channel_id = dialog_channel(db)
    build(db, make_exclusion, "messenger", "telegram:31")
    [result] = ingest(db, channel_id, message(31, "Купите рекламу"))
    assert result.outcome is IngestOutcome.EXCLUDED and result.lead_id is None
    [other] = ingest(db, channel_id, message(32, "Нужна консультация"))
    assert other.outcome is IngestOutcome.NEW_LEAD
    assert count(db, Lead) == 1 and count(db, ConversationMessage) == 2


def test_a_phone_shared_during_an_open_lead_identifies_the_client(db: Database) -> None:
    channel_id = dialog_channel(db)
    client = build(db, make_client, "ООО Сирень", phones=["+7 903 555-66-77"])
    [first] = ingest(db, channel_id, message(6, "Где мой заказ?"))
    assert first.outcome is IngestOutcome.NEW_LEAD and first.lead_id is not None
    [shared] = ingest(db, channel_id, message(6, None, phone="+79035556677"))
    assert shared.outcome is IngestOutcome.THREAD
    updated = lead(db, first.lead_id)
    assert (updated.phone, updated.client_id, updated.state) == ("+79035556677", client.id, LeadState.REPEAT)
    assert [h.action for h in history(db, first.lead_id)] == ["created", "contact_shared"]
    assert conversation_of(db, first.conversation_id).client_id == client.id


def test_a_channel_that_is_no_lead_source_keeps_the_chat_without_leads(db: Database) -> None:
    channel_id = dialog_channel(db, lead_source=False)
    [result] = ingest(db, channel_id, message(7, "Привет"))
    assert result.outcome is IngestOutcome.NO_LEAD
    assert count(db, Lead) == 0 and count(db, ConversationMessage) == 1


def test_only_dialog_channels_take_messages(db: Database) -> None:
    with db.uow() as uow:
        other = make_channel(uow.session, kind=ChannelKind.REQUEST.value).id
    with pytest.raises(ValidationError):
        ingest(db, other, message(8))
    with pytest.raises(NotFound):
        ingest(db, 999_999, message(8))


def test_attachments_and_captions_make_the_subject(db: Database) -> None:
    channel_id = dialog_channel(db)
    photo = Attachment(kind="photo", file_id="F1", name="photo-1.jpg", mime="image/jpeg", size=2048)
    [result] = ingest(db, channel_id, message(9, None, attachments=(photo,)))
    assert result.lead_id is not None
    assert lead(db, result.lead_id).subject == "[photo] photo-1.jpg"
    with db.session() as session:
        [stored] = conversation_messages(session, SYSTEM, result.conversation_id)
        row = list_conversations(session, SYSTEM).rows[0]
    assert stored.attachments == (photo,)
    assert row.last_message_text == "[photo] photo-1.jpg"


# ------------------------------------------------------------------------------------------ list


def test_unanswered_conversations_come_first_longest_waiting_on_top(db: Database) -> None:
    channel_id = dialog_channel(db)
    ingest(db, channel_id, message(11, "a", at=T0 + timedelta(minutes=5)))
    ingest(db, channel_id, message(12, "b", at=T0 + timedelta(minutes=1)))
    ingest(db, channel_id, message(13, "c", at=T0 + timedelta(minutes=9)))
    client = FakeMessenger()
    with db.session() as session:
        answered_id = next(r.id for r in list_conversations(session, SYSTEM).rows if r.chat_id == "13")
    send_reply(db, SYSTEM, answered_id, "Ответ", client=client)

    with db.session() as session:
        page = list_conversations(session, SYSTEM)
        assert [r.chat_id for r in page.rows] == ["12", "11", "13"]
        assert (page.total, page.unanswered) == (3, 2)
        assert [r.chat_id for r in list_conversations(session, SYSTEM, offset=1, limit=1).rows] == ["11"]
        waiting = list_conversations(session, SYSTEM, unanswered_only=True)
        assert [r.chat_id for r in waiting.rows] == ["12", "11"] and waiting.total == 2
        assert list_conversations(session, SYSTEM, channel_id=channel_id + 1000).total == 0
    first = page.rows[0]
    assert first.waiting(T0 + timedelta(minutes=11)) == timedelta(minutes=10)
    assert first.title == "Мария Котова" and first.lead_open
    assert page.rows[2].waiting(T0) is None


def test_a_manager_sees_only_the_conversations_of_leads_they_may_see(db: Database) -> None:
    with db.uow() as uow:
        mine = make_user(uow.session)
        other = make_user(uow.session)
        mine_id, other_id = mine.id, other.id
    mine_channel = dialog_channel(db, rule="fixed", user=mine_id)
    other_channel = dialog_channel(db, rule="fixed", user=other_id)
    [own] = ingest(db, mine_channel, message(21, "мне"))
    [foreign] = ingest(db, other_channel, message(22, "не мне"))
    actor = actor_of(db, mine_id)
    with db.session() as session:
        assert [r.id for r in list_conversations(session, actor).rows] == [own.conversation_id]
        assert list_conversations(session, actor).rows[0].lead_responsible_name is not None
        with pytest.raises(NotFound):
            get_conversation(session, actor, foreign.conversation_id)
        with pytest.raises(NotFound):
            conversation_messages(session, actor, foreign.conversation_id)
    with pytest.raises(NotFound):
        send_reply(db, actor, foreign.conversation_id, "чужой", client=FakeMessenger())


# --------------------------------------------------------------------------------------- replies


def test_a_reply_is_recorded_sent_and_ends_the_wait(db: Database) -> None:
    channel_id = dialog_channel(db)
    with db.uow() as uow:
        operator_id = make_user(uow.session, roles=("dispatcher",), full_name="Ирина Диспетчер").id
    [inbound] = ingest(db, channel_id, message(31, "Здравствуйте"))
    client = FakeMessenger()
    actor = actor_of(db, operator_id)
    reply = send_reply(
        db, actor, inbound.conversation_id, "  Здравствуйте! Чем можем помочь?  ", client=client
    )
    assert client.sent == [("31", "Здравствуйте! Чем можем помочь?", None)]
    assert reply.status is MessageStatus.SENT and reply.external_id == "500"
    assert (reply.user_id, reply.user_name, reply.lead_id) == (
        operator_id,
        "Ирина Диспетчер",
        inbound.lead_id,
    )
    assert conversation_of(db, inbound.conversation_id).waiting_since is None

    [again] = ingest(db, channel_id, message(31, "Сколько стоит?", at=T0 + timedelta(hours=1)))
    assert again.outcome is IngestOutcome.THREAD
    assert conversation_of(db, inbound.conversation_id).waiting_since == T0 + timedelta(hours=1)
    with db.session() as session:
        thread = conversation_messages(session, SYSTEM, inbound.conversation_id)
        assert [m.inbound for m in thread] == [True, False, True]
        assert [m.id for m in conversation_messages(session, SYSTEM, inbound.conversation_id, limit=1)] == [
            thread[2].id
        ]
        newer = conversation_messages(session, SYSTEM, inbound.conversation_id, after_id=thread[0].id)
        assert [m.id for m in newer] == [thread[1].id, thread[2].id]
        older = conversation_messages(session, SYSTEM, inbound.conversation_id, before_id=thread[2].id)
        assert [m.id for m in older] == [thread[0].id, thread[1].id]


def test_a_failed_reply_is_kept_and_can_be_retried(db: Database, tmp_path: Path) -> None:
    channel_id = dialog_channel(db)
    [inbound] = ingest(db, channel_id, message(32))
    client = FakeMessenger()
    client.failing = "The Telegram Bot API at api.telegram.org cannot be reached (ClientConnectorError)."
    leaflet = tmp_path / "буклет.pdf"
    leaflet.write_bytes(b"%PDF")
    failed = send_reply(db, SYSTEM, inbound.conversation_id, "Буклет", attachment=leaflet, client=client)
    assert failed.status is MessageStatus.FAILED and failed.error == client.failing
    assert failed.can_retry(datetime.now(UTC))
    assert conversation_of(db, inbound.conversation_id).waiting_since is not None

    client.failing = None
    sent = retry_message(db, SYSTEM, failed.id, client=client)
    assert sent.status is MessageStatus.SENT and sent.error is None
    assert client.sent == [("32", "Буклет", "буклет.pdf")]
    with pytest.raises(ValidationError):
        retry_message(db, SYSTEM, failed.id, client=client)
    assert len(client.sent) == 1


def test_a_pending_reply_cut_off_by_a_crash_may_be_retried_later(db: Database) -> None:
    channel_id = dialog_channel(db)
    [inbound] = ingest(db, channel_id, message(33))
    with db.uow() as uow:
        stale = ConversationMessage(
            conversation_id=inbound.conversation_id,
            direction="out",
            text="Оборвалось",
            attachments=[],
            sent_at=datetime.now(UTC) - timedelta(minutes=10),
            status=MessageStatus.PENDING.value,
        )
        fresh = ConversationMessage(
            conversation_id=inbound.conversation_id,
            direction="out",
            text="Уходит прямо сейчас",
            attachments=[],
            sent_at=datetime.now(UTC),
            status=MessageStatus.PENDING.value,
        )
        uow.session.add_all([stale, fresh])
        uow.session.flush()
        stale_id, fresh_id = stale.id, fresh.id
    client = FakeMessenger()
    with pytest.raises(ValidationError):
        retry_message(db, SYSTEM, fresh_id, client=client)
    assert retry_message(db, SYSTEM, stale_id, client=client).status is MessageStatus.SENT
    assert client.sent == [("33", "Оборвалось", None)]


def test_empty_or_oversized_replies_are_refused(db: Database, tmp_path: Path) -> None:
    channel_id = dialog_channel(db)
    [inbound] = ingest(db, channel_id, message(34))
    with pytest.raises(ValidationError):
        send_reply(db, SYSTEM, inbound.conversation_id, "   ", client=FakeMessenger())
    with pytest.raises(ValidationError):
        send_reply(db, SYSTEM, inbound.conversation_id, "я" * 5000, client=FakeMessenger())
    leaflet = tmp_path / "leaflet.pdf"
    leaflet.write_bytes(b"%PDF")
    with pytest.raises(ValidationError, match="send it separately"):
        send_reply(
            db, SYSTEM, inbound.conversation_id, "я" * 1500, attachment=leaflet, client=FakeMessenger()
        )
    with pytest.raises(ValidationError):
        send_reply(db, SYSTEM, inbound.conversation_id, "файл", attachment=tmp_path / "нет.pdf")
    assert count(db, ConversationMessage) == 1


# --------------------------------------------------------------------------------------- linking


def test_linking_checks_the_contact_person_and_moves_an_earlier_link(db: Database) -> None:
    channel_id = dialog_channel(db)
    first_client = build(db, make_client, "ООО Первый", contact="Анна")
    second_client = build(db, make_client, "ООО Второй", contact="Борис")
    with db.session() as session:
        anna = contact_person_of(session, first_client.id)
        assert anna is not None
        anna_id = anna.id
    [inbound] = ingest(db, channel_id, message(41))
    with db.uow() as uow, pytest.raises(ValidationError):
        link_conversation(uow, SYSTEM, inbound.conversation_id, second_client.id, anna_id)
    with db.uow() as uow:
        link_conversation(uow, SYSTEM, inbound.conversation_id, first_client.id, anna_id)
    with db.uow() as uow:
        moved = link_conversation(uow, SYSTEM, inbound.conversation_id, second_client.id)
    assert moved.client_id == second_client.id and moved.contact_person_id is None
    with db.session() as session:
        points = session.scalars(select(ContactPoint).where(ContactPoint.value == "telegram:41"))
        assert [(p.client_id, p.contact_person_id) for p in points] == [(second_client.id, None)]
    with db.uow() as uow, pytest.raises(NotFound):
        link_conversation(uow, SYSTEM, inbound.conversation_id, 999_999)


# --------------------------------------------------------------------------------- quick replies


def test_quick_replies_are_seeded_and_configurable_by_an_administrator(db: Database) -> None:
    with db.session() as session:
        assert quick_replies(session) == DEFAULT_QUICK_REPLIES
    assert "Здравствуйте! Чем можем помочь?" in DEFAULT_QUICK_REPLIES
    with db.uow() as uow:
        manager_id = make_user(uow.session).id
    manager = actor_of(db, manager_id)
    with db.uow() as uow, pytest.raises(PermissionDenied):
        set_quick_replies(uow, manager, ["Нет"])
    with db.uow() as uow:
        stored = set_quick_replies(uow, SYSTEM, ["  Добрый день!  ", "", "Спасибо!", "Добрый день!"])
    assert stored == ("Добрый день!", "Спасибо!")
    with db.session() as session:
        assert quick_replies(session) == ("Добрый день!", "Спасибо!")
    with db.uow() as uow:
        set_quick_replies(uow, SYSTEM, [])
    with db.session() as session:
        assert quick_replies(session) == ()


def test_a_wait_can_be_ended_without_a_reply(db: Database) -> None:
    channel_id = dialog_channel(db)
    [inbound] = ingest(db, channel_id, message(51, "Спасибо!"))
    with db.uow() as uow:
        answered = mark_answered(uow, SYSTEM, inbound.conversation_id)
    assert not answered.unanswered
    [again] = ingest(db, channel_id, message(51, "А ещё вопрос", at=T0 + timedelta(hours=2)))
    assert conversation_of(db, again.conversation_id).waiting_since == T0 + timedelta(hours=2)


def test_the_conversation_of_a_lead(db: Database) -> None:
    channel_id = dialog_channel(db)
    [inbound] = ingest(db, channel_id, message(52))
    assert inbound.lead_id is not None
    other = build(db, make_channel)
    manual = take_in(db, other, contact_name="Walk-in")
    assert manual.lead is not None
    with db.session() as session:
        found = conversation_of_lead(session, SYSTEM, inbound.lead_id)
        assert found is not None and found.id == inbound.conversation_id
        assert conversation_of_lead(session, SYSTEM, manual.lead.id) is None
