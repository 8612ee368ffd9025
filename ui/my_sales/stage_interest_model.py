"""A stage column's model: the interests on one stage, newest first, more fetched on scroll.

Threading: pages are read on a pool thread through ``context.tasks``; :meth:`apply` (the board's
refresh, read by the workspace for all stages at once) and page results change the model on the
GUI thread only.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from app.domain.enums import StageKind
from app.services import board
from app.services.board import InterestCard, StageColumn
from app.services.catalogs import StageDTO
from ui.context import AppContext
from ui.my_sales import words
from ui.my_sales.row_models import OBJECT_ROLE, SORT_ROLE, guarded, sync_rows

log = logging.getLogger(__name__)

INTEREST_MIME = "application/x-inflow-interest"

_Index = QModelIndex | QPersistentModelIndex


class InterestRole(IntEnum):
    """Roles the interest card delegate paints from (besides Display: the title)."""

    OBJECT = OBJECT_ROLE
    SORT = SORT_ROLE
    CLIENT = OBJECT_ROLE + 20
    AMOUNT = OBJECT_ROLE + 21
    RESPONSIBLE = OBJECT_ROLE + 22


def encode_interest(card: InterestCard) -> QMimeData:
    """The drag payload of an interest card: ``id:version:stage id``."""
    mime = QMimeData()
    mime.setData(INTEREST_MIME, QByteArray(f"{card.id}:{card.version}:{card.stage_id}".encode()))
    return mime


def decode_interest(mime: QMimeData) -> tuple[int, int, int] | None:
    """(interest id, version, stage id) from a drag payload, or None."""
    if not mime.hasFormat(INTEREST_MIME):
        return None
    try:
        interest_id, version, stage_id = bytes(mime.data(INTEREST_MIME).data()).decode().split(":")
        return int(interest_id), int(version), int(stage_id)
    except ValueError:
        return None


class StageInterestModel(QAbstractListModel):
    """The interests of one stage the user sees, with the stage's count and sum.

    Signals:
        summary_changed(): the count or the sum changed (the column header repaints).
        failed(str): a page could not be read; the sentence to show.
    """

    summary_changed = Signal()
    failed = Signal(str)

    def __init__(
        self, context: AppContext, stage: StageDTO, parent: QObject | None = None, *, page: int = board.PAGE
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._stage = stage
        self._page = page
        self._rows: list[InterestCard] = []
        self._count = 0
        self._amount = Decimal(0)
        self._busy = False
        self._exhausted = False
        self._generation = 0

    # -- Qt model API -------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or index.column() != 0:
            return None
        card = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return card.title
        if role == InterestRole.OBJECT:
            return card
        if role == InterestRole.SORT:
            return (card.closed_at or card.created_at).timestamp()
        if role == InterestRole.CLIENT:
            return card.client_name
        if role == InterestRole.AMOUNT:
            return words.money(card.amount)
        if role == InterestRole.RESPONSIBLE:
            return card.responsible_name or ""
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            parts = [card.title, card.client_name, words.money(card.amount), card.responsible_name or ""]
            return "\n".join(part for part in parts if part)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    def mimeTypes(self) -> list[str]:
        return [INTEREST_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData | None:
        cards = [self._rows[i.row()] for i in indexes if i.isValid() and 0 <= i.row() < len(self._rows)]
        return encode_interest(cards[0]) if cards else None

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        # The column's view takes drops itself (onto the whole column, not between rows).
        return Qt.DropAction.IgnoreAction

    def canFetchMore(self, parent: _Index) -> bool:
        return (
            not parent.isValid()
            and not self._busy
            and not self._exhausted
            and len(self._rows) < self._visible_limit()
        )

    def fetchMore(self, parent: _Index) -> None:
        if not self.canFetchMore(parent):
            return
        context, stage_id, offset, page = self._context, self._stage.id, len(self._rows), self._page
        generation = self._generation

        # The pool thread gets the database and the actor, never the context (it owns Qt objects).
        db, actor = context.db, context.actor

        def work() -> list[InterestCard]:
            with db.session() as session:
                return board.stage_interests(session, actor, stage_id, offset=offset, limit=page)

        def done(cards: list[InterestCard]) -> None:
            if generation != self._generation:
                return
            self._busy = False
            known = {card.id for card in self._rows}
            fresh = [card for card in cards if card.id not in known]
            if fresh:
                first = len(self._rows)
                self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
                self._rows.extend(fresh)
                self.endInsertRows()
            if len(cards) < page:
                # Fewer than asked: the count was ahead of the data; stop asking until a refresh.
                self._exhausted = True

        def failed(error: BaseException) -> None:
            self._busy = False
            log.error("reading a stage column failed", exc_info=error)
            self.failed.emit(
                QCoreApplication.translate(
                    "StageInterestModel", "The interests could not be read (%1)."
                ).replace("%1", type(error).__name__)
            )

        self._busy = True
        context.tasks.run(work, guarded(self, done), guarded(self, failed))

    # -- public API ---------------------------------------------------------------------------

    @property
    def stage(self) -> StageDTO:
        """The stage this column shows."""
        return self._stage

    @property
    def count(self) -> int:
        """How many interests the stage has for the user (see board.stage_columns)."""
        return self._count

    @property
    def amount(self) -> Decimal:
        """Their sum."""
        return self._amount

    def card(self, row: int) -> InterestCard:
        """The interest on a row."""
        return self._rows[row]

    def cards(self) -> list[InterestCard]:
        """The loaded interests, in order."""
        return list(self._rows)

    def row_of(self, interest_id: int) -> int:
        """The row of an interest, or -1."""
        return next((row for row, card in enumerate(self._rows) if card.id == interest_id), -1)

    def loaded(self) -> int:
        """How many rows are loaded (the range a refresh re-reads)."""
        return len(self._rows)

    def apply(self, column: StageColumn) -> None:
        """Take a fresh read of the stage: rows by diff (selection kept), the header's figures."""
        self._generation += 1  # a page in flight was read against the old list
        self._busy = False
        self._exhausted = False
        self._stage = column.stage
        sync_rows(self, self._rows, column.interests, _key)
        if (column.count, column.amount) != (self._count, self._amount):
            self._count, self._amount = column.count, column.amount
            self.summary_changed.emit()

    def _visible_limit(self) -> int:
        if self._stage.kind is StageKind.OPEN:
            return self._count
        return min(self._count, board.CLOSED_LAST_N)


def _key(card: InterestCard) -> int:
    return card.id
