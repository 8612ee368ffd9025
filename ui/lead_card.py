"""The lead card: every field of a lead, the client's other leads and interests, the history.

Non-modal; it reads itself again when ``context.watcher.changed`` says leads changed (a colleague
rejected the lead on another desktop: the card says so within a couple of seconds). Its tables
update by difference, like the board.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.persistence.types import utcnow
from app.services import board
from app.services.board import HistoryItem, InterestCard, LeadCard, LeadSummary
from ui.context import AppContext
from ui.dialogs import LeadTarget
from ui.dialogs.errors import ErrorLabel, sentence
from ui.mail.letters import LeadLettersView
from ui.my_sales import words
from ui.my_sales.lead_actions import LeadActions
from ui.my_sales.row_models import OBJECT_ROLE, SORT_ROLE, sync_rows

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex

_CARD_TABLES = {"*", "leads", "lead_history", "interests", "clients", "users", "channels"}


class _RowsTableModel(QAbstractTableModel):
    """A read-only table of frozen DTOs with a column enum, refreshed by difference."""

    CONTEXT = "LeadCard"
    HEADERS: Sequence[str] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own signature
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
        if horizontal and 0 <= section < len(self.HEADERS):
            return QCoreApplication.translate(self.CONTEXT, self.HEADERS[section])
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self.HEADERS):
            return None
        row = self._rows[index.row()]
        if role == OBJECT_ROLE:
            return row
        if role == SORT_ROLE:
            return self.sort_value(row, index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.text(row, index.column())
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show these rows (by difference)."""
        sync_rows(self, self._rows, list(rows), lambda row: row.id, last_column=len(self.HEADERS) - 1)

    def row(self, row: int) -> Any:
        """The DTO on a row."""
        return self._rows[row]

    def text(self, row: Any, column: int) -> str:
        """The cell's text."""
        raise NotImplementedError

    def sort_value(self, row: Any, column: int) -> Any:
        """The cell's sort value (text unless a subclass knows better)."""
        return self.text(row, column)


class HistoryColumn(IntEnum):
    """Columns of the history timeline."""

    WHEN = 0
    WHO = 1
    WHAT = 2
    CHANGES = 3


# The fixed notes intake stores with a new lead's first history entry (app/services/intake.py);
# the stored text is English, the card shows it in the user's language.
INTAKE_NOTES = (
    QT_TRANSLATE_NOOP("HistoryNote", "responsible: the manager who already works with this contact"),
    QT_TRANSLATE_NOOP("HistoryNote", "responsible: the channel's fixed user"),
    QT_TRANSLATE_NOOP("HistoryNote", "responsible: the channel's role (no fixed user set)"),
    QT_TRANSLATE_NOOP("HistoryNote", "responsible: the channel's user"),
    QT_TRANSLATE_NOOP("HistoryNote", "responsible: the role's shared pool"),
    QT_TRANSLATE_NOOP("HistoryNote", "responsible: the role's pool (the role has no active members)"),
    QT_TRANSLATE_NOOP("HistoryNote", "responsible: round-robin over the role"),
    QT_TRANSLATE_NOOP("HistoryNote", "responsible: the least-loaded member of the role"),
)


def history_note(comment: str) -> str:
    """A stored history note in the user's language when it is one of the fixed ones."""
    if comment in INTAKE_NOTES:
        return QCoreApplication.translate("HistoryNote", comment)
    if comment.startswith("responsible: zone "):
        rule = comment.removeprefix("responsible: zone ")
        return QCoreApplication.translate("HistoryNote", "responsible: zone rule %1").replace("%1", rule)
    return comment


class HistoryTableModel(_RowsTableModel):
    """The lead's history: when, who, what happened, which fields changed from what to what."""

    HEADERS = (
        QT_TRANSLATE_NOOP("LeadCard", "When"),
        QT_TRANSLATE_NOOP("LeadCard", "Who"),
        QT_TRANSLATE_NOOP("LeadCard", "What"),
        QT_TRANSLATE_NOOP("LeadCard", "Changes"),
    )

    def text(self, row: HistoryItem, column: int) -> str:
        if column == HistoryColumn.WHEN:
            return words.local_time(row.at)
        if column == HistoryColumn.WHO:
            return row.user_name or QCoreApplication.translate("LeadCard", "Inflow")
        if column == HistoryColumn.WHAT:
            what = words.action_name(row.action)
            return f"{what}: {history_note(row.comment)}" if row.comment else what
        return history_changes(row)

    def sort_value(self, row: HistoryItem, column: int) -> Any:
        if column == HistoryColumn.WHEN:
            return row.at.timestamp()
        return self.text(row, column)


