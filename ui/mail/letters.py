"""A lead's letters: the "Letters" tab of the lead card and the read-only letter window it opens.

The tab lists the letters of the lead's thread (date, from, subject), oldest first; a double
click (or Enter) opens the letter read-only in its own window, with the same safe reading pane as
the Mail workspace.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.icons import icon
from ui.mail import service, words
from ui.mail.reading_pane import ReadingPane
from ui.mail.shapes import Letter, MessageRow
from ui.my_sales import words as board_words
from ui.my_sales.row_models import OBJECT_ROLE, SORT_ROLE, guarded, sync_rows

_Index = QModelIndex | QPersistentModelIndex

_CONTEXT = "LeadLetters"


class LetterColumn(IntEnum):
    """Columns of a lead's letters."""

    DATE = 0
    SENDER = 1
    SUBJECT = 2


HEADERS = (
    QT_TRANSLATE_NOOP("LeadLetters", "Date"),
    QT_TRANSLATE_NOOP("LeadLetters", "From"),
    QT_TRANSLATE_NOOP("LeadLetters", "Subject"),
)


class LeadLettersModel(QAbstractTableModel):
    """The letters of one lead's thread, refreshed by difference."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[MessageRow] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return QCoreApplication.translate(_CONTEXT, HEADERS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(HEADERS):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == LetterColumn.DATE:
                return board_words.local_time(row.date) if row.date is not None else ""
            if column == LetterColumn.SENDER:
                return row.sender.display() if role == Qt.ItemDataRole.ToolTipRole else row.sender.short()
            return row.subject or QCoreApplication.translate(_CONTEXT, "(no subject)")
        if role == OBJECT_ROLE:
            return row
        if role == SORT_ROLE:
            if column == LetterColumn.DATE:
                return row.date.timestamp() if row.date is not None else 0.0
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if row.unread else None
        if role == Qt.ItemDataRole.DecorationRole and column == LetterColumn.SUBJECT and row.has_attachments:
            return icon("attachment")
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def set_rows(self, rows: Sequence[MessageRow]) -> None:
        """Show these letters (by difference)."""
        sync_rows(self, self._rows, list(rows), lambda row: row.id, last_column=len(HEADERS) - 1)

    def message(self, row: int) -> MessageRow:
        """The letter on a row."""
        return self._rows[row]


class LetterDialog(QDialog):
    """One letter, read-only, in its own window (from the lead card).

    Signals:
        loaded(int): the letter is shown (its id).
    """

    loaded = Signal(int)

    def __init__(self, context: AppContext, letter_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.letter_id = letter_id
        self.setObjectName("letter_dialog")
        self.setWindowTitle(self.tr("Letter"))
        self.setModal(False)
        self.pane = ReadingPane(context)
        self.pane.clear(self.tr("Reading the letter…"))
        self.pane.letter_shown.connect(self.loaded)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pane, 1)
        layout.addWidget(buttons)
        self.resize(820, 680)
        db, actor = context.db, context.actor

        def work() -> Letter:
            return service.letter(db, actor, letter_id)

        def done(letter: Letter) -> None:
            self.setWindowTitle(letter.subject or self.tr("Letter"))
            self.pane.show_letter(letter)

        context.tasks.run(
            work, guarded(self, done), guarded(self, lambda e: self.pane.clear(words.mail_sentence(e)))
        )


class LeadLettersView(QWidget):
    """The "Letters" tab: the lead's letters; double click opens one read-only.

    Signals:
        loaded(): the list was read.
    """

    loaded = Signal()

    def __init__(self, context: AppContext, lead_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.lead_id = lead_id
        self._reading = False
        self._again = False
        self._windows: dict[int, LetterDialog] = {}
        self.setObjectName("lead_letters")
        self.model = LeadLettersModel(self)
        self.view = QTableView()
        self.view.setObjectName("lead_letters_view")
        self.view.setAccessibleName(self.tr("Letters of the lead"))
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        metrics = self.view.fontMetrics()
        header.resizeSection(LetterColumn.DATE, metrics.horizontalAdvance("00.00.0000 00:00") + 16)
        header.resizeSection(LetterColumn.SENDER, metrics.horizontalAdvance("М" * 14))
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.activated.connect(self._on_view_activated)
        self.status = QLabel()
        self.status.setObjectName("lead_letters_status")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)

    def reload(self) -> None:
        """Read the lead's letters again (off the GUI thread)."""
        if self._reading:
            self._again = True
            return
        self._reading = True
        db, actor, lead_id = self.context.db, self.context.actor, self.lead_id

        def work() -> list[MessageRow]:
            return service.lead_letters(db, actor, lead_id)

        def done(rows: list[MessageRow]) -> None:
            self._reading = False
            self.model.set_rows(rows)
            self.status.setText("" if rows else self.tr("No letters belong to this lead."))
            self.status.setVisible(not rows)
            self.loaded.emit()
            self._after()

        def failed(error: BaseException) -> None:
            self._reading = False
            self.status.setText(words.mail_sentence(error))
            self.status.show()
            self.loaded.emit()
            self._after()

        self.context.tasks.run(work, guarded(self, done), guarded(self, failed))

    def _after(self) -> None:
        if self._again:
            self._again = False
            self.reload()

    def _on_view_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_letter(self.model.message(index.row()).id)

    def open_letter(self, letter_id: int) -> LetterDialog:
        """Open a letter read-only (raised when it is open already)."""
        window = self._windows.get(letter_id)
        if window is not None and shiboken6.isValid(window):
            window.show()
            window.raise_()
            return window
        window = LetterDialog(self.context, letter_id, self)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._windows[letter_id] = window
        window.destroyed.connect(lambda _obj=None, key=letter_id: self._windows.pop(key, None))
        window.show()
        return window
