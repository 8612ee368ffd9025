"""Link a chat user to an existing client (or one of its contact persons) in one action."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from app.services import dialogs, lookup
from app.services.dialogs import ConversationDTO
from app.services.lookup import FindResult
from ui.context import AppContext
from ui.dialogs.choice_list_model import Choice, ChoiceListModel
from ui.dialogs.errors import ErrorLabel, sentence
from ui.my_sales.row_models import OBJECT_ROLE, guarded


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """A client, and a contact person of it (or None: the client as a whole)."""

    client_id: int
    contact_person_id: int | None
    name: str


def choices_of(found: FindResult) -> list[Choice]:
    """Clients and contact persons as choices; each contact person names its client."""
    clients = {client.id: client for client in found.clients}
    result: list[Choice] = []
    for client in found.clients:
        details = ", ".join((*client.phones[:2], *client.emails[:1]))
        result.append(Choice(client.id * 2, client.name, details, LinkTarget(client.id, None, client.name)))
    for person in found.contacts:
        owner = clients.get(person.client_id)
        if owner is None:
            continue  # a contact person of a client the user may not see
        text = f"{person.name} — {owner.name}"
        details = ", ".join((*person.phones[:2], *person.emails[:1]))
        result.append(Choice(person.id * 2 + 1, text, details, LinkTarget(owner.id, person.id, text)))
    return result


class LinkClientDialog(QDialog):
    """Search clients by phone, e-mail, name or INN and link the conversation's user to one.

    Signals:
        linked(object): the conversation (ConversationDTO) after the link was stored.
    """

    linked = Signal(object)

    def __init__(
        self, context: AppContext, conversation: ConversationDTO, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("link_client_dialog")
        self.setWindowTitle(self.tr("Link %1 to a client").replace("%1", conversation.title))
        self.context = context
        self.conversation = conversation
        self._generation = 0
        self.searching = False

        about = QLabel(
            self.tr(
                "Future chats of this user are recognized as this client's, and the open lead of the "
                "conversation is linked to the client."
            )
        )
        about.setWordWrap(True)
        self.query_edit = QLineEdit()
        self.query_edit.setObjectName("link_query")
        self.query_edit.setClearButtonEnabled(True)
        self.query_edit.setPlaceholderText(self.tr("Phone, e-mail, name or INN"))
        self.query_edit.setAccessibleName(self.tr("Find a client"))
        self.choices = ChoiceListModel(self)
        self.list_view = QListView()
        self.list_view.setObjectName("link_choices")
        self.list_view.setModel(self.choices)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.activated.connect(self._on_list_view_activated)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("link_empty")
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.link_button = self.buttons.addButton(self.tr("&Link"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.link_button.setObjectName("link_button")
        self.link_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.query_edit)
        layout.addWidget(self.list_view, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(520, 420)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.search_now)
        self.query_edit.textChanged.connect(lambda _text: self._timer.start())
        self.list_view.selectionModel().currentChanged.connect(self._on_current_changed)
        # What the user told us is the first thing worth looking for.
        self.query_edit.setText(conversation.phone or conversation.display_name or "")
        if self.query_edit.text():
            self.search_now()

    def chosen(self) -> LinkTarget | None:
        """The client (and contact person) chosen in the list."""
        index = self.list_view.currentIndex()
        if not index.isValid():
            return None
        target = index.data(OBJECT_ROLE)
        return target if isinstance(target, LinkTarget) else None

    def search_now(self) -> None:
        """Search for the text in the field (at once, without waiting for a pause)."""
        self._timer.stop()
        query = self.query_edit.text().strip()
        self._generation += 1
        generation = self._generation
        if not query:
            self.choices.set_choices([])
            self.empty_label.clear()
            return
        db, actor = self.context.db, self.context.actor

        def work() -> list[Choice]:
            with db.session() as session:
                return choices_of(lookup.find(session, query, actor, limit=30))

        def done(found: list[Choice]) -> None:
            if generation != self._generation:
                return
            self.searching = False
            self.choices.set_choices(found)
            self.empty_label.setText("" if found else self.tr("No client found."))
            if found and not self.list_view.currentIndex().isValid():
                self.list_view.setCurrentIndex(self.choices.index(0))

        def failed(error: BaseException) -> None:
            if generation == self._generation:
                self.searching = False
                self.error.show_error(sentence(error))

        self.searching = True
        self.context.tasks.run(work, guarded(self, done), guarded(self, failed))

    def accept(self) -> None:
        """Store the link; the dialog closes once it is stored (or says why not)."""
        target = self.chosen()
        if target is None:
            self.error.show_error(self.tr("Choose a client first."))
            return
        self.link_button.setEnabled(False)
        self.error.clear_error()
        db, actor, conversation_id = self.context.db, self.context.actor, self.conversation.id

        def work() -> ConversationDTO:
            with db.uow() as uow:
                return dialogs.link_conversation(
                    uow, actor, conversation_id, target.client_id, target.contact_person_id
                )

        def done(conversation: ConversationDTO) -> None:
            self.linked.emit(conversation)
            super(LinkClientDialog, self).accept()

        def failed(error: BaseException) -> None:
            self.link_button.setEnabled(True)
            self.error.show_error(sentence(error))

        self.context.tasks.run(work, guarded(self, done), guarded(self, failed), write=True)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.link_button.setEnabled(current.isValid())

    def _on_list_view_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Down in the search field moves into the list (Enter there links)."""
        if event.key() == Qt.Key.Key_Down and self.query_edit.hasFocus() and self.choices.rowCount() > 0:
            self.list_view.setFocus()
            return
        super().keyPressEvent(event)
