"""A list of things to choose from (users, roles) for the assign and redirect dialogs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from ui.my_sales.row_models import OBJECT_ROLE, SORT_ROLE, sync_rows

_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class Choice:
    """One entry: what is shown, a longer description, and the DTO behind it."""

    id: int
    text: str
    details: str
    item: Any


class ChoiceListModel(QAbstractListModel):
    """Choices by name; ``OBJECT_ROLE`` gives the DTO, ``SORT_ROLE`` the case-folded name."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Choice] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or index.column() != 0:
            return None
        choice = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return f"{choice.text} — {choice.details}" if choice.details else choice.text
        if role == Qt.ItemDataRole.ToolTipRole:
            return choice.details or choice.text
        if role == OBJECT_ROLE:
            return choice.item
        if role == SORT_ROLE:
            return choice.text.casefold()
        return None

    def set_choices(self, choices: Sequence[Choice]) -> None:
        """Show these choices (by diff, so a refresh keeps the selection)."""
        sync_rows(self, self._rows, list(choices), lambda choice: choice.id)

    def choice(self, row: int) -> Choice:
        """The choice on a row."""
        return self._rows[row]

    def row_of(self, choice_id: int) -> int:
        """The row of a choice id, or -1."""
        return next((row for row, choice in enumerate(self._rows) if choice.id == choice_id), -1)
