"""The intake wizard on real widgets and a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget, QWizard
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.domain.enums import ClientKind, LeadState
from app.persistence.models import Client, ContactPerson, ContactPoint, Interest, Lead, Process
from app.persistence.uow import Database, open_database
from app.services.dto import LeadDTO
from app.services.permissions import Actor
from app.services.processing import ConversionInput, NewClient, NewInterest, convert_lead
from tests.factories import (
    count,
    lead,
    make_channel,
    make_client,
    make_interest,
    new_lead,
    reason_id,
    stages,
    unique,
)
from ui.context import AppContext
from ui.intake_wizard import IntakeWizard
from ui.intake_wizard.common import ErrorLabel
from ui.intake_wizard.models import ClientColumn, ClientTableModel, InterestTableModel
from ui.intake_wizard.what_page import Target


def type_text(widget: QWidget | None, text: str) -> None:
    """Type text as key events (QTest.keyClicks aborts on characters outside Latin-1, e.g. Cyrillic)."""
    assert widget is not None
    for char in text:
        code = Qt.Key.Key_Return if char == "\n" else Qt.Key.Key_unknown
        QTest.sendKeyEvent(QTest.KeyAction.Click, widget, code, char, Qt.KeyboardModifier.NoModifier)


def open_wizard(qtbot: QtBot, context: AppContext, lead_id: int, stage_id: int | None = None) -> IntakeWizard:
    """Show the wizard on a lead and wait until it has read the lead."""
    wizard = IntakeWizard(context, lead_id, stage_id)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    qtbot.waitUntil(lambda: wizard.data is not None or bool(wizard.closed_text()), timeout=5000)
    return wizard


def finish(qtbot: QtBot, wizard: IntakeWizard) -> None:
    """Press Finish and wait for the write to be stored."""
    with qtbot.waitSignal(wizard.lead_processed, timeout=5000):
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert not wizard.isVisible()


def shows(label: ErrorLabel, words: str) -> bool:
    """Whether the sentence next to a field is shown and says ``words``."""
    return label.isVisible() and words in label.text()


def call_channel(db: Database, *, reason_required: bool = False) -> int:
    with db.uow() as uow:
        return make_channel(uow.session, kind="call", reason_required=reason_required).id


def test_a_known_phone_shows_its_client_first_and_search_adds_below(
    app_context: AppContext, qtbot: QtBot
) -> None:
    db = app_context.db
    with db.uow() as uow:
        s = uow.session
        known = make_client(
            s, "ООО Ромашка", kind="company", phones=["+7 916 123-45-67"], contact="Иван Петров"
        )
        make_interest(s, known, "Окна на дачу")
        make_client(s, "Петров и партнёры", kind="company", phones=["+7 495 000-11-22"])
        channel = make_channel(s, kind="call").id
        known_id = known.id
    dto = new_lead(db, channel, phone="8 (916) 123-45-67", contact_name="Иван")
    assert dto.client_id == known_id

    wizard = open_wizard(qtbot, app_context, dto.id)
    who = wizard.who_page
    assert who.existing_radio.isChecked()
    assert who.clients.index(0, ClientColumn.NAME).data() == "ООО Ромашка"
    assert who.selected_row() is not None and who.selected_row().client.id == known_id  # type: ignore[union-attr]
    assert "Окна на дачу" in who.details.toPlainText()
    assert who.contact_combo.currentText() == "Иван Петров"

    type_text(who.search_edit, "Петров")
    qtbot.waitUntil(lambda: who.clients.rowCount() == 2, timeout=5000)
    assert who.clients.index(0, ClientColumn.NAME).data() == "ООО Ромашка"  # the match stays first
    assert who.clients.index(1, ClientColumn.NAME).data() == "Петров и партнёры"
    assert who.selected_row().client.id == known_id  # type: ignore[union-attr]
    wizard.reject()


def test_convert_a_new_client_into_an_interest_end_to_end(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    channel = call_channel(db)
    dto = new_lead(db, channel, phone="+7 903 555-12-34", contact_name="Анна", subject="Кухня на заказ")
    with db.session() as session:
        third_stage = stages(session)[2]
        stage_id, stage_name = third_stage.id, third_stage.name

    wizard = open_wizard(qtbot, app_context, dto.id)
    who = wizard.who_page
    assert who.new_radio.isChecked()  # nobody known: a new client
    qtbot.mouseClick(who.company_radio, Qt.MouseButton.LeftButton)
    who.client_name_edit.clear()
    type_text(who.client_name_edit, "ООО Кухни Мира")
    type_text(who.inn_edit, "7707083893")
    who.contact_name_edit.clear()
    type_text(who.contact_name_edit, "Анна Смирнова")
    type_text(who.position_edit, "Директор")
    qtbot.mouseClick(who.company_phone_radio, Qt.MouseButton.LeftButton)
    wizard.next()
    assert wizard.currentId() == IntakeWizard.WHAT

    what = wizard.what_page
    what.stage_combo.setFocus()
    qtbot.keyClick(what.stage_combo, Qt.Key.Key_Down)
    qtbot.keyClick(what.stage_combo, Qt.Key.Key_Down)
    assert what.stage_combo.currentData() == stage_id
    what.title_edit.clear()
    type_text(what.title_edit, "Кухня 3 метра")
    type_text(what.amount_edit, "150000")
    type_text(what.comment_edit, "Позвонить в среду")
    wizard.next()
    assert wizard.currentId() == IntakeWizard.RESULT
    summary = wizard.result_page.summary.text()
    assert "ООО Кухни Мира" in summary and stage_name in summary
    finish(qtbot, wizard)

    stored = lead(db, dto.id)
    assert stored.state is LeadState.CONVERTED
    assert stored.processed_at is not None and stored.processor_id == app_context.user.id
    with db.session() as session:
        client = session.get_one(Client, stored.client_id)
        assert (client.name, client.kind, client.inn) == (
            "ООО Кухни Мира",
            ClientKind.COMPANY.value,
            "7707083893",
        )
        person = session.get_one(ContactPerson, stored.contact_person_id)
        assert (person.name, person.position) == ("Анна Смирнова", "Директор")
        point = session.scalars(select(ContactPoint).where(ContactPoint.client_id == client.id)).one()
        assert point.value == "+79035551234" and point.is_personal is False
        interest = session.get_one(Interest, stored.result_interest_id)
        assert (interest.stage_id, interest.title, interest.amount) == (
            stage_id,
            "Кухня 3 метра",
            Decimal("150000"),
        )
        assert interest.comment == "Позвонить в среду"
        assert interest.responsible_user_id == app_context.user.id


def test_a_lead_dropped_on_a_stage_preselects_it(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    dto = new_lead(db, call_channel(db), phone="+7 903 555-12-35", contact_name="Борис")
    with db.session() as session:
        stage_id = stages(session)[1].id
    wizard = open_wizard(qtbot, app_context, dto.id, stage_id)
    wizard.next()
    assert wizard.what_page.stage_combo.currentData() == stage_id
    wizard.reject()


def test_convert_a_known_client_into_a_process(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    with db.uow() as uow:
        client = make_client(uow.session, "Пётр Сидоров", phones=["+7 916 444-55-66"], contact="Пётр Сидоров")
        channel = make_channel(uow.session, kind="call").id
        client_id = client.id
    dto = new_lead(db, channel, phone="89164445566")
    wizard = open_wizard(qtbot, app_context, dto.id)
    assert wizard.who_page.selected_row().client.id == client_id  # type: ignore[union-attr]
    wizard.next()
    what = wizard.what_page
    qtbot.mouseClick(what.process_radio, Qt.MouseButton.LeftButton)
    assert what.target == Target.PROCESS
    type_text(what.process_title_edit, "Перезвонить с расчётом")
    wizard.next()
    finish(qtbot, wizard)

    stored = lead(db, dto.id)
    assert stored.state is LeadState.REPEAT_PROCESSED and stored.client_id == client_id
    with db.session() as session:
        process = session.get_one(Process, stored.result_process_id)
        assert process.title == "Перезвонить с расчётом" and process.client_id == client_id
        assert process.due_at is not None and process.due_at > datetime.now(UTC)
        assert process.assignee_id == app_context.user.id


def test_attach_to_an_existing_open_interest(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    with db.uow() as uow:
        client = make_client(uow.session, "Ольга", phones=["+7 916 777-00-11"], contact="Ольга")
        interest_id = make_interest(uow.session, client, "Шкаф-купе").id
        channel = make_channel(uow.session, kind="call").id
    dto = new_lead(db, channel, phone="+79167770011")
    wizard = open_wizard(qtbot, app_context, dto.id)
    wizard.next()
    what = wizard.what_page
    assert what.existing_radio.isEnabled()
    qtbot.mouseClick(what.existing_radio, Qt.MouseButton.LeftButton)
    assert what.existing_interest() is not None and what.existing_interest().id == interest_id  # type: ignore[union-attr]
    wizard.next()
    finish(qtbot, wizard)
    assert lead(db, dto.id).result_interest_id == interest_id


def test_reject_with_a_reason(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    dto = new_lead(db, call_channel(db), phone="+7 903 000-00-01")
    wizard = open_wizard(qtbot, app_context, dto.id)
    qtbot.mouseClick(wizard.who_page.reject_button, Qt.MouseButton.LeftButton)
    assert wizard.currentId() == IntakeWizard.RESULT
    page = wizard.result_page
    assert page.reject_radio.isChecked() and not page.convert_radio.isEnabled()
    with db.session() as session:
        wrong_number = reason_id(session, "wrong_number")
    page.reason_combo.setCurrentIndex(page.reason_combo.findData(wrong_number))
    type_text(page.comment_edit, "Ошиблись номером")
    finish(qtbot, wizard)
    stored = lead(db, dto.id)
    assert stored.state is LeadState.REJECTED
    assert stored.rejection_reason_id == wrong_number and stored.rejection_comment == "Ошиблись номером"


def test_a_channel_that_requires_a_reason_refuses_rejection_without_one(
    app_context: AppContext, qtbot: QtBot
) -> None:
    db = app_context.db
    dto = new_lead(db, call_channel(db, reason_required=True), phone="+7 903 000-00-02")
    wizard = open_wizard(qtbot, app_context, dto.id)
    qtbot.mouseClick(wizard.who_page.reject_button, Qt.MouseButton.LeftButton)
    page = wizard.result_page
    assert page.reason_note.isVisible()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert shows(page.reason_error, "requires a rejection reason")
    assert wizard.isVisible()
    app_context.tasks.wait()
    assert lead(db, dto.id).state is LeadState.NEW

    page.reason_combo.setCurrentIndex(1)
    assert not page.reason_error.isVisible()  # choosing a reason clears the sentence
    finish(qtbot, wizard)
    assert lead(db, dto.id).state is LeadState.REJECTED


def test_validation_sentences_next_to_the_fields_and_nothing_written(
    app_context: AppContext, qtbot: QtBot
) -> None:
    db = app_context.db
    dto = new_lead(db, call_channel(db), phone="+7 903 000-00-03")
    clients_before = count(db, Client)
    wizard = open_wizard(qtbot, app_context, dto.id)
    who = wizard.who_page
    assert who.new_radio.isChecked() and who.client_name_edit.text() == ""
    wizard.next()
    assert wizard.currentId() == IntakeWizard.WHO
    assert shows(who.client_name_error, "full name is required")
    assert shows(who.contact_error, "name is required")

    qtbot.mouseClick(who.company_radio, Qt.MouseButton.LeftButton)
    type_text(who.client_name_edit, "ООО Тест")
    assert not who.client_name_error.isVisible()  # typing clears the sentence
    type_text(who.inn_edit, "12345")
    who.contact_name_edit.clear()
    type_text(who.contact_name_edit, "Игорь")
    wizard.next()
    assert wizard.currentId() == IntakeWizard.WHO
    assert shows(who.inn_error, "10 digits")
    assert QApplication.focusWidget() is who.inn_edit

    who.inn_edit.clear()
    type_text(who.inn_edit, "770708389301")
    wizard.next()
    assert wizard.currentId() == IntakeWizard.WHAT
    what = wizard.what_page
    what.title_edit.clear()
    type_text(what.amount_edit, "-5")
    wizard.next()
    assert wizard.currentId() == IntakeWizard.WHAT
    assert shows(what.title_error, "needs a title")
    assert shows(what.amount_error, "cannot be negative")

    qtbot.mouseClick(what.process_radio, Qt.MouseButton.LeftButton)
    wizard.next()
    assert shows(what.process_title_error, "needs a title")
    assert wizard.currentId() == IntakeWizard.WHAT

    wizard.reject()
    app_context.tasks.wait()
    assert count(db, Client) == clients_before
    assert lead(db, dto.id).state is LeadState.NEW


def _convert_elsewhere(db: Database, dto: LeadDTO) -> None:
    """Another desk (its own engine) converts the lead."""
    other = open_database(db.url, upgrade=False)
    try:
        with other.uow() as uow:
            convert_lead(
                uow,
                Actor.system(),
                dto.id,
                ConversionInput(
                    new_client=NewClient(ClientKind.PERSON, unique("Другой")),
                    interest=NewInterest("Чужая сделка"),
                ),
            )
    finally:
        other.dispose()


def test_an_already_converted_lead_cannot_be_converted_again(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    dto = new_lead(db, call_channel(db), phone="+7 903 000-00-04")
    _convert_elsewhere(db, dto)
    wizard = open_wizard(qtbot, app_context, dto.id)
    assert shows(wizard.who_page.banner, "This lead is already converted")
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert not wizard.who_page.body.isVisible()
    wizard.accept()  # even a programmatic Finish does nothing
    app_context.tasks.wait()
    assert count(db, Interest, Interest.lead_id == dto.id) == 1


def test_a_conversion_by_another_desk_meanwhile_is_reported_in_words(
    app_context: AppContext, qtbot: QtBot
) -> None:
    db = app_context.db
    dto = new_lead(db, call_channel(db), phone="+7 903 000-00-05", contact_name="Вера", subject="Двери")
    wizard = open_wizard(qtbot, app_context, dto.id)
    wizard.next()
    wizard.next()
    assert wizard.currentId() == IntakeWizard.RESULT
    _convert_elsewhere(db, dto)  # between opening and finishing

    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    page = wizard.result_page
    qtbot.waitUntil(lambda: page.error.isVisible(), timeout=5000)
    assert "changed by somebody else" in page.error.text() or "already converted" in page.error.text()
    qtbot.waitUntil(lambda: page.banner.isVisible(), timeout=5000)
    assert "already converted" in page.banner.text()
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert wizard.isVisible()
    assert count(db, Interest, Interest.lead_id == dto.id) == 1
    with db.session() as session:
        assert session.get_one(Lead, dto.id).state == LeadState.CONVERTED.value


def test_a_result_given_by_another_desk_shows_up_while_the_wizard_is_open(
    app_context: AppContext, qtbot: QtBot
) -> None:
    db = app_context.db
    dto = new_lead(db, call_channel(db), phone="+7 903 000-00-07", contact_name="Глеб", subject="Окна")
    wizard = open_wizard(qtbot, app_context, dto.id)
    wizard.next()
    assert wizard.currentId() == IntakeWizard.WHAT
    _convert_elsewhere(db, dto)
    qtbot.waitUntil(lambda: wizard.what_page.banner.isVisible(), timeout=3000)  # no key pressed
    assert "already converted" in wizard.what_page.banner.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert count(db, Interest, Interest.lead_id == dto.id) == 1


def test_the_wizard_can_be_finished_from_the_keyboard_alone(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    dto = new_lead(db, call_channel(db), phone="+7 903 000-00-06", contact_name="Ольга Кузнецова")
    wizard = open_wizard(qtbot, app_context, dto.id)
    wizard.activateWindow()
    qtbot.waitActive(wizard)
    who = wizard.who_page
    qtbot.waitUntil(lambda: QApplication.focusWidget() is who.client_name_edit)

    def keys(text: str) -> None:
        type_text(QApplication.focusWidget(), text)

    def key(code: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        qtbot.keyClick(QApplication.focusWidget(), code, modifier)

    alt = Qt.KeyboardModifier.AltModifier
    key(Qt.Key.Key_C, alt)  # &Company (a mnemonic "animates" the click: it lands a moment later)
    qtbot.waitUntil(who.company_radio.isChecked)
    key(Qt.Key.Key_A, alt)  # Company n&ame (prefilled with the lead's name): replace it
    assert QApplication.focusWidget() is who.client_name_edit
    key(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys("ООО Клавиатура")
    key(Qt.Key.Key_I, alt)  # &INN
    keys("7707083893")
    key(Qt.Key.Key_N, alt)  # &Next
    qtbot.waitUntil(lambda: wizard.currentId() == IntakeWizard.WHAT)

    what = wizard.what_page
    key(Qt.Key.Key_T, alt)  # &Title
    keys("Клавиатуры для офиса")
    key(Qt.Key.Key_Tab)  # Title → Amount
    assert QApplication.focusWidget() is what.amount_edit
    keys("2500")
    key(Qt.Key.Key_Return)  # Next is the default button
    assert wizard.currentId() == IntakeWizard.RESULT
    with qtbot.waitSignal(wizard.lead_processed, timeout=5000):
        key(Qt.Key.Key_Return)  # Finish

    stored = lead(db, dto.id)
    assert stored.state is LeadState.CONVERTED
    with db.session() as session:
        client = session.get_one(Client, stored.client_id)
        assert (client.name, client.inn) == ("ООО Клавиатура", "7707083893")
        interest = session.get_one(Interest, stored.result_interest_id)
        assert (interest.title, interest.amount) == ("Клавиатуры для офиса", Decimal("2500"))
        person = session.get_one(ContactPerson, stored.contact_person_id)
        assert person.name == "Ольга Кузнецова"


def test_models_pass_the_model_tester(app_context: AppContext, qtbot: QtBot, qtmodeltester: object) -> None:
    db = app_context.db
    with db.uow() as uow:
        client = make_client(uow.session, "ООО Модель", kind="company", phones=["+7 916 100-20-30"])
        make_interest(uow.session, client, "Первая", amount=Decimal("10.50"))
        make_interest(uow.session, client, "Вторая")
        channel = make_channel(uow.session, kind="call").id
    dto = new_lead(db, channel, phone="+7 916 100-20-30")
    wizard = open_wizard(qtbot, app_context, dto.id)
    clients = wizard.who_page.clients
    assert isinstance(clients, ClientTableModel) and clients.rowCount() == 1
    qtmodeltester.check(clients)  # type: ignore[attr-defined]
    interests = wizard.what_page.interests
    wizard.next()
    assert isinstance(interests, InterestTableModel) and interests.rowCount() == 2
    qtmodeltester.check(interests)  # type: ignore[attr-defined]
    empty = ClientTableModel()
    qtmodeltester.check(empty)  # type: ignore[attr-defined]
    wizard.reject()


def test_rejecting_from_the_keyboard_alone(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    dto = new_lead(db, call_channel(db, reason_required=True), phone="+7 903 000-00-08")
    wizard = open_wizard(qtbot, app_context, dto.id)
    wizard.activateWindow()
    qtbot.waitActive(wizard)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is wizard.who_page.client_name_edit)

    def key(code: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        qtbot.keyClick(QApplication.focusWidget(), code, modifier)

    key(Qt.Key.Key_J, Qt.KeyboardModifier.AltModifier)  # Re&ject the lead instead…
    qtbot.waitUntil(lambda: wizard.currentId() == IntakeWizard.RESULT)
    page = wizard.result_page
    assert QApplication.focusWidget() is page.reason_combo
    key(Qt.Key.Key_Return)  # Finish without a reason: refused in words
    assert page.reason_error.isVisible()
    key(Qt.Key.Key_Down)  # the first reason of the catalog
    with qtbot.waitSignal(wizard.lead_processed, timeout=5000):
        key(Qt.Key.Key_Return)
    stored = lead(db, dto.id)
    assert stored.state is LeadState.REJECTED and stored.rejection_reason_id is not None
