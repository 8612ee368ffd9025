"""sipp calls the desk over direct SIP: leads at ringing, internal calls, missed calls, the wizard on answer.

The real engine (session-scoped, one per process), the real controller, toast and wizard, a real
database on SQLite and PostgreSQL; no mocks of pjsua2.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.domain.enums import CallDirection, CallResult, InteractionKind, InteractionStatus, LeadState
from app.persistence.models import CallRecord, Interaction, Lead
from app.persistence.uow import Database
from telephony.model import CallSnapshot
from tests.factories import build, count, lead, make_channel, make_client, make_user
from tests.telephony.conftest import EngineUnderTest, SippRunner
from tests.ui.conftest import make_context
from ui.context import AppContext
from ui.softphone.controller import RingReport, SoftphoneController


@dataclass
class Desk:
    """A signed-in desk with the softphone controller on the session's engine."""

    context: AppContext
    controller: SoftphoneController
    rings: list[RingReport]
    port: int
    channel_id: int
    operator_id: int

    def wait_for_rings(self, qtbot: QtBot, n: int) -> None:
        qtbot.waitUntil(lambda: len(self.rings) >= n, timeout=20_000)


def _call_channel(db: Database) -> tuple[int, int]:
    with db.uow() as uow:
        operator = make_user(uow.session, roles=["operator"], full_name="Ольга Операторова")
        channel = make_channel(uow.session, "Телефон офиса", kind="call", rule="fixed", user=operator)
        return channel.id, operator.id


@pytest.fixture
def desk(db: Database, sip_engine: EngineUnderTest, qtbot: QtBot) -> Iterator[Desk]:
    channel_id, operator_id = _call_channel(db)
    context = make_context(db)
    context.watcher.start()
    controller = SoftphoneController(context, sip_engine.engine)
    rings: list[RingReport] = []
    controller.ring_handled.connect(rings.append)
    try:
        yield Desk(context, controller, rings, sip_engine.port, channel_id, operator_id)
    finally:
        qtbot.waitUntil(lambda: not sip_engine.engine.calls(), timeout=10_000)
        for wizard in list(controller.wizards.values()):
            wizard.close()
        controller.close()
        context.tasks.wait()
        context.watcher.stop()


def _finish(qtbot: QtBot, run: object) -> None:
    process = run.process  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=30_000)
    assert run.wait() == 0, run.output()  # type: ignore[attr-defined]


def _leads(db: Database) -> list[Lead]:
    with db.session() as session:
        rows = list(session.scalars(select(Lead).order_by(Lead.id)))
        session.expunge_all()
        return rows


def test_one_lead_per_ring_in_any_number_format_the_later_ones_repeats(
    desk: Desk, db: Database, sipp: SippRunner, qtbot: QtBot
) -> None:
    for number, caller in enumerate(("+79161234567", "89161234567", "9161234567"), start=1):
        _finish(qtbot, sipp(desk.port, caller=caller, scenario="cancel", pause_ms=150))
        desk.wait_for_rings(qtbot, number)
    leads = _leads(db)
    assert len(leads) == 3
    assert {x.phone for x in leads} == {"+79161234567"}
    assert {x.channel_id for x in leads} == {desk.channel_id}
    assert {x.kind for x in leads} == {"call"}
    assert [x.state for x in leads] == [LeadState.NEW.value, LeadState.REPEAT.value, LeadState.REPEAT.value]
    assert leads[1].repeat_of_lead_id == leads[0].id
    assert leads[2].repeat_of_lead_id in (leads[0].id, leads[1].id)
    # Each lead's external id is the SIP Call-ID of its call.
    with db.session() as session:
        call_ids = set(session.scalars(select(CallRecord.sip_call_id)))
    assert {x.external_id for x in leads} == call_ids
    assert [r.outcome.repeat for r in desk.rings] == [False, True, True]


def test_a_colleagues_extension_is_an_internal_call_without_a_lead(
    desk: Desk, db: Database, sipp: SippRunner, qtbot: QtBot
) -> None:
    build(db, make_user, "colleague", extension="101")
    _finish(qtbot, sipp(desk.port, caller="101", scenario="cancel", pause_ms=150))
    desk.wait_for_rings(qtbot, 1)
    assert count(db, Lead) == 0
    qtbot.waitUntil(lambda: count(db, CallRecord, CallRecord.end_at.is_not(None)) == 1, timeout=10_000)
    with db.session() as session:
        record = session.scalars(select(CallRecord)).one()
        assert record.direction == CallDirection.INTERNAL.value
        assert record.internal_reason == "extension:101 (colleague)"
        assert record.lead_id is None
        assert record.result == CallResult.NO_ANSWER.value
    assert count(db, Interaction) == 0  # no call-back for an internal call


def test_an_anonymous_caller_makes_a_lead(desk: Desk, db: Database, sipp: SippRunner, qtbot: QtBot) -> None:
    _finish(qtbot, sipp(desk.port, caller="anonymous", display="Anonymous", scenario="cancel", pause_ms=150))
    desk.wait_for_rings(qtbot, 1)
    (only,) = _leads(db)
    assert only.phone is None and only.channel_id == desk.channel_id
    toast_text = desk.rings[0].outcome
    assert toast_text.lead is not None and toast_text.lead.id == only.id