def history_changes(item: HistoryItem) -> str:
    """ "Responsible: Maria → —; State: New → Rejected" in the user's language."""
    return "; ".join(
        f"{words.field_name(change.field)}: {words.field_value(change.field, change.old)} → "
        f"{words.field_value(change.field, change.new)}"
        for change in item.changes
    )


class OtherLeadColumn(IntEnum):
    """Columns of the client's other leads."""

    RECEIVED = 0
    CHANNEL = 1
    STATE = 2
    SUBJECT = 3
    RESPONSIBLE = 4


class OtherLeadsTableModel(_RowsTableModel):
    """The client's other leads, newest first."""

    HEADERS = (
        QT_TRANSLATE_NOOP("LeadCard", "Received"),
        QT_TRANSLATE_NOOP("LeadCard", "Channel"),
        QT_TRANSLATE_NOOP("LeadCard", "State"),
        QT_TRANSLATE_NOOP("LeadCard", "Subject"),
        QT_TRANSLATE_NOOP("LeadCard", "Responsible"),
    )

    def text(self, row: LeadSummary, column: int) -> str:
        if column == OtherLeadColumn.RECEIVED:
            return words.local_time(row.received_at)
        if column == OtherLeadColumn.CHANNEL:
            return row.channel_name
        if column == OtherLeadColumn.STATE:
            return words.state_name(row.state.value)
        if column == OtherLeadColumn.SUBJECT:
            return row.first_line
        return row.responsible_name or ""

    def sort_value(self, row: LeadSummary, column: int) -> Any:
        if column == OtherLeadColumn.RECEIVED:
            return row.received_at.timestamp()
        return self.text(row, column)


class InterestColumn(IntEnum):
    """Columns of the client's interests."""

    TITLE = 0
    STAGE = 1
    AMOUNT = 2
    RESPONSIBLE = 3
    CREATED = 4


class InterestsTableModel(_RowsTableModel):
    """The client's interests (deals), newest first."""

    HEADERS = (
        QT_TRANSLATE_NOOP("LeadCard", "Interest"),
        QT_TRANSLATE_NOOP("LeadCard", "Stage"),
        QT_TRANSLATE_NOOP("LeadCard", "Amount"),
        QT_TRANSLATE_NOOP("LeadCard", "Responsible"),
        QT_TRANSLATE_NOOP("LeadCard", "Created"),
    )

    def text(self, row: InterestCard, column: int) -> str:
        if column == InterestColumn.TITLE:
            return row.title
        if column == InterestColumn.STAGE:
            return row.stage_name
        if column == InterestColumn.AMOUNT:
            return words.money(row.amount)
        if column == InterestColumn.RESPONSIBLE:
            return row.responsible_name or ""
        return words.local_time(row.created_at)

    def sort_value(self, row: InterestCard, column: int) -> Any:
        if column == InterestColumn.AMOUNT:
            return float(row.amount or 0)
        if column == InterestColumn.CREATED:
            return row.created_at.timestamp()
        return self.text(row, column)


# The card's fields in order: (key of words.FIELDS, how to read it off the LeadCard).
_FIELDS: list[tuple[str, Callable[[LeadCard], str]]] = [
    ("id", lambda c: str(c.lead.id)),
    ("state", lambda c: words.state_name(c.lead.state.value)),
    ("received_at", lambda c: words.local_time(c.lead.received_at)),
    ("channel", lambda c: c.channel_name),
    ("kind", lambda c: words.kind_name(c.lead.kind.value)),
    ("contact_name", lambda c: c.lead.contact_name or ""),
    ("raw_contact", lambda c: c.lead.raw_contact or ""),
    ("phone", lambda c: c.lead.phone or ""),
    ("email", lambda c: c.lead.email or ""),
    ("messenger_user", lambda c: c.lead.messenger_user or ""),
    ("subject", lambda c: c.lead.subject or ""),
    ("ad_source", lambda c: c.lead.ad_source or ""),
    ("quality", lambda c: words.quality_name(c.lead.quality.value)),
    ("client_id", lambda c: c.client_name or ""),
    ("contact_person_id", lambda c: c.contact_person_name or ""),
    ("repeat_of_lead_id", lambda c: f"#{c.lead.repeat_of_lead_id}" if c.lead.repeat_of_lead_id else ""),
    ("duplicate_of_lead_id", lambda c: f"#{c.duplicate_of_lead_id}" if c.duplicate_of_lead_id else ""),
    ("responsible_user_id", lambda c: c.responsible_name or ""),
    ("responsible_role_id", lambda c: c.role_name or ""),
    ("progress_status_id", lambda c: c.progress_status_name or ""),
    ("sla_due_at", lambda c: words.local_time(c.lead.sla_due_at)),
    ("first_action_at", lambda c: words.local_time(c.first_action_at)),
    ("processed_at", lambda c: words.local_time(c.lead.processed_at)),
    ("processor_id", lambda c: c.processor_name or ""),
    ("rejection_reason_id", lambda c: c.rejection_reason_name or ""),
    ("rejection_comment", lambda c: c.lead.rejection_comment or ""),
    ("result_interest_id", lambda c: c.result_interest_title or ""),
    ("result_process_id", lambda c: c.result_process_title or ""),
    ("external_id", lambda c: c.lead.external_id or ""),
    ("created_by_id", lambda c: c.created_by_name or ""),
    ("updated_at", lambda c: words.local_time(c.updated_at)),
    ("version", lambda c: str(c.lead.version)),
]


