"""Accept inquiry on real widgets and a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.domain.enums import ChannelKind, LeadQuality, LeadState
from app.persistence.models import Lead
from app.persistence.uow import Database
from tests.factories import count, lead, make_channel, make_client, make_exclusion
from ui.accept_inquiry import AcceptInquiryDialog, InquiryMatchModel, MatchColumn
from ui.context import AppContext
from ui.intake_wizard.models import ClientColumn


def type_text(widget: QWidget | None, text: str) -> None:
    """Type text as key events (QTest.keyClicks aborts on characters outside Latin-1, e.g. Cyrillic)."""
    assert widget is not None
    for char in text:
        code = Qt.Key.Key_Return if char == "\n" else Qt.Key.Key_unknown
        QTest.sendKeyEvent(QTest.KeyAction.Click, widget, code, char, Qt.KeyboardModifier.NoModifier)


def open_dialog(qtbot: QtBot, context: AppContext) -> AcceptInquiryDialog:
    dialog = AcceptInquiryDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.setup is not None, timeout=5000)
    return dialog


def channels(db: Database) -> int:
    with db.uow() as uow:
        make_channel(uow.session, "Сайт", kind="request")
        walk_in = make_channel(uow.session, "Walk-in", kind="request").id
        make_channel(uow.session, "Почта", kind="email")
    return walk_in


def test_accept_inquiry_end_to_end(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    walk_in = channels(db)
    with db.uow() as uow:
        client_id = make_client(
            uow.session, "Иванов Иван", phones=["+7 916 555-44-33"], contact="Иванов Иван"
        ).id

    dialog = open_dialog(qtbot, app_context)
    assert dialog.channel_combo.currentText() == "Walk-in"
    assert dialog.channel_combo.count() == 2  # request channels only
    type_text(dialog.phone_edit, "8 916 555 44 33")
    qtbot.waitUntil(lambda: dialog.matches.rowCount() > 0, timeout=5000)
    assert dialog.matches.index(0, MatchColumn.NAME).data() == "Иванов Иван"
    assert "client since" in dialog.matches.index(0, MatchColumn.SINCE).data()

    type_text(dialog.name_edit, "Иван Иванов")
    type_text(dialog.comment_edit, "Пришёл в офис\nхочет кухню")
    type_text(dialog.source_edit, "Вывеска")
    with qtbot.waitSignal(dialog.lead_created, timeout=5000) as created:
        qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    lead_id = created.args[0]
    stored = lead(db, lead_id)
    assert stored.kind is ChannelKind.REQUEST and stored.channel_id == walk_in
    assert stored.state is LeadState.REPEAT and stored.quality is LeadQuality.REPEAT
    assert stored.client_id == client_id and stored.external_id is None
    assert (stored.contact_name, stored.phone, stored.ad_source) == ("Иван Иванов", "+79165554433", "Вывеска")
    assert (stored.subject, stored.message) == ("Пришёл в офис", "Пришёл в офис\nхочет кухню")
    assert not dialog.isVisible()

    wizard = dialog.wizard
    assert wizard is not None and wizard.lead_id == lead_id
    qtbot.addWidget(wizard)
    qtbot.waitUntil(lambda: wizard.data is not None, timeout=5000)
    assert wizard.isVisible()
    assert wizard.who_page.clients.index(0, ClientColumn.NAME).data() == "Иванов Иван (person)"
    wizard.reject()


def test_create_only_makes_a_new_lead_without_the_wizard(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    channels(db)
    dialog = open_dialog(qtbot, app_context)
    type_text(dialog.name_edit, "Новый Посетитель")
    type_text(dialog.email_edit, "Visitor@Example.ru")
    with qtbot.waitSignal(dialog.lead_created, timeout=5000) as created:
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    stored = lead(db, created.args[0])
    assert stored.state is LeadState.NEW and stored.email == "visitor@example.ru"
    assert dialog.wizard is None


def test_without_a_request_channel_the_dialog_explains_how_to_make_one(
    app_context: AppContext, qtbot: QtBot
) -> None:
    with app_context.db.uow() as uow:
        make_channel(uow.session, kind="call")
    dialog = open_dialog(qtbot, app_context)
    assert dialog.no_channel.isVisible() and "Settings" in dialog.no_channel.text()
    assert not dialog.continue_button.isEnabled() and not dialog.create_button.isEnabled()


def test_an_excluded_contact_makes_no_lead_and_says_why(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    channels(db)
    with db.uow() as uow:
        make_exclusion(uow.session, "phone", "+7 495 111-22-33")
    before = count(db, Lead)
    dialog = open_dialog(qtbot, app_context)
    type_text(dialog.phone_edit, "84951112233")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=5000)
    assert "exclusion list" in dialog.error.text()
    assert count(db, Lead) == before
    assert dialog.isVisible()


def test_bad_input_is_refused_next_to_the_field(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    channels(db)
    before = count(db, Lead)
    dialog = open_dialog(qtbot, app_context)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.name_error.isVisible() and "at least" in dialog.name_error.text()
    type_text(dialog.phone_edit, "12")
    type_text(dialog.email_edit, "not-an-address")
    qtbot.mouseClick(dialog.continue_button, Qt.MouseButton.LeftButton)
    assert dialog.phone_error.isVisible() and "not a phone" in dialog.phone_error.text()
    assert dialog.email_error.isVisible() and "not an e-mail" in dialog.email_error.text()
    app_context.tasks.wait()
    assert count(db, Lead) == before


def test_match_model_passes_the_model_tester(
    app_context: AppContext, qtbot: QtBot, qtmodeltester: object
) -> None:
    db = app_context.db
    channel = channels(db)
    with db.uow() as uow:
        make_client(uow.session, "Смирнова Анна", phones=["+7 916 222-33-44"], contact="Смирнова Анна")
    from tests.factories import new_lead

    new_lead(db, channel, phone="+7 916 222-33-44", contact_name="Анна")
    dialog = open_dialog(qtbot, app_context)
    type_text(dialog.phone_edit, "+7 916 222-33-44")
    qtbot.waitUntil(lambda: dialog.matches.rowCount() >= 3, timeout=5000)  # client, contact, lead
    assert isinstance(dialog.matches, InquiryMatchModel)
    qtmodeltester.check(dialog.matches)  # type: ignore[attr-defined]
