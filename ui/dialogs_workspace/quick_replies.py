"""The company's quick replies: the editor (administrators) of the list offered under the reply box."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QStringListModel, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services import dialogs
from ui.context import AppContext
from ui.dialogs.errors import ErrorLabel, sentence
from ui.my_sales.row_models import guarded


class QuickRepliesDialog(QDialog):
    """Add, edit (F2 or double click), reorder and remove quick replies; Save stores the list.

    Signals:
        saved(object): the stored list (tuple of str).
    """

    saved = Signal(object)

    def __init__(self, context: AppContext, replies: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quick_replies_dialog")
        self.setWindowTitle(self.tr("Quick replies"))
        self.context = context
        self.model = QStringListModel(list(replies), self)
        self.view = QListView()
        self.view.setObjectName("quick_replies_list")
        self.view.setModel(self.model)
        self.view.setAccessibleName(self.tr("Quick replies"))
        self.view.setWordWrap(True)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        hint = QLabel(
            self.tr(
                "Operators insert these answers into the reply box with one click. "
                "Double-click or press F2 to change one."
            )
        )
        hint.setWordWrap(True)

        self.add_button = QPushButton(self.tr("&Add"))
        self.add_button.setShortcut(QKeySequence("Ctrl+N"))
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton(self.tr("&Remove"))
        self.remove_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.remove_button.clicked.connect(self.remove)
        self.up_button = QPushButton(self.tr("&Up"))
        self.up_button.setShortcut(QKeySequence("Ctrl+Up"))
        self.up_button.clicked.connect(lambda: self.move_reply(-1))
        self.down_button = QPushButton(self.tr("Do&wn"))
        self.down_button.setShortcut(QKeySequence("Ctrl+Down"))
        self.down_button.clicked.connect(lambda: self.move_reply(1))
        side = QVBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            side.addWidget(button)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.view, 1)
        row.addLayout(side)

        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(row, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(560, 400)

    def replies(self) -> list[str]:
        """The list as edited."""
        return list(self.model.stringList())

    def add(self) -> None:
        """A new empty reply at the end, ready for typing."""
        row = self.model.rowCount()
        self.model.insertRows(row, 1)
        index = self.model.index(row)
        self.view.setCurrentIndex(index)
        self.view.edit(index)

    def remove(self) -> None:
        """Remove the selected reply."""
        index = self.view.currentIndex()
        if index.isValid():
            self.model.removeRows(index.row(), 1)

    def move_reply(self, step: int) -> None:
        """Move the selected reply up (-1) or down (+1)."""
        index = self.view.currentIndex()
        if not index.isValid():
            return
        target = index.row() + step
        if not 0 <= target < self.model.rowCount():
            return
        # moveRows' destination is the row *before which* the moved row lands.
        destination = target + 1 if step > 0 else target
        self.model.moveRows(QModelIndex(), index.row(), 1, QModelIndex(), destination)
        self.view.setCurrentIndex(self.model.index(target))

    def accept(self) -> None:
        """Store the list; the dialog closes once it is stored (or says why not)."""
        replies = self.replies()
        self.buttons.setEnabled(False)
        self.error.clear_error()
        db, actor = self.context.db, self.context.actor

        def work() -> tuple[str, ...]:
            with db.uow() as uow:
                return dialogs.set_quick_replies(uow, actor, replies)

        def done(stored: tuple[str, ...]) -> None:
            self.saved.emit(stored)
            super(QuickRepliesDialog, self).accept()

        def failed(error: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.error.show_error(sentence(error))

        self.context.tasks.run(work, guarded(self, done), guarded(self, failed), write=True)
