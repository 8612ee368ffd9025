"""The Telegram connector and client against the local Bot API double (tests/bot_api_double.py).

Every test runs on SQLite and PostgreSQL; the connector long-polls with a short timeout.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.connectors.base import ConnectorError, ConnectorOptions, connector_factory
from app.connectors.telegram import (
    OFFSET_KEY,
    TelegramClient,
    TelegramConnector,
    client_for_channel,
    create_connector,
)
from app.domain.enums import ChannelKind, LeadState, MessageDirection, MessageStatus
from app.persistence.models import Channel, ConnectorState, Conversation, ConversationMessage, Lead
from app.persistence.uow import Database, open_database
from app.services.dialogs import (
    conversation_messages,
    download_attachment,
    list_conversations,
    retry_message,
    send_reply,
)
from app.services.permissions import Actor
from app.services.secrets import SecretKind, set_secret
from tests.bot_api_double import BotApiDouble, RemoteDouble
from tests.factories import build, count, make_channel, make_client

POLL = 0.3  # seconds a test's long poll waits for news
SYSTEM = Actor.system()


@pytest.fixture
def bot() -> Iterator[BotApiDouble]:
    """A running Bot API double."""
    with BotApiDouble() as double:
        yield double


def dialog_channel(db: Database, bot: BotApiDouble, *, token: str | None = None) -> int:
    """A dialog channel pointing at the double, its token in the (test) keyring."""
    with db.uow() as uow:
        channel = make_channel(uow.session, kind=ChannelKind.DIALOG.value)
        channel.settings = {"api_url": bot.url}
        channel_id = channel.id
    set_secret(SecretKind.TELEGRAM_TOKEN, channel_id, token or bot.token)
    return channel_id


def sync(db: Database, channel_id: int, times: int = 1) -> list[int]:
    """Run a fresh connector ``times`` rounds (one process run), closing it after."""

    async def run() -> list[int]:
        connector = create_connector(db, channel_id, ConnectorOptions(holder="test", poll_timeout=POLL))
        try:
            return [await connector.sync_once() for _ in range(times)]
        finally:
            await connector.aclose()

    return asyncio.run(run())


def sync_until(db: Database, channel_id: int, expected: int) -> int:
    """Sync until ``expected`` messages were stored in total (bounded by rounds, not by time)."""

    async def run() -> int:
        connector = create_connector(db, channel_id, ConnectorOptions(holder="test", poll_timeout=POLL))
        stored = 0
        try:
            for _ in range(20):
                stored += await connector.sync_once()
                if stored >= expected:
                    break
        finally:
            await connector.aclose()
        return stored

    return asyncio.run(run())


def leads_of(db: Database, channel_id: int) -> list[Lead]:
    """The channel's leads, oldest first."""
    with db.session() as session:
        rows = list(session.scalars(select(Lead).where(Lead.channel_id == channel_id).order_by(Lead.id)))
        session.expunge_all()
        return rows


def test_the_factory_of_dialog_channels_is_this_connector(db: Database, bot: BotApiDouble) -> None:
    factory = connector_factory(ChannelKind.DIALOG)
    assert factory is not None
    connector = factory(db, dialog_channel(db, bot), ConnectorOptions(holder="test"))
    assert isinstance(connector, TelegramConnector)


def test_new_chat_makes_a_lead_and_the_second_message_joins_its_thread(
    db: Database, bot: BotApiDouble
) -> None:
    channel_id = dialog_channel(db, bot)
    bot.enqueue_message(
        user_id=501,
        text="Здравствуйте! Сколько стоит доставка?",
        first_name="Анна",
        last_name="Смирнова",
        username="anna_s",
    )
    assert sync_until(db, channel_id, 1) == 1
    bot.enqueue_message(
        user_id=501, text="И ещё: есть ли самовывоз?", first_name="Анна", last_name="Смирнова"
    )
    assert sync_until(db, channel_id, 1) == 1

    leads = leads_of(db, channel_id)
    assert len(leads) == 1
    lead = leads[0]
    assert lead.kind == "dialog"
    assert lead.state == LeadState.NEW.value
    assert lead.contact_name == "Анна Смирнова"
    assert lead.messenger_user == "telegram:501"
    assert lead.subject == "Здравствуйте! Сколько стоит доставка?"
    assert lead.external_id is not None and lead.external_id.startswith("update:")

    with db.session() as session:
        page = list_conversations(session, SYSTEM)
        assert page.total == 1
        conversation = page.rows[0]
        assert conversation.chat_id == "501"
        assert conversation.username == "anna_s"
        assert conversation.lead_id == lead.id
        assert conversation.unanswered
        thread = conversation_messages(session, SYSTEM, conversation.id)
    assert [m.text for m in thread] == ["Здравствуйте! Сколько стоит доставка?", "И ещё: есть ли самовывоз?"]
    assert {m.lead_id for m in thread} == {lead.id}
    assert all(m.direction is MessageDirection.IN and m.status is MessageStatus.RECEIVED for m in thread)


