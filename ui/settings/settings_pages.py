"""The sections of the Settings workspace: a list of one catalog with its buttons, each."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QItemSelectionModel,
    QModelIndex,
    QSettings,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services import configuration as conf
from app.services.catalogs import PipelineDTO, StageDTO
from app.services.configuration import SettingsSnapshot, UserAccountDTO
from app.services.dto import ChannelDTO
from ui.settings.catalog_dialogs import (
    DepartmentDialog,
    ExclusionDialog,
    NameDialog,
    PasswordDialog,
    ProgressStatusDialog,
    RoleDialog,
    StageDialog,
    UserDialog,
    uow_work,
)
from ui.settings.channel_dialog import ChannelDialog, ChannelSaved
from ui.settings.settings_models import (
    OBJECT_ROLE,
    SORT_ROLE,
    ChannelColumn,
    ChannelTableModel,
    DepartmentTableModel,
    ExclusionTableModel,
    Names,
    PipelineTableModel,
    ProgressStatusTableModel,
    ReasonTableModel,
    RoleTableModel,
    SettingsTableModel,
    StageTableModel,
    UserColumn,
    UserTableModel,
)

if TYPE_CHECKING:
    from ui.settings.settings_workspace import SettingsWorkspace


def heading(text: str, parent: QWidget) -> QLabel:
    """A section title."""
    label = QLabel(text, parent)
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * 1.35)
    font.setBold(True)
    label.setFont(font)
    return label


def hint(text: str, parent: QWidget) -> QLabel:
    """A one- or two-line explanation under a title."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setForegroundRole(label.foregroundRole())
    return label


def make_table(parent: QWidget) -> QTableView:
    """A read-only, row-selecting table view in the house style."""
    view = QTableView(parent)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.setTabKeyNavigation(False)
    return view


