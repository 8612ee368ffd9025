"""The Mail workspace (DOMAIN §1, §6): mailboxes and folders, the threaded letter list, the reading pane.

From a letter the dispatcher answers it (reply, reply all, forward), writes a new one, and acts on
the lead it made: open its card, convert it in the intake wizard, reject it, assign it, or create a
task with the letter attached. Letters fetched by the sync of any process (this desk's, the
headless service's) arrive through ``context.watcher.changed``: counts and the list are read again
and applied as a difference, so the letter being read and the selection stay.

Threading: every read and write goes through ``context.tasks`` (:mod:`ui.mail.service` on a pool
thread); widgets change only in the callbacks on the GUI thread.
"""

from __future__ import annotations

import logging
from typing import Any

import shiboken6
from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFontMetrics, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.services import board
from app.services.board import LeadCard
from ui.context import AppContext
from ui.dialogs import LeadTarget
from ui.dialogs.errors import show_message
from ui.icons import icon
from ui.mail import service, words
from ui.mail.compose_dialog import ComposeDialog
from ui.mail.folder_model import MailFolderModel
from ui.mail.message_list_model import MessageColumn, MessageListModel, Page
from ui.mail.reading_pane import ReadingPane
from ui.mail.shapes import ComposeMode, Folder, Letter, Mailbox, MessageRow
from ui.mail.task_dialog import LetterTaskDialog
from ui.my_sales import words as board_words
from ui.my_sales.lead_actions import LeadActions
from ui.my_sales.row_models import OBJECT_ROLE, guarded
from ui.placeholder import PlaceholderWorkspace

log = logging.getLogger(__name__)

# Tables whose change may alter what Mail shows ("*": SQLite cannot tell which).
_MAIL_TABLES = {"*", "mail_folders", "mail_letters", "channels"}
_LEAD_TABLES = {"*", "leads", "mail_letters"}


