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
from ui.reports.exporting import ExportButtons
from ui.reports.models import DrillModel
from ui.tasks import TaskRunner


class DrillTableView(QTableView):
    """The drill-down's table: Enter opens the current row like a double-click."""

    row_activated = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.row_activated.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class DrillDownDialog(QDialog):
    """The rows behind a figure, with their own export buttons.

    Signals:
        lead_requested(int): a lead's row was double-clicked (the workspace opens the card).
    """

    lead_requested = Signal(int)

    def __init__(
        self,
        result: ReportResult,
        caption: str,
        tasks: TaskRunner,
        zone: tzinfo | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("drill_down")
        self.setWindowTitle(caption)
        self.setModal(False)
        self.model = DrillModel(result, self)
        self.header = QLabel()
        self.header.setObjectName("drill_header")
        self.header.setWordWrap(True)
        self.header.setStyleSheet("font-weight: bold;")
        if result.truncated:
            count = self.tr("the first %Ln rows (there are more: narrow the filters)", "", self.model.total)
        else:
            count = self.tr("%Ln row(s)", "", self.model.total)
        self.header.setText(self.tr("%1 — %2").replace("%1", caption).replace("%2", count))
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
        # No sort column first: enabling sorting sorts at once by the indicator's column.
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.doubleClicked.connect(self._on_double_clicked)
        self.view.row_activated.connect(self.open_row)
        self.hint = QLabel(self.tr("Double-click a lead to open its card."))
        self.hint.setStyleSheet("color: palette(mid);")
        # Only rows of leads open a card (interests, clients and calls have no lead card of their own).
        self.hint.setVisible(self.model.total > 0 and self.model.lead_id(0) is not None)
        self.message = ErrorLabel()
        self.message.setObjectName("drill_message")

        self.export = ExportButtons(tasks, lambda: self.model.result, zone, self)
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

    def open_row(self, row: int) -> None:
        """Ask for the card of the lead on a row (rows that are no lead's do nothing)."""
        if not 0 <= row < self.model.rowCount():
            return
        lead_id = self.model.lead_id(row)
        if lead_id is not None:
            self.lead_requested.emit(lead_id)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_row(index.row())
