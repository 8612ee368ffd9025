"""The drill-down window: the rows (leads, interests, calls) behind one figure of a report.

Non-modal, so that several figures can be compared side by side; double-click (or Enter) on a
lead's row asks for its card. The rows were read on a pool thread; the table reveals them page by
page as it scrolls (:class:`~ui.reports.models.DrillModel`).
"""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.reports import ReportResult
from ui.dialogs.errors import ErrorLabel
from ui.reports.exporting import ExportButtons, failure_sentence
from ui.reports.models import DrillModel
from ui.tasks import TaskRunner


class DrillTableView(QTableView):
    """The drill-down's table: Enter opens the current row and goes no further (in a dialog an
    ignored Enter would press the default button)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class DrillDownDialog(QDialog):
    """The rows behind a figure, with their own export buttons.

    Signals:
        lead_requested(int): a lead's row was double-clicked (the workspace opens the card).
    """

    lead_requested = Signal(int)
    completed = Signal()

    def __init__(
        self,
        result: ReportResult,
        caption: str,
        tasks: TaskRunner,
        zone: tzinfo | None,
        parent: QWidget | None = None,
        *,
        complete: bool = True,
    ) -> None:
        super().__init__(parent)
        self.caption = caption
        self.complete = complete
        self.setObjectName("drill_down")
        self.setWindowTitle(caption)
        self.setModal(False)
        self.model = DrillModel(result, self)
        self.header = QLabel()
        self.header.setObjectName("drill_header")
        self.header.setWordWrap(True)
        self.header.setStyleSheet("font-weight: bold;")
        self._update_header()
        self.view = DrillTableView()
        self.view.setObjectName("drill_view")
        self.view.setAccessibleName(caption)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        # Fixed row heights and interactive columns: the view never measures 10,000 rows.
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setDefaultSectionSize(140)
        # Columns fit the first rows once (a sample: measuring every row of a page costs too much).
        self.view.horizontalHeader().setResizeContentsPrecision(40)
        # No sort column first: enabling sorting sorts at once by the indicator's column.
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        # activated: a double-click, or Enter on the current row.
        self.view.activated.connect(self._on_activated)
        self.hint = QLabel(self.tr("Double-click a lead (or press Enter) to open its card."))
        self.hint.setStyleSheet("color: palette(mid);")
        # Only rows of leads open a card (interests, clients and calls have no lead card of their own).
        self.hint.setVisible(self.model.total > 0 and self.model.lead_id(0) is not None)
        self.message = ErrorLabel()
        self.message.setObjectName("drill_message")

        # Exported only once every row has arrived (not just the first page).
        self.export = ExportButtons(
            tasks,
            lambda: self.model.result if self.complete else None,
            zone,
            self,
            title_provider=lambda: self.caption,
        )
        self.export.saved.connect(lambda path: self.hint.setText(self.tr("Saved to %1").replace("%1", path)))
        self.export.failed.connect(self.message.show_error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)

        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addLayout(self.export.row)
        bottom = QHBoxLayout()
        bottom.addWidget(self.hint, 1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        self.resize(1000, 600)
        self._fit_columns()

    def complete_with(self, result: ReportResult) -> None:
        """Every row has arrived (the first page was shown while the rest was read)."""
        self.model.complete_with(result)
        self.complete = True
        self._update_header()
        self.export.update_enabled()
        bar = self.view.verticalScrollBar()
        if self.model.canFetchMore() and bar.value() >= bar.maximum():
            self.model.fetchMore()  # the user is at the bottom already: show the next page
        self.completed.emit()

    def fail(self, error: BaseException) -> None:
        """Reading the rest failed: the first page stays, a sentence says what happened."""
        self.complete = True
        self._update_header()
        self.message.show_error(failure_sentence(error, "drill-down"))
        self.completed.emit()

    def _fit_columns(self) -> None:
        header = self.view.horizontalHeader()
        self.view.resizeColumnsToContents()
        for section in range(header.count()):
            header.resizeSection(section, min(max(header.sectionSize(section), 60), 300))

    def _update_header(self) -> None:
        total = self.model.total
        if not self.complete:
            count = self.tr("the first %Ln rows; reading the rest…", "", total)
        elif self.model.result.truncated:
            count = self.tr("the first %Ln rows (there are more: narrow the filters)", "", total)
        else:
            count = self.tr("%Ln row(s)", "", total)
        self.header.setText(self.tr("%1 — %2").replace("%1", self.caption).replace("%2", count))

    def open_row(self, row: int) -> None:
        """Ask for the card of the lead on a row (rows that are no lead's do nothing)."""
        if not 0 <= row < self.model.rowCount():
            return
        lead_id = self.model.lead_id(row)
        if lead_id is not None:
            self.lead_requested.emit(lead_id)

    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_row(index.row())