def _table(model: QAbstractTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


class LeadCardDialog(QDialog):
    """A non-modal window with one lead: fields, the client's leads and interests, the history.

    Signals:
        loaded(object): the card was read (a LeadCard), first time or after a change.
        lead_chosen(int): another lead of the client was opened from the table.
    """

    loaded = Signal(object)
    lead_chosen = Signal(int)

    def __init__(self, context: AppContext, lead_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.lead_id = lead_id
        self.card: LeadCard | None = None
        self._reading = False
        self._read_again = False
        self._stale = False
        self.setObjectName("lead_card")
        self.setWindowTitle(self.tr("Lead %1").replace("%1", str(lead_id)))
        self.setModal(False)

        self.actions_ = LeadActions(context, self)
        self.actions_.changed.connect(lambda _lead_id: self.reload())
        self.actions_.failed.connect(lambda _lead_id, _text: self.reload())

        self.title = QLabel(self.tr("Loading…"))
        self.title.setObjectName("lead_card_title")
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = ErrorLabel(self)

        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, _read in _FIELDS:
            edit = QLineEdit()
            edit.setReadOnly(True)
            edit.setObjectName(f"field_{key}")
            edit.setAccessibleName(words.field_name(key))
            self.fields[key] = edit
            form.addRow(words.field_name(key) + ":", edit)
        # Click-to-call: the phone field dials through this desk's softphone panel, logged on the lead.
        from ui.softphone.panel import add_call_action

        add_call_action(self.fields["phone"], self, lambda: self.lead_id)
        self.message_edit = QPlainTextEdit()
        self.message_edit.setReadOnly(True)
        self.message_edit.setObjectName("field_message")
        self.message_edit.setAccessibleName(words.field_name("message"))
        self.message_edit.setTabChangesFocus(True)
        self.message_edit.setMinimumHeight(self.message_edit.fontMetrics().lineSpacing() * 5)
        form.addRow(words.field_name("message") + ":", self.message_edit)
        form_widget = QWidget()
        form_widget.setLayout(form)
        form_scroll = QScrollArea()
        form_scroll.setWidgetResizable(True)
        form_scroll.setWidget(form_widget)

        self.history_model = HistoryTableModel(self)
        self.leads_model = OtherLeadsTableModel(self)
        self.interests_model = InterestsTableModel(self)
        self.history_view = _table(self.history_model, "history_view")
        # When and who fit their text; what happened gets a readable width; the changes take the rest
        # and wrap, so a long entry grows downwards instead of pushing "Changes" out of sight.
        header = self.history_view.horizontalHeader()
        metrics = self.history_view.fontMetrics()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(HistoryColumn.CHANGES, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(HistoryColumn.WHEN, metrics.horizontalAdvance(words.local_time(utcnow())) + 16)
        header.resizeSection(HistoryColumn.WHO, metrics.horizontalAdvance("М" * 10) + 16)
        header.resizeSection(HistoryColumn.WHAT, metrics.horizontalAdvance("М" * 12) + 16)
        self.leads_view = _table(self.leads_model, "other_leads_view")
        self.leads_view.activated.connect(self._on_leads_view_activated)
        self.interests_view = _table(self.interests_model, "interests_view")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.history_view, self.tr("&History"))
        self.tabs.addTab(self.leads_view, self.tr("Client's &leads"))
        self.tabs.addTab(self.interests_view, self.tr("Client's &interests"))
        # The letters of the lead's thread (date, from, subject); a double click opens one read-only.
        self.letters_view = LeadLettersView(context, lead_id)
        self.tabs.addTab(self.letters_view, self.tr("Le&tters"))
        # The lead's calls (result, talk time, who answered); a call's recording plays there.
        from ui.softphone.calls_view import LeadCallsView

        self.calls_view = LeadCallsView(context, lead_id)
        self.tabs.addTab(self.calls_view, self.tr("Ca&lls"))

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(form_scroll)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([440, 760])

        self.convert_button = QPushButton(self.tr("&Convert…"))
        self.convert_button.clicked.connect(self.actions_.convert)
        self.reject_button = QPushButton(self.tr("&Reject…"))
        self.reject_button.clicked.connect(self.actions_.reject)
        self.assign_button = QPushButton(self.tr("&Assign…"))
        self.assign_button.clicked.connect(self.actions_.assign)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.convert_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.reject_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.assign_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)
        self._set_buttons(None)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.error)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.resize(1240, 760)

        context.watcher.changed.connect(self._on_watcher_changed)
        self.reload()

    # -- reading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the card again (off the GUI thread) and show it."""
        if self._reading:
            self._read_again = True
            return
        self._reading = True
        context, lead_id = self.context, self.lead_id

        # The pool thread gets the database and the actor, never the context (it owns Qt objects).
        db, actor = context.db, context.actor

        def work() -> LeadCard:
            with db.session() as session:
                return board.lead_card(session, actor, lead_id)

        context.tasks.run(work, self._guard(self._on_read), self._guard(self._on_read_failed))

    def _on_read(self, card: LeadCard) -> None:
        self._reading = False
        self.card = card
        self.error.clear_error()
        lead = card.lead
        contact = LeadTarget.of_lead_card(card).contact
        self.title.setText(
            self.tr("Lead %1 — %2 · %3")
            .replace("%1", str(lead.id))
            .replace("%2", contact or "—")
            .replace("%3", words.state_name(lead.state.value))
        )
        self.setWindowTitle(self.tr("Lead %1 — %2").replace("%1", str(lead.id)).replace("%2", contact or "—"))
        for key, read in _FIELDS:
            edit = self.fields[key]
            text = read(card)
            if edit.text() != text:
                edit.setText(text)
                edit.setCursorPosition(0)
        if self.message_edit.toPlainText() != (lead.message or ""):
            self.message_edit.setPlainText(lead.message or "")
        self.history_model.set_rows(card.history)
        self.leads_model.set_rows(card.other_leads)
        self.interests_model.set_rows(card.interests)
        self.letters_view.reload()
        self.history_view.resizeRowsToContents()
        self._set_buttons(card)
        self.loaded.emit(card)
        self._after_read()

    def _on_read_failed(self, error: BaseException) -> None:
        self._reading = False
        self.error.show_error(sentence(error))
        self._set_buttons(None)
        self._after_read()

    def _after_read(self) -> None:
        if self._read_again:
            self._read_again = False
            self.reload()

    def _set_buttons(self, card: LeadCard | None) -> None:
        target = LeadTarget.of_lead_card(card) if card is not None else None
        self.actions_.set_target(target)
        # Closed leads: nothing to convert, reject or reassign (the actions know the rights too).
        self.convert_button.setEnabled(self.actions_.convert_action.isEnabled())
        self.reject_button.setEnabled(self.actions_.reject_action.isEnabled())
        self.assign_button.setEnabled(self.actions_.assign_action.isEnabled())

    # -- slots --------------------------------------------------------------------------------

    def _on_watcher_changed(self, tables: object) -> None:
        if not set(tables) & _CARD_TABLES:  # type: ignore[call-overload]
            return
        if self.isVisible():
            self.reload()
        else:
            self._stale = True  # read when shown again, not while nobody looks

    def _on_leads_view_activated(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        summary: LeadSummary = self.leads_model.row(index.row())
        self.lead_chosen.emit(summary.id)
        if not self.isSignalConnected(self._lead_chosen_signal()):
            other = LeadCardDialog(self.context, summary.id, self.parentWidget())
            other.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            other.show()

    def _lead_chosen_signal(self) -> Any:
        meta = self.metaObject()
        return meta.method(meta.indexOfSignal("lead_chosen(int)"))

    def _guard(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        def call(value: Any) -> None:
            if shiboken6.isValid(self):
                callback(value)

        return call

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.reload()