class SectionPage(QWidget):
    """A titled, filterable list of one catalog with Add / Edit / … buttons under it."""

    def __init__(
        self,
        workspace: SettingsWorkspace,
        model: SettingsTableModel[Any],
        *,
        sortable: bool = False,
        filterable: bool = False,
    ) -> None:
        super().__init__(workspace)
        self.workspace = workspace
        self.model = model
        model.setParent(self)
        self.pending_key: Hashable | None = None
        self._fitted = False
        # The column that takes the width left over (the last one unless a page says otherwise).
        self.stretch_column: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        self.title = heading("", self)
        layout.addWidget(self.title)
        self.explanation = hint("", self)
        layout.addWidget(self.explanation)
        self.top = QHBoxLayout()
        layout.addLayout(self.top)
        self.filter: QLineEdit | None = None
        shown: QAbstractItemModel = model
        self.proxy: QSortFilterProxyModel | None = None
        if sortable or filterable:
            self.proxy = QSortFilterProxyModel(self)
            self.proxy.setSourceModel(model)
            self.proxy.setSortRole(SORT_ROLE)
            self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self.proxy.setFilterKeyColumn(-1)
            shown = self.proxy
        if filterable:
            self.filter = QLineEdit(self)
            self.filter.setPlaceholderText(self.tr("Filter…"))
            self.filter.setClearButtonEnabled(True)
            self.filter.setMaximumWidth(320)
            assert self.proxy is not None
            self.filter.textChanged.connect(self.proxy.setFilterFixedString)
            self.top.addWidget(self.filter)
            self.top.addStretch(1)
        self.view = make_table(self)
        self.view.setModel(shown)
        if sortable:
            self.view.setSortingEnabled(True)
            self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.activated.connect(lambda _index: self.on_activated())
        layout.addWidget(self.view, 1)
        self.buttons = QHBoxLayout()
        layout.addLayout(self.buttons)
        self._selection_buttons: list[QPushButton] = []
        self.view.selectionModel().selectionChanged.connect(lambda *_: self.update_buttons())
        model.modelReset.connect(self.update_buttons)
        model.rowsRemoved.connect(self.update_buttons)
        model.rowsInserted.connect(self.update_buttons)
        model.rowsMoved.connect(self.update_buttons)
        model.dataChanged.connect(lambda *_: self.update_buttons())

    # -- building -----------------------------------------------------------------------------

    def describe(self, title: str, explanation: str) -> None:
        """Set the section's title and the sentence under it."""
        self.title.setText(title)
        self.explanation.setText(explanation)

    def add_button(
        self,
        text: str,
        slot: Callable[[], None],
        *,
        needs_selection: bool = True,
        shortcut: QKeySequence | None = None,
    ) -> QPushButton:
        """A button under the list; ``needs_selection`` ones are enabled only with a row selected."""
        button = QPushButton(text, self)
        button.clicked.connect(slot)
        if shortcut is not None:
            button.setShortcut(shortcut)
            button.setToolTip(shortcut.toString(QKeySequence.SequenceFormat.NativeText))
        if needs_selection:
            self._selection_buttons.append(button)
        self.buttons.addWidget(button)
        return button

    def finish_buttons(self) -> None:
        """Close the button row (call after the last :meth:`add_button`)."""
        self.buttons.addStretch(1)
        self.update_buttons()

    def fit_columns(self) -> None:
        """Size columns to their contents once; ``stretch_column`` takes (or gives up) the rest."""
        header = self.view.horizontalHeader()
        last = self.model.columnCount() - 1
        stretch = last if self.stretch_column is None else self.stretch_column
        header.setStretchLastSection(stretch == last)
        for column in range(self.model.columnCount()):
            if column == stretch:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
                continue
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.view.resizeColumnToContents(column)
            if header.sectionSize(column) > 320:
                header.resizeSection(column, 320)

    # -- selection ----------------------------------------------------------------------------

    def selected(self) -> Any:
        """The DTO of the selected row, or None."""
        rows = self.view.selectionModel().selectedRows()
        return rows[0].data(OBJECT_ROLE) if rows else None

    def selected_row(self) -> int:
        """The model row of the selection, or -1."""
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return -1
        index = rows[0]
        return self.proxy.mapToSource(index).row() if self.proxy is not None else index.row()

    def select_key(self, key: Hashable) -> bool:
        """Select the row of the item with this key (after an add)."""
        row = self.model.row_of(key)
        if row < 0:
            return False
        index: QModelIndex = self.model.index(row, 0)
        if self.proxy is not None:
            index = self.proxy.mapFromSource(index)
        if not index.isValid():
            return False
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.view.scrollTo(index)
        return True

    def update_buttons(self) -> None:
        """Enable the buttons that need a selection when there is one."""
        has = self.selected() is not None
        for button in self._selection_buttons:
            button.setEnabled(has)
        row = self.selected_row()
        up, down = getattr(self, "up_button", None), getattr(self, "down_button", None)
        if up is not None and down is not None:
            up.setEnabled(has and row > 0)
            down.setEnabled(has and 0 <= row < self.model.rowCount() - 1)

    def set_items(self, items: Any) -> None:
        """Refresh the rows, then select the item just added (when it has arrived)."""
        self.model.set_items(items)
        if not self._fitted and self.model.rowCount():
            self._fitted = True
            self.fit_columns()
        if self.pending_key is not None and self.select_key(self.pending_key):
            self.pending_key = None
        self.update_buttons()

    # -- behaviour ----------------------------------------------------------------------------

    def apply(self, snapshot: SettingsSnapshot, names: Names) -> None:
        """Show the snapshot's part for this section."""
        raise NotImplementedError

    def on_activated(self) -> None:
        """Enter or double-click on a row (edit it, by default nothing)."""

    def saved_then_select(self, key_of: Callable[[Any], Hashable]) -> Callable[[Any], None]:
        """A ``saved`` handler: refresh and select what was saved."""

        def on_saved(result: Any) -> None:
            self.pending_key = key_of(result)
            self.workspace.reload()

        return on_saved


def _up() -> QKeySequence:
    return QKeySequence(Qt.Modifier.ALT | Qt.Key.Key_Up)


def _down() -> QKeySequence:
    return QKeySequence(Qt.Modifier.ALT | Qt.Key.Key_Down)


