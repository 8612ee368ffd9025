"""The Mail workspace's widgets on their own: the safe reading pane, the compose dialog, the models.

Letters here are DTO-shaped values (tests/ui/mail_letters.py); the service is replaced where a
widget would call it, so each test shows one widget's behaviour. The workspace on a real database
and a real SMTP server is tests/ui/test_mail_workspace.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QTextDocument
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from app.domain.errors import ValidationError
from tests.ui.mail_letters import hostile_letter, letter, mailbox, row
from tests.ui.shell_helpers import offscreen_windows
from ui.context import AppContext
from ui.mail import service
from ui.mail.compose_dialog import ComposeDialog, split_addresses
from ui.mail.folder_model import MailFolderModel
from ui.mail.letters import LeadLettersModel
from ui.mail.message_list_model import MessageColumn, MessageListModel
from ui.mail.quoting import bare_subject, recipients, reply_subject
from ui.mail.reading_pane import ReadingPane, safe_file_name
from ui.mail.shapes import Address, ComposeMode, Draft, Mailbox

pytestmark = offscreen_windows


@pytest.fixture
def pane(app_context: AppContext, qtbot: QtBot) -> ReadingPane:
    made = ReadingPane(app_context)
    qtbot.addWidget(made)
    made.resize(700, 600)
    made.show()
    qtbot.waitExposed(made)
    return made


# -- the reading pane -------------------------------------------------------------------------


def test_a_letter_shows_its_header_and_body(pane: ReadingPane) -> None:
    pane.show_letter(letter(sender=Address("<b>Босс</b>", "boss@client.example")))
    assert pane.subject_label.text() == "Окна в загородный дом"
    assert pane.from_label.text() == "<b>Босс</b> <boss@client.example>"  # a name is text, not markup
    assert "Ольга <olga@okna.example>" in pane.to_label.text()
    assert pane.cc_label.text() == "boss@client.example"
    assert pane.date_label.text() != "—"
    assert "Нужны окна на дачу, 6 штук." in pane.browser.toPlainText()
    assert not pane.files_box.isVisible()


def test_plain_text_is_shown_as_text_not_as_html(pane: ReadingPane) -> None:
    pane.show_letter(letter(text='Цена <b>100</b> & <img src="http://tracker.example/x.gif">'))
    assert pane.browser.toPlainText() == 'Цена <b>100</b> & <img src="http://tracker.example/x.gif">'
    assert pane.browser.refused_urls == []  # nothing was even asked for


def test_html_loads_nothing_remote_and_runs_no_script(pane: ReadingPane, qtbot: QtBot) -> None:
    asked: list[str] = []
    browser = pane.browser
    original = browser.loadResource

    def spy(kind: int, url: QUrl) -> object:
        asked.append(url.toString())
        return original(kind, url)

    browser.loadResource = spy  # type: ignore[method-assign]
    pane.show_letter(hostile_letter())
    qtbot.waitUntil(lambda: pane.blocked_label.isVisible(), timeout=2000)
    assert "http://tracker.example/pixel.gif?id=42" in browser.refused_urls
    assert "http://tracker.example/bg.png" in browser.refused_urls
    assert all(not url.startswith("http") or url in browser.refused_urls for url in asked)
    shown = browser.toPlainText()
    assert "Нужна кухня на заказ." in shown
    assert "SCRIPT-RAN" not in shown and "alert" not in shown  # neither run nor shown
    assert "2" in pane.blocked_label.text()
    # The inline logo is served from the letter itself.
    image = QTextDocument.ResourceType.ImageResource.value
    logo = browser.document().resource(image, QUrl("cid:logo@client"))
    assert logo is not None and not logo.isNull() and logo.width() == 4
    # Only the real file is offered for saving (the inline logo is part of the body).
    assert pane.files_model.rowCount() == 1
    assert pane.files_model.item(0).text().startswith("План кухни.pdf")


def test_the_next_letter_does_not_get_the_previous_letters_inline_picture(pane: ReadingPane) -> None:
    pane.show_letter(hostile_letter(2))
    pane.show_letter(letter(3, html='<p>x</p><img src="cid:logo@client">', text="x"))
    picture = pane.browser.document().resource(
        QTextDocument.ResourceType.ImageResource.value, QUrl("cid:logo@client")
    )
    assert picture is None or picture.width() == 1  # the blank placeholder, not the old logo


def test_a_link_opens_only_after_the_reader_saw_it_and_said_yes(
    pane: ReadingPane, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    pane.show_letter(hostile_letter())
    pane.browser.link_clicked.emit(QUrl("https://client.example/price"))
    box = pane.link_box
    assert box is not None and box.isVisible()
    assert "https://client.example/price" in box.text()
    assert opened == []
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert opened == []
    pane.browser.link_clicked.emit(QUrl("https://client.example/price"))
    assert pane.link_box is not None
    pane.link_box.button(QMessageBox.StandardButton.Open).click()
    qtbot.waitUntil(lambda: opened == ["https://client.example/price"], timeout=2000)
    pane.browser.link_clicked.emit(QUrl("file:///etc/passwd"))
    assert pane.error.isVisible() and "file:///etc/passwd" in pane.error.text()
    assert opened == ["https://client.example/price"]


def test_attachment_names_are_made_safe_to_save() -> None:
    assert safe_file_name("../../.bashrc") == "bashrc"
    assert safe_file_name("C:\\Windows\\evil.exe") == "evil.exe"
    assert safe_file_name("Счёт №5: март?.pdf") == "Счёт №5_ март_.pdf"
    assert safe_file_name("") == "attachment"


def test_save_writes_the_file_through_the_service(
    pane: ReadingPane, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[int, int, Path]] = []

    def save(_db: Any, _actor: Any, letter_id: int, part: Any, path: Path) -> Path:
        calls.append((letter_id, part.id, path))
        path.write_bytes(b"%PDF")
        return path

    monkeypatch.setattr(service, "save_attachment", save)
    pane.show_letter(hostile_letter(7))
    target = tmp_path / "plan.pdf"
    pane.save_attachment(target)
    qtbot.waitUntil(lambda: target.exists(), timeout=3000)
    assert calls == [(7, 1, target)]


def test_open_saves_into_a_private_folder_then_hands_the_file_to_the_system(
    pane: ReadingPane, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)

    def save(_db: Any, _actor: Any, _letter_id: int, _part: Any, path: Path) -> Path:
        path.write_bytes(b"%PDF")
        return path

    monkeypatch.setattr(service, "save_attachment", save)
    pane.show_letter(hostile_letter(8))
    pane.files_view.setCurrentIndex(pane.index_of_file("План кухни.pdf"))
    pane.open_attachment()
    qtbot.waitUntil(lambda: bool(opened), timeout=3000)
    path = Path(opened[0])
    assert path.name == "План кухни.pdf" and path.read_bytes() == b"%PDF"
    assert "inflow-mail-" in str(path.parent.parent)  # the session's own temporary folder


# -- quoting and addresses --------------------------------------------------------------------


def test_reply_subjects_and_recipients() -> None:
    original = letter(
        subject="RE: Fwd: Окна",
        reply_to=(),
        to=(Address("Продажи", "SALES1@okna.example"), Address("Ольга", "olga@okna.example")),
        cc=(Address("", "boss@client.example"), Address("Иван", "ivan@client.example")),
    )
    assert bare_subject(original.subject) == "Окна"
    assert reply_subject(original.subject, ComposeMode.REPLY) == "Re: Окна"
    assert reply_subject(original.subject, ComposeMode.FORWARD) == "Fwd: Окна"
    assert recipients(original, ComposeMode.REPLY, "sales1@okna.example") == (
        ["Иван Петров <ivan@client.example>"],
        [],
    )
    to, cc = recipients(original, ComposeMode.REPLY_ALL, "sales1@okna.example")
    assert to == ["Иван Петров <ivan@client.example>", "Ольга <olga@okna.example>"]  # not ourselves
    assert cc == ["boss@client.example"]  # the sender only once
    assert recipients(original, ComposeMode.FORWARD, "sales1@okna.example") == ([], [])
    assert split_addresses("a@b.ru; Иван <ivan@c.ru>, ,oops") == (["a@b.ru", "Иван <ivan@c.ru>"], ["oops"])


# -- the compose dialog -----------------------------------------------------------------------


def _compose(
    context: AppContext, qtbot: QtBot, mode: ComposeMode, boxes: list[Mailbox] | None = None
) -> ComposeDialog:
    original = letter() if mode is not ComposeMode.NEW else None
    dialog = ComposeDialog(context, boxes or [mailbox(1)], mode, original)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_a_reply_quotes_the_original_under_the_signature(app_context: AppContext, qtbot: QtBot) -> None:
    dialog = _compose(app_context, qtbot, ComposeMode.REPLY)
    assert dialog.to_edit.text() == "Иван Петров <ivan@client.example>"
    assert dialog.subject_edit.text() == "Re: Окна в загородный дом"
    body = dialog.body_edit.toPlainText()
    assert body.index("-- \nДина, отдел продаж") < body.index("> Нужны окна на дачу, 6 штук.")
    assert "Иван Петров <ivan@client.example>" in body  # "On …, Иван Петров <…> wrote:"
    assert dialog.body_edit.textCursor().position() == 0  # the writer starts above the signature
    assert not dialog.from_combo.isEnabled()  # an answer goes out of the letter's mailbox


def test_a_forward_carries_the_original_and_a_new_letter_only_the_signature(
    app_context: AppContext, qtbot: QtBot
) -> None:
    forward = _compose(app_context, qtbot, ComposeMode.FORWARD)
    assert forward.to_edit.text() == ""
    assert forward.subject_edit.text() == "Fwd: Окна в загородный дом"
    assert "Forwarded message" in forward.body_edit.toPlainText()
    assert forward.forward_label.isVisible()
    new = _compose(app_context, qtbot, ComposeMode.NEW, [mailbox(1), mailbox(2, signature="Отдел 2")])
    assert new.body_edit.toPlainText().strip() == "-- \nДина, отдел продаж"
    new.from_combo.setCurrentIndex(1)
    assert new.body_edit.toPlainText().strip() == "-- \nОтдел 2"


def test_a_refused_send_keeps_everything_typed(
    app_context: AppContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    sent: list[Draft] = []

    def refuse(_db: Any, _actor: Any, draft: Draft) -> object:
        sent.append(draft)
        raise ValidationError("The mailbox has no sender address: set its address or an e-mail login.")

    monkeypatch.setattr(service, "send", refuse)
    dialog = _compose(app_context, qtbot, ComposeMode.REPLY)
    dialog.body_edit.setPlainText("Добрый день! Счёт во вложении.\n" + dialog.body_edit.toPlainText())
    attached = tmp_path / "Счёт.pdf"
    attached.write_bytes(b"%PDF-1.4")
    dialog.attach_files([attached])
    typed = dialog.body_edit.toPlainText()
    with qtbot.waitSignal(dialog.failed, timeout=3000) as blocker:
        dialog.send_button.click()
    assert "no sender address" in blocker.args[0]
    assert dialog.isVisible()
    assert dialog.error.isVisible() and "was not sent" in dialog.error.text()
    assert dialog.body_edit.toPlainText() == typed
    assert dialog.files_model.rowCount() == 1
    assert dialog.send_button.isEnabled()
    draft = sent[0]
    assert draft.mode is ComposeMode.REPLY and draft.original_id == 1
    assert draft.to == ("Иван Петров <ivan@client.example>",)
    assert [f.name for f in draft.files] == ["Счёт.pdf"]


def test_an_address_that_is_not_one_is_said_before_sending(
    app_context: AppContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "send", lambda *_args: pytest.fail("must not send"))
    dialog = _compose(app_context, qtbot, ComposeMode.NEW)
    dialog.send()
    assert "Type an address in To" in dialog.error.text()
    dialog.to_edit.setText("ivan@client, olga@okna.example")
    dialog.send()
    assert "ivan@client" in dialog.error.text() and dialog.isVisible()


# -- models -----------------------------------------------------------------------------------


def test_folder_tree_updates_counts_in_place(qtmodeltester: Any, qtbot: QtBot) -> None:
    model = MailFolderModel()
    model.set_mailboxes([mailbox(1), mailbox(2, inbox_unread=0)])
    qtmodeltester.check(model)
    inbox = model.index_of("folder", 11)
    assert inbox.data() == "Inbox (2)"
    assert inbox.data(Qt.ItemDataRole.FontRole).bold()
    assert model.index_of("folder", 21).data() == "Inbox"
    assert model.index_of("folder", 13).data() == "Заказы (1)"
    persistent = [model.index_of("folder", 11), model.index_of("mailbox", 2)]
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    with qtbot.waitSignal(model.dataChanged, timeout=1000):
        model.set_mailboxes([mailbox(1, inbox_unread=5), mailbox(2, inbox_unread=0)])
    assert model.index_of("folder", 11).data() == "Inbox (5)"
    assert model.index_of("folder", 11) == persistent[0]
    model.set_mailboxes([mailbox(2, inbox_unread=1)])  # a mailbox went away
    assert model.rowCount() == 1
    assert not model.index_of("folder", 11).isValid()
    assert model.index_of("folder", 21).data() == "Inbox (1)"
    assert resets == []
    qtmodeltester.check(model)


def test_message_list_fetches_pages_lazily_and_refreshes_by_difference(
    app_context: AppContext, qtmodeltester: Any, qtbot: QtBot
) -> None:
    letters = [row(n, thread=f"t{n // 2}", depth=n % 2, unread=n == 3) for n in range(1, 8)]
    asked: list[tuple[object, int]] = []

    def pager(cursor: object | None, limit: int) -> tuple[list[Any], object | None]:
        asked.append((cursor, limit))
        start = int(cursor) if isinstance(cursor, int) else 0
        end = start + limit
        return letters[start:end], (end if end < len(letters) else None)

    model = MessageListModel(app_context, page=3)
    with qtbot.waitSignal(model.page_loaded, timeout=3000):
        model.set_pager(pager)
    assert model.rowCount() == 3 and model.canFetchMore(model.index(-1, -1))
    with qtbot.waitSignal(model.page_loaded, timeout=3000):
        model.fetchMore(model.index(-1, -1))
    assert [r.id for r in model.messages()] == [1, 2, 3, 4, 5, 6]
    assert model.index(0, MessageColumn.SUBJECT).data().startswith("    ")  # an answer, indented
    assert model.index(1, MessageColumn.SUBJECT).data() == "Окна в загородный дом 2"
    assert model.index(2, MessageColumn.SUBJECT).data(Qt.ItemDataRole.FontRole).bold()  # unread
    assert not model.exhausted

    letters[1] = row(2, thread="t1", subject="Переписано", lead_id=9, lead_state="new", has_attachments=True)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    with qtbot.waitSignal(model.refreshed, timeout=3000):
        model.refresh()
    assert asked[-1] == (None, 6)  # the loaded window, read again
    assert model.index(1, MessageColumn.SUBJECT).data() == "Переписано"
    assert model.index(1, MessageColumn.LEAD).data() == "New"
    assert model.index(1, MessageColumn.LEAD).data(Qt.ItemDataRole.ToolTipRole) == "Lead 9: New"
    assert model.index(1, MessageColumn.ATTACHMENTS).data(Qt.ItemDataRole.DecorationRole) is not None
    assert resets == []
    with qtbot.waitSignal(model.page_loaded, timeout=3000):
        model.fetchMore(model.index(-1, -1))
    assert model.rowCount() == 7 and model.exhausted and not model.canFetchMore(model.index(-1, -1))
    model.mark_read(3)
    assert model.message(2).unread is False
    qtmodeltester.check(model)  # (it may fetch more itself: all is loaded by now)


def test_lead_letters_model(qtmodeltester: Any) -> None:
    model = LeadLettersModel()
    model.set_rows([row(1), row(2, has_attachments=True, unread=True)])
    qtmodeltester.check(model)
    assert model.index(0, 1).data() == "Иван Петров"
    assert model.index(1, 2).data() == "Окна в загородный дом 2"
    model.set_rows([row(2, subject="Ответ")])
    assert model.rowCount() == 1 and model.index(0, 2).data() == "Ответ"
    qtmodeltester.check(model)
