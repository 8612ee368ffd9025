"""The Settings workspace (administrators): sections on the left, the chosen list on the right.

Everything shown comes from one :func:`app.services.configuration.load_settings` read on a pool
thread; every change is a service call with ``write=True``; a change by this or another desktop
(``watcher.changed``) reloads and updates the lists in place, keeping the selection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.services import configuration as conf
from app.services.configuration import SettingsSnapshot
from ui.context import AppContext
from ui.settings.form_dialog import alive, error_label, sentence_of
from ui.settings.settings_models import Names
from ui.settings.settings_pages import (
    ChannelsPage,
    DepartmentsPage,
    ExclusionsPage,
    LanguagePage,
    PipelinesPage,
    ReasonsPage,
    RolesPage,
    SectionPage,
    StatusesPage,
    UsersPage,
)

# Tables whose changes never alter what the Settings show (leads flow in all day long).
_IRRELEVANT = frozenset(
    {
        "leads",
        "lead_history",
        "interests",
        "processes",
        "clients",
        "contact_persons",
        "call_records",
        "interactions",
    }
)

EMPTY = SettingsSnapshot((), (), (), (), (), (), (), (), ())


class SettingsWorkspace(QWidget):
    """Channels, rejection reasons, pipelines, users, roles, departments, exclusions, statuses, language.

    Signals:
        refreshed(): a fresh snapshot is on screen (after the first load and every reload).

    Threading: reads and writes run on the task runner's pools; results arrive on the GUI thread.
    """

    refreshed = Signal()

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, settings: QSettings | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settings_workspace")
        self.context = context
        self.snapshot = EMPTY
        self.dialog: QDialog | None = None
        self.message_box: QMessageBox | None = None
        self.last_message = ""
        self._loading = False
        self._again = False
        self._stale = False

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.sections = QListWidget(self)
        self.sections.setObjectName("settings_sections")
        self.sections.setAccessibleName(self.tr("Settings sections"))
        self.sections.setFixedWidth(200)
        self.sections.setFrameShape(QFrame.Shape.NoFrame)
        self.sections.setViewportMargins(6, 10, 6, 10)
        layout.addWidget(self.sections)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        self.banner = error_label(self)
        self.banner.setContentsMargins(16, 8, 16, 0)
        right.addWidget(self.banner)
        self.stack = QStackedWidget(self)
        right.addWidget(self.stack, 1)
        layout.addLayout(right, 1)

        self.channels = ChannelsPage(self)
        self.reasons = ReasonsPage(self)
        self.pipelines = PipelinesPage(self)
        self.users = UsersPage(self)
        self.roles = RolesPage(self)
        self.departments = DepartmentsPage(self)
        self.exclusions = ExclusionsPage(self)
        self.statuses = StatusesPage(self)
        self.language = LanguagePage(self, settings)
        self.pages: list[SectionPage] = [
            self.channels,
            self.reasons,
            self.pipelines,
            self.users,
            self.roles,
            self.departments,
            self.exclusions,
            self.statuses,
        ]
        titles = [
            self.tr("Channels"),
            self.tr("Rejection reasons"),
            self.tr("Pipelines and stages"),
            self.tr("Users"),
            self.tr("Roles"),
            self.tr("Departments"),
            self.tr("Exclusion list"),
            self.tr("Lead statuses"),
            self.tr("Interface language"),
        ]
        for title, page in zip(titles, [*self.pages, self.language], strict=True):
            item = QListWidgetItem(title, self.sections)
            item.setSizeHint(QSize(0, 30))
            self.stack.addWidget(page)
        self.sections.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.sections.setCurrentRow(0)
        self.setFocusProxy(self.sections)

        context.watcher.changed.connect(self._on_watcher_changed)
        self.reload()

    # -- sections -----------------------------------------------------------------------------

    def show_section(self, page: QWidget) -> None:
        """Bring a section to the front."""
        self.sections.setCurrentRow(self.stack.indexOf(page))

    # -- data ---------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read everything again (off the GUI thread) and update the lists in place."""
        if self._loading:
            self._again = True
            return
        self._loading = True
        self._stale = False
        db, actor = self.context.db, self.context.actor

        def work() -> SettingsSnapshot:
            with db.session() as session:
                return conf.load_settings(session, actor)

        self.context.tasks.run(work, self._on_loaded, self._on_load_failed)

    def _on_loaded(self, snapshot: SettingsSnapshot) -> None:
        if not alive(self):
            return
        self._loading = False
        self.banner.setVisible(False)
        self.snapshot = snapshot
        names = Names(
            users={account.user.id: account.user.full_name for account in snapshot.users},
            roles={role.id: role.name for role in snapshot.roles},
            role_codes={role.code: role.name for role in snapshot.roles},
            departments={department.id: department.name for department in snapshot.departments},
        )
        for page in self.pages:
            page.apply(snapshot, names)
        if self._again:
            self._again = False
            self.reload()
        self.refreshed.emit()

    def _on_load_failed(self, error: BaseException) -> None:
        if not alive(self):
            return
        self._loading = False
        self.banner.setText(sentence_of(error, self.tr("The settings could not be read.")))
        self.banner.setVisible(True)
        if self._again:
            self._again = False
            self.reload()

    def _on_watcher_changed(self, tables: object) -> None:
        if not alive(self):
            return
        if isinstance(tables, set | frozenset) and tables and tables <= _IRRELEVANT:
            return
        if self.isVisible():
            self.reload()
        else:
            self._stale = True  # read when shown: no work for a workspace nobody looks at

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    # -- actions shared by the sections -------------------------------------------------------

    def write(self, work: Callable[[], Any], done: Callable[[Any], None] | None = None) -> None:
        """Run a change on the writer pool; reload after it, or show its refusal in words."""

        def on_done(result: Any) -> None:
            if not alive(self):
                return
            self.reload()
            if done is not None:
                done(result)

        def on_error(error: BaseException) -> None:
            if alive(self):
                self.inform(
                    sentence_of(
                        error, self.tr("The change could not be saved because of an unexpected error.")
                    )
                )
                self.reload()

        self.context.tasks.run(work, on_done, on_error, write=True)

    def open_dialog(self, dialog: QDialog) -> None:
        """Show a form window-modally (no nested event loop)."""
        self.dialog = dialog
        dialog.open()

    def inform(self, text: str, *, warning: bool = True) -> None:
        """Say something in a message box that does not block."""
        self.last_message = text
        box = QMessageBox(
            QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information,
            self.tr("Settings"),
            text,
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_box = box
        box.open()

    def confirm(self, question: str, on_yes: Callable[[], None]) -> None:
        """Ask a yes/no question without blocking; ``on_yes`` runs when the answer is yes."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Settings"),
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(button: Any) -> None:
            if box.standardButton(button) == QMessageBox.StandardButton.Yes:
                on_yes()

        box.buttonClicked.connect(answered)
        self.message_box = box
        box.open()
