"""The Reports workspace on real widgets and a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QTableView
from pytestqt.qtbot import QtBot

from app.domain.enums import ChannelKind
from app.domain.errors import ValidationError
from app.persistence.uow import Database
from app.services import report_queries, reports
from app.services.export import local_zone
from app.services.permissions import Actor
from app.services.processing import reject_lead
from app.services.reports import (
    ColumnType,
    PeriodPreset,
    ReportColumn,
    ReportFilters,
    ReportFormat,
    ReportName,
    ReportResult,
)
from tests.factories import make_channel, make_client, make_interest, make_user, new_lead
from tests.ui.conftest import make_context
from tests.ui.test_my_sales_helpers import double_click, offscreen_windows
from ui.context import AppContext
from ui.reports import words
from ui.reports import workspace as workspace_module
from ui.reports.drill import DrillDownDialog
from ui.reports.models import DrillModel, ReportListModel, ReportTableModel, TotalsModel
from ui.reports.workspace import ReportRun, ReportsWorkspace

pytestmark = offscreen_windows

# Every seeded lead arrives on one of these local days; the period under test is DAY1..DAY2.
DAY1 = date.today() - timedelta(days=10)
DAY2 = date.today() - timedelta(days=9)
BEFORE = date.today() - timedelta(days=30)


def at(day: date, hour: int = 12) -> datetime:
    """Local noon (or another hour) of a day, as an aware UTC moment."""
    return datetime.combine(day, time(hour)).replace(tzinfo=local_zone()).astimezone(UTC)


@pytest.fixture(autouse=True)
def _file_dialogs_fail_instead_of_blocking(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal file dialog would wait for a click forever: here it fails the test at once
    (the export test puts its own answer in its place)."""

    def refuse(*_args: Any, **_kwargs: Any) -> tuple[str, str]:
        raise AssertionError("a file dialog was opened")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(refuse))


class Seeded:
    """What :func:`seed` made: channel ids and lead ids by what they became."""

    def __init__(self) -> None:
        self.email = 0
        self.call = 0
        self.email_new: list[int] = []
        self.email_rejected: list[int] = []
        self.call_new: list[int] = []


def seed(db: Database, user_id: int | None = None) -> Seeded:
    """E-mail: 3 new + 2 rejected in the period, 1 before it; calls: 1 new in the period."""
    made = Seeded()
    with db.uow() as uow:
        email = make_channel(uow.session, "Почта отдела продаж", kind="email", rule="fixed", user=user_id)
        call = make_channel(uow.session, "Телефон", kind="call", rule="fixed", user=user_id)
        made.email, made.call = email.id, call.id
    for n in range(3):
        made.email_new.append(
            new_lead(db, made.email, contact_name=f"Новый {n}", received_at=at(DAY1, 9 + n)).id
        )
    for n in range(2):
        made.email_rejected.append(
            new_lead(db, made.email, contact_name=f"Спам {n}", received_at=at(DAY2)).id
        )
    new_lead(db, made.email, contact_name="Давний", received_at=at(BEFORE))
    made.call_new.append(new_lead(db, made.call, contact_name="Звонок", received_at=at(DAY2, 15)).id)
    with db.uow() as uow:
        for lead_id in made.email_rejected:
            reject_lead(uow, Actor.system(), lead_id, reason_code="spam")
    return made


def open_workspace(
    qtbot: QtBot, context: AppContext, *, first: date = DAY1, last: date = DAY2
) -> ReportsWorkspace:
    """The workspace shown, on the lead analysis for a custom period, with its result on screen."""
    workspace = ReportsWorkspace(context)
    qtbot.addWidget(workspace)
    workspace.resize(1400, 900)
    workspace.show()
    qtbot.waitExposed(workspace)
    settle(qtbot, workspace)
    with qtbot.waitSignal(workspace.report_shown, timeout=10_000):
        workspace.filter_bar.set_period(first, last)
    settle(qtbot, workspace)
    return workspace


def settle(qtbot: QtBot, workspace: ReportsWorkspace) -> None:
    """Wait until no run, pending run or drill-down is under way."""
    qtbot.waitUntil(lambda: not workspace.busy, timeout=10_000)


