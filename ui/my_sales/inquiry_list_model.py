"""The Inquiries column's model: unprocessed leads oldest first, fetched lazily, refreshed by diff.

Threading: every read runs on a pool thread through ``context.tasks`` (its own session, DTOs back);
the model changes only on the GUI thread, in the callbacks. One read is in flight at a time: a
refresh asked for while a page loads runs right after it, so pages and refreshes never interleave.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import fields
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

from app.domain.enums import ChannelKind, LeadQuality, LeadState
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


# A card as the model keeps it: a plain tuple of atomic values (ints, strings, datetimes, None) in
# the field order of InquiryCard, enums as their values. CPython's garbage collector stops tracking
# such tuples, so 100,000 loaded cards do not lengthen every full collection: with the DTOs kept
# as they are, each full collection at 60,000 cards blocked the GUI thread ~200 ms (measured).
_NAMES = tuple(field.name for field in fields(InquiryCard))
_ENUMS: dict[str, type[Any]] = {"kind": ChannelKind, "state": LeadState, "quality": LeadQuality}
_AT = {name: position for position, name in enumerate(_NAMES)}
_ID, _VERSION, _KIND = _AT["id"], _AT["version"], _AT["kind"]
_CHANNEL, _CONTACT, _FIRST_LINE = _AT["channel_name"], _AT["contact"], _AT["first_line"]
_RECEIVED, _SLA, _QUALITY, _REPEAT = _AT["received_at"], _AT["sla_due_at"], _AT["quality"], _AT["is_repeat"]
_CLIENT, _OWNER, _ROLE = _AT["client_name"], _AT["responsible_name"], _AT["role_name"]

Row = tuple[Any, ...]


# Names repeated on thousands of cards (a channel, a manager, a role) are kept once.
_SHARED = frozenset({"channel_name", "responsible_name", "role_name", "client_name"})


def pack(card: InquiryCard) -> Row:
    """The model's compact, garbage-collector-friendly form of a card."""
    values: list[Any] = []
    for name in _NAMES:
        value = getattr(card, name)
        if name in _ENUMS:
            value = value.value
        elif name in _SHARED and value is not None:
            value = sys.intern(value)
        values.append(value)
    return tuple(values)


def unpack(row: Row) -> InquiryCard:
    """The card DTO of a packed row."""
    return InquiryCard(
        **{
            name: _ENUMS[name](value) if name in _ENUMS else value
            for name, value in zip(_NAMES, row, strict=True)
        }
    )


def _cursor(row: Row) -> board.InquiryCursor:
    return board.InquiryCursor(row[_RECEIVED], row[_ID])