class MailWorkspace(QWidget):
    """Mail: a mailbox/folder tree, the folder's letters in threads, the letter being read.

    Signals:
        open_lead_requested(int): a lead card should open (the main window opens it; standing
            alone, the workspace opens it itself).
        mailboxes_loaded(): the tree was read (first time or after a change).
        letter_opened(int): a letter is shown in the reading pane (its id).
        refreshed(): a change was applied to the tree and the list.
    """

    open_lead_requested = Signal(int)
    mailboxes_loaded = Signal()
    letter_opened = Signal(int)
    refreshed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mail")
        self.context = context
        self.mailboxes: list[Mailbox] = []
        self.folder: Folder | None = None
        self.loaded = False
        self._reading_tree = False
        self._tree_again = False
        self._letter_request = 0
        self._lead_request = 0
        self._cards: dict[int, QWidget] = {}
        self._composers: list[ComposeDialog] = []
        self._stale = False

        self.lead_actions = LeadActions(context, self)
        # Mail's own keys: Ctrl+Shift+R is "reply to all" here, as in every mail program.
        self.lead_actions.redirect_action.setShortcut(QKeySequence())
        self.lead_actions.open_requested.connect(self._on_lead_actions_open_requested)
        self.lead_actions.changed.connect(lambda _lead: self._after_lead_change())
        self.lead_actions.failed.connect(lambda _lead, _text: self._after_lead_change())

        self.folder_model = MailFolderModel(self)
        self.model = MessageListModel(context, self)
        self.model.failed.connect(self._on_model_failed)
        self.model.refreshed.connect(self.refreshed)

        self._build_actions()
        self._build_views()
        context.watcher.changed.connect(self._on_watcher_changed)
        self.reload_mailboxes()

    # -- building -----------------------------------------------------------------------------

    def _action(self, text: str, shortcut: str | None, name: str, icon_name: str | None = None) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if icon_name:
            action.setIcon(icon(icon_name))
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            native = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{text.replace('&', '').rstrip('…')} ({native})")
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action(self.tr("&New letter"), "Ctrl+M", "new_letter", "email")
        self.new_action.triggered.connect(lambda: self.compose(ComposeMode.NEW))
        self.reply_action = self._action(self.tr("&Reply"), "Ctrl+R", "reply")
        self.reply_action.triggered.connect(lambda: self.compose(ComposeMode.REPLY))
        self.reply_all_action = self._action(self.tr("Reply to &all"), "Ctrl+Shift+R", "reply_all")
        self.reply_all_action.triggered.connect(lambda: self.compose(ComposeMode.REPLY_ALL))
        self.forward_action = self._action(self.tr("&Forward"), "Ctrl+L", "forward")
        self.forward_action.triggered.connect(lambda: self.compose(ComposeMode.FORWARD))
        self.task_action = self._action(self.tr("Create &task…"), "Ctrl+Shift+T", "letter_task")
        self.task_action.triggered.connect(self.create_task)
        self.refresh_action = self._action(self.tr("Refresh"), "F5", "refresh_mail")
        self.refresh_action.triggered.connect(self.refresh)
        self.mark_unread_action = self._action(self.tr("Mark &unread"), "Ctrl+U", "mark_unread")
        self.mark_unread_action.triggered.connect(self.mark_unread)
        for action in self.lead_actions.actions():
            if action is not None:
                self.addAction(action)
        self._update_actions()

    def _build_views(self) -> None:
        toolbar = QToolBar(self.tr("Mail"))
        toolbar.setObjectName("mail_toolbar")
        toolbar.setIconSize(QSize(18, 18))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.new_action, self.reply_action, self.reply_all_action, self.forward_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.task_action)
        toolbar.addAction(self.mark_unread_action)
        self.toolbar = toolbar

        self.tree = QTreeView()
        self.tree.setObjectName("mail_folders")
        self.tree.setAccessibleName(self.tr("Mailboxes and folders"))
        self.tree.setModel(self.folder_model)
        self.tree.setHeaderHidden(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setMinimumWidth(140)
        self.tree.selectionModel().currentChanged.connect(self._on_tree_current_changed)

        self.list_view = QTableView()
        self.list_view.setObjectName("mail_messages")
        self.list_view.setAccessibleName(self.tr("Letters"))
        self.list_view.setModel(self.model)
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.setShowGrid(False)
        self.list_view.setWordWrap(False)
        self.list_view.setTabKeyNavigation(False)
        self.list_view.verticalHeader().hide()
        self.list_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.list_view.verticalHeader().setDefaultSectionSize(self.list_view.fontMetrics().height() + 8)
        header = self.list_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(MessageColumn.SUBJECT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(MessageColumn.ATTACHMENTS, QHeaderView.ResizeMode.Fixed)
        # Widths for the bold (unread) text: the subject takes what is left.
        bold = self.list_view.font()
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        header.resizeSection(MessageColumn.SENDER, metrics.averageCharWidth() * 14)
        date_width = metrics.horizontalAdvance("00.00 00:00") + 14
        header.resizeSection(MessageColumn.DATE, date_width)
        header.resizeSection(MessageColumn.ATTACHMENTS, 26)
        state_width = metrics.horizontalAdvance(board_words.state_name("in_progress")) + 14
        header.resizeSection(MessageColumn.LEAD, state_width)
        self.list_view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in (self.reply_action, self.reply_all_action, self.forward_action, self.task_action,
                       self.mark_unread_action):
            self.list_view.addAction(action)
        self.list_view.selectionModel().currentChanged.connect(self._on_list_current_changed)
        self.list_view.activated.connect(lambda _index: self._open_letter_lead())

        self.lead_bar = QFrame()
        self.lead_bar.setObjectName("letter_lead_bar")
        self.lead_bar.setFrameShape(QFrame.Shape.StyledPanel)
        self.lead_label = QLabel()
        self.lead_label.setObjectName("letter_lead")
        self.lead_label.setTextFormat(Qt.TextFormat.PlainText)
        # The buttons keep their room; a long contact name is cut, not the pane widened.
        self.lead_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.open_lead_button = QPushButton(self.tr("&Open lead"))
        self.open_lead_button.clicked.connect(self.lead_actions.open_card)
        self.convert_button = QPushButton(self.tr("&Convert…"))
        self.convert_button.clicked.connect(self.lead_actions.convert)
        self.reject_button = QPushButton(self.tr("Re&ject…"))
        self.reject_button.clicked.connect(self.lead_actions.reject)
        self.assign_button = QPushButton(self.tr("Assi&gn…"))
        self.assign_button.clicked.connect(self.lead_actions.assign)
        bar = QHBoxLayout(self.lead_bar)
        bar.setContentsMargins(6, 2, 6, 2)
        bar.addWidget(self.lead_label, 1)
        for button in (self.open_lead_button, self.convert_button, self.reject_button, self.assign_button):
            bar.addWidget(button)
        self.lead_bar.hide()
        self._update_lead_buttons()

        self.pane = ReadingPane(self.context)
        self.pane.letter_shown.connect(self.letter_opened)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.lead_bar)
        right_layout.addWidget(self.pane, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mail_splitter")
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(self.list_view)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 4)
        self.splitter.setSizes([160, 500, 520])
        mail = QWidget()
        mail_layout = QVBoxLayout(mail)
        mail_layout.setContentsMargins(0, 0, 0, 0)
        mail_layout.addWidget(toolbar)
        mail_layout.addWidget(self.splitter, 1)

        self.empty = PlaceholderWorkspace(
            "mail",
            self.tr("No mailbox yet"),
            self.tr(
                "Add a mailbox in Settings → Channels (an e-mail channel with its IMAP and SMTP "
                "servers). Its letters then appear here; a mailbox marked as a lead source also "
                "turns letters from new senders into leads."
            ),
            "mail",
        )
        self.loading = QLabel(self.tr("Reading the mailboxes…"))
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.loading)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(mail)
        self.mail_page = mail
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

    # -- public API ---------------------------------------------------------------------------

    @property
    def is_empty(self) -> bool:
        """Whether the "no mailbox" state is shown."""
        return self.stack.currentWidget() is self.empty

    def current_message(self) -> MessageRow | None:
        """The row the list is on."""
        index = self.list_view.currentIndex()
        value = index.data(OBJECT_ROLE) if index.isValid() else None
        return value if isinstance(value, MessageRow) else None

    @property
    def letter(self) -> Letter | None:
        """The letter in the reading pane."""
        return self.pane.letter

    def select_folder(self, folder_id: int) -> None:
        """Show a folder's letters (as a click in the tree does)."""
        index = self.folder_model.index_of("folder", folder_id)
        if index.isValid():
            self.tree.setCurrentIndex(index)

    def open_row(self, row: int) -> None:
        """Make a row of the list current (its letter opens in the pane)."""
        index = self.model.index(row, MessageColumn.SUBJECT)
        self.list_view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )

    def refresh(self) -> None:
        """Read the tree and the loaded part of the list again; apply the difference."""
        self.reload_mailboxes()
        self.model.refresh()

    # -- the tree -----------------------------------------------------------------------------

    def reload_mailboxes(self) -> None:
        """Read the mailboxes, folders and unread counts (one read at a time)."""
        if self._reading_tree:
            self._tree_again = True
            return
        self._reading_tree = True
        db, actor = self.context.db, self.context.actor

        def work() -> list[Mailbox]:
            return service.mailboxes(db, actor)

        self.context.tasks.run(
            work, guarded(self, self._on_mailboxes), guarded(self, self._on_mailboxes_failed)
        )

    def _on_mailboxes(self, mailboxes: list[Mailbox]) -> None:
        self._reading_tree = False
        first = not self.loaded
        self.loaded = True
        self.mailboxes = list(mailboxes)
        self.folder_model.set_mailboxes(mailboxes)
        if not mailboxes:
            self.stack.setCurrentWidget(self.empty)
            self.model.set_pager(None)
            self.pane.clear()
        else:
            self.stack.setCurrentWidget(self.mail_page)
            if first or self.folder is None or self._find_folder(self.folder.id) is None:
                self.tree.expandAll()
                self._choose_first_inbox()
            else:
                self.folder = self._find_folder(self.folder.id)
        self._update_actions()
        self.mailboxes_loaded.emit()
        if self._tree_again:
            self._tree_again = False
            self.reload_mailboxes()

    def _on_mailboxes_failed(self, error: BaseException) -> None:
        self._reading_tree = False
        self.loaded = True
        text = words.mail_sentence(error)
        if isinstance(error, service.MailUnavailable):
            self.empty.title_label.setText(self.tr("Mail is not available"))
            self.empty.text_label.setText(text)
            self.stack.setCurrentWidget(self.empty)
        else:
            self.loading.setText(text)
        self.mailboxes_loaded.emit()

    def _find_folder(self, folder_id: int) -> Folder | None:
        return next((f for m in self.mailboxes for f in m.folders if f.id == folder_id), None)

    def _choose_first_inbox(self) -> None:
        folders = [f for m in self.mailboxes for f in m.folders]
        chosen = next((f for f in folders if f.role == "inbox"), folders[0] if folders else None)
        if chosen is not None:
            self.select_folder(chosen.id)

    def _on_tree_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        value = self.folder_model.value(current)
        if isinstance(value, Mailbox):
            # A mailbox itself holds no letters: show its inbox (or first folder).
            folder = next((f for f in value.folders if f.role == "inbox"), None) or (
                value.folders[0] if value.folders else None
            )
            if folder is not None:
                self.select_folder(folder.id)
            return
        if not isinstance(value, Folder) or (self.folder is not None and self.folder.id == value.id):
            return
        self.folder = value
        self.pane.clear()
        self.lead_bar.hide()
        self.lead_actions.set_target(None)
        db, actor, folder_id = self.context.db, self.context.actor, value.id

        def pager(cursor: object | None, limit: int) -> Page:
            return service.message_page(db, actor, folder_id, cursor, limit)

        self.model.set_pager(pager)
        self._update_actions()

    # -- the letter ---------------------------------------------------------------------------

    def _on_list_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        value = current.data(OBJECT_ROLE) if current.isValid() else None
        if not isinstance(value, MessageRow):
            return
        if self.pane.letter is not None and self.pane.letter.id == value.id:
            return
        self.open_letter(value.id)

    def open_letter(self, letter_id: int) -> None:
        """Read a letter and show it; an unread one is marked read."""
        self._letter_request += 1
        request = self._letter_request
        db, actor = self.context.db, self.context.actor

        def work() -> Letter:
            return service.letter(db, actor, letter_id)

        def done(letter: Letter) -> None:
            if request != self._letter_request:
                return  # the reader moved on meanwhile
            self.pane.show_letter(letter)
            self._show_lead(letter)
            self._update_actions()
            # The lead's read and the read mark's write start once the letter is painted: Python
            # work on a pool thread meanwhile would take the GIL from the layout (measured).
            QTimer.singleShot(0, self, lambda: self._after_open(letter, request))

        def failed(error: BaseException) -> None:
            if request == self._letter_request:
                self.pane.clear(words.mail_sentence(error))
                self._update_actions()

        self.context.tasks.run(work, guarded(self, done), guarded(self, failed))

    def _after_open(self, letter: Letter, request: int) -> None:
        if request != self._letter_request:
            return
        if letter.lead_id is not None:
            self._read_lead(letter.lead_id, self._lead_request)
        if letter.unread:
            self._mark(letter.id, read=True)

    def _mark(self, letter_id: int, *, read: bool) -> None:
        self.model.mark_read(letter_id, read)
        db, actor = self.context.db, self.context.actor

        def work() -> None:
            service.mark_read(db, actor, letter_id, read)

        def failed(error: BaseException) -> None:
            log.warning("marking letter %s failed: %s", letter_id, error)
            self.model.refresh()

        def done(_result: object) -> None:
            self.model.mark_stored(letter_id)
            self.reload_mailboxes()
            self.model.refresh()

        self.context.tasks.run(work, guarded(self, done), guarded(self, failed), write=True)

    def mark_unread(self) -> None:
        """Mark the letter being read as unread again."""
        letter = self.pane.letter
        if letter is not None:
            self._mark(letter.id, read=False)

    # -- the letter's lead --------------------------------------------------------------------

    def _show_lead(self, letter: Letter) -> None:
        """The lead bar for a letter (its lead is read by :meth:`_after_open`)."""
        self._lead_request += 1
        if letter.lead_id is None:
            self.lead_bar.hide()
            self.lead_actions.set_target(None)
            self._update_lead_buttons()
            return
        self.lead_label.setText(
            self.tr("Lead %1 · %2")
            .replace("%1", str(letter.lead_id))
            .replace("%2", board_words.state_name(letter.lead_state or ""))
        )
        # Until the lead is read (its state, version, the user's rights on it) nothing acts on it.
        self.lead_actions.set_target(None)
        self._update_lead_buttons()
        self.lead_bar.show()

    def _read_lead(self, lead_id: int, request: int) -> None:
        db, actor = self.context.db, self.context.actor

        def work() -> LeadCard:
            with db.session() as session:
                return board.lead_card(session, actor, lead_id)

        def done(card: LeadCard) -> None:
            if request != self._lead_request:
                return
            target = LeadTarget.of_lead_card(card)
            self.lead_actions.set_target(target)
            self.lead_label.setText(
                self.tr("Lead %1 · %2 · %3")
                .replace("%1", str(card.lead.id))
                .replace("%2", board_words.state_name(card.lead.state.value))
                .replace("%3", target.contact or "—")
            )
            self._update_lead_buttons()

        def failed(error: BaseException) -> None:
            if request == self._lead_request:
                self.lead_actions.set_target(None)
                self.lead_label.setText(words.mail_sentence(error))
                self._update_lead_buttons()

        self.context.tasks.run(work, guarded(self, done), guarded(self, failed))

    def _update_lead_buttons(self) -> None:
        actions = self.lead_actions
        self.open_lead_button.setEnabled(actions.open_action.isEnabled())
        self.convert_button.setEnabled(actions.convert_action.isEnabled())
        self.reject_button.setEnabled(actions.reject_action.isEnabled())
        self.assign_button.setEnabled(actions.assign_action.isEnabled())

    def _after_lead_change(self) -> None:
        letter = self.pane.letter
        if letter is not None and letter.lead_id is not None:
            self._lead_request += 1
            self._read_lead(letter.lead_id, self._lead_request)
        self.model.refresh()

    def _open_letter_lead(self) -> None:
        if self.lead_actions.open_action.isEnabled():
            self.lead_actions.open_card()

    def _on_lead_actions_open_requested(self, lead_id: int) -> None:
        self.open_lead_requested.emit(lead_id)
        meta = self.metaObject()
        signal = meta.method(meta.indexOfSignal("open_lead_requested(int)"))
        if not self.isSignalConnected(signal):
            self._open_card(lead_id)  # standing alone: no main window to open cards

    def _open_card(self, lead_id: int) -> None:
        card = self._cards.get(lead_id)
        if card is not None and shiboken6.isValid(card):
            card.show()
            card.raise_()
            return
        from ui.lead_card import LeadCardDialog

        dialog = LeadCardDialog(self.context, lead_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._cards[lead_id] = dialog
        dialog.destroyed.connect(lambda _obj=None, key=lead_id: self._cards.pop(key, None))
        dialog.show()

    # -- writing ------------------------------------------------------------------------------

    def compose(self, mode: ComposeMode) -> ComposeDialog | None:
        """Open the compose dialog: a new letter, or an answer / forward of the letter being read."""
        original = self.pane.letter if mode is not ComposeMode.NEW else None
        if mode is not ComposeMode.NEW and original is None:
            return None
        if not self.mailboxes:
            return None
        mailbox_id = original.mailbox_id if original is not None else (
            self.folder.mailbox_id if self.folder is not None else None
        )
        dialog = ComposeDialog(self.context, self.mailboxes, mode, original, self, mailbox_id=mailbox_id)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sent.connect(self._after_send)
        self._composers.append(dialog)
        dialog.destroyed.connect(lambda _obj=None: self._forget_composers())
        dialog.show()
        return dialog

    def _forget_composers(self) -> None:
        self._composers = [d for d in self._composers if shiboken6.isValid(d)]

    @property
    def composers(self) -> list[ComposeDialog]:
        """The compose dialogs open now (tests)."""
        self._forget_composers()
        return list(self._composers)

    def _after_send(self, result: object) -> None:
        problem = service.sent_problem(result)
        if problem:  # sent, but its copy is not in Sent: say so (sending again would duplicate it)
            show_message(self, self.tr("Mail"), problem)
        self.reload_mailboxes()
        self.model.refresh()

    def create_task(self) -> LetterTaskDialog | None:
        """Open the task dialog for the letter being read."""
        letter = self.pane.letter
        if letter is None:
            return None
        dialog = LetterTaskDialog(self.context, letter, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # -- live ---------------------------------------------------------------------------------

    def _on_watcher_changed(self, tables: Any) -> None:
        changed = set(tables)
        if not changed & (_MAIL_TABLES | _LEAD_TABLES):
            return
        if not self.isVisible():
            self._stale = True  # read when shown again, not while another workspace is in front
            return
        if changed & _MAIL_TABLES:
            self.reload_mailboxes()
            self.model.refresh()
        if changed & _LEAD_TABLES and self.pane.letter is not None and self.pane.letter.lead_id:
            self._after_lead_change()

    def showEvent(self, event: QShowEvent) -> None:
        """Catch up with what changed while the workspace was hidden."""
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()
            if self.pane.letter is not None and self.pane.letter.lead_id:
                self._after_lead_change()

    def _on_model_failed(self, text: str) -> None:
        show_message(self, self.tr("Mail"), text)

    def _update_actions(self) -> None:
        has_letter = getattr(self, "pane", None) is not None and self.pane.letter is not None
        self.new_action.setEnabled(bool(self.mailboxes))
        for action in (self.reply_action, self.reply_all_action, self.forward_action, self.task_action,
                       self.mark_unread_action):
            action.setEnabled(has_letter)