def rows_by_channel(workspace: ReportsWorkspace) -> dict[str, dict[str, str]]:
    """The table as shown: {channel name: {column key: text}}."""
    return {row["channel"]: row for row in workspace.table_rows()}


def totals(workspace: ReportsWorkspace) -> dict[str, str]:
    """The totals row as shown: {column key: text}."""
    model = workspace.totals_model
    return {column.key: str(model.index(0, n).data() or "") for n, column in enumerate(model.columns)}


def cell_position(workspace: ReportsWorkspace, channel: str, key: str) -> QPoint:
    """The centre of a cell of the report table, in viewport coordinates."""
    view = workspace.table
    row = next(r for r in range(workspace.proxy.rowCount()) if workspace.proxy.index(r, 1).data() == channel)
    index = workspace.proxy.index(row, workspace.table_model.column_of(key))
    view.scrollTo(index)
    return view.visualRect(index).center()


def open_drill(qtbot: QtBot, workspace: ReportsWorkspace, channel: str, key: str) -> DrillDownDialog:
    """Double-click a figure and wait for its drill-down window."""
    with qtbot.waitSignal(workspace.drill_opened, timeout=10_000) as opened:
        double_click(workspace.table.viewport(), cell_position(workspace, channel, key))
    dialog = opened.args[0]
    assert isinstance(dialog, DrillDownDialog)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.complete, timeout=10_000)
    return dialog


# ------------------------------------------------------------------------------------ the table


def test_lead_analysis_counts_leads_of_the_period_by_channel_and_state(
    app_context: AppContext, qtbot: QtBot, qtmodeltester: Any
) -> None:
    seed(app_context.db)
    workspace = open_workspace(qtbot, app_context)
    for model in (workspace.table_model, workspace.proxy, workspace.totals_model, workspace.list_model):
        qtmodeltester.check(model)  # with the service's real rows, not only synthetic ones

    assert workspace.report_name() is ReportName.LEADS
    assert workspace.title_label.text() == "Lead analysis"
    shown = rows_by_channel(workspace)
    assert set(shown) == {"Почта отдела продаж", "Телефон"}
    mail = shown["Почта отдела продаж"]
    assert (mail["kind"], mail["new"], mail["rejected"], mail["converted"], mail["total"]) == (
        words.display(ColumnType.TEXT, "kind", "email"),
        "3",
        "2",
        "0",
        "5",
    )
    assert (shown["Телефон"]["new"], shown["Телефон"]["total"]) == ("1", "1")
    assert totals(workspace)["total"] == "6"
    assert totals(workspace)["new"] == "4"


def test_a_filter_runs_the_report_again_with_the_right_numbers(app_context: AppContext, qtbot: QtBot) -> None:
    seed(app_context.db)
    workspace = open_workspace(qtbot, app_context)

    with qtbot.waitSignal(workspace.report_shown, timeout=10_000):
        workspace.filter_bar.kind_button.set_values([ChannelKind.CALL.value])
    settle(qtbot, workspace)
    assert list(rows_by_channel(workspace)) == ["Телефон"]
    assert totals(workspace)["total"] == "1"

    with qtbot.waitSignal(workspace.report_shown, timeout=10_000):
        workspace.filter_bar.kind_button.clear()
    settle(qtbot, workspace)
    # A wider period takes in the lead received a month ago.
    with qtbot.waitSignal(workspace.report_shown, timeout=10_000):
        workspace.filter_bar.set_period(BEFORE, DAY2)
    settle(qtbot, workspace)
    assert rows_by_channel(workspace)["Почта отдела продаж"]["total"] == "6"
    assert totals(workspace)["total"] == "7"


def test_period_presets_fill_the_dates_and_custom_unlocks_them(app_context: AppContext, qtbot: QtBot) -> None:
    workspace = open_workspace(qtbot, app_context)
    bar = workspace.filter_bar
    bar.set_today(date(2026, 5, 20))
    bar.set_preset(PeriodPreset.QUARTER)
    assert bar.period() == (date(2026, 4, 1), date(2026, 5, 20))
    assert not bar.from_edit.isEnabled()
    bar.set_preset(PeriodPreset.YESTERDAY)
    assert bar.period() == (date(2026, 5, 19), date(2026, 5, 19))
    bar.set_preset(PeriodPreset.CUSTOM)
    assert bar.from_edit.isEnabled() and bar.to_edit.isEnabled()
    filters = workspace.filters()
    assert (filters.date_from, filters.date_to) == (date(2026, 5, 19), date(2026, 5, 19))
    assert filters.zone is not None
    settle(qtbot, workspace)


