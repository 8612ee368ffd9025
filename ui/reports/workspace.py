"""The Reports workspace: the report list, the filter bar, the table with its totals, charts.

A report runs on a pool thread (``context.tasks``) in its own read session; a run that takes a
moment shows a busy bar with a Cancel button. Every run carries a stop flag the service reads
between its queries (``cancelled=``): Cancel sets it, and so does a newer run (another report, a
filter changed). A result that arrives for a run that is no longer the current one is dropped, so
the table never shows figures for filters that are no longer on screen.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

import shiboken6
from PySide6.QtCharts import QChart
from PySide6.QtCore import (
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.enums import ChannelKind
from app.domain.errors import InflowError, ReportCancelled
from app.services import reports
from app.services.export import local_zone
from app.services.reports import ColumnType, ReportFilters, ReportName, ReportResult
from ui.context import AppContext
from ui.dialogs.errors import ErrorLabel
from ui.my_sales import words as board_words
from ui.my_sales.row_models import SORT_ROLE
from ui.reports import charts, words
from ui.reports.drill import DrillDownDialog
from ui.reports.exporting import ExportButtons
from ui.reports.filter_bar import FilterBar, FilterChoices, read_choices
from ui.reports.models import DrillModel, ReportListModel, ReportTableModel, TotalsModel

log = logging.getLogger(__name__)

# Tables whose change may alter a report ("*": SQLite cannot tell which).
_REPORT_TABLES = {
    "*",
    "leads",
    "interests",
    "interactions",
    "call_records",
    "clients",
    "contact_persons",
    "contact_points",
    "stages",
    "users",
    "channels",
    "rejection_reasons",
}
_CHOICE_TABLES = {"*", "users", "channels", "departments"}

# Reports whose chart area shows leads per day of the period.
_TREND_REPORTS = {ReportName.LEADS, ReportName.SOURCES, ReportName.KPI}

RUN_DELAY_MS = 150  # filter clicks in a row make one run
LIVE_DELAY_MS = 2000  # a burst of changes by other desks makes one re-run
BUSY_DELAY_MS = 300  # quick reports never flash the busy bar
# A drill-down window holds at most this many rows (a year's total of a million leads would take a
# gigabyte of row dicts); the window says when there are more, and the export is for the rest.
DRILL_LIMIT = 100_000


class _Stopped(Exception):
    """A run stopped between its queries (the user cancelled, or a newer run replaced it)."""


@dataclass(eq=False)
class ReportRun:
    """One run of a report: what was asked and the flag that stops it."""

    serial: int
    name: ReportName
    filters: ReportFilters
    stop: threading.Event = field(default_factory=threading.Event)
    # Set on the pool thread when the service asked and was told to stop; read on the GUI thread
    # after the run's error was delivered (the queued signal orders the two).
    answered_stop: bool = False

    def cancelled(self) -> bool:
        """The service's ``cancelled`` callback (pool thread): has this run been stopped?"""
        if self.stop.is_set():
            self.answered_stop = True
            return True
        return False


@dataclass(frozen=True, slots=True)
class ReportOutcome:
    """What a run brings back to the GUI thread."""

    result: ReportResult
    trend: tuple[tuple[date, int], ...] | None