def test_a_caller_who_hangs_up_before_an_answer_leaves_a_lead_and_a_call_back_task(
    desk: Desk, db: Database, sipp: SippRunner, qtbot: QtBot
) -> None:
    ended: list[object] = []
    desk.controller.call_logged.connect(ended.append)
    _finish(qtbot, sipp(desk.port, caller="+79161234567", scenario="cancel", pause_ms=200))
    qtbot.waitUntil(lambda: len(ended) == 1, timeout=10_000)
    (missed,) = _leads(db)
    assert missed.extra is not None and missed.extra["call_result"] == CallResult.NO_ANSWER.value
    assert missed.state == LeadState.NEW.value
    with db.session() as session:
        record = session.scalars(select(CallRecord)).one()
        assert (record.direction, record.result, record.lead_id) == ("in", "no_answer", missed.id)
        assert record.answer_at is None and record.end_at is not None
        task = session.scalars(select(Interaction)).one()
        assert (task.kind, task.status) == (InteractionKind.CALL.value, InteractionStatus.PLANNED.value)
        assert task.lead_id == missed.id and task.user_id == desk.operator_id


def test_a_call_answered_at_another_phone_of_the_group_is_no_missed_call(
    desk: Desk, db: Database, sipp: SippRunner, qtbot: QtBot
) -> None:
    ended: list[object] = []
    desk.controller.call_logged.connect(ended.append)
    _finish(qtbot, sipp(desk.port, caller="+79161234567", scenario="cancel_elsewhere", pause_ms=200))
    qtbot.waitUntil(lambda: len(ended) == 1, timeout=10_000)
    (only,) = _leads(db)  # the call was an inquiry all the same
    assert not (only.extra or {}).get("call_result")
    with db.session() as session:
        assert session.scalars(select(CallRecord.result)).one() == CallResult.ANSWERED.value
    assert count(db, Interaction) == 0


def test_the_operator_declines_from_the_toast_the_lead_stays_as_rejected_call(
    desk: Desk, db: Database, sipp: SippRunner, qtbot: QtBot
) -> None:
    run = sipp(desk.port, caller="+79161234567", scenario="rejected")
    desk.wait_for_rings(qtbot, 1)
    toast = desk.controller.toast(desk.rings[0].call_id)
    assert toast is not None and toast.isVisible()
    qtbot.mouseClick(toast.reject_button, Qt.MouseButton.LeftButton)
    _finish(qtbot, run)
    qtbot.waitUntil(lambda: count(db, Interaction) == 1, timeout=10_000)
    with db.session() as session:
        assert session.scalars(select(CallRecord.result)).one() == CallResult.REJECTED.value
    assert lead(db, desk.rings[0].outcome.lead.id).id  # type: ignore[union-attr]


def test_answering_from_the_toast_opens_the_wizard_with_the_lead(
    desk: Desk, db: Database, sipp: SippRunner, qtbot: QtBot
) -> None:
    with db.uow() as uow:
        make_client(uow.session, "ООО Ромашка", kind="company", phones=["+79161234567"], contact="Иван")
    run = sipp(desk.port, caller="+79161234567", display="Ivan", pause_ms=800)
    desk.wait_for_rings(qtbot, 1)
    report = desk.rings[0]
    toast = desk.controller.toast(report.call_id)
    assert toast is not None and toast.isVisible()
    assert toast.number_label.text() == "+79161234567"
    assert toast.company_label.text() == "ООО Ромашка"
    assert toast.badge_label.isVisible()  # a known client: a repeat
    # Shown without taking the keyboard focus (the offscreen platform activates every window, so
    # the test checks what asks the window system for it).
    assert toast.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    assert toast.windowFlags() & Qt.WindowType.Tool
    assert toast.answer_button.focusPolicy() == Qt.FocusPolicy.NoFocus

    opened: list[int] = []
    desk.controller.wizard_opened.connect(opened.append)
    qtbot.mouseClick(toast.answer_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=10_000)
    assert report.outcome.lead is not None
    wizard = desk.controller.wizards[report.outcome.lead.id]
    assert wizard.isVisible()
    assert wizard.lead_id == report.outcome.lead.id  # type: ignore[attr-defined]
    _finish(qtbot, run)
    qtbot.waitUntil(lambda: count(db, CallRecord, CallRecord.end_at.is_not(None)) == 1, timeout=10_000)
    with db.session() as session:
        record = session.scalars(select(CallRecord)).one()
        assert record.result == CallResult.ANSWERED.value
        assert record.answered_by_id == desk.context.user.id
        assert record.talk_seconds is not None and record.answer_at is not None
    assert count(db, Interaction) == 0  # answered: no call-back


@pytest.mark.parametrize("engine_name", ["sqlite"])
def test_four_hundred_sequential_calls_without_a_failure(
    desk: Desk, db: Database, sip_engine: EngineUnderTest, sipp: SippRunner, qtbot: QtBot, engine_name: str
) -> None:
    engine = sip_engine.engine
    desk.controller.open_wizard_on_answer = False

    def answer(call: CallSnapshot) -> None:
        engine.answer(call.call_id)

    engine.incoming_call.connect(answer)
    try:
        run = sipp(desk.port, caller="+79161234567", calls=400, rate=100)
        qtbot.waitUntil(lambda: run.process.poll() is not None, timeout=60_000)
        assert run.wait() == 0, run.output()
    finally:
        engine.incoming_call.disconnect(answer)
    qtbot.waitUntil(lambda: count(db, CallRecord, CallRecord.end_at.is_not(None)) == 400, timeout=30_000)
    assert count(db, Lead) == 400
    assert count(db, CallRecord, CallRecord.result == CallResult.ANSWERED.value) == 400
