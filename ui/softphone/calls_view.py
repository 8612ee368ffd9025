"""The call log as a table: the softphone panel's recent calls and the lead card's "Calls" tab.

A recording plays in place (Qt Multimedia, created on first use so that a desk that never plays
one never loads the multimedia backend).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from enum import IntEnum
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.enums import CallDirection, CallResult
from app.services.calls import CallRecordDTO, recent_calls
from ui.app_settings import QT_TRANSLATE_NOOP
from ui.context import AppContext
from ui.my_sales.words import local_time

log = logging.getLogger(__name__)

_CONTEXT = "CallLog"
_Index = QModelIndex | QPersistentModelIndex

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 2


class CallColumn(IntEnum):
    """The columns of the call log."""

    WHEN = 0
    DIRECTION = 1
    NUMBER = 2
    RESULT = 3
    TALK = 4
    ANSWERED_BY = 5
    RECORDING = 6


HEADERS = {
    CallColumn.WHEN: QT_TRANSLATE_NOOP("CallLog", "When"),
    CallColumn.DIRECTION: QT_TRANSLATE_NOOP("CallLog", "Direction"),
    CallColumn.NUMBER: QT_TRANSLATE_NOOP("CallLog", "Number"),
    CallColumn.RESULT: QT_TRANSLATE_NOOP("CallLog", "Result"),
    CallColumn.TALK: QT_TRANSLATE_NOOP("CallLog", "Talk"),
    CallColumn.ANSWERED_BY: QT_TRANSLATE_NOOP("CallLog", "Answered by"),
    CallColumn.RECORDING: QT_TRANSLATE_NOOP("CallLog", "Recording"),
}
DIRECTIONS = {
    CallDirection.IN: QT_TRANSLATE_NOOP("CallLog", "Incoming"),
    CallDirection.OUT: QT_TRANSLATE_NOOP("CallLog", "Outgoing"),
    CallDirection.INTERNAL: QT_TRANSLATE_NOOP("CallLog", "Internal"),
}
RESULTS = {
    CallResult.ANSWERED: QT_TRANSLATE_NOOP("CallLog", "Answered"),
    CallResult.NO_ANSWER: QT_TRANSLATE_NOOP("CallLog", "No answer"),
    CallResult.BUSY: QT_TRANSLATE_NOOP("CallLog", "Busy"),
    CallResult.FAILED: QT_TRANSLATE_NOOP("CallLog", "Failed"),
    CallResult.REJECTED: QT_TRANSLATE_NOOP("CallLog", "Rejected"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def talk_time(seconds: int | None) -> str:
    """Talk time as m:ss ("" when the call was not answered)."""
    if seconds is None:
        return ""
    return f"{seconds // 60}:{seconds % 60:02d}"


class CallLogModel(QAbstractTableModel):
    """Calls, newest first; ``set_calls`` updates by difference (rows keyed by record id)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[CallRecordDTO] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        """Rows (none under an item: a flat table)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        """The columns of :class:`CallColumn`."""
        return 0 if parent.isValid() else len(CallColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Translated column titles."""
        horizontal = orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
        if horizontal and 0 <= section < len(CallColumn):
            return _tr(HEADERS[CallColumn(section)])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Display text, sort value and the record itself."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = CallColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == SORT_ROLE:
            return self.sort_value(row, column)
        if role == OBJECT_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole and column is CallColumn.DIRECTION and row.internal_reason:
            return row.internal_reason
        return None

    @staticmethod
    def text(row: CallRecordDTO, column: CallColumn | int) -> str:
        """One cell in words."""
        column = CallColumn(column)
        if column is CallColumn.WHEN:
            return local_time(row.ring_at)
        if column is CallColumn.DIRECTION:
            return _tr(DIRECTIONS[row.direction])
        if column is CallColumn.NUMBER:
            number = row.called if row.direction is CallDirection.OUT else (row.caller_phone or row.caller)
            return number or _tr("Number withheld")
        if column is CallColumn.RESULT:
            return _tr(RESULTS[row.result]) if row.result else _tr("In progress")
        if column is CallColumn.TALK:
            return talk_time(row.talk_seconds)
        if column is CallColumn.ANSWERED_BY:
            return row.answered_by_name or ""
        return _tr("Yes") if row.recording_path else ""

    @staticmethod
    def sort_value(row: CallRecordDTO, column: CallColumn | int) -> Any:
        """What a column sorts by."""
        column = CallColumn(column)
        if column is CallColumn.WHEN:
            return row.ring_at.timestamp()
        if column is CallColumn.TALK:
            return row.talk_seconds or 0
        return CallLogModel.text(row, column)

    def set_calls(self, calls: Sequence[CallRecordDTO]) -> None:
        """Show these calls: changed rows are updated in place, new and gone ones inserted/removed."""
        new = list(calls)
        if [c.id for c in new] == [c.id for c in self._rows]:
            for position, (old, fresh) in enumerate(zip(self._rows, new, strict=True)):
                if old != fresh:
                    self._rows[position] = fresh
                    last = self.index(position, len(CallColumn) - 1)
                    self.dataChanged.emit(self.index(position, 0), last)
            return
        self.beginResetModel()  # a different set of calls (rare: a new call or a different lead)
        self._rows = new
        self.endResetModel()

    def call(self, row: int) -> CallRecordDTO:
        """The record of a row."""
        return self._rows[row]


