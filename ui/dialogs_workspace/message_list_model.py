"""The chat thread of one conversation: messages oldest first, refreshed by difference.

Threading: reads run on a pool thread through ``context.tasks``; the model changes only on the GUI
thread. A refresh re-reads the newest messages (as many as are shown) and applies the difference,
so a reply going from "sending…" to "sent" (or "not sent") changes its row in place and a new
message is appended without a reset.
"""

from __future__ import annotations

import logging
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from app.domain.enums import MessageStatus
from app.persistence.types import utcnow
from app.services import dialogs
from app.services.dialogs import Attachment, MessageDTO
from ui.context import AppContext
from ui.dialogs.errors import sentence
from ui.dialogs_workspace.conversation_list_model import short_time
from ui.my_sales.row_models import OBJECT_ROLE, SORT_ROLE, guarded, sync_rows

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex
_CONTEXT = "MessageListModel"


class MessageRole(IntEnum):
    """Roles the bubble delegate paints from (besides Display: the text)."""

    OBJECT = OBJECT_ROLE
    SORT = SORT_ROLE
    INBOUND = OBJECT_ROLE + 40
    FOOTER = OBJECT_ROLE + 41  # "12:05 · Anna · sent"
    FAILED = OBJECT_ROLE + 42  # not sent: the bubble offers a retry
    ATTACHMENTS = OBJECT_ROLE + 43  # one line per file


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def _key(row: MessageDTO) -> int:
    return row.id


def attachment_text(attachment: Attachment) -> str:
    """A file as the bubble lists it: "📎 name · 12 KB"."""
    name = attachment.name or _tr("a %1").replace("%1", attachment.kind)
    size = f" · {QLocale().formattedDataSize(attachment.size)}" if attachment.size else ""
    return f"📎 {name}{size}"


def status_text(message: MessageDTO) -> str:
    """A reply's delivery in words ("" for an inbound message)."""
    if message.inbound:
        return ""
    if message.status is MessageStatus.SENT:
        return _tr("sent")
    if message.status is MessageStatus.FAILED:
        return _tr("not sent — retry")
    return _tr("sending…")


class MessageListModel(QAbstractListModel):
    """The messages of the conversation shown, oldest first.

    Signals:
        loaded(): the thread of a newly chosen conversation arrived.
        refreshed(): a refresh was applied.
        failed(str): a read failed; the sentence to show.
    """

    loaded = Signal()
    refreshed = Signal()
    failed = Signal(str)

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._rows: list[MessageDTO] = []
        self._conversation_id: int | None = None
        self._generation = 0
        self._busy = False
        self._refresh_pending = False

    # -- Qt model API -------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or index.column() != 0:
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return row.text or ""
        if role == MessageRole.OBJECT:
            return row
        if role == MessageRole.SORT:
            return row.id
        if role == MessageRole.INBOUND:
            return row.inbound
        if role == MessageRole.FOOTER:
            return self._footer(row)
        if role == MessageRole.FAILED:
            return row.can_retry(utcnow())
        if role == MessageRole.ATTACHMENTS:
            return "\n".join(attachment_text(attachment) for attachment in row.attachments)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            parts = [row.text or "", *(attachment_text(a) for a in row.attachments), self._footer(row)]
            if row.error:
                parts.append(row.error)
            return "\n".join(part for part in parts if part)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # -- public API ---------------------------------------------------------------------------

    @property
    def conversation_id(self) -> int | None:
        """The conversation shown (None: none chosen)."""
        return self._conversation_id

    @property
    def busy(self) -> bool:
        """Whether a read is in flight."""
        return self._busy

    def message(self, row: int) -> MessageDTO:
        """The message on a row."""
        return self._rows[row]

    def messages(self) -> list[MessageDTO]:
        """The messages shown, oldest first."""
        return list(self._rows)

    def show_conversation(self, conversation_id: int | None) -> None:
        """Show another conversation's thread: a new list, so a reset is right here."""
        self._conversation_id = conversation_id
        self._generation += 1
        self.beginResetModel()
        self._rows = []
        self.endResetModel()
        self._busy = False
        self._refresh_pending = False
        if conversation_id is not None:
            self._read(initial=True)

    def refresh(self) -> None:
        """Re-read the newest messages and apply the difference."""
        if self._conversation_id is None:
            return
        if self._busy:
            self._refresh_pending = True
            return
        self._read(initial=False)

    def _read(self, *, initial: bool) -> None:
        db, actor, conversation_id = self._context.db, self._context.actor, self._conversation_id
        assert conversation_id is not None
        limit = max(dialogs.MESSAGES_PAGE, len(self._rows) + 50)
        generation = self._generation

        def work() -> list[MessageDTO]:
            with db.session() as session:
                return dialogs.conversation_messages(session, actor, conversation_id, limit=limit)

        def done(rows: list[MessageDTO]) -> None:
            if generation != self._generation:
                return
            self._busy = False
            sync_rows(self, self._rows, rows, _key)
            (self.loaded if initial else self.refreshed).emit()
            if self._refresh_pending:
                self._refresh_pending = False
                self.refresh()

        def failed(error: BaseException) -> None:
            if generation != self._generation:
                return
            self._busy = False
            self.failed.emit(sentence(error))

        self._busy = True
        self._context.tasks.run(work, guarded(self, done), guarded(self, failed))

    @staticmethod
    def _footer(row: MessageDTO) -> str:
        moment = short_time(row.sent_at)
        parts = [moment]
        if not row.inbound:
            if row.user_name:
                parts.append(row.user_name)
            parts.append(status_text(row))
        return " · ".join(part for part in parts if part)
