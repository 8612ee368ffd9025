"""Create a task from a letter: what to do, by when, who does it; the letter is attached to the task.

Writes through ``context.tasks`` (``write=True``) and closes once the task is stored; a refusal is
said under the fields and nothing typed is lost.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import shiboken6
from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.services.catalogs import users
from app.services.dto import UserDTO
from ui.context import AppContext
from ui.dialogs.errors import ErrorLabel
from ui.mail import service
from ui.mail.quoting import bare_subject
from ui.mail.shapes import Letter, TaskDraft
from ui.mail.words import mail_sentence


class LetterTaskDialog(QDialog):
    """A task with the letter attached.

    Signals:
        created(object): the task was stored (the service's result).
    """

    created = Signal(object)

    def __init__(self, context: AppContext, letter: Letter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.letter = letter
        self.saving = False
        self.setObjectName("letter_task_dialog")
        self.setWindowTitle(self.tr("Task from a letter"))
        self.title_edit = QLineEdit(
            self.tr("Answer: %1").replace("%1", bare_subject(letter.subject) or letter.sender.short())
        )
        self.title_edit.setObjectName("task_title")
        self.title_edit.setAccessibleName(self.tr("Task"))
        self.due_edit = QDateTimeEdit(QDateTime.currentDateTime().addSecs(24 * 3600))
        self.due_edit.setObjectName("task_due")
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setAccessibleName(self.tr("Due"))
        self.assignee_combo = QComboBox()
        self.assignee_combo.setObjectName("task_assignee")
        self.assignee_combo.setAccessibleName(self.tr("Assignee"))
        self.assignee_combo.addItem(context.user.full_name, context.user.id)
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setObjectName("task_comment")
        self.comment_edit.setTabChangesFocus(True)
        self.comment_edit.setFixedHeight(self.comment_edit.fontMetrics().lineSpacing() * 4 + 12)
        self.error = ErrorLabel()
        form = QFormLayout()
        form.addRow(self.tr("&Task:"), self.title_edit)
        form.addRow(self.tr("&Due:"), self.due_edit)
        form.addRow(self.tr("&Assignee:"), self.assignee_combo)
        form.addRow(self.tr("&Comment:"), self.comment_edit)
        form.addRow(self.tr("Letter:"), QLineEdit(letter.subject, readOnly=True))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Create task"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self._load_users()

    def _load_users(self) -> None:
        db = self.context.db

        def work() -> list[UserDTO]:
            with db.session() as session:
                return [u for u in users(session) if u.active]

        def done(found: list[UserDTO]) -> None:
            if not shiboken6.isValid(self):
                return
            for user in found:
                if self.assignee_combo.findData(user.id) < 0:
                    self.assignee_combo.addItem(user.full_name, user.id)

        self.context.tasks.run(work, done, lambda _error: None)

    def draft(self) -> TaskDraft | None:
        """The task as typed, or None with the reason shown."""
        title = self.title_edit.text().strip()
        if not title:
            self.error.show_error(self.tr("Say what is to be done."))
            self.title_edit.setFocus()
            return None
        due = self.due_edit.dateTime().toPython()
        due_at = due.astimezone(UTC) if due.tzinfo else due.astimezone().astimezone(UTC)
        if due_at < datetime.now(UTC) - timedelta(minutes=1):
            self.error.show_error(self.tr("The due time has passed already."))
            return None
        return TaskDraft(
            letter_id=self.letter.id,
            title=title,
            due_at=due_at,
            assignee_id=int(self.assignee_combo.currentData()),
            comment=self.comment_edit.toPlainText().strip(),
        )

    def save(self) -> None:
        """Store the task; close when stored, stay open with the reason when refused."""
        if self.saving:
            return
        draft = self.draft()
        if draft is None:
            return
        self.saving = True
        self.ok_button.setEnabled(False)
        db, actor = self.context.db, self.context.actor

        def work() -> object:
            return service.create_task(db, actor, draft)

        def done(result: object) -> None:
            if shiboken6.isValid(self):
                self.saving = False
                self.created.emit(result)
                self.accept()

        def failed(error: BaseException) -> None:
            if shiboken6.isValid(self):
                self.saving = False
                self.ok_button.setEnabled(True)
                self.error.show_error(mail_sentence(error))

        self.context.tasks.run(work, done, failed, write=True)
