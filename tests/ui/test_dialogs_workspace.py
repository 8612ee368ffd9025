"""The Dialogs workspace on real widgets and a real database (SQLite and PostgreSQL).

Conversations are seeded through the dialogs service (``ingest_messages``, as the Telegram
connector stores them); replies go out through a fake messenger client that records what it was
asked to send, so nothing leaves the machine.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QWizard
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.connectors.base import ConnectorError
from app.connectors.service import ConnectorService
from app.domain.enums import LeadState, MessageDirection, MessageStatus
from app.persistence.models import ContactPoint, Conversation, ConversationMessage
from app.persistence.uow import Database
from app.services import dialogs
from app.services.dialogs import Attachment, IncomingMessage
from app.services.secrets import SecretKind, set_secret
from tests.bot_api_double import BotApiDouble
from tests.factories import lead, make_channel, make_client
from tests.ui.test_my_sales_helpers import offscreen_windows, other_desk, type_text
from ui.background_sync import BackgroundSync
from ui.context import AppContext
from ui.dialogs_workspace import DialogsWorkspace
from ui.dialogs_workspace.conversation_list_model import ConversationRole
from ui.dialogs_workspace.message_list_model import MessageRole

pytestmark = offscreen_windows

NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(autouse=True)
def _fresh_now() -> None:
    """Times are relative to the start of each test, not of the session (a long run would shift
    every age shown by the minutes the suite has taken so far)."""
    global NOW
    NOW = datetime.now(UTC).replace(microsecond=0)


class FakeMessenger:
    """A messenger account that records what it was asked to send (``fail``: it is unreachable)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.files: list[tuple[str, str]] = []
        self.fail = False
        self._lock = threading.Lock()

    async def send_text(self, chat_id: str, text: str) -> str:
        if self.fail:
            raise ConnectorError("Telegram cannot be reached.")
        with self._lock:
            self.sent.append((chat_id, text))
            return str(5000 + len(self.sent))

    async def send_file(
        self, chat_id: str, path: Path, *, caption: str | None = None, as_photo: bool = False
    ) -> str:
        with self._lock:
            self.files.append((chat_id, path.name))
            return str(9000 + len(self.files))

    async def download(self, file_id: str, target: Path) -> Path:
        target.write_bytes(f"file {file_id}".encode())
        return target

    async def aclose(self) -> None:
        return None


@pytest.fixture
def messenger() -> FakeMessenger:
    return FakeMessenger()


@pytest.fixture(autouse=True)
def _data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Downloaded attachments go to the user's data folder: a temporary one here.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    yield


def dialog_channel(db: Database, user_id: int, name: str = "Телеграм-бот") -> int:
    with db.uow() as uow:
        return make_channel(uow.session, name, kind="dialog", rule="fixed", user=user_id).id


def incoming(
    db: Database,
    channel: int,
    chat: str,
    text: str,
    at: datetime,
    *,
    name: str | None = None,
    update: str | None = None,
    attachments: tuple[Attachment, ...] = (),
) -> int:
    """Store one inbound message as the connector would; the conversation id."""
    message = IncomingMessage(
        external_id=update or f"{chat}-{at.timestamp()}",
        chat_id=chat,
        user_key=f"telegram:{chat}",
        sent_at=at,
        display_name=name,
        username=f"user{chat}",
        text=text,
        attachments=attachments,
    )
    with db.uow() as uow:
        return dialogs.ingest_messages(uow, channel, [message])[0].conversation_id


def answered(db: Database, conversation_id: int, text: str, at: datetime) -> None:
    """An operator's reply that went out earlier (the conversation no longer waits)."""
    with db.uow() as uow:
        uow.session.add(
            ConversationMessage(
                conversation_id=conversation_id,
                direction=MessageDirection.OUT.value,
                external_id=f"out-{at.timestamp()}",
                text=text,
                attachments=[],
                sent_at=at,
                status=MessageStatus.SENT.value,
            )
        )
        conversation = uow.session.get_one(Conversation, conversation_id)
        conversation.waiting_since = None
        conversation.last_message_at = at


def show(qtbot: QtBot, context: AppContext, messenger: FakeMessenger | None = None) -> DialogsWorkspace:
    workspace = DialogsWorkspace(context, messenger=messenger)  # type: ignore[arg-type]
    qtbot.addWidget(workspace)
    workspace.resize(1300, 800)
    workspace.show()
    qtbot.waitExposed(workspace)
    qtbot.waitUntil(
        lambda: (
            workspace.configured is not None
            and workspace.conversations.total is not None
            and not workspace.conversations.busy
        ),
        timeout=5000,
    )
    return workspace


