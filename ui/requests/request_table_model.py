"""The Requests table's model: request-channel leads newest first, fetched lazily, refreshed by diff.

Threading: every read runs on a pool thread through ``context.tasks`` (its own session, DTOs back);
the model changes only on the GUI thread, in the callbacks. One read is in flight at a time: a
refresh asked for while a page loads runs right after it, so pages and refreshes never interleave.
"""

from __future__ import annotations

import logging
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from app.domain.enums import LeadState
from app.services import requests as service
from app.services.requests import RequestCursor, RequestFilter, RequestRow
from ui.app_settings import QT_TRANSLATE_NOOP
from ui.context import AppContext
from ui.dialogs.errors import sentence
from ui.my_sales import words
from ui.my_sales.row_models import OBJECT_ROLE, SORT_ROLE, guarded, sync_rows

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex
_CONTEXT = "RequestTableModel"


class Column(IntEnum):
    """The table's columns, in order."""

    RECEIVED = 0
    CHANNEL = 1
    CONTACT = 2
    PHONE = 3
    EMAIL = 4
    MESSAGE = 5
    SOURCE = 6
    STATE = 7
    RESPONSIBLE = 8


HEADERS: dict[Column, str] = {
    Column.RECEIVED: QT_TRANSLATE_NOOP("RequestTableModel", "Received"),
    Column.CHANNEL: QT_TRANSLATE_NOOP("RequestTableModel", "Channel"),
    Column.CONTACT: QT_TRANSLATE_NOOP("RequestTableModel", "Contact"),
    Column.PHONE: QT_TRANSLATE_NOOP("RequestTableModel", "Phone"),
    Column.EMAIL: QT_TRANSLATE_NOOP("RequestTableModel", "E-mail"),
    Column.MESSAGE: QT_TRANSLATE_NOOP("RequestTableModel", "Message"),
    Column.SOURCE: QT_TRANSLATE_NOOP("RequestTableModel", "Source / UTM"),
    Column.STATE: QT_TRANSLATE_NOOP("RequestTableModel", "State"),
    Column.RESPONSIBLE: QT_TRANSLATE_NOOP("RequestTableModel", "Responsible"),
}