def test_sorting_a_column_sorts_numbers_as_numbers_and_keeps_the_totals_below(
    app_context: AppContext, qtbot: QtBot
) -> None:
    seed(app_context.db)
    workspace = open_workspace(qtbot, app_context)
    column = workspace.table_model.column_of("total")
    workspace.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    assert [row["channel"] for row in workspace.table_rows()] == ["Телефон", "Почта отдела продаж"]
    workspace.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    assert [row["channel"] for row in workspace.table_rows()] == ["Почта отдела продаж", "Телефон"]
    assert totals(workspace)["total"] == "6"
    assert workspace.totals_view.isVisible()


def test_a_manager_sees_only_the_leads_they_are_responsible_for(
    app_context: AppContext, qtbot: QtBot
) -> None:
    db = app_context.db
    manager = make_context(db, "reports_manager", "manager")
    with db.uow() as uow:
        colleague = make_user(uow.session, "reports_colleague").id
    seed(db, user_id=manager.user.id)  # 6 leads in the period are the manager's
    with db.uow() as uow:
        other = make_channel(uow.session, "Чужой канал", kind="email", rule="fixed", user=colleague).id
    for n in range(4):
        new_lead(db, other, contact_name=f"Чужой {n}", received_at=at(DAY1))
    try:
        manager.watcher.start()
        workspace = open_workspace(qtbot, manager)
        assert set(rows_by_channel(workspace)) == {"Почта отдела продаж", "Телефон"}
        assert totals(workspace)["total"] == "6"
    finally:
        manager.watcher.stop()
        manager.tasks.wait()

    # The administrator sees the colleague's leads as well.
    admin = open_workspace(qtbot, app_context)
    assert rows_by_channel(admin)["Чужой канал"]["total"] == "4"
    assert totals(admin)["total"] == "10"


def test_the_lead_analysis_draws_state_by_kind_bars_and_the_trend(
    app_context: AppContext, qtbot: QtBot
) -> None:
    seed(app_context.db)
    workspace = open_workspace(qtbot, app_context)
    assert workspace.charts.isVisible()
    assert workspace.charts.titles() == ["Leads by state and channel kind", "Leads per day"]
    bars = workspace.charts.views[0].chart().series()[0]
    by_label = {
        bar_set.label(): [bar_set.at(i) for i in range(bar_set.count())] for bar_set in bars.barSets()
    }
    kinds = [kind.value for kind in ChannelKind]
    assert by_label["New"][kinds.index("email")] == 3
    assert by_label["New"][kinds.index("call")] == 1
    assert by_label["Rejected"][kinds.index("email")] == 2
    trend = workspace.charts.views[1].chart().series()[0]
    assert [trend.at(i).y() for i in range(trend.count())] == [3, 3]  # DAY1: 3, DAY2: 2 + 1


