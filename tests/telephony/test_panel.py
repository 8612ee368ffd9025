"""The softphone panel and toast on the FakeSoftphone: dialing, in-call controls, the call log, the wizard.

No SIP here (the engine is covered by the other files): the fake stands in for it, as UI tests do.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.domain.enums import CallDirection, CallResult
from app.persistence.models import CallRecord, Channel
from app.persistence.uow import Database
from telephony.model import CallState, DirectLine, RegistrationState
from telephony.softphone import FakeSoftphone
from tests.factories import count, make_channel, make_user
from tests.ui.conftest import make_context
from ui.context import AppContext
from ui.softphone.controller import RingReport, SoftphoneController
from ui.softphone.panel import SoftphonePanel


@dataclass
class FakeDesk:
    context: AppContext
    phone: FakeSoftphone
    controller: SoftphoneController
    panel: SoftphonePanel
    rings: list[RingReport]


@pytest.fixture
def fake_desk(db: Database, qtbot: QtBot, tmp_path: Path) -> Iterator[FakeDesk]:
    with db.uow() as uow:
        operator = make_user(uow.session, roles=["operator"])
        make_channel(uow.session, "Телефон", kind="call", rule="fixed", user=operator)
    context = make_context(db)
    context.watcher.start()
    phone = FakeSoftphone()
    phone.start()
    controller = SoftphoneController(context, phone)
    rings: list[RingReport] = []
    controller.ring_handled.connect(rings.append)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    panel = SoftphonePanel(controller, settings=settings, recordings_dir=tmp_path / "recordings")
    qtbot.addWidget(panel)
    panel.show()
    try:
        yield FakeDesk(context, phone, controller, panel, rings)
    finally:
        for wizard in list(controller.wizards.values()):
            wizard.close()
        panel.close_panel()
        controller.close()
        context.tasks.wait()
        context.watcher.stop()


def test_the_line_state_shows_in_the_panel(fake_desk: FakeDesk) -> None:
    fake_desk.phone.add_direct_line(DirectLine("direct", "127.0.0.1", 5070))
    assert fake_desk.panel.status_label.text() == "Softphone: listening on 127.0.0.1:5070"
    assert fake_desk.panel.line_combo.count() == 1
    fake_desk.phone.set_line_state("direct", RegistrationState.FAILED, 503, "Service Unavailable")
    assert "not registered" in fake_desk.panel.status_label.text()
    assert "503 Service Unavailable" in fake_desk.panel.status_label.toolTip()


def test_an_outgoing_call_with_hold_mute_dtmf_and_hang_up_is_logged(
    fake_desk: FakeDesk, db: Database, qtbot: QtBot
) -> None:
    phone, panel = fake_desk.phone, fake_desk.panel
    phone.add_direct_line(DirectLine("direct", "127.0.0.1", 5070))
    qtbot.keyClicks(panel.number_edit, "89161234567")
    qtbot.mouseClick(panel.call_button, Qt.MouseButton.LeftButton)
    (call,) = phone.calls()
    assert call.state is CallState.CALLING and "Calling" in panel.call_label.text()
    phone.answer(call.call_id)  # the far side picks up
    assert panel.hold_button.isEnabled()
    qtbot.mouseClick(panel.hold_button, Qt.MouseButton.LeftButton)
    assert phone.call(call.call_id).on_hold  # type: ignore[union-attr]
    qtbot.mouseClick(panel.hold_button, Qt.MouseButton.LeftButton)
    assert not phone.call(call.call_id).on_hold  # type: ignore[union-attr]
    qtbot.mouseClick(panel.mute_button, Qt.MouseButton.LeftButton)
    assert phone.call(call.call_id).muted  # type: ignore[union-attr]
    qtbot.mouseClick(panel.pad_buttons["5"], Qt.MouseButton.LeftButton)
    assert phone.sent_dtmf == [(call.call_id, "5")]
    qtbot.mouseClick(panel.hangup_button, Qt.MouseButton.LeftButton)
    # The record appears when the call is placed, its result when it ended: wait for the end.
    qtbot.waitUntil(
        lambda: panel.recent.model.rowCount() == 1 and panel.recent.model.call(0).result is not None,
        timeout=10_000,
    )
    with db.session() as session:
        record = session.scalars(select(CallRecord)).one()
        assert record.direction == CallDirection.OUT.value
        assert record.result == CallResult.ANSWERED.value
        assert record.caller_phone == "+79161234567"
    assert panel.recent.model.text(panel.recent.model.call(0), 1) == "Outgoing"


def test_answering_from_the_toast_opens_the_wizard(fake_desk: FakeDesk, db: Database, qtbot: QtBot) -> None:
    phone, controller = fake_desk.phone, fake_desk.controller
    call = phone.ring('"Ivan" <sip:+79161234567@10.0.0.9>')
    toast = controller.toast(call.call_id)
    assert toast is not None and toast.isVisible()
    assert toast.number_label.text() == "+79161234567" and toast.name_label.text() == "Ivan"
    qtbot.waitUntil(lambda: len(fake_desk.rings) == 1, timeout=10_000)
    with qtbot.waitSignal(controller.wizard_opened, timeout=10_000) as opened:
        qtbot.mouseClick(toast.answer_button, Qt.MouseButton.LeftButton)
    lead_id = opened.args[0]
    assert fake_desk.rings[0].outcome.lead is not None and lead_id == fake_desk.rings[0].outcome.lead.id
    assert controller.wizards[lead_id].isVisible()
    assert controller.toast(call.call_id) is None  # the toast goes once the call is answered
    phone.remote_hangup(call.call_id)
    qtbot.waitUntil(lambda: count(db, CallRecord, CallRecord.result == "answered") == 1, timeout=10_000)


def test_recording_is_started_on_answer_when_chosen(
    fake_desk: FakeDesk, db: Database, qtbot: QtBot, tmp_path: Path
) -> None:
    fake_desk.panel.record_check.setChecked(True)
    call = fake_desk.phone.ring("<sip:+79161234567@10.0.0.9>")
    fake_desk.phone.answer(call.call_id)
    path = fake_desk.phone.recordings[call.call_id]
    assert path.startswith(str(tmp_path / "recordings")) and path.endswith(".wav")
    fake_desk.phone.remote_hangup(call.call_id)
    qtbot.waitUntil(
        lambda: count(db, CallRecord, CallRecord.recording_path == path, CallRecord.end_at.is_not(None)) == 1,
        timeout=10_000,
    )


def test_the_call_log_model_passes_the_model_tester(
    fake_desk: FakeDesk, qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    for number in ("+79161234567", "+79160000000"):
        call = fake_desk.phone.ring(f"<sip:{number}@10.0.0.9>")
        fake_desk.phone.remote_cancel(call.call_id)
    model = fake_desk.panel.recent.model
    qtbot.waitUntil(
        lambda: model.rowCount() == 2 and all(model.call(r).result is not None for r in range(2)),
        timeout=10_000,
    )
    qtmodeltester.check(fake_desk.panel.recent.model)
    headers = [fake_desk.panel.recent.model.headerData(c, Qt.Orientation.Horizontal) for c in range(7)]
    assert headers[0] == "When" and headers[3] == "Result"
    assert fake_desk.panel.recent.model.text(fake_desk.panel.recent.model.call(0), 3) == "No answer"


def test_pbx_accounts_are_saved_with_the_password_in_the_keyring_and_registered(
    fake_desk: FakeDesk, qtbot: QtBot, memory_keyring: object
) -> None:
    from ui.softphone.lines import load_accounts

    dialog = fake_desk.panel.edit_lines()
    assert dialog is not None
    dialog.add_account()  # type: ignore[attr-defined]
    qtbot.keyClicks(dialog.registrar_edit, "pbx.example.com:5060")  # type: ignore[attr-defined]
    qtbot.keyClicks(dialog.user_edit, "101")  # type: ignore[attr-defined]
    qtbot.keyClicks(dialog.password_edit, "s3cret")  # type: ignore[attr-defined]
    dialog.transport_combo.setCurrentIndex(1)  # type: ignore[attr-defined]
    dialog.transport_combo.activated.emit(1)  # type: ignore[attr-defined]
    with qtbot.waitSignal(fake_desk.phone.registration_changed, timeout=10_000):
        dialog.buttons.accepted.emit()  # type: ignore[attr-defined]
    (saved,) = load_accounts(fake_desk.panel._settings)  # type: ignore[arg-type]
    assert (saved.registrar, saved.user, saved.transport) == ("pbx.example.com:5060", "101", "tcp")
    assert memory_keyring.passwords[("inflow-channel", "sip-password:1")] == "s3cret"  # type: ignore[attr-defined]
    assert [line.line for line in fake_desk.phone.lines()] == ["pbx-1"]
    assert "registered" in fake_desk.panel.status_label.text()


def test_an_account_without_a_registrar_is_not_saved(fake_desk: FakeDesk, qtbot: QtBot) -> None:
    dialog = fake_desk.panel.edit_lines()
    assert dialog is not None
    dialog.add_account()  # type: ignore[attr-defined]
    dialog.buttons.accepted.emit()  # type: ignore[attr-defined]
    assert dialog.isVisible()
    assert "registrar" in dialog.error_label.text()  # type: ignore[attr-defined]
    dialog.close()


def test_the_lead_cards_phone_calls_through_the_softphone_and_the_call_is_on_the_lead(
    fake_desk: FakeDesk, db: Database, qtbot: QtBot
) -> None:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QMainWindow

    from tests.factories import new_lead
    from ui.lead_card import LeadCardDialog

    with db.session() as session:
        channel_id = session.scalars(select(Channel.id).where(Channel.kind == "call")).one()
    lead = new_lead(db, channel_id, phone="+79161234567")
    window = QMainWindow()
    qtbot.addWidget(window)
    window.softphone_panel = fake_desk.panel  # type: ignore[attr-defined]  # as install_softphone does
    fake_desk.phone.add_direct_line(DirectLine("direct", "127.0.0.1", 5070))
    card = LeadCardDialog(fake_desk.context, lead.id, window)
    qtbot.addWidget(card)
    qtbot.waitUntil(lambda: card.fields["phone"].text() == "+79161234567", timeout=10_000)
    action = card.fields["phone"].findChild(QAction, "call_number")
    assert action is not None
    action.trigger()
    (call,) = fake_desk.phone.calls()
    assert call.remote_uri == "+79161234567"
    fake_desk.phone.answer(call.call_id)
    fake_desk.phone.hangup(call.call_id)
    qtbot.waitUntil(lambda: count(db, CallRecord, CallRecord.end_at.is_not(None)) == 1, timeout=10_000)
    with db.session() as session:
        record = session.scalars(select(CallRecord)).one()
        assert (record.direction, record.lead_id) == ("out", lead.id)
    qtbot.waitUntil(lambda: card.calls_view.model.rowCount() == 1, timeout=10_000)
    card.close()


def test_a_ring_is_logged_when_the_database_comes_back_and_its_end_after_it(
    fake_desk: FakeDesk, db: Database, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from app.persistence.models import Interaction, Lead

    original = fake_desk.context.db.uow
    away = {"left": 2}

    def flaky_uow() -> object:
        if away["left"]:
            away["left"] -= 1
            raise OperationalError("BEGIN", None, Exception("the server is away"))
        return original()

    monkeypatch.setattr(fake_desk.context.db, "uow", flaky_uow)
    fake_desk.controller.retry_delays_ms = (100,)
    messages: list[str] = []
    fake_desk.controller.failed.connect(messages.append)
    call = fake_desk.phone.ring("<sip:+79161234567@10.0.0.9>")
    qtbot.waitUntil(lambda: bool(messages), timeout=10_000)
    toast = fake_desk.controller.toast(call.call_id)
    assert toast is not None and "trying again" in toast.note_label.text()
    fake_desk.phone.remote_cancel(call.call_id)  # the caller gives up while the database is away
    qtbot.waitUntil(lambda: count(db, CallRecord, CallRecord.end_at.is_not(None)) == 1, timeout=10_000)
    assert count(db, Lead) == 1 and count(db, Interaction) == 1
    assert len(fake_desk.rings) == 1
