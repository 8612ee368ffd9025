"""The conversations list: unanswered first (longest waiting on top), then by last message.

Threading: reads run on a pool thread through ``context.tasks`` (their own session, DTOs back);
the model changes only on the GUI thread. One read is in flight at a time: a refresh asked for
while a page loads runs right after it. A refresh re-reads the loaded window and applies the
difference (a conversation that got a new message moves with remove/insert, never a reset), so
the selection follows the conversation it was on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QDate,
    QDateTime,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from app.persistence.types import utcnow
from app.services import dialogs
from app.services.dialogs import ConversationDTO, ConversationPage
from ui.context import AppContext
from ui.dialogs.errors import sentence
from ui.my_sales import words
from ui.my_sales.row_models import OBJECT_ROLE, SORT_ROLE, guarded, sync_rows

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex
_CONTEXT = "ConversationListModel"


class ConversationRole(IntEnum):
    """Roles the conversation delegate paints from (besides Display: the user's name)."""

    OBJECT = OBJECT_ROLE
    SORT = SORT_ROLE
    WAITING = OBJECT_ROLE + 30  # "12 min" while unanswered, "" once answered; ticks with the clock
    UNANSWERED = OBJECT_ROLE + 31
    CHANNEL = OBJECT_ROLE + 32
    PREVIEW = OBJECT_ROLE + 33
    STATE = OBJECT_ROLE + 34  # the lead's state in words, "" without a lead
    STATE_CODE = OBJECT_ROLE + 35
    TIME = OBJECT_ROLE + 36  # when the last message came, short


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def _key(row: ConversationDTO) -> int:
    return row.id


def short_time(value: datetime | None) -> str:
    """A moment as a chat list shows it: the time for today, else the date and time ("" for none)."""
    if value is None:
        return ""
    moment = QDateTime.fromMSecsSinceEpoch(int(value.timestamp() * 1000))
    locale = QLocale()
    if moment.date() == QDate.currentDate():
        return locale.toString(moment.time(), QLocale.FormatType.ShortFormat)
    return locale.toString(moment, QLocale.FormatType.ShortFormat)


def preview_of(row: ConversationDTO) -> str:
    """The last message's first line, "You: …" when an operator wrote it."""
    text = " ".join((row.last_message_text or "").split())
    if row.last_message_direction is not None and row.last_message_direction.value == "out" and text:
        return _tr("You: %1").replace("%1", text)
    return text


class ConversationListModel(QAbstractListModel):
    """The conversations the user may see, a page at a time.

    Signals:
        totals_changed(int, int): conversations in all and how many wait for an answer.
        busy_changed(bool): a read started or ended.
        failed(str): a read failed; the sentence to show.
        refreshed(): a read (page or refresh) was applied.
    """

    totals_changed = Signal(int, int)
    busy_changed = Signal(bool)
    failed = Signal(str)
    refreshed = Signal()

    WAITING_TICK_MS = 15_000

    def __init__(
        self,
        context: AppContext,
        parent: QObject | None = None,
        *,
        page: int = dialogs.PAGE,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._rows: list[ConversationDTO] = []
        self._page = page
        self._clock = clock
        self._now = clock()
        self._channel_id: int | None = None
        self._unanswered_only = False
        self._generation = 0
        self._busy = False
        self._exhausted = False
        self._started = False
        self._refresh_pending = False
        self.total: int | None = None
        self.applying = False  # a refresh is being applied (rows move)
        self.unanswered: int | None = None
        self._tick = QTimer(self)
        self._tick.setInterval(self.WAITING_TICK_MS)
        self._tick.timeout.connect(self.tick)
        self._tick.start()

    # -- Qt model API -------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or index.column() != 0:
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return row.title
        if role == ConversationRole.OBJECT:
            return row
        if role == ConversationRole.SORT:
            # Unanswered first, longest waiting first; then the newest conversation first.
            if row.waiting_since is not None:
                return row.waiting_since.timestamp()
            moment = row.last_message_at or row.created_at
            return 1e11 - moment.timestamp()
        if role == ConversationRole.WAITING:
            waited = row.waiting(self._now)
            return "" if waited is None else words.age_text(waited.total_seconds())
        if role == ConversationRole.UNANSWERED:
            return row.unanswered
        if role == ConversationRole.CHANNEL:
            return row.channel_name
        if role == ConversationRole.PREVIEW:
            return preview_of(row)
        if role == ConversationRole.STATE:
            return words.state_name(row.lead_state.value) if row.lead_state is not None else ""
        if role == ConversationRole.STATE_CODE:
            return row.lead_state.value if row.lead_state is not None else ""
        if role == ConversationRole.TIME:
            return short_time(row.last_message_at)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._tooltip(row)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and self._started and not self._exhausted and not self._busy

    def fetchMore(self, parent: _Index) -> None:
        if self.canFetchMore(parent):
            self._read(offset=len(self._rows), limit=self._page, append=True)

    # -- public API ---------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """Whether a read is in flight."""
        return self._busy

    @property
    def started(self) -> bool:
        """Whether the first read was asked for."""
        return self._started

    def conversation(self, row: int) -> ConversationDTO:
        """The conversation on a row."""
        return self._rows[row]

    def conversations(self) -> list[ConversationDTO]:
        """The loaded conversations, in order."""
        return list(self._rows)

    def ids(self) -> list[int]:
        """The loaded conversation ids, in order."""
        return [row.id for row in self._rows]

    def row_of(self, conversation_id: int) -> int:
        """The row of a conversation, or -1 when it is not loaded."""
        return next((n for n, row in enumerate(self._rows) if row.id == conversation_id), -1)

    def set_filter(self, channel_id: int | None, unanswered_only: bool) -> None:
        """Show another channel or only the unanswered: a new list, so a reset is right here."""
        self._channel_id, self._unanswered_only = channel_id, unanswered_only
        self._generation += 1
        self._started = True
        self.beginResetModel()
        self._rows = []
        self._exhausted = False
        self.endResetModel()
        self._busy = False
        self._refresh_pending = False
        self._read(offset=0, limit=self._page, append=True)

    def start(self) -> None:
        """Read the first page."""
        if not self._started:
            self.set_filter(self._channel_id, self._unanswered_only)

    def refresh(self) -> None:
        """Re-read the loaded window (and room for newcomers) and apply the difference."""
        if not self._started:
            return
        if self._busy:
            self._refresh_pending = True
            return
        self._read(offset=0, limit=max(self._page, len(self._rows)), append=False)

    def tick(self) -> None:
        """The clock moved on: waiting times repaint; nothing else changes."""
        self._now = self._clock()
        if self._rows:
            self.dataChanged.emit(
                self.index(0), self.index(len(self._rows) - 1), [int(ConversationRole.WAITING)]
            )

    # -- reading ------------------------------------------------------------------------------

    def _read(self, *, offset: int, limit: int, append: bool) -> None:
        db, actor = self._context.db, self._context.actor
        channel_id, unanswered_only = self._channel_id, self._unanswered_only
        generation = self._generation

        def work() -> ConversationPage:
            with db.session() as session:
                return dialogs.list_conversations(
                    session,
                    actor,
                    channel_id=channel_id,
                    unanswered_only=unanswered_only,
                    offset=offset,
                    limit=limit,
                )

        def done(page: ConversationPage) -> None:
            if generation != self._generation:
                return
            self._set_busy(False)
            self._now = self._clock()
            rows = list(page.rows)
            if append:
                # Offsets shift when a conversation moves up meanwhile: never show one twice.
                known = set(self.ids())
                fresh = [row for row in rows if row.id not in known]
                if fresh:
                    first = len(self._rows)
                    self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
                    self._rows.extend(fresh)
                    self.endInsertRows()
            else:
                # While rows move, the view's cursor hops to a neighbour; the owner ignores that.
                self.applying = True
                try:
                    sync_rows(self, self._rows, rows, _key)
                finally:
                    self.applying = False
            self._exhausted = len(rows) < limit
            if (page.total, page.unanswered) != (self.total, self.unanswered):
                self.total, self.unanswered = page.total, page.unanswered
                self.totals_changed.emit(page.total, page.unanswered)
            self.refreshed.emit()
            if self._refresh_pending:
                self._refresh_pending = False
                self.refresh()

        def failed(error: BaseException) -> None:
            if generation != self._generation:
                return
            self._set_busy(False)
            self.failed.emit(sentence(error))

        self._set_busy(True)
        self._context.tasks.run(work, guarded(self, done), guarded(self, failed))

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

    def _tooltip(self, row: ConversationDTO) -> str:
        lines = [row.title, f"{row.channel_name} · {words.local_time(row.last_message_at)}"]
        if row.username and row.display_name:
            lines.insert(1, f"@{row.username}")
        if row.phone:
            lines.append(row.phone)
        if row.client_name:
            lines.append(_tr("Client: %1").replace("%1", row.client_name))
        if row.lead_id is not None and row.lead_state is not None:
            lines.append(
                _tr("Lead %1: %2")
                .replace("%1", str(row.lead_id))
                .replace("%2", words.state_name(row.lead_state.value))
            )
        waited = row.waiting(self._now)
        if waited is not None:
            lines.append(
                _tr("Waiting for an answer: %1").replace("%1", words.age_text(waited.total_seconds()))
            )
        return "\n".join(line for line in lines if line)
