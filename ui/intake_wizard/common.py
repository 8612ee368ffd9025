"""Small pieces the intake wizard and "Accept inquiry" share: error labels, formatting, row models."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from enum import IntEnum
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QDateTime,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from app.domain.enums import ChannelKind, LeadState

ERROR_COLOR = "#c62828"

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
OBJECT_ROLE = Qt.ItemDataRole.UserRole + 2

_STATE_TEXT = {
    LeadState.NEW: str(QT_TRANSLATE_NOOP("LeadState", "new")),
    LeadState.IN_PROGRESS: str(QT_TRANSLATE_NOOP("LeadState", "in progress")),
    LeadState.REPEAT: str(QT_TRANSLATE_NOOP("LeadState", "repeat")),
    LeadState.CONVERTED: str(QT_TRANSLATE_NOOP("LeadState", "converted")),
    LeadState.REPEAT_PROCESSED: str(QT_TRANSLATE_NOOP("LeadState", "repeat, processed")),
    LeadState.REJECTED: str(QT_TRANSLATE_NOOP("LeadState", "rejected")),
}

_KIND_TEXT = {
    ChannelKind.CALL: str(QT_TRANSLATE_NOOP("ChannelKind", "call")),
    ChannelKind.EMAIL: str(QT_TRANSLATE_NOOP("ChannelKind", "e-mail")),
    ChannelKind.DIALOG: str(QT_TRANSLATE_NOOP("ChannelKind", "chat")),
    ChannelKind.REQUEST: str(QT_TRANSLATE_NOOP("ChannelKind", "request")),
}


def state_text(state: LeadState) -> str:
    """A lead state in the user's language."""
    return QCoreApplication.translate("LeadState", _STATE_TEXT[state])


def kind_text(kind: ChannelKind) -> str:
    """A channel kind in the user's language."""
    return QCoreApplication.translate("ChannelKind", _KIND_TEXT[kind])


def local_datetime(value: datetime | None) -> QDateTime:
    """A timezone-aware UTC datetime as a local QDateTime."""
    if value is None:
        return QDateTime()
    return QDateTime.fromMSecsSinceEpoch(int(value.timestamp() * 1000))


def when_text(value: datetime | None, *, date_only: bool = False) -> str:
    """A timestamp in the locale's short format, in local time."""
    if value is None:
        return ""
    moment = local_datetime(value)
    if date_only:
        return QLocale().toString(moment.date(), QLocale.FormatType.ShortFormat)
    return QLocale().toString(moment, QLocale.FormatType.ShortFormat)


def utc_of(moment: QDateTime) -> datetime:
    """A QDateTime (local) as a timezone-aware UTC datetime for the services."""
    return datetime.fromtimestamp(moment.toMSecsSinceEpoch() / 1000, UTC)


def money_text(amount: Decimal | None) -> str:
    """An amount in the locale's number format, two decimals."""
    if amount is None:
        return ""
    return QLocale().toString(float(amount), "f", 2)


def esc(text: object) -> str:
    """HTML-escape for rich-text labels."""
    return html.escape(str(text), quote=False)


class ErrorLabel(QLabel):
    """The sentence under a field that says what is wrong with it; hidden while there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText, ERROR_COLOR)
        self.setPalette(palette)
        self.setAccessibleName("error")
        self.hide()

    def show_error(self, text: str) -> None:
        """Show a sentence."""
        self.setText(text)
        self.setVisible(bool(text))

    def clear_error(self) -> None:
        """Hide the sentence."""
        self.setText("")
        self.hide()


def with_error(field: QWidget, error: ErrorLabel) -> QWidget:
    """A field with its error sentence right under it, as one form row."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(field)
    layout.addWidget(error)
    return box


def form_panel() -> tuple[QWidget, QFormLayout]:
    """A panel holding a form that keeps its rows together at the top."""
    panel = QWidget()
    outer = QVBoxLayout(panel)
    outer.setContentsMargins(0, 0, 0, 0)
    form = QFormLayout()
    outer.addLayout(form)
    outer.addStretch(1)
    return panel, form


def guarded(owner: QObject, callback: Callable[[Any], None]) -> Callable[[Any], None]:
    """A task callback that does nothing once the widget that asked for it is gone."""

    def call(value: Any) -> None:
        if shiboken6.isValid(owner):
            callback(value)

    return call


R = TypeVar("R")


class RowsModel(QAbstractTableModel, Generic[R]):
    """A read-only table of frozen rows: a column enum, translated headers, SORT_ROLE and OBJECT_ROLE.

    Subclasses set ``columns`` (an IntEnum), ``headers`` (QT_TRANSLATE_NOOP texts in the model's
    context) and implement :meth:`display` and :meth:`sort_key`. Rows are replaced with
    remove/insert notifications (never a reset), so views keep their state.
    """

    columns: type[IntEnum]
    headers: dict[int, str] = {}
    context = "RowsModel"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[R] = []

    # -- reading
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or index.row() >= len(self._rows) or index.column() >= len(self.columns):
            return None
        row = self._rows[index.row()]
        column = self.columns(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, column)
        if role == SORT_ROLE:
            return self.sort_key(row, column)
        if role == OBJECT_ROLE:
            return row
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.columns)
        ):
            return QCoreApplication.translate(self.context, self.headers.get(section, ""))
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    # -- for subclasses
    def display(self, row: R, column: Any) -> str:
        """The text of a cell."""
        raise NotImplementedError

    def tooltip(self, row: R, column: Any) -> str | None:
        """The tooltip of a cell (none by default)."""
        return None

    def sort_key(self, row: R, column: Any) -> Any:
        """The value a proxy sorts a column by (the display text by default)."""
        return self.display(row, column)

    # -- changing
    def rows(self) -> list[R]:
        """The rows shown, in order."""
        return list(self._rows)

    def row(self, index: int) -> R:
        """The row at a position."""
        return self._rows[index]

    def replace(self, rows: Sequence[R], start: int = 0) -> None:
        """Replace the rows from ``start`` on with ``rows`` (remove + insert, never a reset)."""
        if start < len(self._rows):
            self.beginRemoveRows(QModelIndex(), start, len(self._rows) - 1)
            del self._rows[start:]
            self.endRemoveRows()
        if rows:
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def update_row(self, index: int, row: R) -> None:
        """Replace one row in place (dataChanged)."""
        self._rows[index] = row
        self.dataChanged.emit(self.index(index, 0), self.index(index, len(self.columns) - 1))