# ----------------------------------------------------------------------------------- channels


class ChannelsPage(SectionPage):
    """Channels: every field, through the channel editor."""

    def __init__(self, workspace: SettingsWorkspace) -> None:
        super().__init__(workspace, ChannelTableModel(), sortable=True)
        self.stretch_column = ChannelColumn.RESPONSIBLE
        self.describe(
            self.tr("Channels"),
            self.tr(
                "Each SIP line, mailbox, messenger account and request source that brings leads, "
                "and who gets its leads."
            ),
        )
        self.new_button = self.add_button(self.tr("&Add…"), self.add, needs_selection=False)
        self.edit_button = self.add_button(self.tr("&Edit…"), self.edit)
        self.toggle_button = self.add_button(self.tr("De&activate"), self.toggle)
        self.finish_buttons()

    def apply(self, snapshot: SettingsSnapshot, names: Names) -> None:
        self.model.set_names(names)
        self.set_items(snapshot.channels)

    def update_buttons(self) -> None:
        super().update_buttons()
        channel = self.selected()
        if hasattr(self, "toggle_button"):
            active = channel is None or channel.active
            self.toggle_button.setText(self.tr("De&activate") if active else self.tr("&Activate"))

    def on_activated(self) -> None:
        self.edit()

    def add(self) -> None:
        self._open(None)

    def edit(self) -> None:
        channel = self.selected()
        if channel is not None:
            self._open(channel)

    def _open(self, channel: ChannelDTO | None) -> None:
        dialog = ChannelDialog(self.workspace.context, self.workspace.snapshot, channel, self)
        dialog.saved.connect(self._on_saved)
        self.workspace.open_dialog(dialog)

    def _on_saved(self, result: ChannelSaved) -> None:
        self.pending_key = result.channel.id
        self.workspace.reload()
        if result.token:
            self.workspace.inform(
                self.tr(
                    "The web form of “%1” sends its requests with this token (shown only now; keep it "
                    "in the form's settings):\n\n%2"
                )
                .replace("%1", result.channel.name)
                .replace("%2", result.token),
                warning=False,
            )
        if result.secret_error:
            self.workspace.inform(result.secret_error)

    def toggle(self) -> None:
        channel = self.selected()
        if channel is not None:
            self.workspace.write(
                uow_work(self.workspace.context, conf.set_channel_active, channel.id, not channel.active)
            )


# ------------------------------------------------------------------------------------ reasons