class CallLogView(QWidget):
    """The table of calls with a Play button for the selected call's recording.

    Signals:
        lead_requested(int): a call with a lead was double-clicked.
    """

    lead_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CallLogModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView(self)
        self.table.setObjectName("call_log")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(CallColumn.WHEN, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.play_button = QPushButton(self.tr("&Play recording"), self)
        self.play_button.setObjectName("play_recording")
        self.play_button.setEnabled(False)
        self.play_button.clicked.connect(self._on_play_button_clicked)
        self.status = QLabel(self)
        self.status.setObjectName("call_log_status")
        self._player: Any = None
        self._audio: Any = None
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.play_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def selected(self) -> CallRecordDTO | None:
        """The selected call."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        record = self.proxy.data(rows[0], OBJECT_ROLE)
        return record if isinstance(record, CallRecordDTO) else None

    def _on_selection_changed(self, *_args: object) -> None:
        record = self.selected()
        self.play_button.setEnabled(bool(record and record.recording_path))

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        record = self.proxy.data(index, OBJECT_ROLE)
        if isinstance(record, CallRecordDTO) and record.lead_id:
            self.lead_requested.emit(record.lead_id)

    def _on_play_button_clicked(self) -> None:
        record = self.selected()
        if record is None or not record.recording_path:
            return
        path = Path(record.recording_path)
        if not path.exists():
            text = self.tr("The recording %1 is not on this computer.").replace("%1", str(path))
            self.status.setText(text)
            return
        self.play(path)

    def play(self, path: Path) -> None:
        """Play a recording (the multimedia backend is loaded on first use)."""
        if self._player is None:
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

            self._audio = QAudioOutput(self)
            self._player = QMediaPlayer(self)
            self._player.setAudioOutput(self._audio)
            self._player.errorOccurred.connect(
                lambda _error, text: self.status.setText(self.tr("Cannot play: %1").replace("%1", text))
            )
        self._player.setSource(QUrl.fromLocalFile(str(path)))
        self._player.play()
        self.status.setText(self.tr("Playing %1").replace("%1", path.name))


class LeadCallsView(CallLogView):
    """The calls of one lead (the lead card's "Calls" tab), read off the GUI thread."""

    def __init__(self, context: AppContext, lead_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.lead_id = lead_id
        self._reading = False
        context.watcher.changed.connect(self._on_watcher_changed)
        self.reload()

    def reload(self) -> None:
        """Read the lead's calls again."""
        if self._reading:
            return
        self._reading = True
        db = self.context.db
        lead_id = self.lead_id

        def work() -> list[CallRecordDTO]:
            with db.session() as session:
                return recent_calls(session, 200, lead_id=lead_id)

        self.context.tasks.run(work, self._on_read, self._on_read_failed)

    def _on_read(self, calls: list[CallRecordDTO]) -> None:
        if not shiboken6.isValid(self):  # the card was closed while the calls were read
            return
        self._reading = False
        self.model.set_calls(calls)

    def _on_read_failed(self, error: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self._reading = False
        self.status.setText(self.tr("The calls could not be read: %1").replace("%1", str(error)))

    def _on_watcher_changed(self, _tables: object) -> None:
        self.reload()
