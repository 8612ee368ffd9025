"""Table models of the Settings workspace: one per catalog, all over frozen DTOs.

Every model has a column enum, translated headers, ``SORT_ROLE`` and ``OBJECT_ROLE`` (the DTO), and
is refreshed with :meth:`SettingsTableModel.set_items`, which removes, moves, inserts and updates
rows one by one (``dataChanged``) so that selection and scroll position survive a live update.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractListModel,
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPalette

from app.services.catalogs import (
    DepartmentDTO,
    PipelineDTO,
    ProgressStatusDTO,
    RejectionReasonDTO,
    RoleDTO,
    StageDTO,
)
from app.services.configuration import ExclusionDTO, UserAccountDTO, ZoneRuleSpec
from app.services.dto import ChannelDTO
from app.services.permissions import Right
from ui.settings import labels

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex

OBJECT_ROLE = int(Qt.ItemDataRole.UserRole) + 1
SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 2


@dataclass(frozen=True)
class Names:
    """Display names the models look up: users, roles and departments by id, roles by code."""

    users: dict[int, str] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)
    role_codes: dict[str, str] = field(default_factory=dict)
    departments: dict[int, str] = field(default_factory=dict)


def _kind_icon(name: str) -> QIcon:
    try:
        from ui.icons import icon
    except ImportError:  # the shell's icons are not there (yet): no decoration
        return QIcon()
    return icon(name)


class SettingsTableModel(QAbstractTableModel, Generic[T]):
    """A read-only table over a list of DTOs; subclasses say what each column shows."""

    columns: ClassVar[type[IntEnum]]
    headers: ClassVar[dict[int, str]]
    context: ClassVar[str] = "SettingsModels"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[T] = []
        self._names = Names()

    # -- content ------------------------------------------------------------------------------

    def key(self, item: T) -> Hashable:
        """What identifies a row across refreshes (the DTO's id)."""
        key: Hashable = getattr(item, "id")  # noqa: B009 - every DTO here has an id
        return key

    def items(self) -> list[T]:
        """The rows, in order."""
        return list(self._items)

    def item(self, row: int) -> T:
        """The DTO of a row."""
        return self._items[row]

    def row_of(self, key: Hashable) -> int:
        """The row of the item with this key, or -1."""
        return next((row for row, item in enumerate(self._items) if self.key(item) == key), -1)

    def set_names(self, names: Names) -> None:
        """Use new display names; rows showing them are repainted."""
        if names == self._names:
            return
        self._names = names
        if self._items:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._items) - 1, self.columnCount() - 1))

    def set_items(self, items: Sequence[T]) -> None:
        """Make the rows equal ``items`` with removes, moves, inserts and ``dataChanged`` (no reset)."""
        new = list(items)
        new_keys = [self.key(item) for item in new]
        wanted = set(new_keys)
        row = len(self._items) - 1
        while row >= 0:
            if self.key(self._items[row]) not in wanted:
                end = row
                while row > 0 and self.key(self._items[row - 1]) not in wanted:
                    row -= 1
                self.beginRemoveRows(QModelIndex(), row, end)
                del self._items[row : end + 1]
                self.endRemoveRows()
            row -= 1
        for row, (key, item) in enumerate(zip(new_keys, new, strict=True)):
            if row < len(self._items) and self.key(self._items[row]) == key:
                self._replace(row, item)
                continue
            found = next(
                (other for other in range(row + 1, len(self._items)) if self.key(self._items[other]) == key),
                -1,
            )
            if found >= 0:
                self.beginMoveRows(QModelIndex(), found, found, QModelIndex(), row)
                self._items.insert(row, self._items.pop(found))
                self.endMoveRows()
                self._replace(row, item)
            else:
                self.beginInsertRows(QModelIndex(), row, row)
                self._items.insert(row, item)
                self.endInsertRows()

    def _replace(self, row: int, item: T) -> None:
        old = self._items[row]
        # Always keep the newest object (some DTO fields do not take part in ==).
        self._items[row] = item
        if old != item:
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    # -- local editing (lists edited inside a dialog) -----------------------------------------

    def append(self, item: T) -> int:
        """Add a row at the end; its row number."""
        row = len(self._items)
        self.beginInsertRows(QModelIndex(), row, row)
        self._items.append(item)
        self.endInsertRows()
        return row

    def replace(self, row: int, item: T) -> None:
        """Put another item in a row."""
        self._items[row] = item
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def remove(self, row: int) -> None:
        """Remove a row."""
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._items[row]
        self.endRemoveRows()

    def move(self, row: int, to: int) -> bool:
        """Move a row to position ``to``; False when it cannot move there."""
        if not (0 <= row < len(self._items) and 0 <= to < len(self._items)) or row == to:
            return False
        # beginMoveRows wants the destination *before* which the row lands.
        destination = to + 1 if to > row else to
        self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), destination)
        self._items.insert(to, self._items.pop(row))
        self.endMoveRows()
        return True

    # -- what a subclass describes ------------------------------------------------------------

    def display(self, item: T, column: Any) -> str:
        """The text of a cell."""
        raise NotImplementedError

    def sort_value(self, item: T, column: Any) -> Any:
        """What a cell sorts by (its text, folded, unless told otherwise)."""
        return self.display(item, column).casefold()

    def decoration(self, item: T, column: Any) -> QIcon | QColor | None:
        """An icon or colour swatch for a cell."""
        return None

    def is_active(self, item: T) -> bool:
        """Inactive rows are drawn in the disabled text colour."""
        return bool(getattr(item, "active", True))

    def tooltip(self, item: T, column: Any) -> str | None:
        """A tooltip for a cell."""
        return None

    # -- QAbstractItemModel -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate(self.context, self.headers[section])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        if not (0 <= index.row() < len(self._items) and 0 <= index.column() < len(self.columns)):
            return None
        item = self._items[index.row()]
        column = self.columns(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(item, column)
        if role == OBJECT_ROLE:
            return item
        if role == SORT_ROLE:
            return self.sort_value(item, column)
        if role == Qt.ItemDataRole.DecorationRole:
            return self.decoration(item, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(item, column)
        if role == Qt.ItemDataRole.ForegroundRole and not self.is_active(item):
            return QGuiApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        return None


# ------------------------------------------------------------------------------------ channels


class ChannelColumn(IntEnum):
    """Columns of :class:`ChannelTableModel`."""

    NAME = 0
    KIND = 1
    RESPONSIBLE = 2
    RULE = 3
    LEAD_SOURCE = 4
    REASON_REQUIRED = 5
    SLA = 6
    STATUS = 7


class ChannelTableModel(SettingsTableModel[ChannelDTO]):
    """The channels: name, kind, who gets the leads, rule, flags."""

    columns = ChannelColumn
    context = "ChannelTableModel"
    headers = {
        ChannelColumn.NAME: str(QT_TRANSLATE_NOOP("ChannelTableModel", "Channel")),
        ChannelColumn.KIND: str(QT_TRANSLATE_NOOP("ChannelTableModel", "Kind")),
        ChannelColumn.RESPONSIBLE: str(QT_TRANSLATE_NOOP("ChannelTableModel", "Responsible")),
        ChannelColumn.RULE: str(QT_TRANSLATE_NOOP("ChannelTableModel", "Distribution")),
        ChannelColumn.LEAD_SOURCE: str(QT_TRANSLATE_NOOP("ChannelTableModel", "Creates leads")),
        ChannelColumn.REASON_REQUIRED: str(QT_TRANSLATE_NOOP("ChannelTableModel", "Reason required")),
        ChannelColumn.SLA: str(QT_TRANSLATE_NOOP("ChannelTableModel", "SLA")),
        ChannelColumn.STATUS: str(QT_TRANSLATE_NOOP("ChannelTableModel", "Status")),
    }

    def display(self, item: ChannelDTO, column: Any) -> str:
        if column is ChannelColumn.NAME:
            return item.name
        if column is ChannelColumn.KIND:
            return labels.kind_text(item.kind)
        if column is ChannelColumn.RESPONSIBLE:
            parts = []
            if item.responsible_user_id is not None:
                parts.append(self._names.users.get(item.responsible_user_id, f"#{item.responsible_user_id}"))
            if item.responsible_role_id is not None:
                parts.append(self._names.roles.get(item.responsible_role_id, f"#{item.responsible_role_id}"))
            return " / ".join(parts)
        if column is ChannelColumn.RULE:
            return labels.rule_text(item.rule)
        if column is ChannelColumn.LEAD_SOURCE:
            return labels.yes_no(item.lead_source)
        if column is ChannelColumn.REASON_REQUIRED:
            return labels.yes_no(item.reason_required)
        if column is ChannelColumn.SLA:
            if item.sla_minutes is None:
                return ""
            minutes = QCoreApplication.translate("ChannelTableModel", "%1 min")
            return minutes.replace("%1", str(item.sla_minutes))
        return labels.status_text(item.active)

    def sort_value(self, item: ChannelDTO, column: Any) -> Any:
        if column is ChannelColumn.SLA:
            return item.sla_minutes if item.sla_minutes is not None else 1 << 30
        return super().sort_value(item, column)

    def decoration(self, item: ChannelDTO, column: Any) -> QIcon | QColor | None:
        if column is ChannelColumn.NAME:
            return _kind_icon(item.kind.value)
        return None


# ------------------------------------------------------------------------------------ reasons


class ReasonColumn(IntEnum):
    """Columns of :class:`ReasonTableModel`."""

    NAME = 0
    CODE = 1
    STATUS = 2


class ReasonTableModel(SettingsTableModel[RejectionReasonDTO]):
    """The rejection reasons in catalog order."""

    columns = ReasonColumn
    context = "ReasonTableModel"
    headers = {
        ReasonColumn.NAME: str(QT_TRANSLATE_NOOP("ReasonTableModel", "Reason")),
        ReasonColumn.CODE: str(QT_TRANSLATE_NOOP("ReasonTableModel", "Code")),
        ReasonColumn.STATUS: str(QT_TRANSLATE_NOOP("ReasonTableModel", "Status")),
    }

    def display(self, item: RejectionReasonDTO, column: Any) -> str:
        if column is ReasonColumn.NAME:
            return item.name
        if column is ReasonColumn.CODE:
            return item.code
        return labels.status_text(item.active)

    def sort_value(self, item: RejectionReasonDTO, column: Any) -> Any:
        return item.position if column is ReasonColumn.NAME else super().sort_value(item, column)


# ------------------------------------------------------------------------------ pipelines & stages


class PipelineColumn(IntEnum):
    """Columns of :class:`PipelineTableModel`."""

    NAME = 0
    DEFAULT = 1
    STAGES = 2


class PipelineTableModel(SettingsTableModel[PipelineDTO]):
    """The pipelines (the default first)."""

    columns = PipelineColumn
    context = "PipelineTableModel"
    headers = {
        PipelineColumn.NAME: str(QT_TRANSLATE_NOOP("PipelineTableModel", "Pipeline")),
        PipelineColumn.DEFAULT: str(QT_TRANSLATE_NOOP("PipelineTableModel", "Default")),
        PipelineColumn.STAGES: str(QT_TRANSLATE_NOOP("PipelineTableModel", "Stages")),
    }

    def display(self, item: PipelineDTO, column: Any) -> str:
        if column is PipelineColumn.NAME:
            if item.is_default:
                default = QCoreApplication.translate("PipelineTableModel", "%1 (default)")
                return default.replace("%1", item.name)
            return item.name
        if column is PipelineColumn.DEFAULT:
            return labels.yes_no(item.is_default)
        return str(len(item.stages))

    def sort_value(self, item: PipelineDTO, column: Any) -> Any:
        if column is PipelineColumn.STAGES:
            return len(item.stages)
        return super().sort_value(item, column)


class StageColumn(IntEnum):
    """Columns of :class:`StageTableModel`."""

    NAME = 0
    KIND = 1
    COLOR = 2


class StageTableModel(SettingsTableModel[StageDTO]):
    """The stages of one pipeline, in order."""

    columns = StageColumn
    context = "StageTableModel"
    headers = {
        StageColumn.NAME: str(QT_TRANSLATE_NOOP("StageTableModel", "Stage")),
        StageColumn.KIND: str(QT_TRANSLATE_NOOP("StageTableModel", "Kind")),
        StageColumn.COLOR: str(QT_TRANSLATE_NOOP("StageTableModel", "Colour")),
    }

    def display(self, item: StageDTO, column: Any) -> str:
        if column is StageColumn.NAME:
            return item.name
        if column is StageColumn.KIND:
            return labels.stage_kind_text(item.kind)
        return item.color

    def sort_value(self, item: StageDTO, column: Any) -> Any:
        return item.position if column is StageColumn.NAME else super().sort_value(item, column)

    def decoration(self, item: StageDTO, column: Any) -> QIcon | QColor | None:
        return QColor(item.color) if column in (StageColumn.NAME, StageColumn.COLOR) else None


# ------------------------------------------------------------------------------------- users


class UserColumn(IntEnum):
    """Columns of :class:`UserTableModel`."""

    NAME = 0
    LOGIN = 1
    ROLES = 2
    DEPARTMENT = 3
    EXTENSION = 4
    EMAIL = 5
    STATUS = 6


class UserTableModel(SettingsTableModel[UserAccountDTO]):
    """The users, active and not."""

    columns = UserColumn
    context = "UserTableModel"
    headers = {
        UserColumn.NAME: str(QT_TRANSLATE_NOOP("UserTableModel", "Name")),
        UserColumn.LOGIN: str(QT_TRANSLATE_NOOP("UserTableModel", "Login")),
        UserColumn.ROLES: str(QT_TRANSLATE_NOOP("UserTableModel", "Roles")),
        UserColumn.DEPARTMENT: str(QT_TRANSLATE_NOOP("UserTableModel", "Department")),
        UserColumn.EXTENSION: str(QT_TRANSLATE_NOOP("UserTableModel", "Extension")),
        UserColumn.EMAIL: str(QT_TRANSLATE_NOOP("UserTableModel", "E-mail")),
        UserColumn.STATUS: str(QT_TRANSLATE_NOOP("UserTableModel", "Status")),
    }

    def key(self, item: UserAccountDTO) -> Hashable:
        return item.user.id

    def is_active(self, item: UserAccountDTO) -> bool:
        return item.user.active

    def display(self, item: UserAccountDTO, column: Any) -> str:
        user = item.user
        if column is UserColumn.NAME:
            return user.full_name
        if column is UserColumn.LOGIN:
            return user.login
        if column is UserColumn.ROLES:
            return ", ".join(self._names.role_codes.get(code, code) for code in user.role_codes)
        if column is UserColumn.DEPARTMENT:
            return self._names.departments.get(user.department_id, "") if user.department_id else ""
        if column is UserColumn.EXTENSION:
            return user.extension or ""
        if column is UserColumn.EMAIL:
            return item.email or ""
        if not user.active:
            return labels.status_text(False)
        if not item.has_password:
            return QCoreApplication.translate("UserTableModel", "No password")
        return labels.status_text(True)

    def tooltip(self, item: UserAccountDTO, column: Any) -> str | None:
        if column is UserColumn.STATUS and item.user.active and not item.has_password:
            return QCoreApplication.translate("UserTableModel", "Cannot sign in until a password is set.")
        return None


# ------------------------------------------------------------------------------------- roles


class RoleColumn(IntEnum):
    """Columns of :class:`RoleTableModel`."""

    NAME = 0
    CODE = 1
    VISIBILITY = 2
    MEMBERS = 3
    RIGHTS = 4


class RoleTableModel(SettingsTableModel[RoleDTO]):
    """The roles with their rights."""

    columns = RoleColumn
    context = "RoleTableModel"
    headers = {
        RoleColumn.NAME: str(QT_TRANSLATE_NOOP("RoleTableModel", "Role")),
        RoleColumn.CODE: str(QT_TRANSLATE_NOOP("RoleTableModel", "Code")),
        RoleColumn.VISIBILITY: str(QT_TRANSLATE_NOOP("RoleTableModel", "Sees")),
        RoleColumn.MEMBERS: str(QT_TRANSLATE_NOOP("RoleTableModel", "Members")),
        RoleColumn.RIGHTS: str(QT_TRANSLATE_NOOP("RoleTableModel", "Rights")),
    }

    def display(self, item: RoleDTO, column: Any) -> str:
        if column is RoleColumn.NAME:
            if item.is_system:
                return QCoreApplication.translate("RoleTableModel", "%1 (built-in)").replace("%1", item.name)
            return item.name
        if column is RoleColumn.CODE:
            return item.code
        if column is RoleColumn.VISIBILITY:
            return labels.visibility_text(item.visibility)
        if column is RoleColumn.RIGHTS:
            return ", ".join(labels.right_text(right) for right in role_rights(item))
        return str(len(item.member_ids))

    def sort_value(self, item: RoleDTO, column: Any) -> Any:
        if column is RoleColumn.MEMBERS:
            return len(item.member_ids)
        return super().sort_value(item, column)


def role_rights(role: RoleDTO) -> list[Right]:
    """The rights a role grants, in the order of :class:`Right`."""
    flags = {
        Right.REASSIGN: role.can_reassign,
        Right.REJECT: role.can_reject,
        Right.DELETE: role.can_delete,
        Right.EXPORT: role.can_export,
        Right.CONFIGURE: role.can_configure,
    }
    return [right for right in Right if flags[right]]


# ------------------------------------------------------------------------------- departments


class DepartmentColumn(IntEnum):
    """Columns of :class:`DepartmentTableModel`."""

    NAME = 0
    PARENT = 1


class DepartmentTableModel(SettingsTableModel[DepartmentDTO]):
    """The departments."""

    columns = DepartmentColumn
    context = "DepartmentTableModel"
    headers = {
        DepartmentColumn.NAME: str(QT_TRANSLATE_NOOP("DepartmentTableModel", "Department")),
        DepartmentColumn.PARENT: str(QT_TRANSLATE_NOOP("DepartmentTableModel", "Part of")),
    }

    def display(self, item: DepartmentDTO, column: Any) -> str:
        if column is DepartmentColumn.NAME:
            return item.name
        return self._names.departments.get(item.parent_id, "") if item.parent_id else ""


# ---------------------------------------------------------------------------- exclusion list


class ExclusionColumn(IntEnum):
    """Columns of :class:`ExclusionTableModel`."""

    VALUE = 0
    KIND = 1
    ADDED = 2
    COMMENT = 3


class ExclusionTableModel(SettingsTableModel[ExclusionDTO]):
    """The exclusion list."""

    columns = ExclusionColumn
    context = "ExclusionTableModel"
    headers = {
        ExclusionColumn.VALUE: str(QT_TRANSLATE_NOOP("ExclusionTableModel", "Phone, e-mail or domain")),
        ExclusionColumn.KIND: str(QT_TRANSLATE_NOOP("ExclusionTableModel", "Kind")),
        ExclusionColumn.ADDED: str(QT_TRANSLATE_NOOP("ExclusionTableModel", "Added")),
        ExclusionColumn.COMMENT: str(QT_TRANSLATE_NOOP("ExclusionTableModel", "Comment")),
    }

    def display(self, item: ExclusionDTO, column: Any) -> str:
        if column is ExclusionColumn.VALUE:
            return item.value
        if column is ExclusionColumn.KIND:
            return labels.exclusion_kind_text(item.kind)
        if column is ExclusionColumn.COMMENT:
            return item.comment or ""
        return item.created_at.astimezone().strftime("%d.%m.%Y")

    def sort_value(self, item: ExclusionDTO, column: Any) -> Any:
        if column is ExclusionColumn.ADDED:
            return item.created_at.timestamp()
        return super().sort_value(item, column)


# ------------------------------------------------------------------------- progress statuses


class StatusColumn(IntEnum):
    """Columns of :class:`ProgressStatusTableModel`."""

    NAME = 0
    COLOR = 1


class ProgressStatusTableModel(SettingsTableModel[ProgressStatusDTO]):
    """The optional "in progress" lead statuses, in order."""

    columns = StatusColumn
    context = "ProgressStatusTableModel"
    headers = {
        StatusColumn.NAME: str(QT_TRANSLATE_NOOP("ProgressStatusTableModel", "Status")),
        StatusColumn.COLOR: str(QT_TRANSLATE_NOOP("ProgressStatusTableModel", "Colour")),
    }

    def display(self, item: ProgressStatusDTO, column: Any) -> str:
        return item.name if column is StatusColumn.NAME else item.color

    def decoration(self, item: ProgressStatusDTO, column: Any) -> QIcon | QColor | None:
        return QColor(item.color)


# ------------------------------------------------------------------------------- zone rules


class ZoneColumn(IntEnum):
    """Columns of :class:`ZoneRuleTableModel`."""

    FIELD = 0
    VALUE = 1
    TARGET = 2


class ZoneRuleTableModel(SettingsTableModel[ZoneRuleSpec]):
    """A channel's zone rules while they are edited (in order; the first match wins)."""

    columns = ZoneColumn
    context = "ZoneRuleTableModel"
    headers = {
        ZoneColumn.FIELD: str(QT_TRANSLATE_NOOP("ZoneRuleTableModel", "When")),
        ZoneColumn.VALUE: str(QT_TRANSLATE_NOOP("ZoneRuleTableModel", "is")),
        ZoneColumn.TARGET: str(QT_TRANSLATE_NOOP("ZoneRuleTableModel", "the lead goes to")),
    }

    def key(self, item: ZoneRuleSpec) -> Hashable:
        return id(item)

    def display(self, item: ZoneRuleSpec, column: Any) -> str:
        if column is ZoneColumn.FIELD:
            return labels.zone_field_text(item.field)
        if column is ZoneColumn.VALUE:
            return item.value
        if item.user_id is not None:
            return self._names.users.get(item.user_id, f"#{item.user_id}")
        if item.role_id is not None:
            role = self._names.roles.get(item.role_id, f"#{item.role_id}")
            return QCoreApplication.translate("ZoneRuleTableModel", "role %1").replace("%1", role)
        return ""


# ------------------------------------------------------------------------------ role checklist


class RoleChecklistModel(QAbstractListModel):
    """Roles with a check box each (a user's roles in the user dialog)."""

    def __init__(
        self, roles: Sequence[RoleDTO], checked: Sequence[str] = (), parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._roles = list(roles)
        self._checked = {code for code in checked}

    def checked_codes(self) -> list[str]:
        """The codes of the checked roles, in list order."""
        return [role.code for role in self._roles if role.code in self._checked]

    def set_checked(self, code: str, checked: bool) -> None:
        """Check or uncheck a role by code."""
        row = next((i for i, role in enumerate(self._roles) if role.code == code), -1)
        if row >= 0:
            self.setData(
                self.index(row, 0),
                Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked,
                Qt.ItemDataRole.CheckStateRole,
            )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._roles)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._roles):
            return None
        item = self._roles[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.name
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if item.code in self._checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            rights = ", ".join(labels.right_text(right) for right in role_rights(item))
            return f"{labels.visibility_text(item.visibility)}; {rights}" if rights else None
        if role == OBJECT_ROLE:
            return item
        if role == SORT_ROLE:
            return item.name.casefold()
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        code = self._roles[index.row()].code
        state = Qt.CheckState(value) if not isinstance(value, Qt.CheckState) else value
        if state == Qt.CheckState.Checked:
            self._checked.add(code)
        else:
            self._checked.discard(code)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True