class ReasonsPage(SectionPage):
    """Rejection reasons: add, rename, order, deactivate; delete while unused."""

    def __init__(self, workspace: SettingsWorkspace) -> None:
        super().__init__(workspace, ReasonTableModel())
        self.describe(
            self.tr("Rejection reasons"),
            self.tr(
                "Offered in this order when a lead is rejected. A reason recorded on leads can be "
                "deactivated but not deleted."
            ),
        )
        self.new_button = self.add_button(self.tr("&Add…"), self.add, needs_selection=False)
        self.edit_button = self.add_button(self.tr("&Rename…"), self.rename)
        self.toggle_button = self.add_button(self.tr("De&activate"), self.toggle)
        self.up_button = self.add_button(self.tr("Move &up"), lambda: self.move_selected(-1), shortcut=_up())
        self.down_button = self.add_button(
            self.tr("Move do&wn"), lambda: self.move_selected(1), shortcut=_down()
        )
        self.delete_button = self.add_button(self.tr("&Delete"), self.delete)
        self.finish_buttons()

    def apply(self, snapshot: SettingsSnapshot, names: Names) -> None:
        self.set_items(snapshot.reasons)

    def update_buttons(self) -> None:
        super().update_buttons()
        reason = self.selected()
        if hasattr(self, "toggle_button"):
            active = reason is None or reason.active
            self.toggle_button.setText(self.tr("De&activate") if active else self.tr("&Activate"))

    def on_activated(self) -> None:
        self.rename()

    def add(self) -> None:
        context = self.workspace.context
        dialog = NameDialog(
            context,
            self.tr("New rejection reason"),
            self.tr("&Reason:"),
            lambda name: uow_work(context, conf.add_rejection_reason, name),
            parent=self,
        )
        dialog.saved.connect(self.saved_then_select(lambda reason: reason.id))
        self.workspace.open_dialog(dialog)

    def rename(self) -> None:
        reason = self.selected()
        if reason is None:
            return
        context = self.workspace.context
        dialog = NameDialog(
            context,
            self.tr("Rename rejection reason"),
            self.tr("&Reason:"),
            lambda name: uow_work(context, conf.rename_rejection_reason, reason.id, name),
            reason.name,
            self,
        )
        dialog.saved.connect(self.saved_then_select(lambda saved: saved.id))
        self.workspace.open_dialog(dialog)

    def toggle(self) -> None:
        reason = self.selected()
        if reason is not None:
            self.workspace.write(
                uow_work(
                    self.workspace.context, conf.set_rejection_reason_active, reason.id, not reason.active
                )
            )

    def move_selected(self, step: int) -> None:
        reason, row = self.selected(), self.selected_row()
        if reason is not None and 0 <= row + step < self.model.rowCount():
            self.workspace.write(
                uow_work(self.workspace.context, conf.move_rejection_reason, reason.id, row + step)
            )

    def delete(self) -> None:
        reason = self.selected()
        if reason is None:
            return
        self.workspace.confirm(
            self.tr("Delete the rejection reason “%1”?").replace("%1", reason.name),
            lambda: self.workspace.write(
                uow_work(self.workspace.context, conf.delete_rejection_reason, reason.id)
            ),
        )


# ---------------------------------------------------------------------------------- pipelines


