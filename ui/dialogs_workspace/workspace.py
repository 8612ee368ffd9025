"""The Dialogs workspace (DOMAIN §1 dispatcher, §6 "Dialogs"): messenger chats and their leads.

On the left the conversations, unanswered first with the waiting time ticking; on the right the
chat thread as bubbles, the reply box (Ctrl+Enter sends, quick replies one click away, a file can
be attached) and the conversation's lead: open, convert (the intake wizard), reject, assign, and
link the chat user to an existing client. New messages — fetched by this desktop's background
sync, by ``inflow serve`` or by another desk — arrive through ``context.watcher.changed``.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.enums import ChannelKind
from app.domain.errors import NotFound
from app.persistence.types import utcnow
from app.services import board, dialogs
from app.services.dialogs import ConversationDTO, MessageDTO
from app.services.permissions import Right
from app.services.requests import ChannelChoice, channels_of_kind
from ui.context import AppContext
from ui.dialogs import LeadTarget
from ui.dialogs.errors import ErrorLabel, sentence, show_message
from ui.dialogs_workspace.conversation_list_model import ConversationListModel
from ui.dialogs_workspace.delegates import BubbleDelegate, ConversationDelegate
from ui.dialogs_workspace.link_client_dialog import LinkClientDialog
from ui.dialogs_workspace.message_list_model import MessageListModel
from ui.dialogs_workspace.quick_replies import QuickRepliesDialog
from ui.my_sales import words
from ui.my_sales.lead_actions import LeadActions
from ui.my_sales.row_models import guarded

if TYPE_CHECKING:
    from app.connectors.telegram import MessengerClient

log = logging.getLogger(__name__)

# Tables whose change may alter what the workspace shows ("*": SQLite cannot tell which).
_LIST_TABLES = {"*", "conversations", "conversation_messages", "leads", "clients", "contact_persons", "users"}
_THREAD_TABLES = {"*", "conversation_messages", "users"}
_CHANNEL_TABLES = {"*", "channels"}


class DialogsWorkspace(QWidget):
    """Dialogs: conversations, the chat thread, the reply box and the conversation's lead.

    Signals:
        open_lead_requested(int): a lead card should open (the main window opens it; standing
            alone, without a receiver, the workspace opens it itself).
        refreshed(): the list or the thread applied a read (tests).
        reply_finished(object): a reply went out or failed (the MessageDTO as stored; tests).

    Threading: every read and write goes through ``context.tasks`` (sending: ``write=True``);
    widgets change only in callbacks on the GUI thread. ``messenger`` replaces the channel's own
    client (tests pass a fake; None: the channel's configured bot).
    """

    open_lead_requested = Signal(int)
    refreshed = Signal()
    reply_finished = Signal(object)

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        messenger: MessengerClient | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialogs")
        self.context = context
        self.messenger = messenger
        self.current: ConversationDTO | None = None
        self.lead_target: LeadTarget | None = None
        self.channels: list[ChannelChoice] | None = None  # None until read
        self.quick: tuple[str, ...] = ()
        self.attachment: Path | None = None
        self.sending = 0
        self._cards: dict[int, Any] = {}
        self._dialog: QWidget | None = None
        self._target_generation = 0
        self._drafts: dict[int, str] = {}

        self.conversations = ConversationListModel(context, self)
        self.conversations.totals_changed.connect(self._update_header)
        self.conversations.failed.connect(self._on_model_failed)
        self.conversations.refreshed.connect(self._on_conversations_refreshed)
        self.messages = MessageListModel(context, self)
        self.messages.failed.connect(self._on_model_failed)
        self.messages.loaded.connect(self._on_messages_loaded)
        self.messages.refreshed.connect(self.refreshed)
        self.messages.rowsInserted.connect(lambda *_args: self.thread_view.scrollToBottom())

        self.actions_ = LeadActions(context, self)
        self.actions_.open_requested.connect(self._on_actions_open_requested)
        self.actions_.changed.connect(self._on_lead_changed)
        self.actions_.failed.connect(self._on_lead_changed)

        self.stack = QStackedWidget(self)
        self.empty_page = self._build_empty_page()
        self.main_page = self._build_main_page()
        self.stack.addWidget(self.empty_page)
        self.stack.addWidget(self.main_page)
        self.stack.setCurrentWidget(self.main_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self._show_conversation(None)
        self._update_header()

        context.watcher.changed.connect(self._on_watcher_changed)
        self._read_channels()
        self._read_quick_replies()
        self.conversations.start()

    # -- building -----------------------------------------------------------------------------

    def _build_empty_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("dialogs_empty")
        title = QLabel(self.tr("No messenger is connected"))
        title.setObjectName("dialogs_empty_title")
        title.setStyleSheet("font-size: 16pt; font-weight: bold;")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text = QLabel(
            self.tr(
                "Connect a Telegram bot in Settings → Channels. Every new chat with the bot then "
                "becomes a lead here, and you answer it from this workspace."
            )
        )
        self.empty_text.setObjectName("dialogs_empty_text")
        self.empty_text.setWordWrap(True)
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text.setMaximumWidth(560)
        box = QVBoxLayout(page)
        box.addStretch(1)
        box.addWidget(title)
        box.addWidget(self.empty_text, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addStretch(2)
        return page

    def _build_main_page(self) -> QWidget:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("dialogs_splitter")
        splitter.setChildrenCollapsible(False)

        # -- the conversations --
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(6, 6, 0, 6)
        self.header = QLabel()
        self.header.setObjectName("dialogs_header")
        self.header.setStyleSheet("font-weight: bold; padding: 2px;")
        self.channel_combo = QComboBox()
        self.channel_combo.setObjectName("dialog_channel_combo")
        self.channel_combo.setAccessibleName(self.tr("Channel"))
        self.channel_combo.addItem(self.tr("All messengers"), None)
        self.channel_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.unanswered_check = QCheckBox(self.tr("&Unanswered only"))
        self.unanswered_check.setObjectName("unanswered_only")
        self.unanswered_check.toggled.connect(self._on_filter_changed)
        filters = QHBoxLayout()
        filters.addWidget(self.channel_combo, 1)
        filters.addWidget(self.unanswered_check)
        self.list_view = QListView()
        self.list_view.setObjectName("conversation_list")
        self.list_view.setAccessibleName(self.tr("Conversations"))
        self.list_view.setModel(self.conversations)
        self.list_view.setItemDelegate(ConversationDelegate(self.list_view))
        self.list_view.setUniformItemSizes(True)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list_view.customContextMenuRequested.connect(self._on_list_view_context_menu)
        self.list_view.selectionModel().currentChanged.connect(self._on_list_current_changed)
        for action in self.actions_.actions():
            if action is not None:
                self.list_view.addAction(action)
        left_box.addWidget(self.header)
        left_box.addLayout(filters)
        left_box.addWidget(self.list_view, 1)
        left.setMinimumWidth(280)

        # -- the chat --
        right = QWidget()
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(0, 6, 6, 6)
        self.chat_title = QLabel()
        self.chat_title.setObjectName("chat_title")
        self.chat_title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.chat_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chat_details = QLabel()
        self.chat_details.setObjectName("chat_details")
        self.chat_details.setWordWrap(True)
        self.chat_details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.link_action = QAction(self.tr("&Link to client…"), self)
        self.link_action.setObjectName("link_client")
        self.link_action.setShortcut(QKeySequence("Ctrl+L"))
        self.link_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.link_action.triggered.connect(self.link_to_client)
        self.addAction(self.link_action)
        lead_bar = QHBoxLayout()
        lead_bar.setSpacing(4)
        self.lead_buttons: dict[str, QToolButton] = {}
        for action in (
            self.actions_.open_action,
            self.actions_.convert_action,
            self.actions_.reject_action,
            self.actions_.assign_action,
            self.link_action,
        ):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.lead_buttons[action.objectName()] = button
            lead_bar.addWidget(button)
        lead_bar.addStretch(1)

        self.thread_view = QListView()
        self.thread_view.setObjectName("chat_thread")
        self.thread_view.setAccessibleName(self.tr("Messages"))
        self.thread_view.setModel(self.messages)
        self.thread_view.setItemDelegate(BubbleDelegate(self.thread_view))
        self.thread_view.setResizeMode(QListView.ResizeMode.Adjust)
        self.thread_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.thread_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.thread_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.thread_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.thread_view.customContextMenuRequested.connect(self._on_thread_view_context_menu)
        self.thread_view.activated.connect(self._on_thread_view_activated)
        self.thread_view.setFrameShape(QFrame.Shape.StyledPanel)

        self.reply_edit = QPlainTextEdit()
        self.reply_edit.setObjectName("reply_edit")
        self.reply_edit.setAccessibleName(self.tr("Reply"))
        self.reply_edit.setPlaceholderText(self.tr("Type a reply… (Ctrl+Enter sends)"))
        self.reply_edit.setTabChangesFocus(True)
        self.reply_edit.setFixedHeight(self.reply_edit.fontMetrics().lineSpacing() * 4 + 14)
        self.send_action = QAction(self.tr("&Send"), self)
        self.send_action.setObjectName("send_reply")
        self.send_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.send_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.send_action.triggered.connect(self.send)
        self.reply_edit.addAction(self.send_action)
        # The key itself too: a shortcut needs an active window, a key press in the box does not.
        self.reply_edit.installEventFilter(self)
        self.send_button = QPushButton(self.tr("Send"))
        self.send_button.setObjectName("send_button")
        self.send_button.setToolTip(self.tr("Send the reply (Ctrl+Enter)"))
        self.send_button.clicked.connect(self.send)
        self.quick_button = QToolButton()
        self.quick_button.setObjectName("quick_replies_button")
        self.quick_button.setText(self.tr("&Quick replies"))
        self.quick_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.quick_menu = QMenu(self.quick_button)
        self.quick_menu.setObjectName("quick_replies_menu")
        self.quick_button.setMenu(self.quick_menu)
        # Another administrator may have changed the list (PostgreSQL does not announce settings).
        self.quick_menu.aboutToShow.connect(self._read_quick_replies)
        self.attach_button = QToolButton()
        self.attach_button.setObjectName("attach_button")
        self.attach_button.setText(self.tr("A&ttach file…"))
        self.attach_button.clicked.connect(self.choose_attachment)
        self.attachment_label = QLabel()
        self.attachment_label.setObjectName("attachment_label")
        self.attachment_clear = QToolButton()
        self.attachment_clear.setText("✕")
        self.attachment_clear.setToolTip(self.tr("Do not send the file"))
        self.attachment_clear.clicked.connect(lambda: self.set_attachment(None))
        self.reply_error = ErrorLabel()
        self.reply_error.setObjectName("reply_error")
        reply_bar = QHBoxLayout()
        reply_bar.addWidget(self.quick_button)
        reply_bar.addWidget(self.attach_button)
        reply_bar.addWidget(self.attachment_label)
        reply_bar.addWidget(self.attachment_clear)
        reply_bar.addStretch(1)
        reply_bar.addWidget(self.send_button)

        self.chat_panel = QWidget()
        chat_box = QVBoxLayout(self.chat_panel)
        chat_box.setContentsMargins(0, 0, 0, 0)
        chat_box.addWidget(self.chat_title)
        chat_box.addWidget(self.chat_details)
        chat_box.addLayout(lead_bar)
        chat_box.addWidget(self.thread_view, 1)
        chat_box.addWidget(self.reply_edit)
        chat_box.addWidget(self.reply_error)
        chat_box.addLayout(reply_bar)
        self.no_chat_label = QLabel(self.tr("Choose a conversation on the left."))
        self.no_chat_label.setObjectName("no_conversation")
        self.no_chat_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chat_stack = QStackedWidget()
        self.chat_stack.addWidget(self.no_chat_label)
        self.chat_stack.addWidget(self.chat_panel)
        right_box.addWidget(self.chat_stack)

        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([360, 900])
        self.splitter = splitter
        return splitter

    # -- channels, quick replies --------------------------------------------------------------

    def _read_channels(self) -> None:
        db = self.context.db

        def work() -> list[ChannelChoice]:
            with db.session() as session:
                return channels_of_kind(session, ChannelKind.DIALOG)

        self.context.tasks.run(
            work,
            guarded(self, self._on_channels_read),
            guarded(self, lambda error: self._on_model_failed(sentence(error))),
        )

    def _on_channels_read(self, channels: list[ChannelChoice]) -> None:
        self.channels = channels
        # Without a dialog channel there is nothing to answer: say where to connect one. A chat of a
        # channel switched off later stays readable, so any channel at all shows the workspace.
        self.stack.setCurrentWidget(self.main_page if channels else self.empty_page)
        items = [
            (channel.id, channel.name if channel.active else self.tr("%1 (off)").replace("%1", channel.name))
            for channel in channels
        ]
        combo = self.channel_combo
        if [(combo.itemData(i), combo.itemText(i)) for i in range(1, combo.count())] == items:
            return
        current = combo.currentData()
        combo.blockSignals(True)
        try:
            while combo.count() > 1:
                combo.removeItem(1)
            for data, text in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)
        finally:
            combo.blockSignals(False)
        if combo.currentData() != current:
            self._on_filter_changed()

    @property
    def configured(self) -> bool | None:
        """Whether some dialog channel exists (None until known)."""
        return None if self.channels is None else bool(self.channels)

    def _read_quick_replies(self) -> None:
        db = self.context.db

        def work() -> tuple[str, ...]:
            with db.session() as session:
                return dialogs.quick_replies(session)

        self.context.tasks.run(
            work,
            guarded(self, self.set_quick_replies),
            guarded(self, lambda error: log.warning("quick replies unreadable: %s", sentence(error))),
        )

    def set_quick_replies(self, replies: tuple[str, ...]) -> None:
        """Offer these quick replies in the menu under the reply box."""
        if tuple(replies) == self.quick and self.quick_menu.actions():
            return  # unchanged: an open menu is not rebuilt under the mouse
        self.quick = tuple(replies)
        menu = self.quick_menu
        menu.clear()
        for number, reply in enumerate(self.quick, start=1):
            short = reply if len(reply) <= 70 else reply[:69].rstrip() + "…"
            text = f"&{number}  {short}" if number < 10 else short
            action = menu.addAction(text.replace("&", "&&") if number >= 10 else text)
            action.setToolTip(reply)
            action.triggered.connect(lambda _checked=False, reply=reply: self.insert_quick_reply(reply))
        if not self.quick:
            empty = menu.addAction(self.tr("No quick replies yet"))
            empty.setEnabled(False)
        if self.context.actor.has(Right.CONFIGURE):
            menu.addSeparator()
            edit = menu.addAction(self.tr("&Edit quick replies…"))
            edit.setObjectName("edit_quick_replies")
            edit.triggered.connect(self.edit_quick_replies)

    def insert_quick_reply(self, reply: str) -> None:
        """Put a quick reply into the reply box at the cursor (the operator may still edit it)."""
        self.reply_edit.insertPlainText(reply)
        self.reply_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def edit_quick_replies(self) -> QuickRepliesDialog:
        """Open the quick replies editor (administrators)."""
        dialog = QuickRepliesDialog(self.context, self.quick, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(guarded(self, self.set_quick_replies))
        self._dialog = dialog
        dialog.open()
        return dialog

    # -- the conversation shown ---------------------------------------------------------------

    def _on_filter_changed(self, *_args: object) -> None:
        self.conversations.set_filter(self.channel_combo.currentData(), self.unanswered_check.isChecked())

    def _on_list_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or self.conversations.applying:
            # A conversation that moved (answered, a new message) is removed and inserted again; the
            # view's cursor meanwhile hops to a neighbour or to nothing. The chat stays; the refresh
            # puts the cursor back on it.
            return
        conversation = self.conversations.conversation(current.row())
        if self.current is None or conversation.id != self.current.id:
            self._show_conversation(conversation)

    def select_conversation(self, conversation_id: int) -> bool:
        """Make a loaded conversation the current one (False when it is not loaded)."""
        row = self.conversations.row_of(conversation_id)
        if row < 0:
            return False
        self.list_view.setCurrentIndex(self.conversations.index(row))
        return True

    def _show_conversation(self, conversation: ConversationDTO | None) -> None:
        # A half-written reply stays with its conversation: never sent to the next one by mistake.
        if self.current is not None:
            draft = self.reply_edit.toPlainText()
            if draft.strip():
                self._drafts[self.current.id] = draft
            else:
                self._drafts.pop(self.current.id, None)
        self.current = conversation
        self.reply_edit.setPlainText(
            self._drafts.pop(conversation.id, "") if conversation is not None else ""
        )
        self.reply_error.clear_error()
        self.set_attachment(None)
        self.messages.show_conversation(conversation.id if conversation is not None else None)
        self.chat_stack.setCurrentWidget(self.chat_panel if conversation is not None else self.no_chat_label)
        self._update_chat_header()
        self._set_lead_target(None)
        if conversation is not None:
            self._read_lead_target()

    def _update_chat_header(self) -> None:
        conversation = self.current
        if conversation is None:
            self.chat_title.clear()
            self.chat_details.clear()
            self.link_action.setEnabled(False)
            return
        self.chat_title.setText(conversation.title)
        parts = [conversation.channel_name]
        if conversation.username and conversation.display_name:
            parts.append(f"@{conversation.username}")
        if conversation.phone:
            parts.append(conversation.phone)
        if conversation.client_name:
            client = conversation.client_name
            if conversation.contact_person_name:
                client = f"{conversation.contact_person_name} — {client}"
            parts.append(self.tr("Client: %1").replace("%1", client))
        if conversation.lead_id is not None and conversation.lead_state is not None:
            lead = (
                self.tr("Lead %1: %2")
                .replace("%1", str(conversation.lead_id))
                .replace("%2", words.state_name(conversation.lead_state.value))
            )
            if conversation.lead_responsible_name:
                lead += f" ({conversation.lead_responsible_name})"
            parts.append(lead)
        else:
            parts.append(self.tr("No lead"))
        self.chat_details.setText(" · ".join(parts))
        self.link_action.setEnabled(True)

    def _read_lead_target(self) -> None:
        conversation = self.current
        if conversation is None or conversation.lead_id is None:
            self._set_lead_target(None)
            return
        db, actor, lead_id = self.context.db, self.context.actor, conversation.lead_id
        self._target_generation += 1
        generation = self._target_generation

        def work() -> LeadTarget | None:
            with db.session() as session:
                try:
                    return LeadTarget.of_lead_card(board.lead_card(session, actor, lead_id))
                except NotFound:
                    return None

        def done(target: LeadTarget | None) -> None:
            if generation == self._target_generation:
                self._set_lead_target(target)

        self.context.tasks.run(
            work, guarded(self, done), guarded(self, lambda error: self._on_model_failed(sentence(error)))
        )

    def _set_lead_target(self, target: LeadTarget | None) -> None:
        self.lead_target = target
        self.actions_.set_target(target)

    def _on_conversations_refreshed(self) -> None:
        # The conversation shown may have changed (its lead converted, a client linked): follow it.
        if self.current is not None and self.conversations.row_of(self.current.id) < 0:
            # Gone from the list (another filter, or no longer visible to this user).
            self._show_conversation(None)
        if self.current is not None:
            row = self.conversations.row_of(self.current.id)
            if row >= 0:
                fresh = self.conversations.conversation(row)
                if fresh != self.current:
                    lead_changed = (fresh.lead_id, fresh.lead_version) != (
                        self.current.lead_id,
                        self.current.lead_version,
                    )
                    self.current = fresh
                    self._update_chat_header()
                    if lead_changed:
                        self._read_lead_target()
                if self.list_view.currentIndex().row() != row:
                    self.list_view.setCurrentIndex(self.conversations.index(row))
        elif self.conversations.rowCount() and not self.list_view.currentIndex().isValid():
            # The first conversation (the longest waiting) is the one to answer first.
            self.list_view.setCurrentIndex(self.conversations.index(0))
        self.refreshed.emit()

    def _on_messages_loaded(self) -> None:
        self.thread_view.scrollToBottom()
        self.refreshed.emit()

    def _update_header(self, *_args: object) -> None:
        total, unanswered = self.conversations.total, self.conversations.unanswered
        title = self.tr("Dialogs")
        if total is None:
            self.header.setText(title)
        elif unanswered:
            self.header.setText(
                self.tr("%1 — %2 · %3 unanswered")
                .replace("%1", title)
                .replace("%2", str(total))
                .replace("%3", str(unanswered))
            )
        else:
            self.header.setText(self.tr("%1 — %2").replace("%1", title).replace("%2", str(total)))

    # -- replying -----------------------------------------------------------------------------

    def send(self) -> None:
        """Send the reply box's text (and the attached file) to the conversation shown."""
        conversation = self.current
        text = self.reply_edit.toPlainText().strip()
        attachment = self.attachment
        if conversation is None or (not text and attachment is None):
            return
        self.reply_error.clear_error()
        self.reply_edit.clear()
        self.set_attachment(None)
        self.sending += 1
        db, actor, messenger, conversation_id = (
            self.context.db,
            self.context.actor,
            self.messenger,
            conversation.id,
        )

        def work() -> MessageDTO:
            return dialogs.send_reply(
                db, actor, conversation_id, text or None, attachment=attachment, client=messenger
            )

        def done(message: MessageDTO) -> None:
            self.sending -= 1
            self._after_reply(message)

        def failed(error: BaseException) -> None:
            # Refused before anything was stored (too long, file unreadable): the text comes back.
            self.sending -= 1
            if (
                not self.reply_edit.toPlainText()
                and self.current is not None
                and self.current.id == conversation_id
            ):
                self.reply_edit.setPlainText(text)
                if attachment is not None:
                    self.set_attachment(attachment)
            self.reply_error.show_error(sentence(error))

        # The general pool, not the single write thread: delivery waits on the messenger (up to a
        # minute when it is slow) and must not hold this desk's rejects and assignments behind it.
        # Its own writes are short transactions that wait for the write lock like any other.
        self.context.tasks.run(work, guarded(self, done), guarded(self, failed))

    def retry(self, message: MessageDTO) -> None:
        """Send a reply that was not sent again."""
        db, actor, messenger = self.context.db, self.context.actor, self.messenger
        self.sending += 1

        def work() -> MessageDTO:
            return dialogs.retry_message(db, actor, message.id, client=messenger)

        def done(sent: MessageDTO) -> None:
            self.sending -= 1
            self._after_reply(sent)

        def failed(error: BaseException) -> None:
            self.sending -= 1
            self.reply_error.show_error(sentence(error))
            self.messages.refresh()

        self.context.tasks.run(work, guarded(self, done), guarded(self, failed))  # see send()

    def _after_reply(self, message: MessageDTO) -> None:
        # Our own write: show it at once rather than waiting for the watcher's next tick.
        if message.error:
            self.reply_error.show_error(
                self.tr("The reply was not sent: %1 Choose it in the chat to retry.").replace(
                    "%1", message.error
                )
            )
        self.messages.refresh()
        self.conversations.refresh()
        self.reply_finished.emit(message)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Ctrl+Enter in the reply box sends (the box would otherwise take it as a new line)."""
        if (
            watched is self.reply_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.send()
            return True
        return super().eventFilter(watched, event)

    def choose_attachment(self) -> None:
        """Pick a file to send with the reply."""
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("Attach a file"))
        if path:
            self.set_attachment(Path(path))

    def set_attachment(self, path: Path | None) -> None:
        """The file to send with the next reply (None: none)."""
        self.attachment = path
        self.attachment_label.setText(f"📎 {path.name}" if path is not None else "")
        self.attachment_label.setToolTip(str(path) if path is not None else "")
        self.attachment_clear.setVisible(path is not None)

    # -- the thread's context menu: retry, attachments ----------------------------------------

    def _on_thread_view_activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        message = self.messages.message(index.row())
        if message.can_retry(utcnow()):
            self.retry(message)
        elif message.attachments:
            self.open_attachment(message, 0)

    def message_menu(self, message: MessageDTO) -> QMenu:
        """The context menu of one message."""
        menu = QMenu(self)
        menu.setObjectName("message_menu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if message.can_retry(utcnow()):
            retry = menu.addAction(self.tr("&Retry sending"))
            retry.setObjectName("retry_message")
            retry.triggered.connect(lambda: self.retry(message))
        for number, attachment in enumerate(message.attachments):
            name = attachment.name or attachment.kind
            open_ = menu.addAction(self.tr("&Open “%1”").replace("%1", name))
            open_.triggered.connect(lambda _checked=False, n=number: self.open_attachment(message, n))
            save = menu.addAction(self.tr("&Save “%1” as…").replace("%1", name))
            save.triggered.connect(lambda _checked=False, n=number: self.save_attachment(message, n))
        if message.text:
            copy = menu.addAction(self.tr("&Copy text"))
            copy.triggered.connect(lambda: self._copy(message.text or ""))
        return menu

    def _on_thread_view_context_menu(self, position: QPoint) -> None:
        index = self.thread_view.indexAt(position)
        if not index.isValid():
            return
        menu = self.message_menu(self.messages.message(index.row()))
        if menu.actions():
            menu.popup(self.thread_view.viewport().mapToGlobal(position))
        else:
            menu.deleteLater()

    def _copy(self, text: str) -> None:
        from PySide6.QtGui import QGuiApplication

        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(text)

    def open_attachment(self, message: MessageDTO, number: int) -> None:
        """Fetch a file of a message (once) and open it with the system's program."""
        self._fetch_attachment(message, number, None)

    def save_attachment(self, message: MessageDTO, number: int, target: Path | None = None) -> None:
        """Fetch a file of a message and save a copy where the user says."""
        if target is None:
            name = message.attachments[number].name or f"{message.attachments[number].kind}-{message.id}"
            chosen, _filter = QFileDialog.getSaveFileName(self, self.tr("Save the file"), name)
            if not chosen:
                return
            target = Path(chosen)
        self._fetch_attachment(message, number, target)

    def _fetch_attachment(self, message: MessageDTO, number: int, target: Path | None) -> None:
        db, actor, messenger = self.context.db, self.context.actor, self.messenger

        def work() -> Path:
            saved = dialogs.download_attachment(db, actor, message.id, number, client=messenger)
            if target is None:
                return saved
            shutil.copyfile(saved, target)
            return target

        def done(path: Path) -> None:
            if target is None:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
            self.attachment_saved(path)

        def failed(error: BaseException) -> None:
            text = sentence(error) if not isinstance(error, OSError) else f"{error.strerror or error}."
            show_message(self, self.tr("Attachment"), text)

        self.context.tasks.run(work, guarded(self, done), guarded(self, failed))

    def attachment_saved(self, path: Path) -> None:
        """A file was fetched (and saved or opened): say where it is."""
        self.reply_error.clear_error()
        self.setProperty("last_attachment", str(path))

    # -- the lead and the client --------------------------------------------------------------

    def link_to_client(self) -> LinkClientDialog | None:
        """Link the chat user to an existing client (search by phone, e-mail, name, INN)."""
        if self.current is None:
            return None
        dialog = LinkClientDialog(self.context, self.current, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.linked.connect(guarded(self, self._on_linked))
        self._dialog = dialog
        dialog.open()
        return dialog

    def _on_linked(self, conversation: ConversationDTO) -> None:
        if self.current is not None and self.current.id == conversation.id:
            self.current = conversation
            self._update_chat_header()
            self._read_lead_target()
        self.conversations.refresh()

    def _on_lead_changed(self, *_args: object) -> None:
        # Our own write on the lead: show it at once rather than waiting for the watcher.
        self.conversations.refresh()
        self._read_lead_target()

    def _on_list_view_context_menu(self, position: QPoint) -> None:
        index = self.list_view.indexAt(position)
        if not index.isValid():
            return
        self.list_view.setCurrentIndex(index)
        self.lead_menu().popup(self.list_view.viewport().mapToGlobal(position))

    def lead_menu(self) -> QMenu:
        """The context menu of the current conversation: its lead's actions and linking."""
        menu = QMenu(self)
        menu.setObjectName("lead_menu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for action in self.actions_.actions():
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.link_action)
        return menu

    def _on_actions_open_requested(self, lead_id: int) -> None:
        meta = self.metaObject()
        signal = meta.method(meta.indexOfSignal("open_lead_requested(int)"))
        if self.isSignalConnected(signal):
            self.open_lead_requested.emit(lead_id)
            return
        # Standing alone (no main window to open cards): open it here.
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

    # -- live updates -------------------------------------------------------------------------

    def _on_watcher_changed(self, tables: Iterable[str]) -> None:
        changed = set(tables)
        if changed & _CHANNEL_TABLES:
            self._read_channels()
        if changed & _LIST_TABLES:
            self.conversations.refresh()
        if changed & _THREAD_TABLES:
            self.messages.refresh()
        if "*" in changed or "settings" in changed:
            self._read_quick_replies()
        if self.current is not None and changed & {"*", "leads"}:
            self._read_lead_target()

    def _on_model_failed(self, text: str) -> None:
        show_message(self, self.tr("Dialogs"), text)