def test_the_offset_is_committed_with_the_messages_and_a_restart_repeats_nothing(
    db: Database, bot: BotApiDouble
) -> None:
    channel_id = dialog_channel(db, bot)
    first = bot.enqueue_message(user_id=601, text="Первое")
    last = bot.enqueue_message(user_id=601, text="Второе")
    assert sync_until(db, channel_id, 2) == 2
    with db.session() as session:
        state = session.get(ConnectorState, (channel_id, OFFSET_KEY))
        assert state is not None and state.value == last + 1

    # A restart (a new connector, a new process) asks from the stored offset: nothing again.
    assert sync(db, channel_id, times=2) == [0, 0]
    assert bot.confirmed_offset == last + 1
    assert count(db, ConversationMessage) == 2
    assert len(leads_of(db, channel_id)) == 1

    # Even a lost cursor repeats nothing: the same updates come again and are recognized.
    with db.uow() as uow:
        uow.session.delete(uow.session.get_one(ConnectorState, (channel_id, OFFSET_KEY)))
    bot.confirmed_offset = None
    bot.enqueue_update(
        {
            "update_id": first,
            "message": {
                "message_id": 1,
                "date": 1_700_000_000,
                "chat": {"id": 601, "type": "private"},
                "from": {"id": 601, "is_bot": False, "first_name": "Иван"},
                "text": "Первое",
            },
        }
    )
    assert sync(db, channel_id) == [0]
    assert count(db, ConversationMessage) == 2
    assert len(leads_of(db, channel_id)) == 1


def test_a_shared_phone_of_a_known_client_makes_a_repeat_lead(db: Database, bot: BotApiDouble) -> None:
    channel_id = dialog_channel(db, bot)
    client = build(db, make_client, "ООО Ромашка", phones=["+7 916 123-45-67"], contact="Пётр Иванов")
    bot.enqueue_message(user_id=701, contact_phone="89161234567", first_name="Пётр")
    assert sync_until(db, channel_id, 1) == 1

    [lead] = leads_of(db, channel_id)
    assert lead.state == LeadState.REPEAT.value
    assert lead.client_id == client.id
    assert lead.phone == "+79161234567"
    with db.session() as session:
        conversation = session.scalars(select(Conversation)).one()
        assert conversation.phone == "+79161234567"
        assert conversation.client_id == client.id


def test_attachments_are_recorded_and_downloaded_on_demand(
    db: Database, bot: BotApiDouble, tmp_path: Path
) -> None:
    channel_id = dialog_channel(db, bot)
    picture = b"\xff\xd8\xff\xe0" + b"jpeg" * 500
    bot.enqueue_message(user_id=801, photo=picture, caption="Вот фото дефекта")
    bot.enqueue_message(user_id=801, document=("Счёт №15.pdf", b"%PDF-1.4 test", "application/pdf"))
    assert sync_until(db, channel_id, 2) == 2

    with db.session() as session:
        conversation = list_conversations(session, SYSTEM).rows[0]
        photo_message, document_message = conversation_messages(session, SYSTEM, conversation.id)
    assert photo_message.text == "Вот фото дефекта"
    [photo] = photo_message.attachments
    assert photo.kind == "photo" and photo.mime == "image/jpeg" and photo.size == len(picture)
    assert photo.file_id
    [document] = document_message.attachments
    assert (document.kind, document.name, document.mime, document.size) == (
        "document",
        "Счёт №15.pdf",
        "application/pdf",
        len(b"%PDF-1.4 test"),
    )
    [lead] = leads_of(db, channel_id)
    assert lead.subject == "Вот фото дефекта"

    saved = download_attachment(db, SYSTEM, document_message.id, target_dir=tmp_path)
    assert saved.read_bytes() == b"%PDF-1.4 test"
    assert tmp_path in saved.parents
    saved_photo = download_attachment(db, SYSTEM, photo_message.id, target_dir=tmp_path)
    assert saved_photo.read_bytes() == picture
    with db.session() as session:
        again = conversation_messages(session, SYSTEM, conversation.id)
    assert again[1].attachments[0].path == str(saved)