class PipelinesPage(SectionPage):
    """Pipelines and their stages: order, colour, open / won / lost."""

    def __init__(self, workspace: SettingsWorkspace) -> None:
        super().__init__(workspace, StageTableModel())
        self.describe(
            self.tr("Pipelines and stages"),
            self.tr(
                "Interests move through the stages of a pipeline in this order; won and lost stages "
                "close them. A stage that holds interests cannot be deleted."
            ),
        )
        self.pipelines = PipelineTableModel(self)
        self.pipeline = QComboBox(self)
        self.pipeline.setModel(self.pipelines)
        self.pipeline.setMinimumContentsLength(24)
        self.pipeline.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        caption = QLabel(self.tr("&Pipeline:"), self)
        caption.setBuddy(self.pipeline)
        self.top.addWidget(caption)
        self.top.addWidget(self.pipeline)
        self.add_pipeline_button = QPushButton(self.tr("&New pipeline…"), self)
        self.rename_button = QPushButton(self.tr("Rena&me…"), self)
        self.default_button = QPushButton(self.tr("Make de&fault"), self)
        for button, slot in (
            (self.add_pipeline_button, self.add_pipeline),
            (self.rename_button, self.rename_pipeline),
            (self.default_button, self.make_default),
        ):
            button.clicked.connect(slot)
            self.top.addWidget(button)
        self.top.addStretch(1)
        self.pipeline.currentIndexChanged.connect(self._on_pipeline_changed)
        self.pending_pipeline: int | None = None

        self.new_button = self.add_button(self.tr("&Add stage…"), self.add_stage, needs_selection=False)
        self.edit_button = self.add_button(self.tr("&Edit…"), self.edit_stage)
        self.up_button = self.add_button(self.tr("Move &up"), lambda: self.move_selected(-1), shortcut=_up())
        self.down_button = self.add_button(
            self.tr("Move do&wn"), lambda: self.move_selected(1), shortcut=_down()
        )
        self.delete_button = self.add_button(self.tr("&Delete"), self.delete_stage)
        self.finish_buttons()

    def current_pipeline(self) -> PipelineDTO | None:
        """The pipeline shown."""
        row = self.pipeline.currentIndex()
        return self.pipelines.item(row) if 0 <= row < self.pipelines.rowCount() else None

    def apply(self, snapshot: SettingsSnapshot, names: Names) -> None:
        keep = self.pending_pipeline
        if keep is None:
            shown = self.current_pipeline()
            keep = shown.id if shown else None
        self.pipelines.set_items(snapshot.pipelines)
        row = self.pipelines.row_of(keep) if keep is not None else -1
        if row >= 0:
            self.pending_pipeline = None
        self.pipeline.setCurrentIndex(row if row >= 0 else (0 if self.pipelines.rowCount() else -1))
        self._on_pipeline_changed()

    def _on_pipeline_changed(self) -> None:
        pipeline = self.current_pipeline()
        self.set_items(pipeline.stages if pipeline else ())
        self.default_button.setEnabled(pipeline is not None and not pipeline.is_default)
        self.rename_button.setEnabled(pipeline is not None)

    def on_activated(self) -> None:
        self.edit_stage()

    def add_pipeline(self) -> None:
        context = self.workspace.context
        # A new pipeline starts with one open, one won and one lost stage, renamed at will.
        first = [(self.tr("New"), "open"), (self.tr("Won"), "won"), (self.tr("Lost"), "lost")]
        dialog = NameDialog(
            context,
            self.tr("New pipeline"),
            self.tr("&Name:"),
            lambda name: uow_work(context, conf.add_pipeline, name, first),
            parent=self,
        )

        def on_saved(pipeline: PipelineDTO) -> None:
            self.pending_pipeline = pipeline.id
            self.workspace.reload()

        dialog.saved.connect(on_saved)
        self.workspace.open_dialog(dialog)

    def rename_pipeline(self) -> None:
        pipeline = self.current_pipeline()
        if pipeline is None:
            return
        context = self.workspace.context
        dialog = NameDialog(
            context,
            self.tr("Rename pipeline"),
            self.tr("&Name:"),
            lambda name: uow_work(context, conf.rename_pipeline, pipeline.id, name),
            pipeline.name,
            self,
        )
        dialog.saved.connect(lambda _result: self.workspace.reload())
        self.workspace.open_dialog(dialog)

    def make_default(self) -> None:
        pipeline = self.current_pipeline()
        if pipeline is not None:
            self.workspace.write(uow_work(self.workspace.context, conf.set_default_pipeline, pipeline.id))

    def add_stage(self) -> None:
        pipeline = self.current_pipeline()
        if pipeline is None:
            return
        dialog = StageDialog(self.workspace.context, pipeline.id, None, self)
        dialog.saved.connect(self.saved_then_select(lambda stage: stage.id))
        self.workspace.open_dialog(dialog)

    def edit_stage(self) -> None:
        stage: StageDTO | None = self.selected()
        if stage is None:
            return
        dialog = StageDialog(self.workspace.context, stage.pipeline_id, stage, self)
        dialog.saved.connect(self.saved_then_select(lambda saved: saved.id))
        self.workspace.open_dialog(dialog)

    def move_selected(self, step: int) -> None:
        stage, row = self.selected(), self.selected_row()
        if stage is not None and 0 <= row + step < self.model.rowCount():
            self.workspace.write(uow_work(self.workspace.context, conf.move_stage, stage.id, row + step))

    def delete_stage(self) -> None:
        stage = self.selected()
        if stage is None:
            return
        self.workspace.confirm(
            self.tr("Delete the stage “%1”?").replace("%1", stage.name),
            lambda: self.workspace.write(uow_work(self.workspace.context, conf.delete_stage, stage.id)),
        )


# -------------------------------------------------------------------------------------- users


