"""The message list of one folder: letters in threads (answers indented under the first letter),
fetched a page at a time as the view scrolls, refreshed by difference.

Threading: pages are read on a pool thread through ``context.tasks`` by a *pager* the workspace
gives (``pager(cursor, limit) -> (rows, next cursor or None)``; the model does not know the mail
service); the model changes only in the callbacks on the GUI thread. One read is in flight at a
time: a refresh asked for while a page loads runs right after it.

Signals:
    page_loaded(): a page arrived (tests, the bench).
    refreshed(): a refresh was applied.
    failed(str): a read failed, in words.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

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
from PySide6.QtGui import QColor, QFont, QIcon

from ui.context import AppContext
from ui.icons import icon
from ui.mail import words
from ui.mail.shapes import MessageRow
from ui.my_sales import words as board_words
from ui.my_sales.row_models import OBJECT_ROLE, SORT_ROLE, guarded, sync_rows

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex

Page = tuple[list[MessageRow], object | None]
Pager = Callable[[object | None, int], Page]

UNREAD_ROLE = OBJECT_ROLE + 30
DEPTH_ROLE = OBJECT_ROLE + 31

_CONTEXT = "MessageList"


class MessageColumn(IntEnum):
    """Columns of the message list."""

    SUBJECT = 0
    SENDER = 1
    DATE = 2
    ATTACHMENTS = 3
    LEAD = 4


HEADERS = (
    QT_TRANSLATE_NOOP("MessageList", "Subject"),
    QT_TRANSLATE_NOOP("MessageList", "From"),
    QT_TRANSLATE_NOOP("MessageList", "Date"),
    QT_TRANSLATE_NOOP("MessageList", "Files"),
    QT_TRANSLATE_NOOP("MessageList", "Lead"),
)

# Answers are indented by this many spaces per level (a table cell has no tree indentation).
_INDENT = "    "


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def short_date(value: datetime | None, now: datetime | None = None) -> str:
    """A list's date, as short as still clear: "14:05" today, "23.11 14:05" this year, else "23.11.2025"."""
    if value is None:
        return ""
    local = value.astimezone()
    today = (now or datetime.now(UTC)).astimezone()
    if local.date() == today.date():
        return local.strftime("%H:%M")
    if local.year == today.year:
        return local.strftime("%d.%m %H:%M")
    return local.strftime("%d.%m.%Y")