def open_conversation(qtbot: QtBot, workspace: DialogsWorkspace, conversation_id: int) -> None:
    qtbot.waitUntil(lambda: workspace.conversations.row_of(conversation_id) >= 0, timeout=5000)
    workspace.select_conversation(conversation_id)
    qtbot.waitUntil(
        lambda: (
            workspace.messages.conversation_id == conversation_id
            and not workspace.messages.busy
            and workspace.messages.rowCount() > 0
        ),
        timeout=5000,
    )


def titles(workspace: DialogsWorkspace) -> list[str]:
    return [c.title for c in workspace.conversations.conversations()]


def texts(workspace: DialogsWorkspace) -> list[str]:
    return [m.text or "" for m in workspace.messages.messages()]


def test_without_a_dialog_channel_the_workspace_says_where_to_connect_one(
    app_context: AppContext, qtbot: QtBot
) -> None:
    workspace = show(qtbot, app_context)
    assert workspace.configured is False
    assert workspace.stack.currentWidget() is workspace.empty_page
    assert "Settings → Channels" in workspace.empty_text.text()
    # A bot connected meanwhile (Settings on this or another desk): the workspace comes alive.
    dialog_channel(app_context.db, app_context.user.id)
    qtbot.waitUntil(lambda: workspace.stack.currentWidget() is workspace.main_page, timeout=5000)