def test_every_report_runs_in_the_workspace_without_an_error(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    made = seed(db)
    with db.uow() as uow:
        client = make_client(uow.session, name="ООО Ромашка")
        make_interest(uow.session, client, title="Окна в офис")
    workspace = open_workspace(qtbot, app_context)
    failures: list[str] = []
    workspace.run_failed.connect(failures.append)
    for name in ReportName:
        if name is ReportName.LEADS:
            continue
        with qtbot.waitSignal(workspace.report_shown, timeout=10_000) as shown:
            workspace.choose_report(name)
        settle(qtbot, workspace)
        assert shown.args == [name.value]
        assert workspace.title_label.text() == words.report_title(name)
        assert not workspace.message.isVisible(), (name, workspace.message.text())
        # Every header is a translated title, never a key.
        headers = [
            workspace.proxy.headerData(n, Qt.Orientation.Horizontal)
            for n in range(workspace.proxy.columnCount())
        ]
        assert all(headers) and headers == [
            words.column_title(c.title) for c in workspace.table_model.columns
        ]
        if name is ReportName.FUNNEL:
            assert workspace.charts.titles() and workspace.charts.titles()[0].startswith("Sales funnel")
        if name is ReportName.REJECTIONS:
            assert rows_by_name(workspace)["Спам"]["count"] == str(len(made.email_rejected))
    assert failures == []


def rows_by_name(workspace: ReportsWorkspace) -> dict[str, dict[str, str]]:
    """The rows of a grouped report as shown: {name: {column key: text}}."""
    return {row["name"]: row for row in workspace.table_rows() if "name" in row}


# ------------------------------------------------------------------------------ drill-down, export


def test_double_click_on_a_figure_drills_down_to_its_leads_and_opens_a_card(
    app_context: AppContext, qtbot: QtBot
) -> None:
    made = seed(app_context.db)
    workspace = open_workspace(qtbot, app_context)

    dialog = open_drill(qtbot, workspace, "Почта отдела продаж", "rejected")
    ids = [dialog.model.lead_id(row) for row in range(dialog.model.rowCount())]
    assert sorted(ids) == sorted(made.email_rejected)  # type: ignore[type-var]
    assert "2" in dialog.header.text()

    with qtbot.waitSignal(workspace.open_lead_requested, timeout=5000) as opened:
        view = dialog.view
        double_click(view.viewport(), view.visualRect(dialog.model.index(0, 1)).center())
    assert opened.args == [ids[0]]

    # A figure of the totals row: every new lead of the period.
    with qtbot.waitSignal(workspace.drill_opened, timeout=10_000) as drilled:
        index = workspace.totals_model.index(0, workspace.table_model.column_of("new"))
        double_click(workspace.totals_view.viewport(), workspace.totals_view.visualRect(index).center())
    totals_dialog = drilled.args[0]
    qtbot.addWidget(totals_dialog)
    qtbot.waitUntil(lambda: totals_dialog.complete, timeout=10_000)
    shown = {totals_dialog.model.lead_id(row) for row in range(totals_dialog.model.rowCount())}
    assert shown == {*made.email_new, *made.call_new}


def test_enter_on_a_figure_drills_down_too(app_context: AppContext, qtbot: QtBot) -> None:
    made = seed(app_context.db)
    workspace = open_workspace(qtbot, app_context)
    row = next(
        r for r in range(workspace.proxy.rowCount()) if workspace.proxy.index(r, 1).data() == "Телефон"
    )
    workspace.table.setFocus()
    workspace.table.setCurrentIndex(workspace.proxy.index(row, workspace.table_model.column_of("new")))
    with qtbot.waitSignal(workspace.drill_opened, timeout=10_000) as opened:
        QTest.keyClick(workspace.table, Qt.Key.Key_Return)
    dialog = opened.args[0]
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.complete, timeout=10_000)
    assert [dialog.model.lead_id(r) for r in range(dialog.model.rowCount())] == made.call_new
    with qtbot.waitSignal(workspace.open_lead_requested, timeout=5000) as asked:
        dialog.view.setFocus()
        dialog.view.setCurrentIndex(dialog.model.index(0, 0))
        QTest.keyClick(dialog.view, Qt.Key.Key_Return)
    assert asked.args == [made.call_new[0]]


