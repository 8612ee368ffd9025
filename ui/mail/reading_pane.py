"""The reading pane: a letter's header, its body shown safely, its files to save or open.

Names and subjects are shown as plain text (a sender called "<b>Boss</b>" is shown as typed);
the body goes through :class:`SafeTextBrowser` (HTML without remote content or scripts, plain text
as text). A link is opened only after the reader saw its address and said yes. Files are saved
by the mail service on a pool thread; "Open" saves into a private temporary folder first and then
hands the file to the system.

Signals:
    letter_shown(int): a letter's body is on screen (its id) — tests and the bench.
    inline_shown(int): the letter's own pictures (``cid:``) arrived and are shown too.
    failed(str): saving or opening a file failed, in words (also shown in the pane).
"""

from __future__ import annotations

import logging
import re
import tempfile
from pathlib import Path

import shiboken6
from PySide6.QtCore import QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.context import AppContext
from ui.dialogs.errors import ErrorLabel
from ui.icons import icon
from ui.mail import service, words
from ui.mail.quoting import format_date
from ui.mail.safe_browser import SafeTextBrowser
from ui.mail.shapes import Attachment, Letter

log = logging.getLogger(__name__)

ATTACHMENT_ROLE = int(Qt.ItemDataRole.UserRole) + 1

# Characters no file system takes in a name (and path separators: a name is never a path).
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_file_name(name: str) -> str:
    """An attachment's name made safe to create in a folder: no path, no forbidden characters."""
    cleaned = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).strip(" .")
    return cleaned[:200] or "attachment"