class UsersPage(SectionPage):
    """Users: add, edit, password, (de)activate."""

    def __init__(self, workspace: SettingsWorkspace) -> None:
        super().__init__(workspace, UserTableModel(), sortable=True, filterable=True)
        self.stretch_column = UserColumn.ROLES
        self.describe(
            self.tr("Users"),
            self.tr(
                "Who signs in, their roles (what they may do and see), department and phone extension. "
                "A deactivated user cannot sign in and gets no new leads; their history stays."
            ),
        )
        self.new_button = self.add_button(self.tr("&Add…"), self.add, needs_selection=False)
        self.edit_button = self.add_button(self.tr("&Edit…"), self.edit)
        self.password_button = self.add_button(self.tr("Set &password…"), self.set_password)
        self.toggle_button = self.add_button(self.tr("De&activate"), self.toggle)
        self.finish_buttons()

    def apply(self, snapshot: SettingsSnapshot, names: Names) -> None:
        self.model.set_names(names)
        self.set_items(snapshot.users)

    def update_buttons(self) -> None:
        super().update_buttons()
        account: UserAccountDTO | None = self.selected()
        if hasattr(self, "toggle_button"):
            active = account is None or account.user.active
            self.toggle_button.setText(self.tr("De&activate") if active else self.tr("&Activate"))

    def on_activated(self) -> None:
        self.edit()

    def add(self) -> None:
        dialog = UserDialog(self.workspace.context, self.workspace.snapshot, None, self)
        dialog.saved.connect(self.saved_then_select(lambda user: user.id))
        self.workspace.open_dialog(dialog)

    def edit(self) -> None:
        account = self.selected()
        if account is not None:
            dialog = UserDialog(self.workspace.context, self.workspace.snapshot, account, self)
            dialog.saved.connect(self.saved_then_select(lambda user: user.id))
            self.workspace.open_dialog(dialog)

    def set_password(self) -> None:
        account = self.selected()
        if account is not None:
            dialog = PasswordDialog(self.workspace.context, account, self)
            dialog.saved.connect(lambda _result: self.workspace.reload())
            self.workspace.open_dialog(dialog)

    def toggle(self) -> None:
        account: UserAccountDTO | None = self.selected()
        if account is not None:
            user = account.user
            self.workspace.write(
                uow_work(self.workspace.context, conf.set_user_active, user.id, not user.active)
            )


# -------------------------------------------------------------------------------------- roles


class RolesPage(SectionPage):
    """Roles: rights and visibility; custom roles next to the built-in ones."""

    def __init__(self, workspace: SettingsWorkspace) -> None:
        super().__init__(workspace, RoleTableModel())
        self.describe(
            self.tr("Roles"),
            self.tr(
                "A user's rights are those of all their roles together. A role can also be responsible "
                "for leads: then every member sees them and may take them."
            ),
        )
        self.new_button = self.add_button(self.tr("&Add…"), self.add, needs_selection=False)
        self.edit_button = self.add_button(self.tr("&Edit…"), self.edit)
        self.finish_buttons()

    def apply(self, snapshot: SettingsSnapshot, names: Names) -> None:
        self.set_items(snapshot.roles)

    def on_activated(self) -> None:
        self.edit()

    def add(self) -> None:
        dialog = RoleDialog(self.workspace.context, None, self)
        dialog.saved.connect(self.saved_then_select(lambda role: role.id))
        self.workspace.open_dialog(dialog)

    def edit(self) -> None:
        role = self.selected()
        if role is not None:
            dialog = RoleDialog(self.workspace.context, role, self)
            dialog.saved.connect(self.saved_then_select(lambda saved: saved.id))
            self.workspace.open_dialog(dialog)


# -------------------------------------------------------------------------------- departments


class DepartmentsPage(SectionPage):
    """Departments (the "own department" visibility is scoped by them)."""

    def __init__(self, workspace: SettingsWorkspace) -> None:
        super().__init__(workspace, DepartmentTableModel(), sortable=True)
        self.describe(
            self.tr("Departments"),
            self.tr("A role that sees its own department sees the leads of every user of that department."),
        )
        self.new_button = self.add_button(self.tr("&Add…"), self.add, needs_selection=False)
        self.edit_button = self.add_button(self.tr("&Edit…"), self.edit)
        self.finish_buttons()

    def apply(self, snapshot: SettingsSnapshot, names: Names) -> None:
        self.model.set_names(names)
        self.set_items(snapshot.departments)

    def on_activated(self) -> None:
        self.edit()

    def add(self) -> None:
        dialog = DepartmentDialog(self.workspace.context, self.workspace.snapshot, None, self)
        dialog.saved.connect(self.saved_then_select(lambda department: department.id))
        self.workspace.open_dialog(dialog)

    def edit(self) -> None:
        department = self.selected()
        if department is not None:
            dialog = DepartmentDialog(self.workspace.context, self.workspace.snapshot, department, self)
            dialog.saved.connect(self.saved_then_select(lambda saved: saved.id))
            self.workspace.open_dialog(dialog)