class MessageListModel(QAbstractTableModel):
    """Rows are :class:`MessageRow` values in the order the service threads them."""

    page_loaded = Signal()
    refreshed = Signal()
    failed = Signal(str)

    PAGE = 100

    def __init__(self, context: AppContext, parent: QObject | None = None, *, page: int = PAGE) -> None:
        super().__init__(parent)
        self._context = context
        self._rows: list[MessageRow] = []
        self._pager: Pager | None = None
        self._cursor: object | None = None
        self._page = page
        self._generation = 0
        self._busy = False
        self._exhausted = True
        self._refresh_pending = False
        # Read/unread marks shown before the service stored them: letter id → (read, the refresh
        # serial after which a read reflects the stored mark, or None while the write runs). A read
        # that started before the write committed would otherwise flip the row back for a moment.
        self._marks: dict[int, tuple[bool, int | None]] = {}
        self._serial = 0
        self._bold = QFont()
        self._bold.setBold(True)
        self._clip: QIcon | None = None

    # -- Qt model API -------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if section == MessageColumn.ATTACHMENTS else _tr(HEADERS[section])
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tr(HEADERS[section])
        if role == Qt.ItemDataRole.DecorationRole and section == MessageColumn.ATTACHMENTS:
            return self._attachment_icon()
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        column = index.column()
        if not 0 <= column < len(HEADERS):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == OBJECT_ROLE:
            return row
        if role == SORT_ROLE:
            return self._sort_value(row, column)
        if role == UNREAD_ROLE:
            return row.unread
        if role == DEPTH_ROLE:
            return row.depth
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if row.unread else None
        if role == Qt.ItemDataRole.DecorationRole and column == MessageColumn.ATTACHMENTS:
            return self._attachment_icon() if row.has_attachments else None
        if role == Qt.ItemDataRole.ForegroundRole and column == MessageColumn.LEAD and row.lead_state:
            return QColor(words.STATE_COLORS.get(row.lead_state, "#555555"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._text(row, column) or self._tooltip(row, column)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and self._pager is not None and not self._exhausted and not self._busy

    def fetchMore(self, parent: _Index) -> None:
        if self.canFetchMore(parent):
            self._read_page()

    # -- public API ---------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Whether a read is in flight."""
        return self._busy

    @property
    def exhausted(self) -> bool:
        """Whether every letter of the folder is loaded."""
        return self._exhausted

    def message(self, row: int) -> MessageRow:
        """The letter on a row."""
        return self._rows[row]

    def messages(self) -> list[MessageRow]:
        """The loaded letters, in order."""
        return list(self._rows)

    def row_of(self, letter_id: int) -> int:
        """The row of a letter, or -1 when it is not loaded."""
        return next((n for n, row in enumerate(self._rows) if row.id == letter_id), -1)

    def set_pager(self, pager: Pager | None) -> None:
        """Show another folder (None: nothing): a new list, so a reset is right here."""
        self._generation += 1
        self.beginResetModel()
        self._rows = []
        self._pager = pager
        self._cursor = None
        self._exhausted = pager is None
        self._busy = False
        self._refresh_pending = False
        self.endResetModel()
        if pager is not None:
            self._read_page()

    def set_rows(self, rows: list[MessageRow], *, exhausted: bool = True) -> None:
        """Show exactly these rows (by difference): the lead card's letters, tests."""
        sync_rows(self, self._rows, rows, lambda row: row.id, last_column=len(HEADERS) - 1)
        self._exhausted = exhausted

    def mark_read(self, letter_id: int, read: bool = True) -> None:
        """Show a letter read (or unread) at once, before the service has stored it."""
        self._marks[letter_id] = (read, None)
        row = self.row_of(letter_id)
        if row >= 0 and self._rows[row].unread == read:
            self._rows[row] = replace(self._rows[row], unread=not read)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def mark_stored(self, letter_id: int) -> None:
        """The service stored the mark: reads started from now on show it by themselves."""
        mark = self._marks.get(letter_id)
        if mark is not None:
            self._marks[letter_id] = (mark[0], self._serial)

    def _with_marks(self, rows: list[MessageRow], serial: int | None = None) -> list[MessageRow]:
        if serial is not None:
            self._marks = {
                key: mark for key, mark in self._marks.items() if mark[1] is None or serial <= mark[1]
            }
        if not self._marks:
            return rows
        return [
            replace(row, unread=not self._marks[row.id][0])
            if row.id in self._marks and row.unread == self._marks[row.id][0]
            else row
            for row in rows
        ]

    def refresh(self) -> None:
        """Re-read the loaded range (at least a page) and apply the difference; selection stays."""
        pager = self._pager
        if pager is None:
            return
        if self._busy:
            self._refresh_pending = True
            return
        generation = self._generation
        limit = max(self._page, len(self._rows))
        self._serial += 1
        serial = self._serial

        def work() -> Page:
            return pager(None, limit)

        def done(page: Page) -> None:
            if generation != self._generation:
                return
            rows, cursor = page
            rows = self._with_marks(rows, serial)
            self._set_busy(False)
            if self._exhausted or len(rows) >= len(self._rows):
                # The window read again ends where the next page starts.
                self._cursor = cursor
                self._exhausted = cursor is None
            sync_rows(self, self._rows, rows, lambda r: r.id, last_column=len(HEADERS) - 1)
            self.refreshed.emit()
            self._after_read()

        self._set_busy(True)
        self._context.tasks.run(
            work, guarded(self, done), guarded(self, lambda error: self._on_failed(generation, error))
        )

    # -- reading ------------------------------------------------------------------------------

    def _read_page(self) -> None:
        pager, cursor, page = self._pager, self._cursor, self._page
        if pager is None:
            return
        generation = self._generation

        def work() -> Page:
            return pager(cursor, page)

        def done(result: Page) -> None:
            if generation != self._generation:
                return
            rows, next_cursor = result
            rows = self._with_marks(rows)
            self._set_busy(False)
            known = {row.id for row in self._rows}
            fresh = [row for row in rows if row.id not in known]  # a refresh may have brought some
            if fresh:
                first = len(self._rows)
                self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
                self._rows.extend(fresh)
                self.endInsertRows()
            self._cursor = next_cursor
            self._exhausted = next_cursor is None
            self.page_loaded.emit()
            self._after_read()

        self._set_busy(True)
        self._context.tasks.run(
            work, guarded(self, done), guarded(self, lambda error: self._on_failed(generation, error))
        )

    def _after_read(self) -> None:
        if self._refresh_pending:
            self._refresh_pending = False
            self.refresh()

    def _on_failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._set_busy(False)
        self.failed.emit(words.mail_sentence(error))
        self._after_read()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy

    # -- texts --------------------------------------------------------------------------------

    def _attachment_icon(self) -> QIcon:
        if self._clip is None:
            self._clip = icon("attachment")
        return self._clip

    @staticmethod
    def _text(row: MessageRow, column: int) -> str:
        if column == MessageColumn.SUBJECT:
            subject = row.subject or _tr("(no subject)")
            return _INDENT * min(row.depth, 8) + subject
        if column == MessageColumn.SENDER:
            return row.sender.short()
        if column == MessageColumn.DATE:
            return short_date(row.date)
        if column == MessageColumn.LEAD:
            # The column is headed "Lead": its cells say the lead's state.
            return board_words.state_name(row.lead_state) if row.lead_state else ""
        return ""

    @staticmethod
    def _sort_value(row: MessageRow, column: int) -> Any:
        if column == MessageColumn.DATE:
            return row.date.timestamp() if row.date is not None else 0.0
        if column == MessageColumn.ATTACHMENTS:
            return int(row.has_attachments)
        if column == MessageColumn.SUBJECT:
            return row.subject.lower()
        return MessageListModel._text(row, column)

    @staticmethod
    def _tooltip(row: MessageRow, column: int) -> str:
        if column == MessageColumn.SENDER:
            return row.sender.display()
        if column == MessageColumn.DATE:
            return board_words.local_time(row.date) if row.date is not None else ""
        if column == MessageColumn.ATTACHMENTS:
            return _tr("The letter has files attached") if row.has_attachments else ""
        if column == MessageColumn.LEAD and row.lead_id:
            return _tr("Lead %1: %2").replace("%1", str(row.lead_id)).replace(
                "%2", board_words.state_name(row.lead_state or "")
            )
        return MessageListModel._text(row, column).strip()

