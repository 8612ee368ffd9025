"""Forms of the Settings catalogs: names, stages, statuses, users, passwords, roles, departments,
exclusion-list entries. Each saves through :class:`~ui.settings.form_dialog.FormDialog`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QColorDialog,
    QComboBox,
    QLineEdit,
    QListView,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.enums import ExclusionKind, StageKind, Visibility
from app.services import configuration as conf
from app.services.catalogs import DepartmentDTO, ProgressStatusDTO, RoleDTO, StageDTO
from app.services.configuration import SettingsSnapshot, UserAccountDTO
from app.services.permissions import Right
from ui.context import AppContext
from ui.settings import labels
from ui.settings.channel_dialog import fill_combo
from ui.settings.form_dialog import FormDialog
from ui.settings.settings_models import RoleChecklistModel, role_rights

Work = Callable[[], Any]


class ColorButton(QPushButton):
    """A button showing a colour; clicking opens the colour picker.

    Signals:
        color_changed(str): the new colour as ``#rrggbb``.
    """

    color_changed = Signal(str)

    def __init__(self, color: str = "#4a90d9", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._color = QColor(color)
        self.picker: QColorDialog | None = None
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.clicked.connect(self._pick)
        self._show()

    def color(self) -> str:
        """The colour as ``#rrggbb``."""
        return str(self._color.name())

    def set_color(self, color: str | QColor) -> None:
        """Show another colour."""
        chosen = QColor(color)
        if chosen.isValid():
            self._color = chosen
            self._show()
            self.color_changed.emit(self.color())

    def _show(self) -> None:
        swatch = QPixmap(16, 16)
        swatch.fill(self._color)
        self.setIcon(QIcon(swatch))
        self.setText(self.color())

    def _pick(self) -> None:
        # A window-modal picker opened with open(): no nested event loop.
        picker = QColorDialog(self._color, self)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        picker.colorSelected.connect(self.set_color)
        self.picker = picker
        picker.open()


