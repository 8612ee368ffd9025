"""The mailbox and folder tree with unread counts, updated in place (never reset) on every refresh."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QObject
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel

from ui.icons import icon
from ui.mail import words
from ui.mail.shapes import Folder, Mailbox
from ui.my_sales.row_models import OBJECT_ROLE

KEY_ROLE = OBJECT_ROLE + 20  # ("mailbox", id) or ("folder", id)
UNREAD_ROLE = OBJECT_ROLE + 21

# Well-known folders first, in the order mail programs show them; the rest by name.
_ORDER = {"inbox": 0, "drafts": 1, "sent": 2, "archive": 3, "junk": 4, "trash": 5}


def _sorted_folders(folders: Sequence[Folder]) -> list[Folder]:
    return sorted(folders, key=lambda f: (_ORDER.get(f.role, 10), f.name.lower()))


class MailFolderModel(QStandardItemModel):
    """Mailboxes at the top level, their folders below; "Inbox (3)" in bold while letters are unread.

    :meth:`set_mailboxes` changes only the items whose text or counts changed, inserts new ones
    and removes gone ones, so the selected folder and expanded branches stay as they were.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setHorizontalHeaderLabels([words.tr("Mailboxes")])
        self._items: dict[tuple[str, int], QStandardItem] = {}

    def set_mailboxes(self, mailboxes: Sequence[Mailbox]) -> None:
        """Show these mailboxes and folders (by difference)."""
        root = self.invisibleRootItem()
        self._sync_children(root, [("mailbox", m.id, m) for m in mailboxes])
        for mailbox in mailboxes:
            item = self._items[("mailbox", mailbox.id)]
            self._sync_children(item, [("folder", f.id, f) for f in _sorted_folders(mailbox.folders)])

    def _sync_children(self, parent: QStandardItem, wanted: list[tuple[str, int, Any]]) -> None:
        keys = [(kind, key) for kind, key, _value in wanted]
        # Gone children first (from the bottom, so row numbers stay right).
        for row in range(parent.rowCount() - 1, -1, -1):
            child = parent.child(row)
            if child.data(KEY_ROLE) not in keys:
                self._forget(child)
                parent.removeRow(row)
        for position, (kind, key, value) in enumerate(wanted):
            item = self._items.get((kind, key))
            if item is None:  # (ids are unique per kind; a folder never moves to another mailbox)
                item = QStandardItem()
                item.setEditable(False)
                item.setData((kind, key), KEY_ROLE)
                self._items[(kind, key)] = item
                self._fill(item, value)
                parent.insertRow(position, item)
                continue
            current = item.row()
            if current != position:
                taken = parent.takeRow(current)
                parent.insertRow(position, taken)
            self._fill(item, value)

    def _forget(self, item: QStandardItem) -> None:
        for row in range(item.rowCount()):
            self._forget(item.child(row))
        self._items.pop(item.data(KEY_ROLE), None)

    def _fill(self, item: QStandardItem, value: Mailbox | Folder) -> None:
        """Set text, font, icon and data only where they differ (each set emits dataChanged)."""
        if isinstance(value, Mailbox):
            name = value.name
            unread = value.unread
            tooltip = value.address
            icon_name = "mail"
        else:
            name = words.folder_name(value.name, value.role)
            unread = value.unread
            tooltip = (
                words.tr("%1: %2 letters, %3 unread")
                .replace("%1", value.name)
                .replace("%2", str(value.total))
                .replace("%3", str(value.unread))
            )
            icon_name = ""
        text = f"{name} ({unread})" if unread else name
        if item.text() != text:
            item.setText(text)
        if item.data(UNREAD_ROLE) != unread:
            item.setData(unread, UNREAD_ROLE)
            font = QFont(item.font())
            font.setBold(unread > 0)
            item.setFont(font)
        if item.toolTip() != tooltip:
            item.setToolTip(tooltip)
        if item.data(OBJECT_ROLE) != value:
            item.setData(value, OBJECT_ROLE)
        if icon_name and item.icon().isNull():
            item.setIcon(icon(icon_name))

    def index_of(self, kind: str, key: int) -> QModelIndex:
        """The index of a mailbox or folder, or an invalid index."""
        item = self._items.get((kind, key))
        return item.index() if item is not None else QModelIndex()

    def value(self, index: QModelIndex) -> Mailbox | Folder | None:
        """The mailbox or folder on an index."""
        if not index.isValid():
            return None
        value = index.data(OBJECT_ROLE)
        return value if isinstance(value, Mailbox | Folder) else None