def test_a_wrong_token_is_one_sentence_without_the_token(db: Database, bot: BotApiDouble) -> None:
    wrong = "987654:WRONG-secret-token"
    channel_id = dialog_channel(db, bot, token=wrong)
    with pytest.raises(ConnectorError) as raised:
        sync(db, channel_id)
    message = str(raised.value)
    assert "token" in message and wrong not in message and "987654" not in message
    assert message.endswith(".") and message.count(". ") == 0


def test_a_channel_without_a_token_says_so(db: Database, bot: BotApiDouble) -> None:
    with db.uow() as uow:
        channel = make_channel(uow.session, kind=ChannelKind.DIALOG.value)
        channel.settings = {"api_url": bot.url, "telegram_token_env": "INFLOW_TEST_NO_SUCH_TOKEN"}
        channel_id = channel.id
    with pytest.raises(ConnectorError, match="no bot token in the environment variable INFLOW_TEST_NO_SUCH"):
        sync(db, channel_id)


def test_the_token_may_come_from_the_named_environment_variable(
    db: Database, bot: BotApiDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INFLOW_TEST_TG_TOKEN", bot.token)
    with db.uow() as uow:
        channel = make_channel(uow.session, kind=ChannelKind.DIALOG.value)
        channel.settings = {"api_url": bot.url, "telegram_token_env": "INFLOW_TEST_TG_TOKEN"}
        channel_id = channel.id
    bot.enqueue_message(user_id=901, text="Добрый день")
    assert sync_until(db, channel_id, 1) == 1


def test_server_errors_and_outages_are_sentences_and_sync_resumes(db: Database, bot: BotApiDouble) -> None:
    channel_id = dialog_channel(db, bot)
    bot.enqueue_message(user_id=111, text="Алло")
    bot.fail("getUpdates", 500)
    with pytest.raises(ConnectorError, match="answered 500"):
        sync(db, channel_id)
    assert count(db, ConversationMessage) == 0
    assert sync_until(db, channel_id, 1) == 1

    bot.stop()
    with pytest.raises(ConnectorError, match="cannot be reached"):
        sync(db, channel_id)


def test_too_many_requests_is_waited_out(db: Database, bot: BotApiDouble) -> None:
    channel_id = dialog_channel(db, bot)
    bot.enqueue_message(user_id=222, text="Здравствуйте")
    bot.fail("getUpdates", 429, description="Too Many Requests: retry after 1", retry_after=1)
    assert sync_until(db, channel_id, 1) == 1

    bot.fail("getUpdates", 429, description="Too Many Requests: retry after 600", retry_after=600)
    with pytest.raises(ConnectorError, match="try again in 600 seconds"):
        sync(db, channel_id)


# ----------------------------------------------------------------------------------------- replies


def _conversation_id(db: Database) -> int:
    with db.session() as session:
        return list_conversations(session, SYSTEM).rows[0].id


def test_a_reply_reaches_the_chat_and_is_marked_sent(db: Database, bot: BotApiDouble) -> None:
    channel_id = dialog_channel(db, bot)
    bot.enqueue_message(user_id=333, text="Есть в наличии?")
    sync_until(db, channel_id, 1)
    conversation_id = _conversation_id(db)

    reply = send_reply(db, SYSTEM, conversation_id, "Да, есть. Оформить заказ?")
    [sent] = bot.wait_sent(1)
    assert (sent.method, sent.chat_id, sent.text) == ("sendMessage", "333", "Да, есть. Оформить заказ?")
    assert reply.status is MessageStatus.SENT
    assert reply.external_id == str(sent.message_id)
    with db.session() as session:
        conversation = list_conversations(session, SYSTEM).rows[0]
    assert not conversation.unanswered
    [lead] = leads_of(db, channel_id)
    assert lead.first_action_at is not None


def test_files_are_sent_as_photo_or_document(db: Database, bot: BotApiDouble, tmp_path: Path) -> None:
    channel_id = dialog_channel(db, bot)
    bot.enqueue_message(user_id=444, text="Пришлите прайс")
    sync_until(db, channel_id, 1)
    conversation_id = _conversation_id(db)
    price = tmp_path / "Прайс.pdf"
    price.write_bytes(b"%PDF price")
    picture = tmp_path / "схема.png"
    picture.write_bytes(b"\x89PNG picture")

    document_reply = send_reply(db, SYSTEM, conversation_id, "Прайс во вложении", attachment=price)
    photo_reply = send_reply(db, SYSTEM, conversation_id, None, attachment=picture)
    document, photo = bot.wait_sent(2)
    assert (document.method, document.chat_id, document.caption, document.file_name, document.content) == (
        "sendDocument",
        "444",
        "Прайс во вложении",
        "Прайс.pdf",
        b"%PDF price",
    )
    assert (photo.method, photo.file_name, photo.content) == ("sendPhoto", "схема.png", b"\x89PNG picture")
    assert document_reply.status is MessageStatus.SENT and photo_reply.status is MessageStatus.SENT
    assert document_reply.attachments[0].name == "Прайс.pdf"


def test_a_failed_reply_is_kept_and_a_retry_sends_it_once(db: Database, bot: BotApiDouble) -> None:
    channel_id = dialog_channel(db, bot)
    bot.enqueue_message(user_id=555, text="Когда доставка?")
    sync_until(db, channel_id, 1)
    conversation_id = _conversation_id(db)

    bot.fail("sendMessage", 500)
    failed = send_reply(db, SYSTEM, conversation_id, "Завтра до обеда.")
    assert failed.status is MessageStatus.FAILED
    assert failed.error and "500" in failed.error
    assert bot.sent == []
    with db.session() as session:
        assert list_conversations(session, SYSTEM).rows[0].unanswered

    bot.fail("sendMessage", 403, description="Forbidden: bot was blocked by the user")
    blocked = retry_message(db, SYSTEM, failed.id)
    assert blocked.status is MessageStatus.FAILED
    assert blocked.error is not None and "blocked the bot" in blocked.error

    retried = retry_message(db, SYSTEM, failed.id)
    assert retried.id == failed.id and retried.status is MessageStatus.SENT
    assert [(s.chat_id, s.text) for s in bot.sent] == [("555", "Завтра до обеда.")]
    with pytest.raises(Exception, match="sent already"):
        retry_message(db, SYSTEM, failed.id)
    assert len(bot.sent) == 1
    assert count(db, ConversationMessage, ConversationMessage.direction == "out") == 1


def test_a_reply_that_times_out_fails_and_is_retried_once(db: Database, bot: BotApiDouble) -> None:
    channel_id = dialog_channel(db, bot)
    bot.enqueue_message(user_id=666, text="Вы работаете в субботу?")
    sync_until(db, channel_id, 1)
    conversation_id = _conversation_id(db)

    bot.hang("sendMessage", 2.0)
    client = TelegramClient(bot.token, bot.url, request_timeout=0.5)
    failed = send_reply(db, SYSTEM, conversation_id, "Да, с 10 до 16.", client=client)
    assert failed.status is MessageStatus.FAILED
    assert failed.error is not None and "did not answer in time" in failed.error
    # The same client object again: each call runs on its own event loop and reconnects.
    retried = retry_message(db, SYSTEM, failed.id, client=client)
    assert retried.status is MessageStatus.SENT
    assert [(s.chat_id, s.text) for s in bot.sent] == [("666", "Да, с 10 до 16.")]


def test_the_client_of_a_channel_is_built_from_its_settings(db: Database, bot: BotApiDouble) -> None:
    channel_id = dialog_channel(db, bot)

    async def identify() -> str | None:
        with db.session() as session:
            client = client_for_channel(session, channel_id)
        try:
            return (await client.identify()).username
        finally:
            await client.aclose()

    assert asyncio.run(identify()) == bot.username
    with db.session() as session:
        assert bot.token not in repr(client_for_channel(session, channel_id))


def test_group_chats_are_confirmed_but_make_no_conversation(db: Database, bot: BotApiDouble) -> None:
    channel_id = dialog_channel(db, bot)
    group = bot.enqueue_update(
        {
            "message": {
                "message_id": 9,
                "date": 1_700_000_000,
                "chat": {"id": -100500, "type": "supergroup", "title": "Чат жильцов"},
                "from": {"id": 12, "is_bot": False, "first_name": "Сосед"},
                "text": "Всем привет",
            }
        }
    )
    assert sync(db, channel_id, times=2) == [0, 0]
    assert bot.confirmed_offset == group + 1
    assert count(db, Conversation) == 0 and leads_of(db, channel_id) == []


def test_the_double_runs_as_a_separate_process() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.bot_api_double", "--port", "0", "--token", "42:PROCESS-token"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert process.stdout is not None
        address = json.loads(process.stdout.readline())
        remote = RemoteDouble(address["url"], address["token"])
        update_id = remote.enqueue_message(user_id=1234, text="Из другого процесса")

        async def exchange() -> tuple[list[str | None], str]:
            client = TelegramClient(address["token"], address["url"])
            try:
                batch = await client.fetch_updates(None, 1.0)
                await client.fetch_updates(batch.next_offset, 0)
                message_id = await client.send_text("1234", "Ответ")
            finally:
                await client.aclose()
            return [m.text for m in batch.messages], message_id

        texts, message_id = asyncio.run(exchange())
        assert texts == ["Из другого процесса"]
        assert remote.state()["confirmed_offset"] == update_id + 1
        [sent] = remote.sent()
        assert (sent["chat_id"], sent["text"], str(sent["message_id"])) == ("1234", "Ответ", message_id)
    finally:
        process.terminate()
        assert process.wait(10) == 0


def test_a_connector_picks_up_a_corrected_token_after_a_failure(db: Database, bot: BotApiDouble) -> None:
    channel_id = dialog_channel(db, bot, token="1:WRONG")
    bot.enqueue_message(user_id=1313, text="Есть кто?")

    async def run() -> tuple[str, int]:
        connector = create_connector(db, channel_id, ConnectorOptions(holder="test", poll_timeout=POLL))
        try:
            try:
                await connector.sync_once()
            except ConnectorError as error:
                refused = str(error)
            else:
                raise AssertionError("a wrong token was accepted")
            set_secret(SecretKind.TELEGRAM_TOKEN, channel_id, bot.token)  # the administrator fixes it
            return refused, await connector.sync_once()
        finally:
            await connector.aclose()

    refused, stored = asyncio.run(run())
    assert "token" in refused and stored == 1


def test_a_wrong_api_url_is_one_sentence(db: Database, bot: BotApiDouble) -> None:
    channel_id = dialog_channel(db, bot)
    with db.uow() as uow:
        uow.session.get_one(Channel, channel_id).settings = {"api_url": f"{bot.url}/no/such/prefix"}
    with pytest.raises(ConnectorError, match="check the channel's token and API URL"):
        sync(db, channel_id)


def test_inflow_sync_once_takes_a_message_in_end_to_end(db_url: str, bot: BotApiDouble) -> None:
    inflow = Path(sys.executable).with_name("inflow")
    env = {**os.environ, "INFLOW_DATABASE_URL": db_url, "INFLOW_TEST_BOT_TOKEN": bot.token}
    added = subprocess.run(
        [
            str(inflow),
            "channel",
            "add",
            "dialog",
            "Telegram-бот",
            "--telegram-token-env",
            "INFLOW_TEST_BOT_TOKEN",
            "--api-url",
            bot.url,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert added.returncode == 0, added.stderr
    bot.enqueue_message(user_id=4242, text="Заявка из Telegram", first_name="Ольга")
    synced = subprocess.run(
        [str(inflow), "sync", "--once"], env=env, capture_output=True, text=True, timeout=120
    )
    assert synced.returncode == 0, synced.stderr
    assert bot.token not in synced.stdout + synced.stderr
    db = open_database(db_url)
    try:
        with db.session() as session:
            lead = session.scalars(select(Lead).where(Lead.messenger_user == "telegram:4242")).one()
            assert (lead.kind, lead.contact_name, lead.subject) == ("dialog", "Ольга", "Заявка из Telegram")
    finally:
        db.dispose()