class _ReportProxy(QSortFilterProxyModel):
    """Sorts a report's rows by SORT_ROLE; the service's order is restored by "no sort column"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)


class ReportsWorkspace(QWidget):
    """Reports: choose a report on the left, set the filters, read the table and the charts.

    Signals:
        open_lead_requested(int): a lead's card should open (the main window opens it; standing
            alone, without a receiver, the workspace opens it itself).
        report_shown(str): a report's result is on screen (its name; tests, the status bar).
        run_failed(str): a run ended without a table (the sentence shown; also for a cancel).
        trend_shown(): the leads-per-day line was added under a report (read after its table).
        drill_opened(object): a drill-down window was opened (the ``DrillDownDialog``); it shows
            the first page at once and reads the rest on a pool thread (``DrillDownDialog.completed``).

    Threading: reports, drill-downs, the filters' choices and exports run on ``context.tasks``;
    the widgets change only in callbacks on the GUI thread.
    """

    open_lead_requested = Signal(int)
    report_shown = Signal(str)
    run_failed = Signal(str)
    drill_opened = Signal(object)
    trend_shown = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reports")
        self.context = context
        self.zone: tzinfo = local_zone()
        self.run: ReportRun | None = None  # the run whose result the workspace waits for
        self.shown_run: ReportRun | None = None  # the run whose result is on screen
        self._serial = 0
        self._stale = False  # a change arrived while the workspace was hidden
        self._choices_stale = False  # users, channels or departments changed since the last read
        self._drilling = False
        self._trend_pending = False
        self._cards: dict[int, Any] = {}
        self.drill_dialogs: list[DrillDownDialog] = []
        self.choices = FilterChoices()

        self.list_model = ReportListModel(self)
        self.table_model = ReportTableModel(self)
        self.totals_model = TotalsModel(self)
        self.proxy = _ReportProxy(self)
        self.proxy.setSourceModel(self.table_model)

        self._run_timer = QTimer(self)
        self._run_timer.setSingleShot(True)
        self._run_timer.setInterval(RUN_DELAY_MS)
        self._run_timer.timeout.connect(self.run_report)
        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(LIVE_DELAY_MS)
        self._live_timer.timeout.connect(self._on_live_timer)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self._show_busy)

        self._build()
        self.report_list.setCurrentIndex(self.list_model.index(0, 0))
        self.report_list.selectionModel().currentChanged.connect(self._on_report_chosen)
        self.filter_bar.changed.connect(self.schedule_run)
        context.watcher.changed.connect(self._on_watcher_changed)
        self._update_heading()
        self._read_choices()
        self.run_report()

    # -- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.report_list = QListView()
        self.report_list.setObjectName("report_list")
        self.report_list.setAccessibleName(self.tr("Reports"))
        self.report_list.setModel(self.list_model)
        self.report_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.report_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.report_list.setMinimumWidth(120)
        self.report_list.setMaximumWidth(220)
        self.report_list.setSpacing(2)

        self.title_label = QLabel()
        self.title_label.setObjectName("report_title")
        self.title_label.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.hint_label = QLabel()
        self.hint_label.setObjectName("report_hint")
        self.hint_label.setStyleSheet("color: palette(mid);")
        # The hint yields its width (clipped, whole text in the tooltip) so that the workspace fits
        # a 700-pixel window instead of forcing the main window wider.
        self.hint_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.filter_bar = FilterBar()
        self.refresh_button = QPushButton(self.tr("&Refresh"))
        self.refresh_button.setObjectName("refresh_report")
        self.refresh_button.setToolTip(self.tr("Run the report again (F5)"))
        self.refresh_button.clicked.connect(self.run_report)
        self.export = ExportButtons(
            self.context.tasks, self.current_result, self.zone, self, title_provider=self.export_title
        )
        self.export.saved.connect(self._on_saved)
        self.export.failed.connect(self._show_error)

        # The busy bar: shown when a run takes longer than BUSY_DELAY_MS.
        self.busy_bar = QFrame()
        self.busy_bar.setObjectName("report_busy")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(12)
        self.progress.setAccessibleName(self.tr("The report is being made"))
        self.busy_label = QLabel(self.tr("Making the report…"))
        self.cancel_button = QPushButton(self.tr("&Cancel"))
        self.cancel_button.setObjectName("cancel_report")
        self.cancel_button.setToolTip(self.tr("Stop this report (Esc); the table keeps what it showed"))
        self.cancel_button.clicked.connect(self.cancel)
        busy_row = QHBoxLayout(self.busy_bar)
        busy_row.setContentsMargins(0, 0, 0, 0)
        busy_row.addWidget(self.busy_label)
        busy_row.addWidget(self.progress, 1)
        busy_row.addWidget(self.cancel_button)
        self.busy_bar.hide()

        self.message = ErrorLabel()
        self.message.setObjectName("report_message")
        self.notice = QLabel()
        self.notice.setObjectName("report_notice")
        self.notice.setWordWrap(True)
        self.notice.hide()

        self.table = QTableView()
        self.table.setObjectName("report_table")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        # No sort column first: enabling sorting sorts at once by the indicator's column.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorClearable(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setMinimumSectionSize(60)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        # activated: a double-click, or Enter on the current cell (keyboard users drill down too).
        self.table.activated.connect(self._on_table_activated)
        self.table.setToolTip(
            self.tr("Double-click a figure (or press Enter on it) to see the rows behind it")
        )

        # The totals: a one-row table under the report's, its columns kept as wide as those above.
        self.totals_view = QTableView()
        self.totals_view.setObjectName("report_totals")
        self.totals_view.setModel(self.totals_model)
        self.totals_view.setAccessibleName(self.tr("Totals"))
        self.totals_view.horizontalHeader().hide()
        self.totals_view.verticalHeader().hide()
        self.totals_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.totals_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.totals_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.totals_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.totals_view.setFrameShape(QFrame.Shape.NoFrame)
        self.totals_view.setStyleSheet("QTableView { border-top: 2px solid palette(mid); }")
        self.totals_view.activated.connect(self._on_totals_activated)
        row_height = self.table.verticalHeader().defaultSectionSize()
        self.totals_view.verticalHeader().setDefaultSectionSize(row_height)
        self.totals_view.setFixedHeight(row_height + 4)
        self.table.horizontalHeader().sectionResized.connect(self._on_section_resized)
        self.table.horizontalScrollBar().valueChanged.connect(self.totals_view.horizontalScrollBar().setValue)

        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.setSpacing(0)
        table_layout.addWidget(self.table, 1)
        table_layout.addWidget(self.totals_view)

        self.charts = charts.ChartPanel()
        self.charts.hide()
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("report_splitter")
        self.splitter.addWidget(table_box)
        self.splitter.addWidget(self.charts)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        self.status = QLabel()
        self.status.setObjectName("report_status")
        self.status.setStyleSheet("color: palette(mid);")

        heading = QHBoxLayout()
        heading.addWidget(self.title_label)
        heading.addWidget(self.hint_label, 1)
        heading.addWidget(self.refresh_button)
        heading.addSpacing(8)
        heading.addWidget(QLabel(self.tr("Export:")))
        heading.addLayout(self.export.row)

        right = QVBoxLayout()
        right.addLayout(heading)
        right.addWidget(self.filter_bar)
        right.addWidget(self.busy_bar)
        right.addWidget(self.message)
        right.addWidget(self.notice)
        right.addWidget(self.splitter, 1)
        right.addWidget(self.status)
        layout = QHBoxLayout(self)
        layout.addWidget(self.report_list)
        layout.addLayout(right, 1)

        refresh = QAction(self.tr("Refresh"), self)
        refresh.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        refresh.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.triggered.connect(self.run_report)
        self.addAction(refresh)
        self.refresh_action = refresh
        cancel = QAction(self.tr("Cancel the report"), self)
        cancel.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        cancel.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        cancel.triggered.connect(self.cancel)
        self.addAction(cancel)
        self.cancel_action = cancel

    # -- public API ---------------------------------------------------------------------------

    def report_name(self) -> ReportName:
        """The report chosen in the list."""
        index = self.report_list.currentIndex()
        return self.list_model.name_at(index.row()) if index.isValid() else ReportName.LEADS

    def choose_report(self, name: ReportName) -> None:
        """Choose a report (as a click in the list does)."""
        self.report_list.selectionModel().setCurrentIndex(
            self.list_model.index(self.list_model.row_of(name), 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect,
        )

    def current_result(self) -> ReportResult | None:
        """The result on screen (None before the first one)."""
        return self.table_model.result

    def export_title(self) -> str:
        """The title of an export: the report's name in the user's language and its period."""
        result = self.current_result()
        name = result.name if result is not None else self.report_name()
        title = words.report_title(name)
        if result is not None and result.date_from is not None and result.date_to is not None:
            title = f"{title} {result.date_from.isoformat()} – {result.date_to.isoformat()}"
        return title

    @property
    def busy(self) -> bool:
        """Whether a run, a pending run, its trend line or a drill-down is under way."""
        return self.run is not None or self._run_timer.isActive() or self._drilling or self._trend_pending

    def filters(self) -> ReportFilters:
        """The filters on screen, as the service takes them."""
        return self.filter_bar.filters(self.zone)

    def schedule_run(self) -> None:
        """Run the report soon (a few filter clicks in a row make one run)."""
        self._stop_current()
        self._run_timer.start()

    def run_report(self) -> None:
        """Run the chosen report with the filters on screen (the current run, if any, stops)."""
        self._run_timer.stop()
        self._live_timer.stop()
        self._stop_current()
        self._serial += 1
        run = ReportRun(self._serial, self.report_name(), self.filters())
        self.run = run
        db, actor = self.context.db, self.context.actor

        # The pool thread gets the database, the actor and the run, never a widget.
        def work() -> ReportOutcome:
            with db.session() as session:
                result = reports.run_report(session, actor, run.name, run.filters, cancelled=run.cancelled)
            return ReportOutcome(result, None)

        self._busy_timer.start()
        self.cancel_button.setEnabled(True)
        self.context.tasks.run(
            work,
            self._guard(lambda outcome: self._on_run_done(run, outcome)),
            self._guard(lambda error: self._on_run_failed(run, error)),
        )

    def cancel(self) -> None:
        """Stop the running report: the table keeps what it showed and a sentence says so."""
        if self._run_timer.isActive():
            self._run_timer.stop()
        run = self.run
        if run is None:
            return
        run.stop.set()
        self.run = None
        self._hide_busy()
        self._say_cancelled()

    def table_rows(self) -> list[dict[str, str]]:
        """The table as shown, top to bottom: {column key: text} (tests, accessibility checks)."""
        keys = [column.key for column in self.table_model.columns]
        return [
            {key: str(self.proxy.index(row, n).data() or "") for n, key in enumerate(keys)}
            for row in range(self.proxy.rowCount())
        ]

    def drill(self, row: Mapping[str, Any], column_key: str | None) -> None:
        """Open the rows behind a figure of a row (its ``drill`` value, with the clicked column)."""
        drill = row.get("drill")
        shown = self.shown_run
        result = self.current_result()
        if not isinstance(drill, Mapping) or shown is None or result is None:
            self._show_notice(self.tr("There are no rows behind this figure."))
            return
        spec = dict(drill)
        if column_key is not None:
            spec["column"] = column_key
        caption = self._drill_caption(result, row, column_key)
        db, actor, name, filters = self.context.db, self.context.actor, shown.name, shown.filters

        def first_page() -> ReportResult:
            with db.session() as session:
                return reports.drill_down(session, actor, name, filters, spec, limit=DrillModel.PAGE)

        def every_row() -> ReportResult:
            with db.session() as session:
                return reports.drill_down(session, actor, name, filters, spec, limit=DRILL_LIMIT)

        def failed(error: BaseException) -> None:
            self._drilling = False
            self._show_error(self._failure(error))

        def opened(page: ReportResult) -> None:
            self._drilling = False
            dialog = self.open_drill(page, caption, complete=not page.truncated)
            if page.truncated:
                # The rest on a pool thread while the first page is already on screen.
                self.context.tasks.run(
                    every_row, _alive(dialog, dialog.complete_with), _alive(dialog, dialog.fail)
                )

        self._drilling = True
        self.context.tasks.run(first_page, self._guard(opened), self._guard(failed))

    def open_drill(self, result: ReportResult, caption: str, *, complete: bool = True) -> DrillDownDialog:
        """Show a drill-down's rows in their own window (``complete`` False: more rows will follow)."""
        dialog = DrillDownDialog(result, caption, self.context.tasks, self.zone, self, complete=complete)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.lead_requested.connect(self._open_lead)
        self.drill_dialogs.append(dialog)
        dialog.destroyed.connect(lambda _obj=None, d=dialog: self._forget_dialog(d))
        dialog.show()
        self.drill_opened.emit(dialog)
        return dialog

    # -- slots --------------------------------------------------------------------------------

    def _on_report_chosen(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_heading()
        self.run_report()

    def _on_watcher_changed(self, tables: Iterable[str]) -> None:
        changed = set(tables)
        if changed & _CHOICE_TABLES:
            self._choices_stale = True  # read with the next re-run (SQLite says "*" for every change)
        if not changed & (_REPORT_TABLES | _CHOICE_TABLES):
            return
        if not self.isVisible():
            self._stale = True  # re-run when shown, not while nobody looks
            return
        if not self._live_timer.isActive():
            self._live_timer.start()

    def _on_live_timer(self) -> None:
        if not self.isVisible():
            self._stale = True  # hidden since the change came: re-run when shown
            return
        if self.run is not None or self._run_timer.isActive():
            self._live_timer.start()  # a run is under way; look again after it
            return
        if self._choices_stale:
            self._choices_stale = False
            self._read_choices()
        self.run_report()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            if self._choices_stale:
                self._choices_stale = False
                self._read_choices()
            self.schedule_run()

    def _on_table_activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        source = self.proxy.mapToSource(index)
        row = self.table_model.row(source.row())
        column = self.table_model.columns[source.column()]
        self.drill(row, column.key if words.numeric(column.type) else None)

    def _on_totals_activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        column = self.totals_model.columns[index.column()]
        self.drill(self.totals_model.totals, column.key if words.numeric(column.type) else None)

    def _on_section_resized(self, section: int, _old: int, new: int) -> None:
        self.totals_view.setColumnWidth(section, new)

    def _on_saved(self, path: str) -> None:
        self._show_notice(self.tr("Saved to %1").replace("%1", path))

    # -- runs ---------------------------------------------------------------------------------

    def _stop_current(self) -> None:
        if self.run is not None:
            self.run.stop.set()  # its result, if it still comes, is dropped
            self.run = None

    def _on_run_done(self, run: ReportRun, outcome: ReportOutcome) -> None:
        if run is not self.run or run.stop.is_set():
            return  # cancelled, or the filters changed since it started
        self.run = None
        self._hide_busy()
        self.message.clear_error()
        self.notice.hide()
        self.shown_run = run
        self._show_result(run, outcome)
        self.report_shown.emit(run.name.value)
        if run.name in _TREND_REPORTS:
            self._read_trend(run, outcome.result)

    def _read_trend(self, run: ReportRun, result: ReportResult) -> None:
        """The trend line, read after the table is on screen (it costs as much as the report)."""
        db, actor = self.context.db, self.context.actor

        def work() -> tuple[tuple[date, int], ...]:
            if run.cancelled():
                raise _Stopped
            with db.session() as session:
                return reports.lead_trend(session, actor, run.filters)

        def done(points: tuple[tuple[date, int], ...]) -> None:
            self._trend_pending = False
            if self.shown_run is run:  # the table still shows this run's figures
                self.charts.show_charts(self._charts(result, points))
                self.trend_shown.emit()

        def failed(error: BaseException) -> None:
            self._trend_pending = False
            if self.shown_run is run and not isinstance(error, ReportCancelled | _Stopped):
                self._show_error(self._failure(error))

        self._trend_pending = True
        self.context.tasks.run(work, self._guard(done), self._guard(failed))

    def _on_run_failed(self, run: ReportRun, error: BaseException) -> None:
        if run is not self.run:
            return  # replaced by a newer run or cancelled (the cancel said so already)
        self.run = None
        self._hide_busy()
        if run.answered_stop or run.stop.is_set() or isinstance(error, ReportCancelled | _Stopped):
            self._say_cancelled()
            return
        text = self._failure(error)
        self._show_error(text)
        self.run_failed.emit(text)

    def _say_cancelled(self) -> None:
        text = self.tr("The report was cancelled; the table still shows the previous result.")
        if self.current_result() is None:
            text = self.tr("The report was cancelled.")
        self._show_notice(text)
        self.run_failed.emit(text)

    def _failure(self, error: BaseException) -> str:
        if isinstance(error, InflowError):
            return str(error)
        log.error("a report failed", exc_info=error)
        return self.tr(
            "The report could not be made (%1); the table still shows the previous result."
        ).replace("%1", type(error).__name__)

    def _show_result(self, run: ReportRun, outcome: ReportOutcome) -> None:
        result = outcome.result
        same_columns = result.columns == self.table_model.columns
        self.table_model.set_result(result)
        self.totals_model.set_result(result)
        if not same_columns:
            self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            self._fit_columns()
        self.export.update_enabled()
        self.charts.show_charts(self._charts(result, outcome.trend))
        count = len(result.rows)
        first, last = run.filters.date_from, run.filters.date_to
        period = ""
        if first is not None and last is not None:
            period = self.tr("%1 – %2").replace("%1", _day(first)).replace("%2", _day(last))
        self.status.setText(
            self.tr("%Ln row(s) · %1 · made at %2", "", count)
            .replace("%1", period)
            .replace("%2", board_words.local_time(datetime.now().astimezone()))
        )
        if count == 0:
            self._show_notice(self.tr("Nothing to show for this period and these filters."))

    def _fit_columns(self) -> None:
        header = self.table.horizontalHeader()
        self.table.resizeColumnsToContents()
        for section in range(header.count()):
            # As wide as the widest of the rows, the title and the total (which is often the longest).
            widest = max(header.sectionSize(section), self.totals_view.sizeHintForColumn(section) + 8)
            width = min(max(widest, 80), 320)
            header.resizeSection(section, width)
            self.totals_view.setColumnWidth(section, width)

    def _charts(self, result: ReportResult, trend: tuple[tuple[date, int], ...] | None) -> list[QChart]:
        made: list[QChart] = []
        if result.name is ReportName.LEADS:
            made.extend(_lead_chart(result))
        elif result.name is ReportName.FUNNEL:
            made.extend(_funnel_chart(result))
        if trend is not None:
            made.append(
                charts.trend_line(
                    QCoreApplication.translate("ReportCharts", "Leads per day"),
                    QCoreApplication.translate("ReportCharts", "Leads"),
                    trend,
                )
            )
        return made

    def _show_busy(self) -> None:
        if self.run is not None:
            self.busy_bar.show()

    def _hide_busy(self) -> None:
        self._busy_timer.stop()
        self.busy_bar.hide()

    def _show_error(self, text: str) -> None:
        self.notice.hide()
        self.message.show_error(text)

    def _show_notice(self, text: str) -> None:
        self.message.clear_error()
        self.notice.setText(text)
        self.notice.show()

    def _update_heading(self) -> None:
        name = self.report_name()
        self.title_label.setText(words.report_title(name))
        self.hint_label.setText(words.report_hint(name))
        self.hint_label.setToolTip(words.report_hint(name))

    def _drill_caption(self, result: ReportResult, row: Mapping[str, Any], column_key: str | None) -> str:
        labels = [
            words.display(column.type, column.key, row.get(column.key))
            for column in result.columns
            if not words.numeric(column.type) and row.get(column.key) not in (None, "")
        ]
        if row is self.totals_model.totals:
            labels = [words.tr("Total")]
        column = next((c for c in result.columns if c.key == column_key), None)
        if column is not None:
            labels.append(words.column_title(column.title))
        return " — ".join(
            [words.report_title(result.name), ", ".join(labels)]
            if labels
            else [words.report_title(result.name)]
        )

    def _read_choices(self) -> None:
        db = self.context.db

        def work() -> FilterChoices:
            with db.session() as session:
                return read_choices(session)

        def done(choices: FilterChoices) -> None:
            self.choices = choices
            self.filter_bar.set_choices(choices)

        def failed(error: BaseException) -> None:
            self._show_error(self._failure(error))

        self.context.tasks.run(work, self._guard(done), self._guard(failed))

    def _open_lead(self, lead_id: int) -> None:
        self.open_lead_requested.emit(lead_id)
        if not self.isSignalConnected(self._open_lead_signal()):
            self._open_card(lead_id)  # standing alone (no main window to open cards)

    def _open_lead_signal(self) -> Any:
        meta = self.metaObject()
        return meta.method(meta.indexOfSignal("open_lead_requested(int)"))

    def _open_card(self, lead_id: int) -> None:
        card = self._cards.get(lead_id)
        if card is not None and shiboken6.isValid(card):
            card.show()
            card.raise_()
            card.activateWindow()
            return
        from ui.lead_card import LeadCardDialog

        dialog = LeadCardDialog(self.context, lead_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._cards[lead_id] = dialog
        dialog.destroyed.connect(lambda _obj=None, key=lead_id: self._cards.pop(key, None))
        dialog.show()

    def open_cards(self) -> dict[int, Any]:
        """The lead cards this workspace opened itself (standing alone)."""
        return {key: card for key, card in self._cards.items() if shiboken6.isValid(card)}

    def _forget_dialog(self, dialog: DrillDownDialog) -> None:
        if dialog in self.drill_dialogs:
            self.drill_dialogs.remove(dialog)

    def _guard(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        def call(value: Any) -> None:
            if shiboken6.isValid(self):
                callback(value)

        return call


def _alive(owner: QWidget, callback: Callable[[Any], None]) -> Callable[[Any], None]:
    """A task callback that does nothing once ``owner`` is gone (a drill-down closed mid-read)."""

    def call(value: Any) -> None:
        if shiboken6.isValid(owner):
            callback(value)

    return call


def _day(value: date) -> str:
    return words.display(ColumnType.DATE, "", value)


def _lead_chart(result: ReportResult) -> list[QChart]:
    """Stacked bars of the lead analysis: a bar per channel kind, a part per state.

    Drawn from the result's ``chart`` figures ({"states": [...], "kinds": {kind: {state: n}}}), the
    same counts as the table's rows summed by kind.
    """
    figures = result.chart
    by_kind: Mapping[str, Mapping[str, int]] = figures.get("kinds") or {}
    states: list[str] = [str(state) for state in figures.get("states") or ()]
    if not states:
        return []
    titles = {column.key: column.title for column in result.columns}
    kinds = [kind.value for kind in ChannelKind]
    sets = [
        (
            state,
            words.column_title(titles.get(state, state)),
            [float(by_kind.get(kind, {}).get(state, 0)) for kind in kinds],
        )
        for state in states
        if any(by_kind.get(kind, {}).get(state, 0) for kind in kinds)
    ]
    return [
        charts.stacked_bars(
            QCoreApplication.translate("ReportCharts", "Leads by state and channel kind"),
            [board_words.kind_name(kind) for kind in kinds],
            sets,
        )
    ]


def _funnel_chart(result: ReportResult) -> list[QChart]:
    """The funnel of the first (default) pipeline: a horizontal bar per stage, the first on top.

    Drawn from the result's ``chart`` figures ({"pipelines": {name: [(stage, reached), ...]}}).
    """
    pipelines: Mapping[str, Any] = result.chart.get("pipelines") or {}
    if not pipelines:
        return []
    pipeline, stages = next(iter(pipelines.items()))
    if not stages:
        return []
    return [
        charts.horizontal_bars(
            QCoreApplication.translate("ReportCharts", "Sales funnel: %1").replace("%1", str(pipeline)),
            QCoreApplication.translate("ReportCharts", "Reached the stage"),
            [str(stage) for stage, _count in stages],
            [float(count or 0) for _stage, count in stages],
        )
    ]