# ----------------------------------------------------------------------------- exclusion list


class ExclusionsPage(SectionPage):
    """The exclusion list: phones, e-mails and domains that never make a lead."""

    def __init__(self, workspace: SettingsWorkspace) -> None:
        super().__init__(workspace, ExclusionTableModel(), sortable=True, filterable=True)
        self.describe(
            self.tr("Exclusion list"),
            self.tr(
                "Calls and letters from these phones, addresses and domains (suppliers, staff, spam) are "
                "logged but never become leads."
            ),
        )
        self.new_button = self.add_button(self.tr("&Add…"), self.add, needs_selection=False)
        self.remove_button = self.add_button(
            self.tr("&Remove"), self.remove, shortcut=QKeySequence(QKeySequence.StandardKey.Delete)
        )
        self.finish_buttons()

    def apply(self, snapshot: SettingsSnapshot, names: Names) -> None:
        self.set_items(snapshot.exclusions)

    def add(self) -> None:
        dialog = ExclusionDialog(self.workspace.context, self)
        dialog.saved.connect(self.saved_then_select(lambda exclusion: exclusion.id))
        self.workspace.open_dialog(dialog)

    def remove(self) -> None:
        exclusion = self.selected()
        if exclusion is None:
            return
        self.workspace.confirm(
            self.tr("Take %1 off the exclusion list? Its calls and letters will make leads again.").replace(
                "%1", exclusion.value
            ),
            lambda: self.workspace.write(
                uow_work(self.workspace.context, conf.remove_exclusion, exclusion.id)
            ),
        )


# --------------------------------------------------------------------------- progress statuses


class StatusesPage(SectionPage):
    """The optional "in progress" lead statuses: name, order, colour."""

    def __init__(self, workspace: SettingsWorkspace) -> None:
        super().__init__(workspace, ProgressStatusTableModel())
        self.describe(
            self.tr("Lead statuses"),
            self.tr(
                "Optional steps between New and a result (e.g. “Call back”, “Waiting for an answer”), "
                "in this order. Every lead still ends converted or rejected."
            ),
        )
        self.new_button = self.add_button(self.tr("&Add…"), self.add, needs_selection=False)
        self.edit_button = self.add_button(self.tr("&Edit…"), self.edit)
        self.up_button = self.add_button(self.tr("Move &up"), lambda: self.move_selected(-1), shortcut=_up())
        self.down_button = self.add_button(
            self.tr("Move do&wn"), lambda: self.move_selected(1), shortcut=_down()
        )
        self.delete_button = self.add_button(self.tr("&Delete"), self.delete)
        self.finish_buttons()

    def apply(self, snapshot: SettingsSnapshot, names: Names) -> None:
        self.set_items(snapshot.progress_statuses)

    def on_activated(self) -> None:
        self.edit()

    def add(self) -> None:
        dialog = ProgressStatusDialog(self.workspace.context, None, self)
        dialog.saved.connect(self.saved_then_select(lambda status: status.id))
        self.workspace.open_dialog(dialog)

    def edit(self) -> None:
        status = self.selected()
        if status is not None:
            dialog = ProgressStatusDialog(self.workspace.context, status, self)
            dialog.saved.connect(self.saved_then_select(lambda saved: saved.id))
            self.workspace.open_dialog(dialog)

    def move_selected(self, step: int) -> None:
        status, row = self.selected(), self.selected_row()
        if status is not None and 0 <= row + step < self.model.rowCount():
            self.workspace.write(
                uow_work(self.workspace.context, conf.move_progress_status, status.id, row + step)
            )

    def delete(self) -> None:
        status = self.selected()
        if status is None:
            return
        self.workspace.confirm(
            self.tr("Delete the status “%1”?").replace("%1", status.name),
            lambda: self.workspace.write(
                uow_work(self.workspace.context, conf.delete_progress_status, status.id)
            ),
        )