def test_unanswered_first_then_newest_and_the_thread_opens(
    app_context: AppContext, qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    db = app_context.db
    channel = dialog_channel(db, app_context.user.id)
    quiet = incoming(db, channel, "1", "Спасибо, всё понятно", NOW - timedelta(hours=5), name="Ответили")
    answered(db, quiet, "Пожалуйста!", NOW - timedelta(hours=4))
    incoming(db, channel, "2", "Сколько стоит балкон?", NOW - timedelta(minutes=5), name="Недавний")
    longest = incoming(db, channel, "3", "Здравствуйте", NOW - timedelta(minutes=40), name="Давно ждёт")
    incoming(db, channel, "3", "Есть кто?", NOW - timedelta(minutes=20), name="Давно ждёт")

    workspace = show(qtbot, app_context)
    model = workspace.conversations
    qtmodeltester.check(model)
    assert titles(workspace) == ["Давно ждёт", "Недавний", "Ответили"]
    assert workspace.header.text() == "Dialogs — 3 · 2 unanswered"
    first = model.index(0)
    assert first.data(ConversationRole.WAITING) == "40 min"
    assert first.data(ConversationRole.PREVIEW) == "Есть кто?"
    assert first.data(ConversationRole.STATE) == "New"
    assert model.index(2).data(ConversationRole.WAITING) == ""
    assert model.index(2).data(ConversationRole.PREVIEW) == "You: Пожалуйста!"
    # The clock moves on: only the waiting times repaint.
    model._clock = lambda: datetime.now(UTC) + timedelta(minutes=30)
    with qtbot.waitSignal(model.dataChanged, timeout=1000) as blocker:
        model.tick()
    assert blocker.args[2] == [int(ConversationRole.WAITING)]
    assert first.data(ConversationRole.WAITING) == "1 h"

    # The longest waiting conversation is chosen first; its thread shows oldest first.
    qtbot.waitUntil(lambda: workspace.current is not None and workspace.current.id == longest, timeout=5000)
    open_conversation(qtbot, workspace, longest)
    assert texts(workspace) == ["Здравствуйте", "Есть кто?"]
    assert "Давно ждёт" in workspace.chat_title.text()
    assert workspace.messages.index(0).data(MessageRole.INBOUND) is True
    qtmodeltester.check(workspace.messages)
    open_conversation(qtbot, workspace, quiet)
    assert texts(workspace) == ["Спасибо, всё понятно", "Пожалуйста!"]
    assert workspace.messages.index(1).data(MessageRole.INBOUND) is False


def test_ctrl_enter_sends_the_reply_and_a_failure_offers_a_retry(
    app_context: AppContext, qtbot: QtBot, messenger: FakeMessenger
) -> None:
    db = app_context.db
    channel = dialog_channel(db, app_context.user.id)
    chat = incoming(db, channel, "77", "Нужны окна", NOW - timedelta(minutes=3), name="Анна")
    incoming(db, channel, "78", "Тоже жду", NOW - timedelta(minutes=1), name="Борис")
    workspace = show(qtbot, app_context, messenger)
    open_conversation(qtbot, workspace, chat)
    resets: list[int] = []
    workspace.messages.modelReset.connect(lambda: resets.append(1))

    type_text(workspace.reply_edit, "Здравствуйте, Анна!")
    with qtbot.waitSignal(workspace.reply_finished, timeout=10_000) as blocker:
        qtbot.keyClick(workspace.reply_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args[0].status is MessageStatus.SENT
    assert messenger.sent == [("77", "Здравствуйте, Анна!")]
    assert workspace.reply_edit.toPlainText() == ""
    qtbot.waitUntil(lambda: texts(workspace) == ["Нужны окна", "Здравствуйте, Анна!"], timeout=5000)
    # Answered: the conversation no longer waits, and the lead got its first action.
    qtbot.waitUntil(lambda: workspace.conversations.unanswered == 1, timeout=5000)
    # Anna moved below Boris (who still waits); her chat stayed open, the thread never reset.
    assert titles(workspace) == ["Борис", "Анна"]
    assert workspace.conversations.index(1).data(ConversationRole.WAITING) == ""
    assert workspace.current is not None and workspace.current.id == chat
    assert workspace.list_view.currentIndex().row() == 1
    assert resets == []

    messenger.fail = True
    type_text(workspace.reply_edit, "Вы тут?")
    with qtbot.waitSignal(workspace.reply_finished, timeout=10_000) as blocker:
        qtbot.mouseClick(workspace.send_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].status is MessageStatus.FAILED
    qtbot.waitUntil(lambda: len(workspace.messages.messages()) == 3, timeout=5000)
    failed = workspace.messages.index(2)
    qtbot.waitUntil(lambda: "not sent — retry" in failed.data(MessageRole.FOOTER), timeout=5000)
    assert failed.data(MessageRole.FAILED) is True
    assert workspace.reply_error.isVisible()

    messenger.fail = False
    menu = workspace.message_menu(workspace.messages.message(2))
    retry = next(action for action in menu.actions() if action.objectName() == "retry_message")
    with qtbot.waitSignal(workspace.reply_finished, timeout=10_000) as blocker:
        retry.trigger()
    menu.deleteLater()
    assert blocker.args[0].status is MessageStatus.SENT
    assert messenger.sent[-1] == ("77", "Вы тут?")
    qtbot.waitUntil(
        lambda: workspace.messages.index(2).data(MessageRole.FOOTER).endswith("sent"), timeout=5000
    )
    assert workspace.messages.index(2).data(MessageRole.FAILED) is False


def test_a_message_written_by_another_connection_appears_live(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    channel = dialog_channel(db, app_context.user.id)
    first = incoming(db, channel, "5", "Добрый день", NOW - timedelta(minutes=10), name="Борис")
    workspace = show(qtbot, app_context)
    open_conversation(qtbot, workspace, first)
    inserted: list[int] = []
    workspace.messages.rowsInserted.connect(lambda _parent, start, _end: inserted.append(start))
    with other_desk(db, "disp", "dispatcher"):
        # The connector of another process stores new messages: a new chat and one in the open thread.
        incoming(db, channel, "5", "Можно замер в субботу?", NOW - timedelta(minutes=1), name="Борис")
        newcomer = incoming(db, channel, "6", "Привет", NOW - timedelta(minutes=30), name="Вера")
        qtbot.waitUntil(lambda: texts(workspace) == ["Добрый день", "Можно замер в субботу?"], timeout=5000)
        qtbot.waitUntil(lambda: workspace.conversations.row_of(newcomer) >= 0, timeout=5000)
    assert inserted == [1]  # appended, not reset
    assert titles(workspace) == ["Вера", "Борис"]  # Vera waits longer
    assert workspace.current is not None and workspace.current.id == first  # still on Boris
    assert workspace.list_view.currentIndex().row() == workspace.conversations.row_of(first)


def test_convert_the_conversation_lead_with_the_wizard(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    channel = dialog_channel(db, app_context.user.id)
    chat = incoming(db, channel, "8", "Хочу кухню", NOW - timedelta(minutes=2), name="Галина")
    workspace = show(qtbot, app_context)
    open_conversation(qtbot, workspace, chat)
    qtbot.waitUntil(lambda: workspace.lead_target is not None, timeout=5000)
    assert workspace.lead_buttons["convert"].isEnabled()
    lead_id = workspace.current.lead_id if workspace.current else None
    assert lead_id is not None

    qtbot.mouseClick(workspace.lead_buttons["convert"], Qt.MouseButton.LeftButton)
    wizard = workspace.actions_.wizard(lead_id)
    assert wizard is not None
    qtbot.waitUntil(lambda: wizard.data is not None, timeout=5000)  # type: ignore[attr-defined]
    who = wizard.who_page  # type: ignore[attr-defined]
    who.client_name_edit.clear()
    type_text(who.client_name_edit, "Галина Петрова")
    wizard.next()  # type: ignore[attr-defined]
    wizard.next()  # type: ignore[attr-defined]
    with qtbot.waitSignal(wizard.lead_processed, timeout=5000):  # type: ignore[attr-defined]
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    assert lead(db, lead_id).state is LeadState.CONVERTED
    # The conversation's badge and the lead buttons follow.
    qtbot.waitUntil(
        lambda: workspace.conversations.index(0).data(ConversationRole.STATE) == "Converted", timeout=5000
    )
    qtbot.waitUntil(lambda: not workspace.lead_buttons["convert"].isEnabled(), timeout=5000)
    assert "Converted" in workspace.chat_details.text()


def test_link_the_chat_user_to_an_existing_client(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    channel = dialog_channel(db, app_context.user.id)
    with db.uow() as uow:
        client_id = make_client(uow.session, "ООО Ромашка", phones=["+7 916 000-11-22"]).id
    chat = incoming(db, channel, "9", "Это Ромашка", NOW - timedelta(minutes=2), name="Дмитрий")
    workspace = show(qtbot, app_context)
    open_conversation(qtbot, workspace, chat)
    dialog = workspace.link_to_client()
    assert dialog is not None
    dialog.query_edit.clear()
    type_text(dialog.query_edit, "8 916 000 11 22")
    dialog.search_now()
    qtbot.waitUntil(lambda: dialog.choices.rowCount() == 1, timeout=5000)
    chosen = dialog.chosen()
    assert chosen is not None and chosen.client_id == client_id
    with qtbot.waitSignal(dialog.linked, timeout=5000):
        qtbot.mouseClick(dialog.link_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "ООО Ромашка" in workspace.chat_details.text(), timeout=5000)
    with db.session() as session:
        point = session.scalars(select(ContactPoint).where(ContactPoint.value == "telegram:9")).one()
        assert point.client_id == client_id
    assert workspace.current is not None and workspace.current.lead_id is not None
    assert lead(db, workspace.current.lead_id).client_id == client_id


def test_quick_replies_insert_and_the_editor_stores_the_list(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    channel = dialog_channel(db, app_context.user.id)
    chat = incoming(db, channel, "10", "Здравствуйте", NOW - timedelta(minutes=2), name="Елена")
    workspace = show(qtbot, app_context)
    open_conversation(qtbot, workspace, chat)
    qtbot.waitUntil(lambda: bool(workspace.quick), timeout=5000)
    assert workspace.quick == dialogs.DEFAULT_QUICK_REPLIES
    workspace.quick_menu.actions()[0].trigger()
    assert workspace.reply_edit.toPlainText() == dialogs.DEFAULT_QUICK_REPLIES[0]

    editor = workspace.edit_quick_replies()
    editor.view.setCurrentIndex(editor.model.index(1))
    editor.move_reply(-1)
    assert editor.replies()[0] == dialogs.DEFAULT_QUICK_REPLIES[1]
    editor.view.setCurrentIndex(editor.model.index(4))
    editor.remove()
    editor.add()
    editor.model.setData(editor.model.index(editor.model.rowCount() - 1), "Замерщик приедет завтра.")
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor.accept()
    expected = (
        dialogs.DEFAULT_QUICK_REPLIES[1],
        dialogs.DEFAULT_QUICK_REPLIES[0],
        *dialogs.DEFAULT_QUICK_REPLIES[2:4],
        "Замерщик приедет завтра.",
    )
    assert workspace.quick == expected
    with db.session() as session:
        assert dialogs.quick_replies(session) == expected


def test_an_attachment_is_listed_and_saved(
    app_context: AppContext, qtbot: QtBot, messenger: FakeMessenger, tmp_path: Path
) -> None:
    db = app_context.db
    channel = dialog_channel(db, app_context.user.id)
    photo = Attachment(kind="document", file_id="F1", name="план.pdf", size=2048)
    chat = incoming(
        db, channel, "11", "Вот план", NOW - timedelta(minutes=2), name="Жанна", attachments=(photo,)
    )
    workspace = show(qtbot, app_context, messenger)
    open_conversation(qtbot, workspace, chat)
    index = workspace.messages.index(0)
    assert "план.pdf" in index.data(MessageRole.ATTACHMENTS)
    target = tmp_path / "saved.pdf"
    workspace.save_attachment(workspace.messages.message(0), 0, target)
    qtbot.waitUntil(target.exists, timeout=5000)
    assert target.read_bytes() == b"file F1"
    assert workspace.messages.index(0, 0) != QModelIndex()


def test_end_to_end_through_the_bot_api_double_and_the_desks_background_sync(
    app_context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    """A Telegram user writes; this desk's background sync fetches it; it shows up in the list
    without any refresh; the reply goes out through the real Telegram client to the double."""
    db = app_context.db
    with BotApiDouble() as bot:
        with db.uow() as uow:
            channel = make_channel(uow.session, "Бот", kind="dialog", rule="fixed", user=app_context.user.id)
            channel.settings = {"api_url": bot.url}
            channel_id = channel.id
        set_secret(SecretKind.TELEGRAM_TOKEN, channel_id, bot.token)
        workspace = show(qtbot, app_context)
        sync = BackgroundSync(
            db, factory=lambda database: ConnectorService(database, scan_interval=0.2, poll_timeout=0.3)
        )
        assert sync.start()
        try:
            bot.enqueue_message(
                user_id=4242,
                text="Здравствуйте! Нужны окна на дачу",
                first_name="Пётр",
                document=("размеры.txt", "120×140".encode(), "text/plain"),
            )
            qtbot.waitUntil(lambda: titles(workspace) == ["Пётр"], timeout=15_000)
            chat = workspace.conversations.conversation(0)
            assert chat.lead_state is LeadState.NEW
            open_conversation(qtbot, workspace, chat.id)
            assert texts(workspace) == ["Здравствуйте! Нужны окна на дачу"]
            target = tmp_path / "sizes.txt"
            workspace.save_attachment(workspace.messages.message(0), 0, target)
            qtbot.waitUntil(target.exists, timeout=10_000)
            assert target.read_text() == "120×140"

            type_text(workspace.reply_edit, "Добрый день, Пётр! Когда удобно принять замерщика?")
            with qtbot.waitSignal(workspace.reply_finished, timeout=15_000) as blocker:
                qtbot.keyClick(workspace.reply_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
            assert blocker.args[0].status is MessageStatus.SENT
            sent = bot.wait_sent(1)
            assert (sent[0].chat_id, sent[0].text) == (
                "4242",
                "Добрый день, Пётр! Когда удобно принять замерщика?",
            )
        finally:
            assert sync.stop(10.0)


def test_fits_a_small_window(app_context: AppContext, qtbot: QtBot) -> None:
    dialog_channel(app_context.db, app_context.user.id)
    workspace = show(qtbot, app_context)
    # The main window at 1024 px minus the navigation must still hold it (no forced wide window).
    assert workspace.minimumSizeHint().width() <= 700


def test_a_draft_stays_with_its_conversation(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    channel = dialog_channel(db, app_context.user.id)
    first = incoming(db, channel, "21", "Первый", NOW - timedelta(minutes=9), name="Первый")
    second = incoming(db, channel, "22", "Второй", NOW - timedelta(minutes=5), name="Второй")
    workspace = show(qtbot, app_context)
    open_conversation(qtbot, workspace, first)
    type_text(workspace.reply_edit, "Ответ первому")
    open_conversation(qtbot, workspace, second)
    assert workspace.reply_edit.toPlainText() == ""  # never sent to the wrong person
    open_conversation(qtbot, workspace, first)
    assert workspace.reply_edit.toPlainText() == "Ответ первому"


def test_filter_by_channel_and_unanswered_only(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    first = dialog_channel(db, app_context.user.id, "Бот продаж")
    second = dialog_channel(db, app_context.user.id, "Бот сервиса")
    waiting = incoming(db, first, "31", "Жду ответа", NOW - timedelta(minutes=8), name="Ждёт")
    done = incoming(db, first, "32", "Спасибо", NOW - timedelta(minutes=50), name="Отвечен")
    answered(db, done, "Всегда рады", NOW - timedelta(minutes=40))
    incoming(db, second, "33", "Сервис", NOW - timedelta(minutes=3), name="Сервис")
    workspace = show(qtbot, app_context)
    assert titles(workspace) == ["Ждёт", "Сервис", "Отвечен"]
    combo = workspace.channel_combo
    qtbot.waitUntil(lambda: combo.findData(first) >= 0, timeout=5000)
    assert combo.itemText(combo.findData(second)) == "Бот сервиса"
    combo.setCurrentIndex(combo.findData(first))
    qtbot.waitUntil(lambda: titles(workspace) == ["Ждёт", "Отвечен"], timeout=5000)
    workspace.unanswered_check.setChecked(True)
    qtbot.waitUntil(lambda: titles(workspace) == ["Ждёт"], timeout=5000)
    assert workspace.current is not None and workspace.current.id == waiting
