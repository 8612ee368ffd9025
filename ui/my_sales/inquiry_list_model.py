"""The Inquiries column's model: unprocessed leads oldest first, fetched lazily, refreshed by diff.

Threading: every read runs on a pool thread through ``context.tasks`` (its own session, DTOs back);
the model changes only on the GUI thread, in the callbacks. One read is in flight at a time: a
refresh asked for while a page loads runs right after it, so pages and refreshes never interleave.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
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
    QTimer,
    Signal,
)

from app.domain.enums import ChannelKind
from app.persistence.types import utcnow
from app.services import board
from app.services.board import InquiryCard, Scope
from ui.context import AppContext
from ui.my_sales import words
from ui.my_sales.row_models import OBJECT_ROLE, SORT_ROLE, guarded, sync_rows

log = logging.getLogger(__name__)

LEAD_MIME = "application/x-inflow-lead"

_Index = QModelIndex | QPersistentModelIndex


class InquiryRole(IntEnum):
    """Roles the card delegate paints from (besides Display: the contact)."""

    OBJECT = OBJECT_ROLE
    SORT = SORT_ROLE
    KIND = OBJECT_ROLE + 10
    FIRST_LINE = OBJECT_ROLE + 11
    AGE = OBJECT_ROLE + 12  # changes with the clock: the only role the 30-second tick announces
    OVERDUE = OBJECT_ROLE + 13
    BADGE = OBJECT_ROLE + 14
    DETAILS = OBJECT_ROLE + 15


def encode_lead(card: InquiryCard) -> QMimeData:
    """The drag payload of a lead card: ``id:version``."""
    mime = QMimeData()
    mime.setData(LEAD_MIME, QByteArray(f"{card.id}:{card.version}".encode()))
    return mime


def decode_lead(mime: QMimeData) -> tuple[int, int] | None:
    """(lead id, version) from a drag payload, or None."""
    if not mime.hasFormat(LEAD_MIME):
        return None
    try:
        lead_id, version = bytes(mime.data(LEAD_MIME).data()).decode().split(":")
        return int(lead_id), int(version)
    except ValueError:
        return None


class InquiryListModel(QAbstractListModel):
    """Unprocessed leads of a scope and channel kinds, oldest first, a page of 200 at a time.

    Signals:
        total_changed(int): how many cards the column has in all (the header's number).
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

    AGE_TICK_MS = 30_000

    def __init__(
        self,
        context: AppContext,
        parent: QObject | None = None,
        *,
        scope: Scope = "my_roles",
        kinds: frozenset[ChannelKind] | None = None,
        page: int = board.PAGE,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._rows: list[InquiryCard] = []
        self._scope: Scope = scope
        self._kinds = kinds
        self._page = page
        self._clock = clock
        self._now = clock()
        self._generation = 0
        self._busy = False
        self._exhausted = False
        self._started = False
        self._refresh_pending = False
        self._total: int | None = None
        self._age_timer = QTimer(self)
        self._age_timer.setInterval(self.AGE_TICK_MS)
        self._age_timer.timeout.connect(self.tick)
        self._age_timer.start()

    # -- Qt model API -------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or index.column() != 0:
            return None
        card = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return card.contact or QCoreApplication.translate("InquiryListModel", "(no contact)")
        if role == InquiryRole.OBJECT:
            return card
        if role == InquiryRole.SORT:
            return card.received_at.timestamp()
        if role == InquiryRole.KIND:
            return card.kind.value
        if role == InquiryRole.FIRST_LINE:
            return card.first_line
        if role == InquiryRole.AGE:
            return words.age_text((self._now - card.received_at).total_seconds())
        if role == InquiryRole.OVERDUE:
            return card.overdue(self._now)
        if role == InquiryRole.BADGE:
            return self._badge(card)
        if role == InquiryRole.DETAILS:
            owner = card.responsible_name or card.role_name or ""
            return " · ".join(part for part in (card.channel_name, owner) if part)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._tooltip(card)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    def mimeTypes(self) -> list[str]:
        return [LEAD_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData | None:
        cards = [self._rows[i.row()] for i in indexes if i.isValid() and 0 <= i.row() < len(self._rows)]
        return encode_lead(cards[0]) if cards else None

    def supportedDragActions(self) -> Qt.DropAction:
        # Copy, not Move: a dropped lead stays in the column until the wizard has converted it.
        return Qt.DropAction.CopyAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.IgnoreAction

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and self._started and not self._exhausted and not self._busy

    def fetchMore(self, parent: _Index) -> None:
        if not self.canFetchMore(parent):
            return
        after = self._rows[-1].cursor if self._rows else None
        self._read_page(after)

    # -- public API ---------------------------------------------------------------------------

    @property
    def scope(self) -> Scope:
        """The scope shown: mine, my_roles or all."""
        return self._scope

    @property
    def kinds(self) -> frozenset[ChannelKind] | None:
        """The channel kinds shown (None: every kind)."""
        return self._kinds

    @property
    def total(self) -> int | None:
        """How many cards the column has in all (None until counted)."""
        return self._total

    @property
    def busy(self) -> bool:
        """Whether a read is in flight."""
        return self._busy

    @property
    def exhausted(self) -> bool:
        """Whether every card of the filter is loaded."""
        return self._exhausted

    def card(self, row: int) -> InquiryCard:
        """The card on a row."""
        return self._rows[row]

    def cards(self) -> list[InquiryCard]:
        """The loaded cards, in order."""
        return list(self._rows)

    def row_of(self, lead_id: int) -> int:
        """The row of a lead, or -1 when it is not loaded."""
        return next((row for row, card in enumerate(self._rows) if card.id == lead_id), -1)

    def start(self) -> None:
        """Read the first page (once the column is about to be shown)."""
        if not self._started:
            self.set_filter(self._scope, self._kinds)

    def set_filter(self, scope: Scope, kinds: frozenset[ChannelKind] | None) -> None:
        """Show another scope or kinds: a new list, so a reset is right here."""
        self._scope, self._kinds = scope, kinds
        self._generation += 1
        self._started = True
        self.beginResetModel()
        self._rows = []
        self._exhausted = False
        self.endResetModel()
        self._busy = False
        self._refresh_pending = False
        self._read_page(None)
        self._count()

    def refresh(self) -> None:
        """Re-read the loaded range and apply the difference (rows in place, selection kept)."""
        if not self._started:
            return
        if self._busy:
            self._refresh_pending = True
            return
        context, scope, kinds = self._context, self._scope, self._kinds
        generation = self._generation
        if self._exhausted or not self._rows:
            # Everything is loaded: newcomers (at the end) belong in the column too.
            limit: int | None = len(self._rows) + self._page
            until = None
        else:
            # Only the loaded window: what lies beyond it comes with the next fetchMore.
            limit, until = None, self._rows[-1].cursor

        def work() -> list[InquiryCard]:
            with context.db.session() as session:
                return board.inquiries(
                    session, context.actor, scope=scope, kinds=kinds, limit=limit, until=until
                )

        def done(cards: list[InquiryCard]) -> None:
            if generation != self._generation:
                return
            self._set_busy(False)
            self._now = self._clock()
            sync_rows(self, self._rows, cards, _key)
            if limit is not None:
                self._exhausted = len(cards) < limit
            self.refreshed.emit()
            self._after_read()

        self._set_busy(True)
        context.tasks.run(
            work, guarded(self, done), guarded(self, lambda error: self._on_failed(generation, error))
        )
        self._count()

    def tick(self) -> None:
        """The clock moved on: ages (and with them SLA colours) repaint; nothing else changes."""
        self._now = self._clock()
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1), [int(InquiryRole.AGE)])

    # -- reading ------------------------------------------------------------------------------

    def _read_page(self, after: board.InquiryCursor | None) -> None:
        context, scope, kinds, page = self._context, self._scope, self._kinds, self._page
        generation = self._generation

        def work() -> list[InquiryCard]:
            with context.db.session() as session:
                return board.inquiries(
                    session, context.actor, scope=scope, kinds=kinds, limit=page, after=after
                )

        def done(cards: list[InquiryCard]) -> None:
            if generation != self._generation:
                return
            self._set_busy(False)
            self._now = self._clock()
            known = {card.id for card in self._rows}
            fresh = [card for card in cards if card.id not in known]
            if fresh:
                first = len(self._rows)
                self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
                self._rows.extend(fresh)
                self.endInsertRows()
            self._exhausted = len(cards) < page
            self.page_loaded.emit()
            self._after_read()

        self._set_busy(True)
        context.tasks.run(
            work, guarded(self, done), guarded(self, lambda error: self._on_failed(generation, error))
        )

    def _count(self) -> None:
        context, scope, kinds = self._context, self._scope, self._kinds
        generation = self._generation

        def work() -> int:
            with context.db.session() as session:
                return board.count_inquiries(session, context.actor, scope=scope, kinds=kinds)

        def done(total: int) -> None:
            if generation == self._generation and total != self._total:
                self._total = total
                self.total_changed.emit(total)

        context.tasks.run(
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
        from app.domain.errors import InflowError

        if isinstance(error, InflowError):
            self.failed.emit(str(error))
        else:
            log.error("reading the Inquiries column failed", exc_info=error)
            self.failed.emit(
                QCoreApplication.translate(
                    "InquiryListModel", "The inquiries could not be read (%1)."
                ).replace("%1", type(error).__name__)
            )
        if not count:
            self._after_read()

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    # -- texts --------------------------------------------------------------------------------

    @staticmethod
    def _badge(card: InquiryCard) -> str:
        if card.is_repeat:
            return words.tr(words.QUALITIES["repeat"])
        if card.quality.value in ("target", "non_target"):
            return words.quality_name(card.quality.value)
        return ""

    def _tooltip(self, card: InquiryCard) -> str:
        lines = [card.contact, card.first_line, f"{card.channel_name} · {words.local_time(card.received_at)}"]
        owner = card.responsible_name or card.role_name
        if owner:
            lines.append(
                QCoreApplication.translate("InquiryListModel", "Responsible: %1").replace("%1", owner)
            )
        if card.client_name:
            lines.append(
                QCoreApplication.translate("InquiryListModel", "Client: %1").replace("%1", card.client_name)
            )
        if card.overdue(self._now):
            lines.append(QCoreApplication.translate("InquiryListModel", "The first action is overdue."))
        return "\n".join(line for line in lines if line)


def _key(card: InquiryCard) -> int:
    return card.id
