"""The Reports workspace's models: the report list, a report's table and totals, a drill-down's rows.

Every model shows frozen DTOs from ``app/services/reports.py`` (``ReportResult``: columns and rows as
plain mappings); none of them reads the database.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from app.services.reports import ColumnType, ReportColumn, ReportName, ReportResult
from ui.my_sales.row_models import OBJECT_ROLE, SORT_ROLE, sync_rows
from ui.reports import words

_Index = QModelIndex | QPersistentModelIndex

VALUE_ROLE = int(Qt.ItemDataRole.UserRole) + 3  # the raw value of a cell (tests, charts, drill-down)
KEY_ROLE = int(Qt.ItemDataRole.UserRole) + 4  # the column's key

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_DARK_TEXT = QColor("#202020")


class ReportListModel(QAbstractListModel):
    """The built-in reports, in the order a supervisor reads them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._names = list(ReportName)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        """Rows: one per report (none under an item)."""
        return 0 if parent.isValid() else len(self._names)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Title, hint as tooltip, the ReportName as OBJECT_ROLE."""
        if not index.isValid() or not 0 <= index.row() < len(self._names) or index.column() != 0:
            return None
        name = self._names[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return words.report_title(name)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.StatusTipRole):
            return words.report_hint(name)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return words.report_hint(name)
        if role == OBJECT_ROLE:
            return name
        return None

    def row_of(self, name: ReportName) -> int:
        """The row of a report."""
        return self._names.index(name)

    def name_at(self, row: int) -> ReportName:
        """The report of a row."""
        return self._names[row]


def _cell(column: ReportColumn, value: Any, role: int) -> Any:
    """What every table of this workspace answers for one cell of a typed column."""
    if role == Qt.ItemDataRole.DisplayRole:
        return words.display(column.type, column.key, value)
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return int(_RIGHT if words.numeric(column.type) else _LEFT)
    if role == SORT_ROLE:
        return words.sort_value(column.type, value)
    if role == VALUE_ROLE:
        return value
    if role == KEY_ROLE:
        return column.key
    if column.type is ColumnType.LIGHT:
        color = words.light_color(value)
        if color is not None and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(color)
        if color is not None and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(_DARK_TEXT)  # the pale backgrounds need dark text in a dark theme too
    return None


def _header(columns: Sequence[ReportColumn], section: int, orientation: Qt.Orientation, role: int) -> Any:
    if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(columns):
        return None
    column = columns[section]
    if role == Qt.ItemDataRole.DisplayRole:
        return words.column_title(column.title)
    if role == Qt.ItemDataRole.TextAlignmentRole:
        return int(_RIGHT if words.numeric(column.type) else _LEFT)
    if role == KEY_ROLE:
        return column.key
    return None


def _row_key(columns: Sequence[ReportColumn], row: Mapping[str, Any]) -> Hashable:
    """What identifies a report row across refreshes: its text columns and its drill value."""
    labels = tuple(str(row.get(c.key)) for c in columns if not words.numeric(c.type))
    return (labels, repr(row.get("drill")))


class ReportTableModel(QAbstractTableModel):
    """A report's rows (the totals are in :class:`TotalsModel`, pinned below the table).

    A new result of the same report (another period, a refresh after a change) is applied as a
    difference, so the selected row and the scroll position stay; another report's columns reset.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns: tuple[ReportColumn, ...] = ()
        self._rows: list[Mapping[str, Any]] = []
        self.result: ReportResult | None = None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        """Report rows (none under an item)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        """The report's columns."""
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text in the locale, figures right-aligned, lights coloured; OBJECT_ROLE is the row mapping."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self.columns):
            return None
        row = self._rows[index.row()]
        if role == OBJECT_ROLE:
            return row
        column = self.columns[index.column()]
        return _cell(column, row.get(column.key), role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Translated column titles."""
        return _header(self.columns, section, orientation, role)

    def set_result(self, result: ReportResult | None) -> None:
        """Show a report's result (None: nothing)."""
        columns = result.columns if result is not None else ()
        rows = list(result.rows) if result is not None else []
        keys = [_row_key(columns, row) for row in rows]
        if columns == self.columns and len(set(keys)) == len(keys):
            self.result = result
            sync_rows(
                self, self._rows, rows, lambda row: _row_key(columns, row), last_column=len(columns) - 1
            )
            return
        self.beginResetModel()
        self.result = result
        self.columns = columns
        self._rows = rows
        self.endResetModel()

    def row(self, row: int) -> Mapping[str, Any]:
        """The mapping of a row."""
        return self._rows[row]

    def rows(self) -> list[Mapping[str, Any]]:
        """Every row, in the service's order."""
        return list(self._rows)

    def column_of(self, key: str) -> int:
        """The position of a column key (-1: not shown)."""
        return next((n for n, column in enumerate(self.columns) if column.key == key), -1)


class TotalsModel(QAbstractTableModel):
    """The totals row of a report, shown in a one-row table pinned below the report's table."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns: tuple[ReportColumn, ...] = ()
        self.totals: Mapping[str, Any] = {}

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        """One row when the report has totals."""
        return 0 if parent.isValid() or not self.totals or not self.columns else 1

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        """The report's columns."""
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Totals in bold; the first text column says "Total" when the service left it empty."""
        if not index.isValid() or index.row() != 0 or not self.totals:
            return None
        if not 0 <= index.column() < len(self.columns):
            return None
        if role == OBJECT_ROLE:
            return self.totals
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        column = self.columns[index.column()]
        value = self.totals.get(column.key)
        if role == Qt.ItemDataRole.DisplayRole and index.column() == 0 and value is None:
            return words.tr("Total")
        return _cell(column, value, role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """The same titles as the table above (the footer hides them)."""
        return _header(self.columns, section, orientation, role)

    def set_result(self, result: ReportResult | None) -> None:
        """Show a report's totals."""
        self.beginResetModel()  # one row: nothing to keep
        self.columns = result.columns if result is not None else ()
        self.totals = dict(result.totals) if result is not None else {}
        self.endResetModel()


class DrillModel(QAbstractTableModel):
    """The rows behind a figure: all read on a pool thread, shown page by page (``fetchMore``).

    A view asks for rows as it scrolls, so 100,000 rows cost the view no more than a page; sorting
    sorts every row (in Python, off the view) and shows the first page again.
    """

    PAGE = 500

    def __init__(self, result: ReportResult, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.result = result
        self.columns = result.columns
        self._all: list[Mapping[str, Any]] = list(result.rows)
        self._shown = min(self.PAGE, len(self._all))
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None

    @property
    def total(self) -> int:
        """Every row of the drill-down (shown or not yet)."""
        return len(self._all)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        """The rows revealed so far."""
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        """The drill-down's columns."""
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's own signature
        """Whether rows are left to reveal."""
        return not parent.isValid() and self._shown < len(self._all)

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008 - Qt's own signature
        """Reveal the next page."""
        if parent.isValid():
            return
        count = min(self.PAGE, len(self._all) - self._shown)
        if count <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + count - 1)
        self._shown += count
        self.endInsertRows()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Like the report's table; OBJECT_ROLE is the row mapping."""
        if not index.isValid() or not 0 <= index.row() < self._shown:
            return None
        if not 0 <= index.column() < len(self.columns):
            return None
        row = self._all[index.row()]
        if role == OBJECT_ROLE:
            return row
        column = self.columns[index.column()]
        return _cell(column, row.get(column.key), role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Translated column titles."""
        return _header(self.columns, section, orientation, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort every row (not only those shown) by a column; the first page is shown again."""
        if not 0 <= column < len(self.columns):
            return
        self._sorted_by = (column, order)
        self.beginResetModel()
        self._sort_rows()
        self._shown = min(self.PAGE, len(self._all))
        self.endResetModel()

    def _sort_rows(self) -> None:
        if self._sorted_by is None:
            return
        column, order = self._sorted_by
        spec = self.columns[column]
        self._all.sort(
            key=lambda row: words.sort_value(spec.type, row.get(spec.key)),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )

    def complete_with(self, result: ReportResult) -> None:
        """Every row has arrived (the first page was shown before): the rows shown stay where they
        are (the service's order begins with that page), the rest can be fetched."""
        self.result = result
        self._all = list(result.rows)
        if self._sorted_by is not None:
            self.beginResetModel()  # the user sorted the first page: sort them all
            self._sort_rows()
            self._shown = min(self.PAGE, len(self._all))
            self.endResetModel()
            return
        if self._shown > len(self._all):  # rows vanished in between (another desk): start over
            self.beginResetModel()
            self._shown = min(self.PAGE, len(self._all))
            self.endResetModel()
        elif self._shown:
            # Another desk may have changed a lead between the two reads: repaint what is shown.
            self.dataChanged.emit(self.index(0, 0), self.index(self._shown - 1, len(self.columns) - 1))

    def row(self, row: int) -> Mapping[str, Any]:
        """The mapping of a shown row."""
        return self._all[row]

    def lead_id(self, row: int) -> int | None:
        """The lead a row is about (None: the row is not a lead's)."""
        mapping = self._all[row]
        drill = mapping.get("drill")
        value = drill.get("lead_id") if isinstance(drill, Mapping) else None
        if value is None:
            value = mapping.get("lead_id")
        return value if isinstance(value, int) else None
