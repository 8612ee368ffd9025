"""The My Sales board on real widgets and a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from app.domain.enums import ChannelKind, ClientKind, LeadState
from app.persistence.uow import Database
from app.services.permissions import Actor
from app.services.processing import (
    ConversionInput,
    NewClient,
    NewInterest,
    assign_lead,
    convert_lead,
    reject_lead,
)
from tests.factories import (
    actor_of,
    lead,
    make_channel,
    make_client,
    make_interest,
    make_user,
    new_lead,
    role,
    stages,
)
from tests.ui.test_my_sales_helpers import (
    contacts,
    double_click,
    drop,
    lead_ids,
    message_boxes,
    offscreen_windows,
    other_desk,
    settle,
    show_workspace,
)
from ui.context import AppContext
from ui.my_sales.inquiry_list_model import InquiryRole
from ui.my_sales.stage_interest_model import encode_interest

pytestmark = offscreen_windows

T0 = datetime.now(UTC) - timedelta(hours=3)


@pytest.fixture(autouse=True)
def _fresh_t0() -> None:
    """Times are relative to the start of each test, not of the session (a long run would shift
    every age shown by the minutes the suite has taken so far)."""
    global T0
    T0 = datetime.now(UTC) - timedelta(hours=3)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def request_channel(db: Database, **kw: object) -> int:
    with db.uow() as uow:
        return make_channel(uow.session, **kw).id  # type: ignore[arg-type]


def test_inquiries_show_only_unprocessed_leads_oldest_first(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    channel = request_channel(db, rule="fixed", user=app_context.user.id)
    third = new_lead(db, channel, contact_name="Третий", received_at=at(30))
    first = new_lead(db, channel, contact_name="Первый", received_at=at(10))
    second = new_lead(db, channel, contact_name="Второй", received_at=at(20))
    gone = new_lead(db, channel, contact_name="Отклонён", received_at=at(5))
    with db.uow() as uow:
        reject_lead(uow, app_context.actor, gone.id, reason_code="spam")

    workspace = show_workspace(qtbot, app_context)
    assert contacts(workspace) == ["Первый", "Второй", "Третий"]
    assert lead_ids(workspace) == [first.id, second.id, third.id]
    assert workspace.model.total == 3
    assert workspace.inquiry_header.text().endswith("3")
    index = workspace.model.index(0)
    assert index.data(InquiryRole.KIND) == "request"
    assert index.data(InquiryRole.AGE) == "2 h"  # received 2 h 50 min ago
    # One column per stage of the default pipeline, with its header.
    with db.session() as session:
        names = [s.name for s in stages(session)]
    assert [column.stage.name for column in workspace.columns] == names
    assert workspace.columns[0].header.text() == f"{names[0]} — 0 · 0 ₽"


def test_ages_tick_on_the_age_role_only(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    channel = request_channel(db, rule="fixed", user=app_context.user.id, sla_minutes=60)
    new_lead(
        db, channel, contact_name="Анна", received_at=datetime.now(UTC) - timedelta(minutes=59, seconds=30)
    )
    workspace = show_workspace(qtbot, app_context)
    model = workspace.model
    index = model.index(0)
    assert index.data(InquiryRole.AGE) == "59 min" and index.data(InquiryRole.OVERDUE) is False
    model._clock = lambda: datetime.now(UTC) + timedelta(minutes=2)  # the clock moves on
    with qtbot.waitSignal(model.dataChanged, timeout=1000) as blocker:
        model.tick()
    top, bottom, roles = blocker.args
    assert (top.row(), bottom.row(), roles) == (0, 0, [int(InquiryRole.AGE)])
    assert index.data(InquiryRole.AGE) == "1 h" and index.data(InquiryRole.OVERDUE) is True
    assert model.AGE_TICK_MS == 30_000 and model._age_timer.isActive()


def test_scope_filter_for_a_manager_and_a_dispatcher(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    with db.uow() as uow:
        s = uow.session
        other = make_user(s, "m2", roles=["manager"])
        pool = make_channel(s, "Сайт", rule="pool", role=role(s, "manager")).id
        foreign = make_channel(s, "Чужой", rule="fixed", user=other).id
    with other_desk(db, "m1", "manager") as manager:
        mine_channel = request_channel(db, rule="fixed", user=manager.user.id)
        mine = new_lead(db, mine_channel, contact_name="Мой", received_at=at(1))
        pooled = new_lead(db, pool, contact_name="Пул", received_at=at(2))
        new_lead(db, foreign, contact_name="Чужой", received_at=at(3))

        workspace = show_workspace(qtbot, manager)
        combo = workspace.scope_combo
        assert [combo.itemData(i) for i in range(combo.count())] == ["mine", "my_roles"]  # no "all"
        assert workspace.scope() == "my_roles"
        assert lead_ids(workspace) == [mine.id, pooled.id]
        workspace.set_scope("mine")
        settle(qtbot, workspace)
        assert lead_ids(workspace) == [mine.id]
        with pytest.raises(ValueError):
            workspace.set_scope("all")

    with other_desk(db, "d1", "dispatcher") as dispatcher:
        workspace = show_workspace(qtbot, dispatcher)
        combo = workspace.scope_combo
        assert [combo.itemData(i) for i in range(combo.count())] == ["mine", "my_roles", "all"]
        assert workspace.model.cards() == []  # nothing is the dispatcher's own or in its pool
        workspace.set_scope("all")
        settle(qtbot, workspace)
        assert contacts(workspace) == ["Мой", "Пул", "Чужой"]
        assert workspace.model.total == 3


def test_kind_filter(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    me = app_context.user.id
    calls = request_channel(db, kind="call", rule="fixed", user=me)
    mail = request_channel(db, kind="email", rule="fixed", user=me)
    new_lead(db, calls, contact_name="Звонок", phone="+7 916 000-00-01", received_at=at(1))
    new_lead(db, mail, contact_name="Письмо", email="a@example.ru", received_at=at(2))
    workspace = show_workspace(qtbot, app_context)
    assert contacts(workspace) == ["Звонок", "Письмо"]
    workspace.kind_buttons[ChannelKind.CALL].click()
    settle(qtbot, workspace)
    assert workspace.kinds() == frozenset({ChannelKind.EMAIL, ChannelKind.DIALOG, ChannelKind.REQUEST})
    assert contacts(workspace) == ["Письмо"]
    assert workspace.model.total == 1
    workspace.kind_buttons[ChannelKind.EMAIL].click()
    settle(qtbot, workspace)
    assert contacts(workspace) == []
    workspace.kind_buttons[ChannelKind.CALL].click()
    workspace.kind_buttons[ChannelKind.EMAIL].click()
    settle(qtbot, workspace)
    assert workspace.kinds() is None and contacts(workspace) == ["Звонок", "Письмо"]


def test_lazy_fetching_in_pages(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    channel = request_channel(db, rule="fixed", user=app_context.user.id)
    with db.uow() as uow:
        from app.services.intake import LeadInput, register_leads

        register_leads(
            uow,
            [LeadInput(channel_id=channel, contact_name=f"№{n:03d}", received_at=at(n)) for n in range(45)],
        )
    from ui.my_sales import InquiryListModel

    model = InquiryListModel(app_context, page=20)
    model.start()
    qtbot.waitUntil(lambda: model.rowCount() == 20 and not model.busy, timeout=5000)
    assert model.canFetchMore(model.index(-1)) and not model.exhausted
    model.fetchMore(model.index(-1))
    qtbot.waitUntil(lambda: model.rowCount() == 40 and not model.busy, timeout=5000)
    model.fetchMore(model.index(-1))
    qtbot.waitUntil(lambda: model.rowCount() == 45 and not model.busy, timeout=5000)
    assert model.exhausted and not model.canFetchMore(model.index(-1))
    assert [card.contact for card in model.cards()] == [f"№{n:03d}" for n in range(45)]


def test_drop_a_lead_on_a_stage_opens_the_wizard_and_converts(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    channel = request_channel(db, rule="fixed", user=app_context.user.id)
    dto = new_lead(db, channel, contact_name="Анна Смирнова", phone="+7 903 555-12-34", received_at=at(1))
    keep = new_lead(db, channel, contact_name="Остаётся", received_at=at(2))
    workspace = show_workspace(qtbot, app_context)
    stage = workspace.columns[1]
    mime = workspace.model.mimeData([workspace.model.index(0)])

    with qtbot.waitSignal(workspace.convert_requested, timeout=2000) as blocker:
        drop(stage.view, mime)
    assert blocker.args == [dto.id, stage.stage.id]

    from ui.intake_wizard import IntakeWizard

    wizard = workspace.lead_actions.wizard(dto.id)
    assert isinstance(wizard, IntakeWizard)
    qtbot.waitUntil(lambda: wizard.data is not None, timeout=5000)
    who = wizard.who_page
    if not who.client_name_edit.text().strip():
        who.client_name_edit.setText("Анна Смирнова")
    wizard.next()
    assert wizard.currentId() == IntakeWizard.WHAT
    assert wizard.what_page.stage_combo.currentData() == stage.stage.id  # the drop chose the stage
    if not wizard.what_page.title_edit.text().strip():
        wizard.what_page.title_edit.setText("Кухня")
    wizard.next()
    assert wizard.currentId() == IntakeWizard.RESULT
    with qtbot.waitSignal(wizard.lead_processed, timeout=5000):
        wizard.accept()

    # The lead leaves the column, the interest appears on the stage the lead was dropped on.
    qtbot.waitUntil(lambda: lead_ids(workspace) == [keep.id], timeout=3000)
    stored = lead(db, dto.id)
    assert stored.state is LeadState.CONVERTED
    qtbot.waitUntil(lambda: [c.id for c in stage.model.cards()] == [stored.result_interest_id], timeout=3000)
    assert stage.header.text().startswith(f"{stage.stage.name} — 1 · ")


def test_drag_an_interest_to_another_stage(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    with db.uow() as uow:
        client = make_client(uow.session, "ООО Окна")
        interest = make_interest(
            uow.session, client, "Окна", responsible=app_context.user.id, amount=Decimal("1500000")
        )
        interest_id = interest.id
    workspace = show_workspace(qtbot, app_context)
    first, second = workspace.columns[0], workspace.columns[1]
    assert [c.id for c in first.model.cards()] == [interest_id]
    assert first.model.count == 1 and first.model.amount == Decimal("1500000")
    mime = encode_interest(first.model.card(0))
    with pytest.raises(AssertionError, match="refused"):
        drop(first.view, mime, Qt.DropAction.MoveAction)  # onto its own stage: not a move
    drop(second.view, mime, Qt.DropAction.MoveAction)
    qtbot.waitUntil(lambda: [c.id for c in second.model.cards()] == [interest_id], timeout=3000)
    qtbot.waitUntil(lambda: first.model.cards() == [] and first.model.count == 0, timeout=3000)
    assert second.model.count == 1
    assert "1" in second.header.text() and "₽" in second.header.text()

    # A stale drag (the version moved on meanwhile) is refused in words and the board refreshes.
    drop(workspace.columns[2].view, mime, Qt.DropAction.MoveAction)
    qtbot.waitUntil(lambda: bool(message_boxes(workspace)), timeout=3000)
    assert "changed by somebody else" in message_boxes(workspace)[0].text()
    assert [c.id for c in second.model.cards()] == [interest_id]


def test_a_lead_by_another_client_appears_and_a_change_updates_in_place(
    app_context: AppContext, qtbot: QtBot
) -> None:
    db = app_context.db
    channel = request_channel(db, rule="fixed", user=app_context.user.id)
    first = new_lead(db, channel, contact_name="Первый", received_at=at(1))
    second = new_lead(db, channel, contact_name="Второй", received_at=at(2))
    workspace = show_workspace(qtbot, app_context)
    view = workspace.inquiry_view
    view.selectionModel().setCurrentIndex(
        workspace.model.index(1), QItemSelectionModel.SelectionFlag.ClearAndSelect
    )
    assert workspace.current_card() is not None and workspace.current_card().id == second.id  # type: ignore[union-attr]
    resets: list[object] = []
    workspace.model.modelReset.connect(lambda: resets.append(True))

    from app.persistence.uow import open_database

    other = open_database(db.url, upgrade=False)  # a second desktop on the same database
    try:
        # A new lead by the other client appears without any user action, within 2 s.
        made = new_lead(other, channel, contact_name="Третий")
        qtbot.waitUntil(lambda: made.id in lead_ids(workspace), timeout=2000)
        # A change of an existing lead updates its row in place; the selection stays on it.
        with other.uow() as uow:
            assign_lead(uow, Actor.system(), second.id, app_context.user.id)  # same user: a version bump
            from sqlalchemy import update

            from app.persistence.models import Lead

            uow.session.execute(
                update(Lead).where(Lead.id == second.id).values(contact_name="Второй (уточнён)")
            )
        qtbot.waitUntil(lambda: "Второй (уточнён)" in contacts(workspace), timeout=2000)
        assert lead_ids(workspace) == [first.id, second.id, made.id]
        assert workspace.current_card().id == second.id  # type: ignore[union-attr]
        assert view.selectionModel().isSelected(workspace.model.index(1))
        # A lead processed elsewhere leaves; the selection stays on its card's neighbour, no reset.
        with other.uow() as uow:
            reject_lead(uow, Actor.system(), first.id, reason_code="spam")
        qtbot.waitUntil(lambda: lead_ids(workspace) == [second.id, made.id], timeout=2000)
        assert workspace.current_card().id == second.id  # type: ignore[union-attr]
        assert resets == []
    finally:
        other.dispose()


def test_context_menu_shows_the_actions_with_shortcuts(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    channel = request_channel(db, rule="fixed", user=app_context.user.id)
    new_lead(db, channel, contact_name="Анна", received_at=at(1))
    workspace = show_workspace(qtbot, app_context)
    workspace.inquiry_view.setCurrentIndex(workspace.model.index(0))
    menu = workspace.lead_menu()
    qtbot.addWidget(menu)
    assert isinstance(menu, QMenu)
    entries = {a.objectName(): a for a in menu.actions() if not a.isSeparator()}
    assert set(entries) == {"open_card", "convert", "take", "assign", "redirect", "reject", "spam"}
    assert entries["reject"].shortcut().toString() == "Del"
    assert entries["open_card"].shortcut().toString() == "Return"
    assert entries["assign"].shortcut().toString() == "Ctrl+Shift+A"
    assert entries["reject"].isEnabled() and entries["assign"].isEnabled()
    assert not entries["take"].isEnabled()  # already mine
    menu.close()


def test_keyboard_moves_between_cards_and_opens_the_card(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    channel = request_channel(db, rule="fixed", user=app_context.user.id)
    new_lead(db, channel, contact_name="Первый", received_at=at(1))
    second = new_lead(db, channel, contact_name="Второй", received_at=at(2))
    workspace = show_workspace(qtbot, app_context)
    view = workspace.inquiry_view
    workspace.activateWindow()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus, timeout=2000)
    view.setCurrentIndex(workspace.model.index(0))
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert workspace.current_card().id == second.id  # type: ignore[union-attr]
    with qtbot.waitSignal(workspace.open_lead_requested, timeout=2000) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert blocker.args == [second.id]
    # Standing alone, the workspace opens the card itself.
    qtbot.waitUntil(lambda: second.id in workspace.open_cards(), timeout=2000)
    card = workspace.open_cards()[second.id]
    qtbot.waitUntil(lambda: card.card is not None, timeout=5000)
    card.close()
    workspace.activateWindow()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus, timeout=2000)
    # A double click opens the card too.
    first_rect = view.visualRect(workspace.model.index(0))
    with qtbot.waitSignal(workspace.open_lead_requested, timeout=2000) as blocker:
        double_click(view.viewport(), first_rect.center())
    assert blocker.args == [workspace.model.card(0).id]
    for opened in workspace.open_cards().values():
        opened.close()
    workspace.activateWindow()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus, timeout=2000)
    # Right moves to the first stage column, Left back.
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert workspace.columns[0].view.hasFocus()
    qtbot.keyClick(workspace.columns[0].view, Qt.Key.Key_Left)
    assert view.hasFocus()


def test_reject_from_the_board_with_del(app_context: AppContext, qtbot: QtBot) -> None:
    from ui.dialogs import RejectDialog

    db = app_context.db
    channel = request_channel(db, rule="fixed", user=app_context.user.id)
    dto = new_lead(db, channel, contact_name="Спамер", received_at=at(1))
    workspace = show_workspace(qtbot, app_context)
    view = workspace.inquiry_view
    workspace.activateWindow()
    view.setFocus()
    view.setCurrentIndex(workspace.model.index(0))
    qtbot.waitUntil(view.hasFocus, timeout=2000)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    dialog = workspace.findChild(RejectDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.loaded, timeout=5000)
    dialog.select_reason("spam")
    dialog.accept()
    qtbot.waitUntil(lambda: lead_ids(workspace) == [], timeout=3000)
    assert lead(db, dto.id).state is LeadState.REJECTED


def test_a_stale_action_is_reported_in_words_and_the_board_refreshes(
    app_context: AppContext, qtbot: QtBot
) -> None:
    db = app_context.db
    channel = request_channel(db, rule="fixed", user=app_context.user.id)
    dto = new_lead(db, channel, contact_name="Анна", received_at=at(1))
    workspace = show_workspace(qtbot, app_context)
    workspace.inquiry_view.setCurrentIndex(workspace.model.index(0))
    workspace.context.watcher.stop()  # the board does not learn of the change below by itself
    with db.uow() as uow:
        convert_lead(
            uow,
            actor_of(db, app_context.user.id),
            dto.id,
            ConversionInput(new_client=NewClient(ClientKind.PERSON, "Анна"), interest=NewInterest("Окна")),
        )
    dialog = workspace.lead_actions.mark_spam()
    assert dialog is not None
    dialog.accept()
    qtbot.waitUntil(lambda: bool(message_boxes(workspace)), timeout=3000)
    assert "changed by somebody else" in message_boxes(workspace)[0].text()
    qtbot.waitUntil(lambda: lead_ids(workspace) == [], timeout=3000)


def test_models_pass_the_model_tester(app_context: AppContext, qtbot: QtBot, qtmodeltester: object) -> None:
    db = app_context.db
    channel = request_channel(db, rule="fixed", user=app_context.user.id)
    for n in range(5):
        new_lead(db, channel, contact_name=f"№{n}", received_at=at(n))
    with db.uow() as uow:
        client = make_client(uow.session, "ООО Тест")
        for n in range(3):
            make_interest(uow.session, client, f"Сделка {n}", responsible=app_context.user.id)
    workspace = show_workspace(qtbot, app_context)
    qtmodeltester.check(workspace.model)  # type: ignore[attr-defined]
    qtmodeltester.check(workspace.columns[0].model)  # type: ignore[attr-defined]
    # The testers stay attached: a refresh by difference must keep both models consistent.
    new_lead(db, channel, contact_name="Новый", received_at=at(10))
    with db.uow() as uow:
        reject_lead(uow, Actor.system(), workspace.model.card(1).id, reason_code="spam")
        make_interest(uow.session, client.id, "Ещё", responsible=app_context.user.id)
    workspace.refresh()
    qtbot.waitUntil(lambda: len(workspace.model.cards()) == 5, timeout=3000)
    qtbot.waitUntil(lambda: workspace.columns[0].model.rowCount() == 4, timeout=3000)


def test_a_long_column_refreshes_by_versions_and_f5_reads_everything(
    app_context: AppContext, qtbot: QtBot
) -> None:
    from sqlalchemy import update

    from app.persistence.models import Lead
    from app.services.processing import take_in_progress
    from ui.my_sales import InquiryListModel

    db = app_context.db
    channel = request_channel(db, rule="fixed", user=app_context.user.id)
    made = [new_lead(db, channel, contact_name=f"№{n}", received_at=at(n)).id for n in range(8)]
    model = InquiryListModel(app_context, page=3)
    model.start()
    while not model.exhausted:
        qtbot.waitUntil(lambda: not model.busy, timeout=5000)
        model.fetchMore(model.index(-1))
        qtbot.waitUntil(lambda: not model.busy, timeout=5000)
    assert model.ids() == made  # 8 cards: more than two pages, so refreshes go by versions

    with db.uow() as uow:
        take_in_progress(uow, app_context.actor, made[6])  # a change: the version moves
        # A correction that leaves the version alone (as a renamed client would).
        uow.session.execute(update(Lead).where(Lead.id == made[5]).values(contact_name="№5 (исправлен)"))
    with qtbot.waitSignal(model.refreshed, timeout=5000):
        model.refresh()
    assert model.card(6).state is LeadState.IN_PROGRESS
    assert model.card(5).contact == "№5"  # not read again: its version did not move
    with qtbot.waitSignal(model.refreshed, timeout=5000):
        model.refresh(full=True)
    assert model.card(5).contact == "№5 (исправлен)"
    assert model.ids() == made