def _plain_label(object_name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setTextFormat(Qt.TextFormat.PlainText)  # a name like "<b>Boss</b>" is text, not markup
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


class ReadingPane(QWidget):
    """One letter: header block, body, files (Save… / Open)."""

    letter_shown = Signal(int)
    inline_shown = Signal(int)
    failed = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.letter: Letter | None = None
        self.link_box: QMessageBox | None = None
        self._temp_dir: tempfile.TemporaryDirectory[str] | None = None
        self.setObjectName("reading_pane")

        self.subject_label = _plain_label("letter_subject")
        font = self.subject_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.subject_label.setFont(font)
        self.from_label = _plain_label("letter_from")
        self.to_label = _plain_label("letter_to")
        self.cc_label = _plain_label("letter_cc")
        self.date_label = _plain_label("letter_date")
        self.header = QFormLayout()
        self.header.setContentsMargins(0, 0, 0, 0)
        self.header.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.header.addRow(self.tr("From:"), self.from_label)
        self.header.addRow(self.tr("To:"), self.to_label)
        self.header.addRow(self.tr("Cc:"), self.cc_label)
        self.header.addRow(self.tr("Date:"), self.date_label)

        self.blocked_label = QLabel()
        self.blocked_label.setObjectName("letter_blocked")
        self.blocked_label.setWordWrap(True)
        self.blocked_label.setStyleSheet("background: #fff8e1; color: #5d4037; padding: 4px;")
        self.blocked_label.hide()
        self.problems_label = QLabel()
        self.problems_label.setObjectName("letter_problems")
        self.problems_label.setWordWrap(True)
        self.problems_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problems_label.setStyleSheet("color: palette(mid);")
        self.problems_label.hide()

        self.browser = SafeTextBrowser()
        self.browser.setObjectName("letter_body")
        self.browser.setAccessibleName(self.tr("Letter"))
        self.browser.link_clicked.connect(self._on_browser_link_clicked)
        self.browser.link_hovered.connect(self._on_browser_link_hovered)
        self.browser.remote_content_blocked.connect(self._on_browser_remote_content_blocked)

        self.files_model = QStandardItemModel(self)
        self.files_view = QListView()
        self.files_view.setObjectName("letter_files")
        self.files_view.setAccessibleName(self.tr("Files of the letter"))
        self.files_view.setModel(self.files_model)
        self.files_view.setFlow(QListView.Flow.LeftToRight)
        self.files_view.setWrapping(True)
        self.files_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.files_view.setMaximumHeight(self.files_view.fontMetrics().lineSpacing() * 3 + 12)
        self.files_view.activated.connect(lambda _index: self.open_attachment())
        self.save_button = QPushButton(self.tr("&Save…"))
        self.save_button.setObjectName("save_attachment")
        self.save_button.clicked.connect(lambda: self.save_attachment())
        self.open_button = QPushButton(self.tr("O&pen"))
        self.open_button.setObjectName("open_attachment")
        self.open_button.clicked.connect(lambda: self.open_attachment())
        self.files_view.selectionModel().currentChanged.connect(lambda *_: self._update_file_buttons())
        files_row = QHBoxLayout()
        files_row.setContentsMargins(0, 0, 0, 0)
        files_row.addWidget(self.files_view, 1)
        buttons = QVBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        files_row.addLayout(buttons)
        self.files_box = QWidget()
        self.files_box.setLayout(files_row)
        self.files_box.hide()

        self.error = ErrorLabel()
        self.link_label = QLabel()
        self.link_label.setObjectName("letter_link")
        self.link_label.setTextFormat(Qt.TextFormat.PlainText)
        self.link_label.setStyleSheet("color: palette(mid);")

        self.empty_label = QLabel(self.tr("Choose a letter to read it here."))
        self.empty_label.setObjectName("letter_empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        self.content = QWidget()
        content = QVBoxLayout(self.content)
        content.setContentsMargins(0, 0, 0, 0)
        content.addWidget(self.subject_label)
        content.addLayout(self.header)
        content.addWidget(line)
        content.addWidget(self.blocked_label)
        content.addWidget(self.problems_label)
        content.addWidget(self.browser, 1)
        content.addWidget(self.files_box)
        content.addWidget(self.error)
        content.addWidget(self.link_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.empty_label, 1)
        layout.addWidget(self.content, 1)
        self.content.hide()

    # -- showing ------------------------------------------------------------------------------

    def clear(self, text: str = "") -> None:
        """No letter: a sentence in the middle of the pane."""
        self.letter = None
        self.content.hide()
        self.empty_label.setText(text or self.tr("Choose a letter to read it here."))
        self.empty_label.show()

    def show_letter(self, letter: Letter) -> None:
        """Show a letter: header, body (HTML safely, else text), files."""
        self.letter = letter
        self.error.clear_error()
        self.blocked_label.hide()
        self.link_label.clear()
        self.subject_label.setText(letter.subject or self.tr("(no subject)"))
        self.from_label.setText(letter.sender.display())
        self.to_label.setText(", ".join(a.display() for a in letter.to))
        self.cc_label.setText(", ".join(a.display() for a in letter.cc))
        self.header.setRowVisible(self.cc_label, bool(letter.cc))
        self.date_label.setText(format_date(letter.date))
        # What the decoder had to guess (a wrong charset, broken MIME): shown, not hidden.
        self.problems_label.setText("\n".join(letter.problems))
        self.problems_label.setVisible(bool(letter.problems))
        parts = letter.inline_parts
        if letter.html:
            self.browser.show_html(letter.html, parts.get)
            if not parts and service.wanted_inline(letter):
                # After the first paint (a pool thread parsing the letter would slow the layout).
                QTimer.singleShot(0, self, lambda: self._read_inline(letter))
        else:
            self.browser.show_text(letter.text)
        self.files_model.clear()
        for part in letter.files:
            item = QStandardItem(icon("attachment"), f"{part.filename} ({words.file_size(part.size)})")
            item.setData(part, ATTACHMENT_ROLE)
            item.setToolTip(f"{part.filename}\n{part.content_type}")
            self.files_model.appendRow(item)
        self.files_box.setVisible(bool(letter.files))
        if letter.files:
            self.files_view.setCurrentIndex(self.files_model.index(0, 0))
        self._update_file_buttons()
        self.empty_label.hide()
        self.content.show()
        self.letter_shown.emit(letter.id)

    def _read_inline(self, letter: Letter) -> None:
        """Fetch the letter's own pictures and show the body again with them (if still shown)."""
        db, actor = self.context.db, self.context.actor

        def work() -> dict[str, bytes]:
            return service.inline_parts(db, actor, letter)

        def done(parts: dict[str, bytes]) -> None:
            if not shiboken6.isValid(self) or self.letter is not letter or not parts or not letter.html:
                return
            position = self.browser.verticalScrollBar().value()
            self.browser.show_html(letter.html, parts.get)
            self.browser.verticalScrollBar().setValue(position)
            self.inline_shown.emit(letter.id)

        self.context.tasks.run(work, done, lambda error: log.info("inline pictures: %s", error))

    def _on_browser_remote_content_blocked(self, count: int) -> None:
        self.blocked_label.setText(
            self.tr("Inflow did not load %1 remote pictures or styles of this letter: senders use them "
                    "to see who read a letter.").replace("%1", str(count))
        )
        self.blocked_label.show()

    def _on_browser_link_hovered(self, url: str) -> None:
        self.link_label.setText(url)

    def _on_browser_link_clicked(self, url: QUrl) -> None:
        """Show the address and open it in the system's browser only when the reader says so."""
        scheme = url.scheme().lower()
        if scheme not in ("http", "https", "mailto", "ftp"):
            self.error.show_error(
                self.tr("This link is not opened: %1").replace("%1", url.toString())
            )
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Open link"),
            self.tr("Open this address in your browser?\n\n%1").replace("%1", url.toString()),
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("open_link_box")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda result: self._on_link_box_finished(url, result))
        self.link_box = box
        box.open()

    def _on_link_box_finished(self, url: QUrl, result: int) -> None:
        if result == QMessageBox.StandardButton.Open:
            QDesktopServices.openUrl(url)

    # -- files --------------------------------------------------------------------------------

    def current_attachment(self) -> Attachment | None:
        """The file chosen in the list."""
        index = self.files_view.currentIndex()
        value = index.data(ATTACHMENT_ROLE) if index.isValid() else None
        return value if isinstance(value, Attachment) else None

    def _update_file_buttons(self) -> None:
        chosen = self.current_attachment() is not None
        self.save_button.setEnabled(chosen)
        self.open_button.setEnabled(chosen)

    def save_attachment(self, path: Path | None = None) -> None:
        """Save the chosen file where the reader says (``path`` given: there, without asking)."""
        part = self.current_attachment()
        if part is None:
            return
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self, self.tr("Save file"), str(Path.home() / safe_file_name(part.filename))
            )
            if not chosen:
                return
            path = Path(chosen)
        self._save(part, path, open_after=False)

    def open_attachment(self) -> None:
        """Save the chosen file into a private temporary folder and open it with the system's program."""
        part = self.current_attachment()
        if part is None:
            return
        if self._temp_dir is None:
            self._temp_dir = tempfile.TemporaryDirectory(prefix="inflow-mail-")
        folder = Path(self._temp_dir.name) / str(part.id)
        folder.mkdir(parents=True, exist_ok=True)
        self._save(part, folder / safe_file_name(part.filename), open_after=True)

    def _save(self, part: Attachment, path: Path, *, open_after: bool) -> None:
        db, actor = self.context.db, self.context.actor
        letter_id = self.letter.id if self.letter is not None else 0

        def work() -> Path:
            return service.save_attachment(db, actor, letter_id, part, path)

        def done(saved: Path) -> None:
            if not shiboken6.isValid(self):
                return
            self.error.clear_error()
            if open_after and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(saved))):
                self._report(self.tr("No program is set up to open %1.").replace("%1", saved.name))

        def failed(error: BaseException) -> None:
            if shiboken6.isValid(self):
                self._report(
                    self.tr("%1 was not saved: %2")
                    .replace("%1", part.filename)
                    .replace("%2", words.mail_sentence(error))
                )

        self.context.tasks.run(work, done, failed)

    def _report(self, text: str) -> None:
        self.error.show_error(text)
        self.failed.emit(text)

    def index_of_file(self, name: str) -> QModelIndex:
        """The row of a file by its name (tests)."""
        for row in range(self.files_model.rowCount()):
            part = self.files_model.item(row).data(ATTACHMENT_ROLE)
            if isinstance(part, Attachment) and part.filename == name:
                return self.files_model.index(row, 0)
        return QModelIndex()