# ----------------------------------------------------------------------------------- language


class LanguagePage(QWidget):
    """The interface language of this workstation (applied at the next start)."""

    def __init__(self, workspace: SettingsWorkspace, settings: QSettings | None = None) -> None:
        super().__init__(workspace)
        self._store = _LanguageStore(settings)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(heading(self.tr("Interface language"), self))
        layout.addWidget(
            hint(
                self.tr("Applies to this computer only. The language changes the next time Inflow starts."),
                self,
            )
        )
        self.group = QButtonGroup(self)
        self.choices: dict[str, QRadioButton] = {}
        # The languages are named in themselves, as a person who cannot read the current one expects.
        for value, text in (("system", self.tr("As in the &system")), ("ru", "&Русский"), ("en", "&English")):
            button = QRadioButton(text, self)
            self.choices[value] = button
            self.group.addButton(button)
            layout.addWidget(button)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        # This workstation's background sync (ui/background_sync.py): applied at the next start.
        layout.addSpacing(12)
        layout.addWidget(heading(self.tr("This computer"), self))
        self.fetch_check = QCheckBox(self.tr("Fetch mail and messengers on this co&mputer"), self)
        self.fetch_check.setObjectName("fetch_channels")
        self.fetch_check.setToolTip(
            self.tr(
                "Each channel is fetched by one computer (or the Inflow service) at a time, however many "
                "computers have this on. Applies the next time Inflow starts."
            )
        )
        layout.addWidget(self.fetch_check)
        self._fetch: Any = None
        try:
            from ui.app_settings import FETCH_CHANNELS, AppSettings
        except ImportError:
            self.fetch_check.setEnabled(False)
        else:
            self._fetch = (AppSettings(self._store._qsettings), FETCH_CHANNELS)
            self.fetch_check.setChecked(bool(self._fetch[0].get(FETCH_CHANNELS)))
            self.fetch_check.toggled.connect(self._on_fetch_toggled)
        layout.addStretch(1)
        current = self._store.get()
        self.choices.get(current, self.choices["system"]).setChecked(True)
        self._initial = current
        for value, button in self.choices.items():
            button.toggled.connect(lambda checked, value=value: self._on_toggled(checked, value))

    def _on_fetch_toggled(self, checked: bool) -> None:
        settings, setting = self._fetch
        settings.set(setting, checked)
        settings.sync()

    def language(self) -> str:
        """The stored choice: ``system``, ``ru`` or ``en``."""
        return self._store.get()

    def _on_toggled(self, checked: bool, value: str) -> None:
        if checked:
            self._choose(value)

    def _choose(self, value: str) -> None:
        self._store.set(value)
        self.note.setText(
            self.tr("Saved. Restart Inflow to see the interface in the chosen language.")
            if value != self._initial
            else ""
        )


class _LanguageStore:
    """The "ui/language" setting: through the shell's typed declaration when present, else QSettings."""

    KEY = "ui/language"
    CHOICES = ("system", "ru", "en")

    def __init__(self, settings: QSettings | None) -> None:
        self._qsettings = settings if settings is not None else QSettings()
        self._typed: Any = None
        try:
            from ui.app_settings import LANGUAGE, AppSettings
        except ImportError:
            return
        self._typed = (AppSettings(self._qsettings), LANGUAGE)

    def get(self) -> str:
        if self._typed is not None:
            settings, language = self._typed
            return str(settings.get(language))
        value = str(self._qsettings.value(self.KEY, "system") or "system")
        return value if value in self.CHOICES else "system"

    def set(self, value: str) -> None:
        if self._typed is not None:
            settings, language = self._typed
            settings.set(language, value)
            settings.sync()
        else:
            self._qsettings.setValue(self.KEY, value)
            self._qsettings.sync()