def _key(row: Row) -> int:
    return int(row[_ID])


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
        self._rows: list[Row] = []
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
        self._refresh_full = False
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
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return row[_CONTACT] or QCoreApplication.translate("InquiryListModel", "(no contact)")
        if role == InquiryRole.OBJECT:
            return unpack(row)
        if role == InquiryRole.SORT:
            return row[_RECEIVED].timestamp()
        if role == InquiryRole.KIND:
            return row[_KIND]
        if role == InquiryRole.FIRST_LINE:
            return row[_FIRST_LINE]
        if role == InquiryRole.AGE:
            return words.age_text((self._now - row[_RECEIVED]).total_seconds())
        if role == InquiryRole.OVERDUE:
            return self._overdue(row)
        if role == InquiryRole.BADGE:
            return self._badge(row)
        if role == InquiryRole.DETAILS:
            owner = row[_OWNER] or row[_ROLE] or ""
            return " · ".join(part for part in (row[_CHANNEL], owner) if part)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._tooltip(row)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    def mimeTypes(self) -> list[str]:
        return [LEAD_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData | None:
        rows = [self._rows[i.row()] for i in indexes if i.isValid() and 0 <= i.row() < len(self._rows)]
        return encode_lead(unpack(rows[0])) if rows else None

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
        after = _cursor(self._rows[-1]) if self._rows else None
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
        return unpack(self._rows[row])

    def cards(self) -> list[InquiryCard]:
        """The loaded cards, in order."""
        return [unpack(row) for row in self._rows]

    def ids(self) -> list[int]:
        """The loaded lead ids, in order."""
        return [row[_ID] for row in self._rows]

    def row_of(self, lead_id: int) -> int:
        """The row of a lead, or -1 when it is not loaded."""
        return next((position for position, row in enumerate(self._rows) if row[_ID] == lead_id), -1)

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
        if self._total is not None:
            self._total = None  # until the new filter is counted, the header shows no number
            self.total_changed.emit(-1)
        self._read_page(None)
        self._count()

    def refresh(self, *, full: bool = False) -> None:
        """Re-read the loaded range and apply the difference (rows in place, selection kept).

        A short column is read whole. A long one is read as (id, version) pairs and only the
        cards that are new or changed come back in full; ``full`` reads everything (F5).
        """
        if not self._started:
            return
        if self._busy:
            self._refresh_pending = True
            self._refresh_full = self._refresh_full or full
            return
        context, scope, kinds = self._context, self._scope, self._kinds
        generation = self._generation
        if self._exhausted or not self._rows:
            # Everything is loaded: newcomers (at the end) belong in the column too.
            limit: int | None = len(self._rows) + self._page
            until = None
        else:
            # Only the loaded window: what lies beyond it comes with the next fetchMore.
            limit, until = None, _cursor(self._rows[-1])
        snapshot = list(self._rows)  # tuples of atomic values: safe to read on the pool thread
        whole = full or len(snapshot) <= 2 * self._page

        # The pool thread gets the database and the actor, never the context (it owns Qt objects).
        db, actor = context.db, context.actor

        def work() -> tuple[list[Row], int]:
            known = {} if whole else {row[_ID]: row[_VERSION] for row in snapshot}
            with db.session() as session:
                order, cards = board.refresh_inquiries(
                    session, actor, scope=scope, kinds=kinds, known=known, limit=limit, until=until
                )
            fresh = {card.id: pack(card) for card in cards}
            old = {row[_ID]: row for row in snapshot}
            return [fresh.get(lead_id) or old[lead_id] for lead_id in order], len(order)

        def done(result: tuple[list[Row], int]) -> None:
            if generation != self._generation:
                return
            rows, read = result
            self._set_busy(False)
            self._now = self._clock()
            sync_rows(self, self._rows, rows, _key)
            if limit is not None:
                self._exhausted = read < limit
            self.refreshed.emit()
            self._after_read()

        self._refresh_full = False
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

        # The pool thread gets the database and the actor, never the context (it owns Qt objects).
        db, actor = context.db, context.actor

        def work() -> list[Row]:
            with db.session() as session:
                cards = board.inquiries(session, actor, scope=scope, kinds=kinds, limit=page, after=after)
            return [pack(card) for card in cards]

        def done(rows: list[Row]) -> None:
            if generation != self._generation:
                return
            self._set_busy(False)
            self._now = self._clock()
            # A refresh may have brought some of them already (they arrived while we read).
            tail = {row[_ID] for row in self._rows[-len(rows) :]} if rows else set()
            fresh = [row for row in rows if row[_ID] not in tail]
            if fresh:
                first = len(self._rows)
                self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
                self._rows.extend(fresh)
                self.endInsertRows()
            self._exhausted = len(rows) < page
            self.page_loaded.emit()
            self._after_read()

        self._set_busy(True)
        context.tasks.run(
            work, guarded(self, done), guarded(self, lambda error: self._on_failed(generation, error))
        )

    def _count(self) -> None:
        context, scope, kinds = self._context, self._scope, self._kinds
        generation = self._generation

        # The pool thread gets the database and the actor, never the context (it owns Qt objects).
        db, actor = context.db, context.actor

        def work() -> int:
            with db.session() as session:
                return board.count_inquiries(session, actor, scope=scope, kinds=kinds)

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
            self.refresh(full=self._refresh_full)

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

    def _overdue(self, row: Row) -> bool:
        return row[_SLA] is not None and self._now > row[_SLA]

    @staticmethod
    def _badge(row: Row) -> str:
        if row[_REPEAT]:
            return words.tr(words.QUALITIES["repeat"])
        if row[_QUALITY] in ("target", "non_target"):
            return words.quality_name(row[_QUALITY])
        return ""

    def _tooltip(self, row: Row) -> str:
        lines = [row[_CONTACT], row[_FIRST_LINE], f"{row[_CHANNEL]} · {words.local_time(row[_RECEIVED])}"]
        owner = row[_OWNER] or row[_ROLE]
        if owner:
            lines.append(
                QCoreApplication.translate("InquiryListModel", "Responsible: %1").replace("%1", owner)
            )
        if row[_CLIENT]:
            lines.append(
                QCoreApplication.translate("InquiryListModel", "Client: %1").replace("%1", row[_CLIENT])
            )
        if self._overdue(row):
            lines.append(QCoreApplication.translate("InquiryListModel", "The first action is overdue."))
        return "\n".join(line for line in lines if line)