def test_a_big_drill_down_shows_its_first_page_at_once_and_the_rest_when_read(
    app_context: AppContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = seed(app_context.db)
    workspace = open_workspace(qtbot, app_context)
    monkeypatch.setattr(DrillModel, "PAGE", 2)  # three new e-mail leads: a page of two, then the rest
    real = reports.drill_down
    rest_may_come = threading.Event()
    limits: list[int | None] = []

    def gated(*args: Any, limit: int | None = None, **kwargs: Any) -> ReportResult:
        limits.append(limit)
        if len(limits) == 2:
            rest_may_come.wait(10)
        return real(*args, limit=limit, **kwargs)

    monkeypatch.setattr(reports, "drill_down", gated)
    with qtbot.waitSignal(workspace.drill_opened, timeout=10_000) as opened:
        double_click(workspace.table.viewport(), cell_position(workspace, "Почта отдела продаж", "new"))
    dialog = opened.args[0]
    qtbot.addWidget(dialog)
    assert not dialog.complete
    assert dialog.model.rowCount() == 2
    assert "reading the rest" in dialog.header.text()
    assert not dialog.export.buttons[ReportFormat.XLSX].isEnabled()  # not half a drill-down

    with qtbot.waitSignal(dialog.completed, timeout=10_000):
        rest_may_come.set()
    assert limits[0] == 2 and limits[1] == workspace_module.DRILL_LIMIT
    while dialog.model.canFetchMore(QModelIndex()):
        dialog.model.fetchMore(QModelIndex())
    assert [dialog.model.lead_id(row) for row in range(dialog.model.rowCount())] == made.email_new
    assert "3" in dialog.header.text() and "reading" not in dialog.header.text()
    assert dialog.export.buttons[ReportFormat.XLSX].isEnabled()


def test_export_writes_an_xlsx_with_the_numbers_shown(
    app_context: AppContext, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(app_context.db)
    workspace = open_workspace(qtbot, app_context)
    target = tmp_path / "leads"  # no extension: the workspace adds it
    asked: list[str] = []

    def save_as(_parent: Any, _caption: str, start: str, _filter: str) -> tuple[str, str]:
        asked.append(start)
        return str(target), _filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_as))
    with qtbot.waitSignal(workspace.export.saved, timeout=10_000) as saved:
        qtbot.mouseClick(workspace.export.buttons[ReportFormat.XLSX], Qt.MouseButton.LeftButton)
    assert saved.args == [str(tmp_path / "leads.xlsx")]
    assert asked and asked[0].endswith(f"Lead analysis {DAY1.isoformat()} – {DAY2.isoformat()}.xlsx")
    assert workspace.notice.text().endswith("leads.xlsx")

    sheet = load_workbook(tmp_path / "leads.xlsx").active
    assert sheet is not None
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in values if "Channel" in row)
    mail = next(row for row in values if "Почта отдела продаж" in row)
    figures = dict(zip(header, mail, strict=False))
    assert (figures["New"], figures["Rejected"], figures["Total"]) == (3, 2, 5)
    total_row = next(row for row in values if "Total" in row and row is not header)
    assert total_row[header.index("Total")] == 6


