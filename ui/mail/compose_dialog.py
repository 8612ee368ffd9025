"""Writing a letter: new, reply, reply-all or forward, sent over the mailbox's SMTP.

The body is plain text. The mailbox's signature is put in when the dialog opens (above the quoted
original, so the writer types over it); a forward keeps the original's files (each can be left
out). Sending runs on the write pool; the dialog closes only once the letter went out — a refused
send says why in a sentence under the fields and leaves everything typed where it was.
"""

from __future__ import annotations

import logging
from email.utils import getaddresses
from pathlib import Path

import shiboken6
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.dialogs.errors import ErrorLabel
from ui.mail import service
from ui.mail.quoting import initial_body, recipients, reply_subject
from ui.mail.shapes import ComposeMode, Draft, Letter, Mailbox, OutgoingFile
from ui.mail.words import file_size, mail_sentence

log = logging.getLogger(__name__)

FILE_ROLE = int(Qt.ItemDataRole.UserRole) + 1  # the OutgoingFile of a row


def split_addresses(text: str) -> tuple[list[str], list[str]]:
    """Addresses typed in a field (comma or semicolon separated) and the pieces that are not addresses."""
    good: list[str] = []
    bad: list[str] = []
    for piece in text.replace(";", ",").split(","):
        piece = piece.strip()
        if not piece:
            continue
        parsed = getaddresses([piece])
        name, address = parsed[0] if parsed else ("", "")
        local, _, domain = address.rpartition("@")
        if len(parsed) != 1 or not local or "." not in domain or " " in address:
            bad.append(piece)
        else:
            good.append(piece if name else address)
    return good, bad


