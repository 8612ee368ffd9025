"""The Mail workspace on real widgets, a real database (SQLite and PostgreSQL) and a real SMTP server.

Letters are stored as the IMAP sync stores them (``app.services.mail.store_letters``); the
workspace reads them through the mail service like the application does.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QMessageBox, QWizard
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.domain.enums import LeadState
from app.persistence.models import Interaction
from app.persistence.types import utcnow
from app.persistence.uow import Database
from app.services import mail
from tests.factories import build, lead, make_channel, unique
from tests.mail_servers import SmtpSink, _smtp_session, smtp_server  # noqa: F401
from tests.ui.mail_letters import HOSTILE_HTML, png, raw_letter
from tests.ui.shell_helpers import offscreen_windows
from ui.context import AppContext
from ui.dialogs import AssignDialog, RejectDialog
from ui.intake_wizard import IntakeWizard
from ui.lead_card import LeadCardDialog
from ui.mail import MailWorkspace
from ui.mail.message_list_model import MessageColumn
from ui.mail.shapes import ComposeMode

pytestmark = offscreen_windows


def email_channel(db: Database, **settings: Any) -> int:
    """A lead-source mailbox (no servers unless given)."""

    def make(session: Any) -> Any:
        channel = make_channel(session, unique("Почта"), kind="email", lead_source=True)
        channel.settings = {"address": "sales@okna.example", "signature": "Дина, отдел продаж", **settings}
        return channel

    return int(build(db, make).id)


def store(db: Database, channel_id: int, *raws: bytes, folder: str = "INBOX") -> list[int]:
    """Store letters as the IMAP sync does (UIDs after what the folder has)."""
    with db.uow() as uow:
        cursor = mail.read_cursor(uow.session, channel_id, folder)
        start = cursor.last_uid if cursor else 0
        now = utcnow()
        letters = [
            mail.FetchedLetter(start + n + 1, raw, now + timedelta(seconds=n)) for n, raw in enumerate(raws)
        ]
        cursor = mail.FolderCursor(7, start + len(raws))
        result = mail.store_letters(uow, channel_id, folder, letters, cursor=cursor)
        return list(result.letter_ids)


@pytest.fixture
def workspace(app_context: AppContext, qtbot: QtBot) -> Iterator[MailWorkspace]:
    made = MailWorkspace(app_context)
    qtbot.addWidget(made)
    made.resize(1280, 760)
    made.show()
    qtbot.waitExposed(made)
    yield made
    made.close()
    app_context.tasks.wait()


def shown(qtbot: QtBot, workspace: MailWorkspace, rows: int) -> None:
    """Wait for the tree and the first ``rows`` letters of the inbox."""
    qtbot.waitUntil(lambda: workspace.loaded and workspace.model.rowCount() >= rows, timeout=5000)


def open_row(qtbot: QtBot, workspace: MailWorkspace, row: int) -> None:
    with qtbot.waitSignal(workspace.letter_opened, timeout=5000):
        workspace.open_row(row)


def test_open_a_letter_shows_its_subject_and_body_and_marks_it_read(
    app_context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    db = app_context.db
    channel_id = email_channel(db)
    root = make_msgid(domain="client.example")
    store(
        db,
        channel_id,
        raw_letter(subject="Окна в загородный дом", message_id=root),
        raw_letter(sender="Ольга <olga@other.example>", subject="Балкон", files=(("План.pdf", b"%PDF"),)),
        raw_letter(subject="Re: Окна в загородный дом", text="И ещё дверь.", in_reply_to=root),
    )
    workspace = MailWorkspace(app_context)
    qtbot.addWidget(workspace)
    workspace.show()
    shown(qtbot, workspace, 3)
    assert not workspace.is_empty
    inbox = workspace.folder
    assert inbox is not None and inbox.role == "inbox"
    assert workspace.folder_model.index_of("folder", inbox.id).data() == "Inbox (3)"
    model = workspace.model
    subjects = [model.index(r, MessageColumn.SUBJECT).data() for r in range(3)]
    # Newest thread first; the answer indented under the letter it answers.
    assert subjects == ["Окна в загородный дом", "    Re: Окна в загородный дом", "Балкон"]
    assert model.index(2, MessageColumn.SENDER).data() == "Ольга"
    assert model.index(2, MessageColumn.ATTACHMENTS).data(Qt.ItemDataRole.DecorationRole) is not None
    assert model.index(0, MessageColumn.LEAD).data() == "New"
    assert model.index(0, MessageColumn.SUBJECT).data(Qt.ItemDataRole.FontRole).bold()

    open_row(qtbot, workspace, 2)
    pane = workspace.pane
    assert pane.subject_label.text() == "Балкон"
    assert pane.from_label.text() == "Ольга <olga@other.example>"
    assert "Нужны окна на дачу, 6 штук." in pane.browser.toPlainText()
    assert pane.files_model.rowCount() == 1 and pane.files_model.item(0).text().startswith("План.pdf")
    assert workspace.lead_bar.isVisible()
    tree = workspace.folder_model
    qtbot.waitUntil(lambda: tree.index_of("folder", inbox.id).data() == "Inbox (2)", timeout=5000)
    qtbot.waitUntil(lambda: model.message(2).unread is False, timeout=5000)
    assert workspace.reply_action.isEnabled() and workspace.forward_action.isEnabled()
    # Save… writes the file cut from the stored letter.
    target = tmp_path / "saved.pdf"
    pane.save_attachment(target)
    qtbot.waitUntil(target.exists, timeout=5000)
    assert target.read_bytes() == b"%PDF"


def test_an_html_letter_from_the_server_loads_nothing_remote(
    app_context: AppContext, workspace: MailWorkspace, qtbot: QtBot
) -> None:
    channel_id = email_channel(app_context.db)
    raw = raw_letter(subject="Кухня на заказ", html=HOSTILE_HTML, inline_png=("logo@client", png(size=6)))
    store(app_context.db, channel_id, raw)
    workspace.refresh()
    shown(qtbot, workspace, 1)
    open_row(qtbot, workspace, 0)
    browser = workspace.pane.browser
    # Pictures are asked for when the body is laid out: the tracking pixel is refused then.
    qtbot.waitUntil(lambda: "http://tracker.example/pixel.gif?id=42" in browser.refused_urls, timeout=3000)
    text = browser.toPlainText()
    assert "Нужна кухня на заказ." in text and "SCRIPT-RAN" not in text
    qtbot.waitUntil(workspace.pane.blocked_label.isVisible, timeout=2000)
    # The letter's own picture is shown (served from the letter, not fetched).
    image = QTextDocument.ResourceType.ImageResource.value

    def picture_width() -> int:
        picture = browser.document().resource(image, QUrl("cid:logo@client"))
        return picture.width() if picture is not None else 0

    qtbot.waitUntil(lambda: picture_width() == 6, timeout=3000)


def test_convert_a_letters_lead_through_the_wizard(
    app_context: AppContext, workspace: MailWorkspace, qtbot: QtBot
) -> None:
    db = app_context.db
    channel_id = email_channel(db)
    store(db, channel_id, raw_letter(sender="Анна Смирнова <anna@kuhni.example>", subject="Кухня 3 метра"))
    workspace.refresh()
    shown(qtbot, workspace, 1)
    open_row(qtbot, workspace, 0)
    letter = workspace.letter
    assert letter is not None and letter.lead_id is not None
    lead_id = letter.lead_id
    qtbot.waitUntil(workspace.convert_button.isEnabled, timeout=5000)
    qtbot.mouseClick(workspace.convert_button, Qt.MouseButton.LeftButton)
    wizard = workspace.lead_actions.wizard(lead_id)
    assert isinstance(wizard, IntakeWizard)
    qtbot.waitUntil(lambda: wizard.data is not None, timeout=5000)
    who = wizard.who_page
    assert who.new_radio.isChecked()
    qtbot.mouseClick(who.company_radio, Qt.MouseButton.LeftButton)
    who.client_name_edit.setText("ООО Кухни Мира")
    who.contact_name_edit.setText("Анна Смирнова")
    wizard.next()
    assert wizard.currentId() == IntakeWizard.WHAT
    wizard.what_page.title_edit.setText("Кухня 3 метра")
    wizard.next()
    assert wizard.currentId() == IntakeWizard.RESULT
    with qtbot.waitSignal(wizard.lead_processed, timeout=5000):
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert lead(db, lead_id).state is LeadState.CONVERTED
    qtbot.waitUntil(lambda: "Converted" in workspace.lead_label.text(), timeout=5000)
    assert not workspace.convert_button.isEnabled()
    badge = workspace.model.index(0, MessageColumn.LEAD)
    qtbot.waitUntil(lambda: badge.data() == "Converted", timeout=5000)


def test_a_reply_reaches_the_smtp_server_with_in_reply_to(
    app_context: AppContext,
    workspace: MailWorkspace,
    qtbot: QtBot,
    smtp_server: SmtpSink,  # noqa: F811
) -> None:
    db = app_context.db
    channel_id = email_channel(db, smtp_host=smtp_server.host, smtp_port=smtp_server.port, security="none")
    original_id = make_msgid(domain="client.example")
    store(db, channel_id, raw_letter(subject="Нужна цена", text="Сколько стоит?", message_id=original_id))
    workspace.refresh()
    shown(qtbot, workspace, 1)
    open_row(qtbot, workspace, 0)
    dialog = workspace.compose(ComposeMode.REPLY)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.to_edit.text() == "Иван Петров <ivan@client.example>"
    dialog.body_edit.setPlainText("Цена 100 ₽ за окно.\n" + dialog.body_edit.toPlainText())
    with qtbot.waitSignal(dialog.sent, timeout=10_000):
        qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    (received,) = smtp_server.received
    assert received.recipients == ["ivan@client.example"]
    assert received.message["In-Reply-To"] == original_id
    assert original_id in received.message["References"].split()
    assert received.message["Subject"] == "Re: Нужна цена"
    body = received.message.get_body(("plain",))
    assert body is not None
    content = body.get_content()
    assert "Цена 100 ₽ за окно." in content and "Дина, отдел продаж" in content
    assert "> Сколько стоит?" in content
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=2000)
    # This mailbox has no IMAP server: the letter went out, its copy is kept by Inflow, and the
    # dispatcher is told that the server's Sent folder has no copy.
    qtbot.waitUntil(
        lambda: any(box.isVisible() and "Sent" in box.text() for box in workspace.findChildren(QMessageBox)),
        timeout=5000,
    )
    qtbot.waitUntil(
        lambda: any(f.role == "sent" for m in workspace.mailboxes for f in m.folders), timeout=5000
    )


def test_a_refused_send_keeps_the_dialog_and_the_text(
    app_context: AppContext, workspace: MailWorkspace, qtbot: QtBot
) -> None:
    db = app_context.db
    channel_id = email_channel(db)  # no SMTP server configured
    store(db, channel_id, raw_letter(subject="Нужна цена"))
    workspace.refresh()
    shown(qtbot, workspace, 1)
    open_row(qtbot, workspace, 0)
    dialog = workspace.compose(ComposeMode.REPLY_ALL)
    assert dialog is not None
    dialog.body_edit.setPlainText("Ответ, который нельзя потерять.")
    with qtbot.waitSignal(dialog.failed, timeout=5000) as blocker:
        dialog.send()
    assert "SMTP" in blocker.args[0]
    assert dialog.isVisible() and dialog.body_edit.toPlainText() == "Ответ, который нельзя потерять."
    dialog.close()


def test_a_task_from_a_letter_carries_the_letter(
    app_context: AppContext, workspace: MailWorkspace, qtbot: QtBot
) -> None:
    db = app_context.db
    channel_id = email_channel(db)
    (letter_id,) = store(db, channel_id, raw_letter(subject="Перезвонить в среду"))
    workspace.refresh()
    shown(qtbot, workspace, 1)
    open_row(qtbot, workspace, 0)
    dialog = workspace.create_task()
    assert dialog is not None
    assert dialog.title_edit.text() == "Answer: Перезвонить в среду"
    with qtbot.waitSignal(dialog.created, timeout=5000):
        dialog.ok_button.click()
    with db.session() as session:
        task = session.scalars(select(Interaction).where(Interaction.letter_id == letter_id)).one()
        assert task.subject == "Answer: Перезвонить в среду"
        assert task.user_id == app_context.user.id and task.planned_at is not None


def test_a_letter_synced_by_another_process_appears_live(
    app_context: AppContext, workspace: MailWorkspace, qtbot: QtBot
) -> None:
    db = app_context.db
    channel_id = email_channel(db)
    store(db, channel_id, raw_letter(subject="Первое"))
    workspace.refresh()
    shown(qtbot, workspace, 1)
    open_row(qtbot, workspace, 0)
    # The sync of another process stores a letter.
    store(db, channel_id, raw_letter(sender="Пётр <petr@new.example>", subject="Второе"))
    qtbot.waitUntil(lambda: workspace.model.rowCount() == 2, timeout=5000)
    assert workspace.model.index(0, MessageColumn.SUBJECT).data() == "Второе"
    assert workspace.pane.subject_label.text() == "Первое"  # the letter being read stays
    current = workspace.current_message()
    assert current is not None and current.subject == "Первое"
    inbox = workspace.folder
    assert inbox is not None
    tree = workspace.folder_model
    qtbot.waitUntil(lambda: tree.index_of("folder", inbox.id).data() == "Inbox (1)", timeout=5000)


def test_the_lead_card_lists_the_letters_of_its_thread(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    channel_id = email_channel(db)
    root = make_msgid(domain="client.example")
    html = '<p>Окна <img src="cid:x"></p>'
    (first,) = store(db, channel_id, raw_letter(subject="Окна", message_id=root, html=html))
    store(db, channel_id, raw_letter(subject="Re: Окна", text="Ещё вопрос", in_reply_to=root))
    with db.session() as session:
        detail = mail.open_letter(session, app_context.actor, first)
    assert detail.summary.lead_id is not None
    card = LeadCardDialog(app_context, detail.summary.lead_id)
    qtbot.addWidget(card)
    card.show()
    letters = card.letters_view
    qtbot.waitUntil(lambda: letters.model.rowCount() == 2, timeout=5000)
    assert [letters.model.index(r, 2).data() for r in range(2)] == ["Окна", "Re: Окна"]
    assert letters.model.index(0, 1).data() == "Иван Петров"
    window = letters.open_letter(letters.model.message(1).id)
    qtbot.waitUntil(lambda: window.pane.letter is not None, timeout=5000)
    assert window.pane.subject_label.text() == "Re: Окна"
    assert "Ещё вопрос" in window.pane.browser.toPlainText()
    window.close()
    card.close()


def test_reject_and_assign_a_letters_lead_from_the_lead_bar(
    app_context: AppContext, workspace: MailWorkspace, qtbot: QtBot
) -> None:
    db = app_context.db
    channel_id = email_channel(db)
    store(db, channel_id, raw_letter(sender="Спам <offer@spam.example>", subject="Выгодное предложение"))
    workspace.refresh()
    shown(qtbot, workspace, 1)
    open_row(qtbot, workspace, 0)
    letter = workspace.letter
    assert letter is not None and letter.lead_id is not None
    qtbot.waitUntil(workspace.assign_button.isEnabled, timeout=5000)

    qtbot.mouseClick(workspace.assign_button, Qt.MouseButton.LeftButton)
    assign = workspace.findChild(AssignDialog)
    assert assign is not None and assign.isVisible()
    assign.reject()

    qtbot.mouseClick(workspace.reject_button, Qt.MouseButton.LeftButton)
    dialog = workspace.findChild(RejectDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.loaded, timeout=5000)
    dialog.select_reason("spam")
    with qtbot.waitSignal(dialog.lead_changed, timeout=5000):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert lead(db, letter.lead_id).state is LeadState.REJECTED
    qtbot.waitUntil(lambda: "Rejected" in workspace.lead_label.text(), timeout=5000)
    assert not workspace.reject_button.isEnabled() and not workspace.convert_button.isEnabled()
    assert workspace.open_lead_button.isEnabled()
    badge = workspace.model.index(0, MessageColumn.LEAD)
    qtbot.waitUntil(lambda: badge.data() == "Rejected", timeout=5000)


def test_a_hidden_workspace_catches_up_when_shown_again(
    app_context: AppContext, workspace: MailWorkspace, qtbot: QtBot
) -> None:
    db = app_context.db
    channel_id = email_channel(db)
    store(db, channel_id, raw_letter(subject="Первое"))
    workspace.refresh()
    shown(qtbot, workspace, 1)
    workspace.hide()  # another workspace is in front
    store(db, channel_id, raw_letter(subject="Второе"))
    qtbot.waitUntil(lambda: workspace._stale, timeout=5000)  # noticed, not read while hidden
    assert workspace.model.rowCount() == 1
    workspace.show()
    qtbot.waitUntil(lambda: workspace.model.rowCount() == 2, timeout=5000)
    assert not workspace._stale