def test_an_export_has_the_column_titles_the_user_reads(
    app_context: AppContext, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(app_context.db)
    workspace = open_workspace(qtbot, app_context)
    # Stands for a translator: the screen and the file say the same words.
    monkeypatch.setattr(words, "column_title", lambda title: f"«{title}»")
    target = tmp_path / "leads.xlsx"
    with qtbot.waitSignal(workspace.export.saved, timeout=10_000):
        workspace.export.export_to(ReportFormat.XLSX, target)
    sheet = load_workbook(target).active
    assert sheet is not None
    header = next(row for row in sheet.iter_rows(values_only=True) if "«Channel»" in row)
    assert "«Rejected»" in header
    assert any(str(cell).startswith("Lead analysis") for cell in next(sheet.iter_rows(values_only=True)))
    assert workspace.current_result() is not None
    assert workspace.current_result().columns[0].title == "Kind"  # the shown result is untouched


def test_a_drill_down_exports_its_own_rows_as_csv(
    app_context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    made = seed(app_context.db)
    workspace = open_workspace(qtbot, app_context)
    dialog = open_drill(qtbot, workspace, "Почта отдела продаж", "new")
    target = tmp_path / "new.csv"
    with qtbot.waitSignal(dialog.export.saved, timeout=10_000):
        dialog.export.export_to(ReportFormat.CSV, target)
    text = target.read_text(encoding="utf-8-sig")
    for lead_id in made.email_new:
        assert str(lead_id) in text
    assert "Спам" not in text


# ------------------------------------------------------------------------------ cancel, errors, live


def test_a_cancelled_run_leaves_the_table_as_it_was_and_says_so(
    app_context: AppContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(app_context.db)
    workspace = open_workspace(qtbot, app_context)
    before = workspace.table_rows()
    result_before = workspace.current_result()

    monkeypatch.setattr(ReportRun, "cancelled", lambda _self: True)
    with qtbot.waitSignal(workspace.run_failed, timeout=10_000) as failed:
        workspace.filter_bar.kind_button.set_values([ChannelKind.CALL.value])
    settle(qtbot, workspace)
    assert "cancelled" in failed.args[0]
    assert workspace.table_rows() == before
    assert workspace.current_result() is result_before
    assert workspace.notice.isVisible(), (workspace.notice.text(), workspace.message.text())
    assert "cancelled" in workspace.notice.text()
    assert not workspace.busy_bar.isVisible()


def test_the_cancel_button_stops_a_long_report_and_its_late_result_is_dropped(
    app_context: AppContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(app_context.db)
    workspace = open_workspace(qtbot, app_context)
    before = workspace.table_rows()
    real = reports.run_report
    release = threading.Event()
    asked_to_stop: list[bool] = []

    def slow(*args: Any, cancelled: Any = None, **kwargs: Any) -> ReportResult:
        release.wait(10)
        asked_to_stop.append(bool(cancelled and cancelled()))
        return real(*args, **kwargs)  # finishes anyway: the workspace must drop what comes late

    monkeypatch.setattr(reports, "run_report", slow)
    qtbot.mouseClick(workspace.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(workspace.busy_bar.isVisible, timeout=5000)
    assert workspace.cancel_button.isEnabled()
    with qtbot.waitSignal(workspace.run_failed, timeout=5000):
        qtbot.mouseClick(workspace.cancel_button, Qt.MouseButton.LeftButton)
    assert not workspace.busy_bar.isVisible()
    release.set()
    app_context.tasks.wait()
    qtbot.wait(50)  # the late result's callback is delivered (and dropped)
    assert asked_to_stop == [True]
    assert workspace.table_rows() == before
    assert "cancelled" in workspace.notice.text()


def test_a_result_for_filters_no_longer_on_screen_is_dropped(
    app_context: AppContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(app_context.db)
    workspace = open_workspace(qtbot, app_context)
    real = reports.run_report
    first_may_finish = threading.Event()
    calls: list[ReportFilters] = []

    def gated(session: Any, actor: Any, name: Any, filters: ReportFilters, **kwargs: Any) -> ReportResult:
        calls.append(filters)
        if len(calls) == 1:
            first_may_finish.wait(10)
            return real(session, actor, name, filters)  # the old filters' result comes last
        return real(session, actor, name, filters, **kwargs)

    monkeypatch.setattr(reports, "run_report", gated)
    workspace.run_report()  # all kinds: would show both channels
    with qtbot.waitSignal(workspace.report_shown, timeout=10_000):
        workspace.filter_bar.kind_button.set_values([ChannelKind.CALL.value])
    first_may_finish.set()
    app_context.tasks.wait()
    qtbot.wait(50)
    assert len(calls) == 2
    assert list(rows_by_channel(workspace)) == ["Телефон"]


def test_a_service_error_is_shown_as_its_sentence(
    app_context: AppContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(app_context.db)
    workspace = open_workspace(qtbot, app_context)

    def refuse(*_args: Any, **_kwargs: Any) -> ReportResult:
        raise ValidationError("The period is longer than the archive.")

    monkeypatch.setattr(reports, "run_report", refuse)
    with qtbot.waitSignal(workspace.run_failed, timeout=10_000):
        workspace.run_report()
    assert workspace.message.isVisible()
    assert workspace.message.text() == "The period is longer than the archive."
    assert rows_by_channel(workspace)["Телефон"]["total"] == "1"  # the last good table stays


def test_a_change_on_another_desk_reruns_the_visible_report(
    app_context: AppContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workspace_module, "LIVE_DELAY_MS", 200)
    made = seed(app_context.db)
    workspace = open_workspace(qtbot, app_context)
    assert totals(workspace)["total"] == "6"

    new_lead(app_context.db, made.call, contact_name="Ещё звонок", received_at=at(DAY2, 16))
    qtbot.waitUntil(lambda: totals(workspace).get("total") == "7", timeout=10_000)
    assert rows_by_channel(workspace)["Телефон"]["new"] == "2"

    # A channel added in the Settings of another desk is offered by the channel filter.
    with app_context.db.uow() as uow:
        make_channel(uow.session, "Авито", kind="request", ad_source="Avito")
    qtbot.waitUntil(
        lambda: "Авито" in [text for _value, text in workspace.filter_bar.channel_button.entries()],
        timeout=10_000,
    )
    assert "Avito" in [text for _value, text in workspace.filter_bar.source_button.entries()]
    settle(qtbot, workspace)


def test_a_hidden_workspace_waits_and_reruns_when_shown(
    app_context: AppContext, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workspace_module, "LIVE_DELAY_MS", 100)
    made = seed(app_context.db)
    workspace = open_workspace(qtbot, app_context)
    workspace.hide()
    runs: list[ReportFilters] = []
    real = reports.run_report

    def counted(*args: Any, **kwargs: Any) -> ReportResult:
        runs.append(args[3])
        return real(*args, **kwargs)

    monkeypatch.setattr(reports, "run_report", counted)
    new_lead(app_context.db, made.call, contact_name="Пока никто не смотрит", received_at=at(DAY2, 17))
    qtbot.wait(800)  # several watcher ticks and live delays
    assert runs == []  # nobody looks: no query
    with qtbot.waitSignal(workspace.report_shown, timeout=10_000):
        workspace.show()
    assert len(runs) == 1
    assert totals(workspace)["total"] == "7"


def test_the_main_window_opens_the_workspace_and_its_lead_cards(
    app_context: AppContext, qtbot: QtBot, tmp_path: Path
) -> None:
    from tests.ui.shell_helpers import isolated_settings
    from ui.main_window import MainWindow

    made = seed(app_context.db)
    window = MainWindow(app_context, settings=isolated_settings(tmp_path), use_tray=False)
    qtbot.addWidget(window)
    window.show()
    window.show_workspace("reports")
    page = window.workspace_page("reports")
    assert isinstance(page, ReportsWorkspace)
    settle(qtbot, page)
    assert page.isVisible() and page.table_model.rowCount() > 0

    page.open_lead_requested.emit(made.call_new[0])  # what a double-click on a drill-down row asks
    card = window._open_cards.get(made.call_new[0])
    assert card is not None and card.isVisible()
    assert not page.open_cards()  # the window opened it, not the workspace standing alone
    qtbot.waitUntil(lambda: not app_context.tasks.busy, timeout=10_000)
    card.close()
    window.close()
    settle(qtbot, page)


# ------------------------------------------------------------------------------------- the models


def _synthetic() -> ReportResult:
    columns = (
        ReportColumn("manager", "Manager"),
        ReportColumn("leads", "Leads", ColumnType.INT),
        ReportColumn("share", "Share", ColumnType.PERCENT),
        ReportColumn("median", "Median", ColumnType.SECONDS),
        ReportColumn("amount", "Amount", ColumnType.MONEY),
        ReportColumn("light", "Light", ColumnType.LIGHT),
    )
    rows = tuple(
        {
            "manager": name,
            "leads": leads,
            "share": share,
            "median": median,
            "amount": Decimal(amount),
            "light": light,
            "drill": {"user_id": n},
        }
        for n, (name, leads, share, median, amount, light) in enumerate(
            [
                ("Анна", 9, 0.125, 45.0, "1500", "red"),
                ("Борис", 10, 0.5, 200.0, "99", "green"),
                ("Вера", 1, None, 7200.0, "0", "yellow"),
            ]
        )
    )
    return ReportResult(ReportName.CONTROL, "Control", DAY1, DAY2, columns, rows, {"leads": 20, "drill": {}})


def test_models_pass_the_model_tester(qtmodeltester: Any) -> None:
    listing = ReportListModel()
    qtmodeltester.check(listing)
    assert listing.rowCount() == len(ReportName)
    assert listing.index(0, 0).data() == "Lead analysis"

    table = ReportTableModel()
    qtmodeltester.check(table)
    table.set_result(_synthetic())
    qtmodeltester.check(table)
    footer = TotalsModel()
    footer.set_result(_synthetic())
    qtmodeltester.check(footer)

    drill_result = ReportResult(
        ReportName.LEADS,
        "Leads",
        DAY1,
        DAY2,
        (ReportColumn("id", "Lead", ColumnType.INT), ReportColumn("channel", "Channel")),
        tuple({"id": n, "channel": f"c{n % 7}", "drill": {"lead_id": n}} for n in range(1200)),
    )
    drilled = DrillModel(drill_result)
    assert drilled.rowCount() == DrillModel.PAGE and drilled.canFetchMore(QModelIndex())
    drilled.fetchMore(QModelIndex())
    drilled.fetchMore(QModelIndex())
    assert drilled.rowCount() == 1200 and not drilled.canFetchMore(QModelIndex())
    qtmodeltester.check(DrillModel(drill_result))
    drilled.sort(0, Qt.SortOrder.DescendingOrder)
    assert drilled.rowCount() == DrillModel.PAGE  # sorted all, shows the first page again
    assert drilled.lead_id(0) == 1199


def test_cells_are_formatted_aligned_and_coloured_with_words(qtbot: QtBot) -> None:
    model = ReportTableModel()
    model.set_result(_synthetic())
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)

    def cell(row: int, key: str, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return model.index(row, model.column_of(key)).data(role)

    assert model.headerData(1, Qt.Orientation.Horizontal) == "Leads"
    assert cell(0, "share") == words.percent(0.125) and "12" in cell(0, "share")
    assert cell(2, "share") == ""
    assert cell(0, "median") == words.duration(45) and cell(2, "median") == words.duration(7200)
    assert cell(1, "leads") == "10"
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert cell(1, "leads", Qt.ItemDataRole.TextAlignmentRole) == right
    assert cell(1, "manager", Qt.ItemDataRole.TextAlignmentRole) != right
    # A traffic light says its colour in words, not by colour alone.
    assert [cell(row, "light") for row in range(3)] == ["Red", "Green", "Yellow"]
    red = cell(0, "light", Qt.ItemDataRole.BackgroundRole).color()
    assert red.red() > red.green()
    green = cell(1, "light", Qt.ItemDataRole.BackgroundRole).color()
    assert green.green() > green.red()

    footer = TotalsModel()
    footer.set_result(_synthetic())
    assert footer.index(0, 0).data() == "Total"
    assert footer.index(0, 1).data() == "20"
    assert footer.index(0, 1).data(Qt.ItemDataRole.FontRole).bold()


def test_a_refresh_of_the_same_report_keeps_the_rows_it_can(qtbot: QtBot) -> None:
    model = ReportTableModel()
    result = _synthetic()
    model.set_result(result)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    changed = ReportResult(
        result.name,
        result.title,
        result.date_from,
        result.date_to,
        result.columns,
        (*result.rows[:2], {**result.rows[2], "leads": 5}),
        result.totals,
    )
    with qtbot.waitSignal(model.dataChanged, timeout=1000):
        model.set_result(changed)
    assert not resets
    assert model.index(2, model.column_of("leads")).data() == "5"


def _service_columns() -> set[str]:
    titles: set[str] = set()
    for value in vars(report_queries).values():
        if isinstance(value, list | tuple) and value and all(isinstance(v, ReportColumn) for v in value):
            titles.update(column.title for column in value)
    titles.update(getattr(report_queries, "STATE_TITLES", {}).values())
    return titles


def test_every_column_title_of_the_service_is_listed_for_translation(
    app_context: AppContext, qtbot: QtBot
) -> None:
    listed = set(words.COLUMN_TITLES)
    missing = _service_columns() - listed
    # And the titles of every report the service runs today, on seeded data (dynamic columns too).
    seed(app_context.db)
    filters = ReportFilters(date_from=DAY1, date_to=DAY2, zone=local_zone())
    with app_context.db.session() as session:
        for name in getattr(report_queries, "REPORTS", {}):
            result = reports.run_report(session, app_context.actor, name, filters)
            missing |= {column.title for column in result.columns} - listed
    assert not missing, f"add to ui/reports/words.py COLUMN_TITLES: {sorted(missing)}"