def uow_work(context: AppContext, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Work:
    """Work that runs ``call(uow, actor, *args, **kwargs)`` in its own unit of work."""
    db, actor = context.db, context.actor

    def work() -> Any:
        with db.uow() as uow:
            return call(uow, actor, *args, **kwargs)

    return work


class NameDialog(FormDialog):
    """One name to type (a rejection reason, a pipeline): ``make_work(name)`` saves it."""

    def __init__(
        self,
        context: AppContext,
        title: str,
        label: str,
        make_work: Callable[[str], Work],
        initial: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, title, parent)
        self._make_work = make_work
        self.name = QLineEdit(initial)
        self.name.setMaxLength(200)
        self.add_field(self.new_form(), label, self.name, "name")
        self.setMinimumWidth(420)

    def build_work(self) -> Work | None:
        return self._make_work(self.name.text())


class StageDialog(FormDialog):
    """Add or edit a pipeline stage: name, colour, open / won / lost."""

    def __init__(
        self,
        context: AppContext,
        pipeline_id: int,
        stage: StageDTO | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, "", parent)
        self.setWindowTitle(self.tr("New stage") if stage is None else self.tr("Stage"))
        self._pipeline_id = pipeline_id
        self._stage = stage
        form = self.new_form()
        self.name = QLineEdit(stage.name if stage else "")
        self.name.setMaxLength(200)
        self.kind = QComboBox()
        for kind in StageKind:
            self.kind.addItem(labels.stage_kind_text(kind), kind.value)
        self.kind.setCurrentIndex(self.kind.findData((stage.kind if stage else StageKind.OPEN).value))
        self.color = ColorButton(stage.color if stage else "#4a90d9")
        self.add_field(form, self.tr("&Name:"), self.name, "name")
        self.add_field(form, self.tr("&Kind:"), self.kind, "kind")
        self.add_field(form, self.tr("&Colour:"), self.color, "color")
        self.setMinimumWidth(420)

    def build_work(self) -> Work | None:
        name, color, kind = self.name.text(), self.color.color(), str(self.kind.currentData())
        if self._stage is None:
            return uow_work(self.context, conf.add_stage, self._pipeline_id, name, color, kind)
        return uow_work(self.context, conf.update_stage, self._stage.id, name=name, color=color, kind=kind)


class ProgressStatusDialog(FormDialog):
    """Add or edit an optional "in progress" lead status: name and colour."""

    def __init__(
        self, context: AppContext, status: ProgressStatusDTO | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, "", parent)
        self.setWindowTitle(self.tr("New lead status") if status is None else self.tr("Lead status"))
        self._status = status
        form = self.new_form()
        self.name = QLineEdit(status.name if status else "")
        self.name.setMaxLength(100)
        self.color = ColorButton(status.color if status else "#e5a23d")
        self.add_field(form, self.tr("&Name:"), self.name, "name")
        self.add_field(form, self.tr("&Colour:"), self.color, "color")
        self.setMinimumWidth(420)

    def build_work(self) -> Work | None:
        if self._status is None:
            return uow_work(self.context, conf.add_progress_status, self.name.text(), self.color.color())
        return uow_work(
            self.context, conf.update_progress_status, self._status.id, self.name.text(), self.color.color()
        )


class UserDialog(FormDialog):
    """Add or edit a user: login (new only), name, department, extension, e-mail, roles, password."""

    def __init__(
        self,
        context: AppContext,
        snapshot: SettingsSnapshot,
        account: UserAccountDTO | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, "", parent)
        user = account.user if account else None
        self.setWindowTitle(
            self.tr("New user") if user is None else self.tr("User: %1").replace("%1", user.full_name)
        )
        self._user_id = user.id if user else None
        form = self.new_form()
        self.login = QLineEdit(user.login if user else "")
        self.login.setMaxLength(100)
        self.login.setReadOnly(user is not None)
        self.full_name = QLineEdit(user.full_name if user else "")
        self.full_name.setMaxLength(200)
        self.department = QComboBox()
        fill_combo(
            self.department,
            self.tr("— no department —"),
            [(d.name, d.id) for d in snapshot.departments],
            user.department_id if user else None,
        )
        self.extension = QLineEdit(user.extension or "" if user else "")
        self.extension.setMaxLength(32)
        self.email = QLineEdit(account.email or "" if account else "")
        self.roles_model = RoleChecklistModel(snapshot.roles, user.role_codes if user else (), self)
        self.roles = QListView()
        self.roles.setModel(self.roles_model)
        self.roles.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.roles.setFixedHeight(min(160, 22 * max(3, len(snapshot.roles)) + 6))
        self.add_field(form, self.tr("&Login:"), self.login, "login")
        self.add_field(form, self.tr("Full &name:"), self.full_name, "full_name")
        self.add_field(form, self.tr("&Department:"), self.department, "department")
        self.add_field(form, self.tr("&Extension:"), self.extension, "extension")
        self.add_field(form, self.tr("&E-mail:"), self.email, "email")
        self.add_field(form, self.tr("&Roles:"), self.roles, "roles")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        if user is None:
            self.password.setPlaceholderText(self.tr("optional: without one the user cannot sign in yet"))
            self.add_field(form, self.tr("&Password:"), self.password, "password")
            self.add_field(form, self.tr("Re&peat password:"), self.repeat, "repeat")
        self.setMinimumWidth(480)

    def build_work(self) -> Work | None:
        roles = self.roles_model.checked_codes()
        common: dict[str, Any] = {
            "department_id": self.department.currentData(),
            "extension": self.extension.text(),
            "email": self.email.text(),
        }
        if self._user_id is None:
            if self.password.text() != self.repeat.text():
                self.show_error(self.tr("The two passwords differ."), "repeat")
                return None
            return uow_work(
                self.context,
                conf.add_user,
                self.login.text(),
                self.full_name.text(),
                roles,
                password=self.password.text() or None,
                **common,
            )
        return uow_work(
            self.context,
            conf.update_user,
            self._user_id,
            full_name=self.full_name.text(),
            role_codes=roles,
            **common,
        )


class PasswordDialog(FormDialog):
    """Set a user's password (typed twice)."""

    def __init__(self, context: AppContext, account: UserAccountDTO, parent: QWidget | None = None) -> None:
        super().__init__(context, "", parent)
        self.setWindowTitle(self.tr("Password of %1").replace("%1", account.user.full_name))
        self._user_id = account.user.id
        form = self.new_form()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_field(form, self.tr("New &password:"), self.password, "password")
        self.add_field(form, self.tr("Re&peat:"), self.repeat, "repeat")
        self.setMinimumWidth(420)

    def build_work(self) -> Work | None:
        if self.password.text() != self.repeat.text():
            self.show_error(self.tr("The two passwords differ."), "repeat")
            return None
        return uow_work(self.context, conf.set_user_password, self._user_id, self.password.text())


class RoleDialog(FormDialog):
    """Add or edit a role: code (fixed for built-in roles), name, visibility, rights."""

    def __init__(
        self, context: AppContext, role: RoleDTO | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, "", parent)
        self.setWindowTitle(
            self.tr("New role") if role is None else self.tr("Role: %1").replace("%1", role.name)
        )
        self._role = role
        form = self.new_form()
        self.code = QLineEdit(role.code if role else "")
        self.code.setMaxLength(64)
        self.code.setReadOnly(role is not None and role.is_system)
        if role is not None and role.is_system:
            self.code.setToolTip(self.tr("The code of a built-in role cannot change."))
        self.name = QLineEdit(role.name if role else "")
        self.name.setMaxLength(200)
        self.visibility = QComboBox()
        for visibility in Visibility:
            self.visibility.addItem(labels.visibility_text(visibility), visibility.value)
        self.visibility.setCurrentIndex(
            self.visibility.findData(role.visibility if role else Visibility.OWN.value)
        )
        granted = set(role_rights(role)) if role else {Right.REJECT}
        self.rights: dict[Right, QCheckBox] = {}
        rights_box = QWidget()
        box = QVBoxLayout(rights_box)
        box.setContentsMargins(0, 0, 0, 0)
        for right in Right:
            check = QCheckBox(labels.right_text(right))
            check.setChecked(right in granted)
            self.rights[right] = check
            box.addWidget(check)
        self.add_field(form, self.tr("&Code:"), self.code, "code")
        self.add_field(form, self.tr("&Name:"), self.name, "name")
        self.add_field(form, self.tr("&Sees:"), self.visibility, "visibility")
        self.add_field(form, self.tr("Rights:"), rights_box, "rights")
        self.setMinimumWidth(440)

    def build_work(self) -> Work | None:
        rights = [right for right, check in self.rights.items() if check.isChecked()]
        visibility = str(self.visibility.currentData())
        if self._role is None:
            return uow_work(
                self.context, conf.add_role, self.code.text(), self.name.text(), visibility, rights
            )
        return uow_work(
            self.context,
            conf.update_role,
            self._role.id,
            code=self.code.text(),
            name=self.name.text(),
            visibility=visibility,
            rights=rights,
        )


class DepartmentDialog(FormDialog):
    """Add or edit a department: name, and the department it is part of."""

    def __init__(
        self,
        context: AppContext,
        snapshot: SettingsSnapshot,
        department: DepartmentDTO | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, "", parent)
        self.setWindowTitle(self.tr("New department") if department is None else self.tr("Department"))
        self._department = department
        form = self.new_form()
        self.name = QLineEdit(department.name if department else "")
        self.name.setMaxLength(200)
        self.parent_department = QComboBox()
        others = [(d.name, d.id) for d in snapshot.departments if department is None or d.id != department.id]
        fill_combo(
            self.parent_department, self.tr("— none —"), others, department.parent_id if department else None
        )
        self.add_field(form, self.tr("&Name:"), self.name, "name")
        self.add_field(form, self.tr("&Part of:"), self.parent_department, "parent")
        self.setMinimumWidth(420)

    def build_work(self) -> Work | None:
        parent_id = self.parent_department.currentData()
        if self._department is None:
            return uow_work(self.context, conf.add_department, self.name.text(), parent_id)
        return uow_work(
            self.context, conf.update_department, self._department.id, self.name.text(), parent_id
        )


class ExclusionDialog(FormDialog):
    """Put a phone, an e-mail or a whole mail domain on the exclusion list."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "", parent)
        self.setWindowTitle(self.tr("Add to the exclusion list"))
        form = self.new_form()
        self.kind = QComboBox()
        for kind in ExclusionKind:
            self.kind.addItem(labels.exclusion_kind_text(kind), kind.value)
        self.value = QLineEdit()
        self.value.setMaxLength(254)
        self.comment = QLineEdit()
        self.comment.setMaxLength(300)
        self.comment.setPlaceholderText(self.tr("e.g. supplier, staff, spam"))
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.add_field(form, self.tr("&Kind:"), self.kind, "kind")
        self.add_field(form, self.tr("&Value:"), self.value, "value")
        self.add_field(form, self.tr("&Comment:"), self.comment, "comment")
        self._on_kind_changed()
        self.setMinimumWidth(440)

    def _on_kind_changed(self) -> None:
        hints = {
            ExclusionKind.PHONE.value: self.tr("in any format, e.g. 8 (916) 123-45-67"),
            ExclusionKind.EMAIL.value: self.tr("e.g. supplier@example.ru"),
            ExclusionKind.DOMAIN.value: self.tr("e.g. example.ru: every address there"),
            ExclusionKind.MESSENGER.value: self.tr("e.g. telegram:123456789 (the user's Telegram id)"),
        }
        self.value.setPlaceholderText(hints[str(self.kind.currentData())])

    def build_work(self) -> Work | None:
        return uow_work(
            self.context,
            conf.add_exclusion,
            str(self.kind.currentData()),
            self.value.text(),
            self.comment.text(),
        )
