"""The Requests workspace on real widgets and a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMenu
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.domain.enums import LeadState
from app.persistence.uow import Database
from app.services.processing import reject_lead
from tests.factories import lead, make_channel, make_user, new_lead
from tests.ui.test_my_sales_helpers import double_click, offscreen_windows, open_dialog, other_desk
from ui.context import AppContext
from ui.requests import RequestsWorkspace, RequestTableModel
from ui.requests.request_table_model import Column

pytestmark = offscreen_windows

NOW = datetime.now(UTC)


@pytest.fixture(autouse=True)
def _fresh_now() -> None:
    """Times are relative to the start of each test, not of the session (a long run would shift
    every age shown by the minutes the suite has taken so far)."""
    global NOW
    NOW = datetime.now(UTC)


def ago(minutes: int) -> datetime:
    return NOW - timedelta(minutes=minutes)


def channels(db: Database, user_id: int) -> tuple[int, int, int]:
    with db.uow() as uow:
        s = uow.session
        site = make_channel(s, "Сайт", rule="fixed", user=user_id).id
        office = make_channel(s, "Офис", rule="fixed", user=user_id).id
        chat = make_channel(s, "Телеграм", kind="dialog", rule="fixed", user=user_id).id
    return site, office, chat


def show(qtbot: QtBot, context: AppContext) -> RequestsWorkspace:
    workspace = RequestsWorkspace(context)
    qtbot.addWidget(workspace)
    workspace.resize(1400, 700)
    workspace.show()
    qtbot.waitExposed(workspace)
    settle(qtbot, workspace)
    return workspace


def settle(qtbot: QtBot, workspace: RequestsWorkspace) -> None:
    qtbot.waitUntil(lambda: not workspace.model.busy and workspace.model.total is not None, timeout=5000)


def texts(workspace: RequestsWorkspace, column: Column) -> list[str]:
    model = workspace.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_lists_request_leads_newest_first_in_columns(
    app_context: AppContext, qtbot: QtBot, qtmodeltester: ModelTester
) -> None:
    db = app_context.db
    site, office, chat = channels(db, app_context.user.id)
    new_lead(
        db,
        site,
        contact_name="Анна",
        phone="8 916 123-45-67",
        email="anna@example.ru",
        message="Окна в квартиру",
        ad_source="yandex",
        extra={"utm_campaign": "okna"},
        received_at=ago(50),
    )
    visitor = new_lead(db, office, contact_name="Борис", received_at=ago(10))
    new_lead(db, chat, contact_name="Из чата", received_at=ago(5))  # a dialog, not a request

    workspace = show(qtbot, app_context)
    qtmodeltester.check(workspace.model)
    assert texts(workspace, Column.CONTACT) == ["Борис", "Анна"]
    assert texts(workspace, Column.CHANNEL) == ["Офис", "Сайт"]
    model = workspace.model
    assert model.index(1, Column.PHONE).data() == "+79161234567"
    assert model.index(1, Column.EMAIL).data() == "anna@example.ru"
    assert model.index(1, Column.MESSAGE).data() == "Окна в квартиру"
    assert model.index(1, Column.SOURCE).data() == "yandex · utm_campaign=okna"
    assert model.index(1, Column.STATE).data() == "New"
    assert model.index(1, Column.RESPONSIBLE).data() == app_context.user.full_name
    assert model.headerData(Column.SOURCE, Qt.Orientation.Horizontal) == "Source / UTM"
    assert workspace.header.text() == "Requests — 2"
    assert model.ids()[0] == visitor.id


def test_filters_narrow_the_list(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    site, office, _chat = channels(db, app_context.user.id)
    anna = new_lead(
        db, site, contact_name="Анна", phone="+79161234567", ad_source="avito", received_at=ago(5)
    )
    boris = new_lead(db, office, contact_name="Борис", email="boris@mail.ru", received_at=ago(60 * 24 * 3))
    old = new_lead(db, office, contact_name="Старый", received_at=ago(60 * 24 * 90))
    with db.uow() as uow:
        reject_lead(uow, app_context.actor, boris.id, reason_code="spam")
    workspace = show(qtbot, app_context)
    model = workspace.model
    assert model.ids() == [anna.id, boris.id]  # the last 30 days by default

    def choose(combo_name: str, data: object) -> None:
        combo = getattr(workspace, combo_name)
        qtbot.waitUntil(lambda: combo.findData(data) >= 0, timeout=5000)
        combo.setCurrentIndex(combo.findData(data))
        settle(qtbot, workspace)

    choose("period_combo", "all")
    assert model.ids() == [anna.id, boris.id, old.id] and model.total == 3
    choose("period_combo", "today")
    assert model.ids() == [anna.id]
    choose("period_combo", "all")
    choose("state_combo", LeadState.REJECTED.value)
    assert model.ids() == [boris.id]
    choose("state_combo", "open")
    assert model.ids() == [anna.id, old.id]
    choose("state_combo", "any")
    choose("channel_combo", office)
    assert model.ids() == [boris.id, old.id]
    choose("channel_combo", None)
    choose("source_combo", "avito")
    assert model.ids() == [anna.id]
    choose("source_combo", None)
    qtbot.keyClicks(workspace.search_edit, "boris@")
    qtbot.waitUntil(lambda: model.filter.text == "boris@", timeout=5000)
    settle(qtbot, workspace)
    assert model.ids() == [boris.id]
    assert workspace.header.text() == "Requests — 1"


def test_lazy_paging(app_context: AppContext, qtbot: QtBot, qtmodeltester: ModelTester) -> None:
    db = app_context.db
    site, _office, _chat = channels(db, app_context.user.id)
    made = [new_lead(db, site, contact_name=f"N{n}", received_at=ago(n)) for n in range(7)]
    model = RequestTableModel(app_context)
    model._page = 3
    model.start()
    qtbot.waitUntil(lambda: not model.busy and model.rowCount() == 3, timeout=5000)
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: not model.busy and model.rowCount() == 6, timeout=5000)
    model.fetchMore(QModelIndex())
    qtbot.waitUntil(lambda: not model.busy and model.exhausted, timeout=5000)
    assert model.ids() == [lead.id for lead in made]
    assert not model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)


def test_a_request_from_another_desk_appears_and_changes_in_place(
    app_context: AppContext, qtbot: QtBot
) -> None:
    db = app_context.db
    site, _office, _chat = channels(db, app_context.user.id)
    first = new_lead(db, site, contact_name="Первый", received_at=ago(30))
    workspace = show(qtbot, app_context)
    workspace.table.selectRow(0)
    removed: list[int] = []
    workspace.model.rowsRemoved.connect(lambda *_args: removed.append(1))
    with other_desk(db, "disp", "dispatcher") as desk:
        # Another connection commits: the watcher (NOTIFY / data_version) brings it in.
        second = new_lead(db, site, contact_name="Второй", received_at=ago(1))
        qtbot.waitUntil(lambda: workspace.model.ids() == [second.id, first.id], timeout=5000)
        with db.uow() as uow:
            reject_lead(uow, desk.actor, first.id, reason_code="spam")
        qtbot.waitUntil(lambda: texts(workspace, Column.STATE) == ["New", "Rejected"], timeout=5000)
    # Rows changed in place: the selection stayed on the first request, nothing was removed.
    assert workspace.current_request() is not None and workspace.current_request().id == first.id
    assert removed == []


def test_double_click_opens_the_lead_and_the_menu_rejects(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    site, _office, _chat = channels(db, app_context.user.id)
    request = new_lead(db, site, contact_name="Анна", received_at=ago(3))
    workspace = show(qtbot, app_context)
    opened: list[int] = []
    workspace.open_lead_requested.connect(opened.append)
    rect = workspace.table.visualRect(workspace.model.index(0, Column.CONTACT))
    double_click(workspace.table.viewport(), rect.center())
    assert opened == [request.id]

    workspace.table.setCurrentIndex(workspace.model.index(0, 0))
    menu = workspace.lead_menu()
    assert isinstance(menu, QMenu)
    names = [action.objectName() for action in menu.actions() if not action.isSeparator()]
    assert names == ["open_card", "convert", "take", "assign", "redirect", "reject", "spam"]
    menu.deleteLater()
    dialog = open_dialog(qtbot, workspace.actions_.reject())
    dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findText("Spam", Qt.MatchFlag.MatchContains))
    dialog.accept()
    qtbot.waitUntil(lambda: lead(db, request.id).state is LeadState.REJECTED, timeout=5000)
    qtbot.waitUntil(lambda: texts(workspace, Column.STATE) == ["Rejected"], timeout=5000)


def test_a_manager_sees_only_own_requests(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    with db.uow() as uow:
        other = make_user(uow.session, "m_other")
    with db.uow() as uow:
        foreign = make_channel(uow.session, "Чужой", rule="fixed", user=other).id
    new_lead(db, foreign, contact_name="Чужая", received_at=ago(2))
    with other_desk(db, "m_self", "manager") as manager:
        with db.uow() as uow:
            mine_channel = make_channel(uow.session, "Мой", rule="fixed", user=manager.user.id).id
        mine = new_lead(db, mine_channel, contact_name="Моя", received_at=ago(1))
        workspace = show(qtbot, manager)
        assert workspace.model.ids() == [mine.id]
        workspace.close()


def test_fits_a_small_window(app_context: AppContext, qtbot: QtBot) -> None:
    workspace = show(qtbot, app_context)
    # The main window at 1024 px minus the navigation must still hold it (no forced wide window).
    assert workspace.minimumSizeHint().width() <= 700