# Closed leads are greyed a little: the open ones are what a dispatcher still has to act on.
_CLOSED_COLOR = QColor("#757575")
_STATE_COLORS = {
    LeadState.NEW: QColor("#1565c0"),
    LeadState.REPEAT: QColor("#6a1b9a"),
    LeadState.IN_PROGRESS: QColor("#ef6c00"),
    LeadState.CONVERTED: QColor("#2e7d32"),
    LeadState.REPEAT_PROCESSED: QColor("#2e7d32"),
    LeadState.REJECTED: QColor("#c62828"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def _key(row: RequestRow) -> int:
    return row.id


class RequestTableModel(QAbstractTableModel):
    """Requests of a filter, newest first, a page of 200 at a time.

    Signals:
        total_changed(int): how many requests match in all (-1 while counting).
        busy_changed(bool): a read started or ended.
        failed(str): a read failed; the sentence to show.
        page_loaded(): the first page (after a filter change) or another page arrived.
        refreshed(): a refresh after a change was applied.
    """

    total_changed = Signal(int)
    busy_changed = Signal(bool)
    failed = Signal(str)
    page_loaded = Signal()
    refreshed = Signal()

    def __init__(
        self, context: AppContext, parent: QObject | None = None, *, page: int = service.PAGE
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._rows: list[RequestRow] = []
        self._filter = RequestFilter()
        self._page = page
        self._generation = 0
        self._busy = False
        self._exhausted = False
        self._started = False
        self._refresh_pending = False
        self._total: int | None = None

    # -- Qt model API -------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _tr(HEADERS[Column(section)])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            not index.isValid()
            or not 0 <= index.row() < len(self._rows)
            or not 0 <= index.column() < len(Column)
        ):
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == OBJECT_ROLE:
            return row
        if role == SORT_ROLE:
            return self._sort_value(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == Column.STATE:
                return _STATE_COLORS.get(row.state)
            return None if row.state.is_open else _CLOSED_COLOR
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and self._started and not self._exhausted and not self._busy

    def fetchMore(self, parent: _Index) -> None:
        if not self.canFetchMore(parent):
            return
        self._read_page(self._rows[-1].cursor if self._rows else None)

    # -- public API ---------------------------------------------------------------------------

    @property
    def filter(self) -> RequestFilter:
        """The filter shown."""
        return self._filter

    @property
    def total(self) -> int | None:
        """How many requests match in all (None until counted)."""
        return self._total

    @property
    def busy(self) -> bool:
        """Whether a read is in flight."""
        return self._busy

    @property
    def exhausted(self) -> bool:
        """Whether every request of the filter is loaded."""
        return self._exhausted

    def request(self, row: int) -> RequestRow:
        """The request on a row."""
        return self._rows[row]

    def requests(self) -> list[RequestRow]:
        """The loaded requests, in order."""
        return list(self._rows)

    def ids(self) -> list[int]:
        """The loaded lead ids, in order."""
        return [row.id for row in self._rows]

    def row_of(self, lead_id: int) -> int:
        """The row of a lead, or -1 when it is not loaded."""
        return next((position for position, row in enumerate(self._rows) if row.id == lead_id), -1)

    def set_filter(self, flt: RequestFilter) -> None:
        """Show another filter: a new list, so a reset is right here."""
        self._filter = flt
        self._generation += 1
        self._started = True
        self.beginResetModel()
        self._rows = []
        self._exhausted = False
        self.endResetModel()
        self._busy = False
        self._refresh_pending = False
        if self._total is not None:
            self._total = None
            self.total_changed.emit(-1)
        self._read_page(None)
        self._count()

    def start(self) -> None:
        """Read the first page (once the table is about to be shown)."""
        if not self._started:
            self.set_filter(self._filter)

    def refresh(self) -> None:
        """Re-read the loaded range and apply the difference (rows in place, selection kept)."""
        if not self._started:
            return
        if self._busy:
            self._refresh_pending = True
            return
        db, actor, flt = self._context.db, self._context.actor, self._filter
        generation = self._generation
        if self._exhausted or not self._rows:
            # Everything is loaded: the whole list is read again, with room for newcomers.
            limit: int | None = len(self._rows) + self._page
            until: RequestCursor | None = None
        else:
            # Only the loaded window (newcomers on top included); older rows come with fetchMore.
            limit, until = None, self._rows[-1].cursor

        def work() -> list[RequestRow]:
            with db.session() as session:
                return service.requests(session, actor, flt, limit=limit, until=until)

        def done(rows: list[RequestRow]) -> None:
            if generation != self._generation:
                return
            self._set_busy(False)
            sync_rows(self, self._rows, rows, _key, last_column=len(Column) - 1)
            if limit is not None:
                self._exhausted = len(rows) < limit
            self.refreshed.emit()
            self._after_read()

        self._set_busy(True)
        self._context.tasks.run(
            work, guarded(self, done), guarded(self, lambda error: self._on_failed(generation, error))
        )
        self._count()

    # -- reading ------------------------------------------------------------------------------

    def _read_page(self, before: RequestCursor | None) -> None:
        db, actor, flt, page = self._context.db, self._context.actor, self._filter, self._page
        generation = self._generation

        def work() -> list[RequestRow]:
            with db.session() as session:
                return service.requests(session, actor, flt, limit=page, before=before)

        def done(rows: list[RequestRow]) -> None:
            if generation != self._generation:
                return
            self._set_busy(False)
            known = set(self.ids()) if rows else set()
            fresh = [row for row in rows if row.id not in known]
            if fresh:
                first = len(self._rows)
                self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
                self._rows.extend(fresh)
                self.endInsertRows()
            self._exhausted = len(rows) < page
            self.page_loaded.emit()
            self._after_read()

        self._set_busy(True)
        self._context.tasks.run(
            work, guarded(self, done), guarded(self, lambda error: self._on_failed(generation, error))
        )

    def _count(self) -> None:
        db, actor, flt = self._context.db, self._context.actor, self._filter
        generation = self._generation

        def work() -> int:
            with db.session() as session:
                return service.count_requests(session, actor, flt)

        def done(total: int) -> None:
            if generation == self._generation and total != self._total:
                self._total = total
                self.total_changed.emit(total)

        self._context.tasks.run(
            work,
            guarded(self, done),
            guarded(self, lambda error: self._on_failed(generation, error, count=True)),
        )

    def _after_read(self) -> None:
        if self._refresh_pending:
            self._refresh_pending = False
            self.refresh()

    def _on_failed(self, generation: int, error: BaseException, *, count: bool = False) -> None:
        if generation != self._generation:
            return
        if not count:
            self._set_busy(False)
        self.failed.emit(sentence(error))
        if not count:
            self._after_read()

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    # -- texts --------------------------------------------------------------------------------

    @staticmethod
    def _text(row: RequestRow, column: Column) -> str:
        if column == Column.RECEIVED:
            return words.local_time(row.received_at)
        if column == Column.CHANNEL:
            return row.channel_name
        if column == Column.CONTACT:
            return row.contact or _tr("(no contact)")
        if column == Column.PHONE:
            return row.phone or ""
        if column == Column.EMAIL:
            return row.email or ""
        if column == Column.MESSAGE:
            return row.message
        if column == Column.SOURCE:
            return row.source_text
        if column == Column.STATE:
            return words.state_name(row.state.value)
        return row.responsible

    @staticmethod
    def _sort_value(row: RequestRow, column: Column) -> Any:
        if column == Column.RECEIVED:
            return row.received_at.timestamp()
        return RequestTableModel._text(row, column).casefold()

    @staticmethod
    def _tooltip(row: RequestRow, column: Column) -> str | None:
        if column == Column.MESSAGE:
            return "\n".join(part for part in (row.subject, row.message) if part) or None
        if column == Column.SOURCE:
            return (
                "\n".join([row.ad_source or "", *(f"{name}: {value}" for name, value in row.utm)]).strip()
                or None
            )
        if column == Column.CONTACT and row.client_name:
            return _tr("Client: %1").replace("%1", row.client_name)
        return None