class ComposeDialog(QDialog):
    """A non-modal letter editor.

    Signals:
        sent(object): the letter went out (the service's result); the dialog then closes.
        failed(str): the send was refused (the sentence is also shown in the dialog).
    """

    sent = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        context: AppContext,
        mailboxes: list[Mailbox],
        mode: ComposeMode = ComposeMode.NEW,
        original: Letter | None = None,
        parent: QWidget | None = None,
        *,
        mailbox_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.mode = mode
        self.original = original
        self.sending = False
        self._mailboxes = list(mailboxes)
        self.setObjectName("compose_dialog")
        self.setModal(False)
        titles = {
            ComposeMode.NEW: self.tr("New letter"),
            ComposeMode.REPLY: self.tr("Reply"),
            ComposeMode.REPLY_ALL: self.tr("Reply to all"),
            ComposeMode.FORWARD: self.tr("Forward"),
        }
        self.setWindowTitle(titles[mode])

        self.from_combo = QComboBox()
        self.from_combo.setAccessibleName(self.tr("From"))
        for mailbox in self._mailboxes:
            shown = f"{mailbox.name} <{mailbox.address}>" if mailbox.address else mailbox.name
            self.from_combo.addItem(shown, mailbox.id)
        wanted = original.mailbox_id if original is not None else mailbox_id
        if wanted is not None and self.from_combo.findData(wanted) >= 0:
            self.from_combo.setCurrentIndex(self.from_combo.findData(wanted))
        # An answer goes out of the mailbox the letter came to (its thread lives there).
        self.from_combo.setEnabled(original is None or mode is ComposeMode.NEW)
        self.to_edit = QLineEdit()
        self.to_edit.setObjectName("compose_to")
        self.to_edit.setAccessibleName(self.tr("To"))
        self.to_edit.setPlaceholderText(self.tr("Addresses separated by commas"))
        self.cc_edit = QLineEdit()
        self.cc_edit.setObjectName("compose_cc")
        self.cc_edit.setAccessibleName(self.tr("Cc"))
        self.subject_edit = QLineEdit()
        self.subject_edit.setObjectName("compose_subject")
        self.subject_edit.setAccessibleName(self.tr("Subject"))
        self.body_edit = QPlainTextEdit()
        self.body_edit.setObjectName("compose_body")
        self.body_edit.setAccessibleName(self.tr("Letter"))
        self.body_edit.setTabChangesFocus(True)
        self.body_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)

        self.files_model = QStandardItemModel(self)
        self.files_view = QListView()
        self.files_view.setObjectName("compose_files")
        self.files_view.setAccessibleName(self.tr("Attached files"))
        self.files_view.setModel(self.files_model)
        self.files_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.files_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.files_view.setMaximumHeight(self.files_view.fontMetrics().lineSpacing() * 3 + 8)
        self.attach_button = QPushButton(self.tr("&Attach…"))
        self.attach_button.clicked.connect(self.choose_files)
        self.remove_button = QPushButton(self.tr("Re&move"))
        self.remove_button.clicked.connect(self.remove_selected_files)
        self.remove_button.setEnabled(False)
        self.files_view.selectionModel().selectionChanged.connect(
            lambda *_: self.remove_button.setEnabled(self.files_view.selectionModel().hasSelection())
        )
        files_buttons = QVBoxLayout()
        files_buttons.addWidget(self.attach_button)
        files_buttons.addWidget(self.remove_button)
        files_buttons.addStretch(1)
        files_row = QHBoxLayout()
        files_row.addWidget(self.files_view, 1)
        files_row.addLayout(files_buttons)
        # A forward carries the whole original letter (message/rfc822) with its files.
        self.forward_label = QLabel()
        self.forward_label.setObjectName("compose_forwarded")
        self.forward_label.setWordWrap(True)
        self.forward_label.setTextFormat(Qt.TextFormat.PlainText)
        self.forward_label.hide()

        form = QFormLayout()
        form.addRow(self.tr("&From:"), self.from_combo)
        form.addRow(self.tr("&To:"), self.to_edit)
        form.addRow(self.tr("&Cc:"), self.cc_edit)
        form.addRow(self.tr("&Subject:"), self.subject_edit)
        form.addRow(self.tr("Files:"), files_row)
        form.addRow("", self.forward_label)
        for field in (self.from_combo, self.to_edit, self.cc_edit, self.subject_edit):
            label = form.labelForField(field)
            if isinstance(label, QLabel):
                label.setBuddy(field)

        self.error = ErrorLabel()
        self.error.setObjectName("compose_error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send_button = QPushButton(self.tr("&Send"))
        self.send_button.setObjectName("compose_send")
        self.send_button.setToolTip(self.tr("Send the letter (Ctrl+Enter)"))
        self.buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.clicked.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.send)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.body_edit, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(760, 620)
        self.from_combo.currentIndexChanged.connect(self._on_from_combo_changed)
        self._signature = ""
        self._fill()

    # -- starting -----------------------------------------------------------------------------

    def mailbox(self) -> Mailbox | None:
        """The mailbox the letter goes out of."""
        mailbox_id = self.from_combo.currentData()
        return next((m for m in self._mailboxes if m.id == mailbox_id), None)

    def _fill(self) -> None:
        mailbox = self.mailbox()
        own = mailbox.address if mailbox is not None else ""
        self._signature = mailbox.signature if mailbox is not None else ""
        original, mode = self.original, self.mode
        if original is not None:
            to, cc = recipients(original, mode, own)
            self.to_edit.setText(", ".join(to))
            self.cc_edit.setText(", ".join(cc))
            self.subject_edit.setText(reply_subject(original.subject, mode))
            if mode is ComposeMode.FORWARD:
                names = ", ".join(part.filename for part in original.files)
                text = self.tr("The original letter goes along as an attachment, with its files")
                self.forward_label.setText(f"{text}: {names}" if names else text + ".")
                self.forward_label.show()
        body, _cursor = initial_body(original, mode, self._signature)
        self.body_edit.setPlainText(body)
        cursor = self.body_edit.textCursor()
        cursor.setPosition(0)
        self.body_edit.setTextCursor(cursor)
        (self.body_edit if self.to_edit.text() else self.to_edit).setFocus()

    def _on_from_combo_changed(self, _index: int) -> None:
        # Another mailbox of a new letter: its signature replaces the old one if it was untouched.
        mailbox = self.mailbox()
        new = mailbox.signature if mailbox is not None else ""
        text = self.body_edit.toPlainText()
        if self._signature.strip() and self._signature.strip("\n") in text:
            text = text.replace(self._signature.strip("\n"), new.strip("\n"), 1)
        elif new.strip():
            text = initial_body(None, ComposeMode.NEW, new)[0] + text.lstrip("\n")
        self.body_edit.setPlainText(text)
        self._signature = new

    # -- files --------------------------------------------------------------------------------

    def choose_files(self) -> None:
        """Ask for files to attach."""
        paths, _filter = QFileDialog.getOpenFileNames(self, self.tr("Attach files"))
        self.attach_files([Path(p) for p in paths])

    def attach_files(self, paths: list[Path]) -> None:
        """Attach these files (their size is shown; the bytes are read when the letter is sent)."""
        for path in paths:
            try:
                size = path.stat().st_size
            except OSError as error:
                reason = error.strerror or type(error).__name__
                self.error.show_error(
                    self.tr("Cannot attach %1: %2").replace("%1", path.name).replace("%2", reason)
                )
                continue
            item = QStandardItem(f"{path.name} ({file_size(size)})")
            item.setData(OutgoingFile(str(path), path.name, size), FILE_ROLE)
            item.setToolTip(str(path))
            self.files_model.appendRow(item)

    def remove_selected_files(self) -> None:
        """Take the selected files off the letter."""
        chosen = self.files_view.selectionModel().selectedRows()
        rows = sorted({index.row() for index in chosen}, reverse=True)
        for row in rows:
            self.files_model.removeRow(row, QModelIndex())

    def attached(self) -> tuple[OutgoingFile, ...]:
        """The files attached from disk."""
        files: list[OutgoingFile] = []
        for row in range(self.files_model.rowCount()):
            value = self.files_model.item(row).data(FILE_ROLE)
            if isinstance(value, OutgoingFile):
                files.append(value)
        return tuple(files)

    # -- sending ------------------------------------------------------------------------------

    def draft(self) -> Draft | None:
        """The letter as typed, or None with the reason shown next to the fields."""
        mailbox = self.mailbox()
        if mailbox is None:
            self.error.show_error(self.tr("Choose the mailbox the letter goes out of."))
            return None
        to, bad_to = split_addresses(self.to_edit.text())
        cc, bad_cc = split_addresses(self.cc_edit.text())
        if bad_to or bad_cc:
            self.error.show_error(
                self.tr("This is not an e-mail address: %1").replace("%1", ", ".join(bad_to + bad_cc))
            )
            (self.to_edit if bad_to else self.cc_edit).setFocus()
            return None
        if not to:
            self.error.show_error(self.tr("Whom is the letter to? Type an address in To."))
            self.to_edit.setFocus()
            return None
        files = self.attached()
        return Draft(
            mailbox_id=mailbox.id,
            mode=self.mode,
            to=tuple(to),
            cc=tuple(cc),
            subject=self.subject_edit.text().strip(),
            body=self.body_edit.toPlainText(),
            files=files,
            original_id=self.original.id if self.original is not None else None,
        )

    def send(self) -> None:
        """Send the letter on the write pool; close once it went out, stay open when refused."""
        if self.sending:
            return
        draft = self.draft()
        if draft is None:
            return
        self.error.clear_error()
        self.sending = True
        self._set_busy(True)
        db, actor = self.context.db, self.context.actor

        def work() -> object:
            return service.send(db, actor, draft)

        self.context.tasks.run(work, self._guard_done, self._guard_failed, write=True)

    def _guard_done(self, result: object) -> None:
        if shiboken6.isValid(self):
            self.sending = False
            self._set_busy(False)
            self.sent.emit(result)
            self.accept()

    def _guard_failed(self, error: BaseException) -> None:
        if not shiboken6.isValid(self):
            log.warning("a letter could not be sent after its window closed: %s", error)
            return
        self.sending = False
        self._set_busy(False)
        text = mail_sentence(error)
        self.error.show_error(self.tr("The letter was not sent: %1").replace("%1", text))
        self.failed.emit(text)

    def _set_busy(self, busy: bool) -> None:
        self.send_button.setEnabled(not busy)
        self.send_button.setText(self.tr("Sending…") if busy else self.tr("&Send"))
        for widget in (self.to_edit, self.cc_edit, self.subject_edit, self.attach_button):
            widget.setEnabled(not busy)
        self.body_edit.setReadOnly(busy)

    def reject(self) -> None:
        """Cancel; while the letter is being sent the dialog stays (its result must be seen)."""
        if self.sending:
            return
        super().reject()
