"""Assign a lead to a user: type to filter, arrows to choose, Enter to assign."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QModelIndex, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from app.services.catalogs import users
from app.services.dto import LeadDTO, UserDTO
from app.services.processing import assign_lead
from ui.context import AppContext
from ui.dialogs.choice_list_model import Choice, ChoiceListModel
from ui.dialogs.lead_dialog import LeadDialog
from ui.dialogs.lead_target import LeadTarget
from ui.my_sales.row_models import SORT_ROLE


class ChoiceDialog(LeadDialog):
    """A filterable list of choices; subclasses load them and write the chosen one."""

    def __init__(self, context: AppContext, target: LeadTarget, parent: QWidget | None = None) -> None:
        super().__init__(context, target, parent)
        self.choices = ChoiceListModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.choices)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.sort(0)
        self.about = QLabel(
            self.tr("%1 · %2").replace("%1", target.contact or "—").replace("%2", target.channel_name)
        )
        self.about.setWordWrap(True)
        self.filter_edit = QLineEdit()
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setPlaceholderText(self.tr("Type to filter"))
        self.filter_edit.textChanged.connect(self._on_filter_edit_text_changed)
        self.filter_edit.installEventFilter(self)
        self.list_view = QListView()
        self.list_view.setModel(self.proxy)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_view.activated.connect(lambda _index: self.accept())
        self.ok_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.about)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list_view)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumSize(380, 420)
        self.list_view.selectionModel().currentChanged.connect(self._on_current_changed)

    def set_choices(self, choices: list[Choice], current_id: int | None = None) -> None:
        """Fill the list and preselect ``current_id`` (or the first entry)."""
        self.choices.set_choices(choices)
        row = self.choices.row_of(current_id) if current_id is not None else -1
        source = self.choices.index(row if row >= 0 else 0, 0)
        index = self.proxy.mapFromSource(source)
        if index.isValid():
            self.list_view.setCurrentIndex(index)
        self.filter_edit.setFocus()

    def chosen(self) -> Choice | None:
        """The highlighted choice."""
        index = self.list_view.currentIndex()
        if not index.isValid():
            return None
        return self.choices.choice(self.proxy.mapToSource(index).row())

    def choose(self, choice_id: int) -> None:
        """Highlight a choice by id (clears the filter when it hides it)."""
        row = self.choices.row_of(choice_id)
        if row < 0:
            raise KeyError(choice_id)
        index = self.proxy.mapFromSource(self.choices.index(row, 0))
        if not index.isValid():
            self.filter_edit.clear()
            index = self.proxy.mapFromSource(self.choices.index(row, 0))
        self.list_view.setCurrentIndex(index)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Up/Down in the filter move through the list: type, arrow, Enter — no mouse needed.
        if watched is self.filter_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
                self.list_view.event(event)
                return True
        return super().eventFilter(watched, event)

    def _on_filter_edit_text_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        if not self.list_view.currentIndex().isValid() and self.proxy.rowCount() > 0:
            self.list_view.setCurrentIndex(self.proxy.index(0, 0))

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.ok_button.setEnabled(current.isValid() and not self.saving)

    def set_busy(self, busy: bool) -> None:
        super().set_busy(busy)
        if not busy:
            self.ok_button.setEnabled(self.chosen() is not None)

    def load(self, work: object, make: object, current_id: int | None) -> None:
        """Read the choices off the GUI thread, then show them."""

        def done(items: list[object]) -> None:
            if shiboken6.isValid(self):
                self.set_choices([make(item) for item in items], current_id)  # type: ignore[operator]

        def failed(error: BaseException) -> None:
            if shiboken6.isValid(self):
                self._on_failed(error)

        self.context.tasks.run(work, done, failed)  # type: ignore[arg-type]


class AssignDialog(ChoiceDialog):
    """Make a user responsible for the lead (the reassign right, or taking it from one's own pool)."""

    def __init__(self, context: AppContext, target: LeadTarget, parent: QWidget | None = None) -> None:
        super().__init__(context, target, parent)
        self.setWindowTitle(self.tr("Assign lead %1").replace("%1", str(target.id)))
        self.setObjectName("assign_dialog")
        self.ok_button.setText(self.tr("Assign"))
        self.filter_edit.setAccessibleName(self.tr("Find a user"))

        # The pool thread gets the database, never the context (it owns Qt objects).
        db = context.db

        def work() -> list[UserDTO]:
            with db.session() as session:
                return users(session)

        self.load(work, self._choice, target.responsible_user_id)

    @staticmethod
    def _choice(user: UserDTO) -> Choice:
        from ui.main_window import role_names  # the roles in words, as the status bar says them

        return Choice(user.id, user.full_name, role_names(user.role_codes) or user.login, user)

    def accept(self) -> None:
        """Assign to the highlighted user."""
        choice = self.chosen()
        if choice is None or self.saving:
            return
        context, lead_id, version, user_id = self.context, self.target.id, self.target.version, choice.id

        # The pool thread gets the database and the actor, never the context (it owns Qt objects).
        db, actor = context.db, context.actor

        def work() -> LeadDTO:
            with db.uow() as uow:
                return assign_lead(uow, actor, lead_id, user_id, expected_version=version)

        self.submit(work)
