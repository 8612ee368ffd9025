"""The Settings table models: qtmodeltester on real data, and in-place updates that keep selections."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.domain.enums import ExclusionKind
from app.persistence.uow import Database
from app.services import configuration as conf
from app.services.catalogs import RejectionReasonDTO
from app.services.configuration import SettingsSnapshot, ZoneRuleSpec
from app.services.permissions import Actor
from tests.factories import make_channel, make_department, make_exclusion, make_user, role
from ui.settings.settings_models import (
    OBJECT_ROLE,
    SORT_ROLE,
    ChannelTableModel,
    DepartmentTableModel,
    ExclusionTableModel,
    Names,
    PipelineTableModel,
    ProgressStatusTableModel,
    ReasonTableModel,
    RoleChecklistModel,
    RoleTableModel,
    SettingsTableModel,
    StageTableModel,
    UserTableModel,
    ZoneRuleTableModel,
)


@pytest.fixture
def snapshot(db: Database) -> SettingsSnapshot:
    """Every catalog with something in it (inactive rows too)."""
    with db.uow() as uow:
        session = uow.session
        sales = make_department(session, "Отдел продаж")
        manager = make_user(session, roles=("manager", "operator"), department=sales, extension="201")
        make_user(session, roles=("manager",), active=False)
        make_channel(session, "Телефон", kind="call", rule="fixed", user=manager, sla_minutes=15)
        make_channel(session, "Почта", kind="email", rule="pool", role=role(session, "dispatcher"))
        make_channel(
            session, "Сайт", kind="request", rule="zone", user=manager, zones=[("source", "avito", manager)]
        )
        make_exclusion(session, "phone", "8 916 000-11-22")
        make_exclusion(session, "domain", "supplier.ru")
        actor = Actor.system()
        conf.add_progress_status(uow, actor, "Перезвонить", "#ffaa00")
        reason = conf.add_rejection_reason(uow, actor, "Дорого")
        conf.set_rejection_reason_active(uow, actor, reason.id, False)
    with db.session() as session:
        return conf.load_settings(session, Actor.system())


def names_of(snapshot: SettingsSnapshot) -> Names:
    return Names(
        users={a.user.id: a.user.full_name for a in snapshot.users},
        roles={r.id: r.name for r in snapshot.roles},
        role_codes={r.code: r.name for r in snapshot.roles},
        departments={d.id: d.name for d in snapshot.departments},
    )


MODELS: list[tuple[str, Callable[[], SettingsTableModel[Any]], Callable[[SettingsSnapshot], Any]]] = [
    ("channels", ChannelTableModel, lambda s: s.channels),
    ("reasons", ReasonTableModel, lambda s: s.reasons),
    ("pipelines", PipelineTableModel, lambda s: s.pipelines),
    ("stages", StageTableModel, lambda s: s.pipelines[0].stages),
    ("users", UserTableModel, lambda s: s.users),
    ("roles", RoleTableModel, lambda s: s.roles),
    ("departments", DepartmentTableModel, lambda s: s.departments),
    ("exclusions", ExclusionTableModel, lambda s: s.exclusions),
    ("statuses", ProgressStatusTableModel, lambda s: s.progress_statuses),
    (
        "zones",
        ZoneRuleTableModel,
        lambda s: [ZoneRuleSpec(z.field, z.value, z.user_id, z.role_id) for z in s.zone_rules],
    ),
]


@pytest.mark.parametrize(("name", "make", "rows"), MODELS, ids=[m[0] for m in MODELS])
def test_every_model_passes_the_model_tester(
    qtmodeltester: ModelTester,
    snapshot: SettingsSnapshot,
    name: str,
    make: Callable[[], SettingsTableModel[Any]],
    rows: Callable[[SettingsSnapshot], Any],
) -> None:
    model = make()
    model.set_names(names_of(snapshot))
    items = list(rows(snapshot))
    assert items, name
    model.set_items(items)
    qtmodeltester.check(model)
    assert model.rowCount() == len(items)
    for column in range(model.columnCount()):
        header = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        assert isinstance(header, str) and header
    for row in range(model.rowCount()):
        assert model.index(row, 0).data(OBJECT_ROLE) is items[row]
        for column in range(model.columnCount()):
            assert isinstance(model.index(row, column).data(), str)
            assert model.index(row, column).data(SORT_ROLE) is not None
    # Updates while the tester watches: reversed, one removed, one back.
    model.set_items(list(reversed(items)))
    model.set_items(items[1:])
    model.set_items(items)
    qtmodeltester.check(model)


def test_role_checklist_passes_the_model_tester(
    qtmodeltester: ModelTester, snapshot: SettingsSnapshot
) -> None:
    model = RoleChecklistModel(snapshot.roles, ["manager"])
    qtmodeltester.check(model)
    assert model.checked_codes() == ["manager"]
    model.set_checked("admin", True)
    model.set_checked("manager", False)
    assert model.checked_codes() == ["admin"]
    admin_row = next(i for i, r in enumerate(snapshot.roles) if r.code == "admin")
    assert model.index(admin_row, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert model.flags(model.index(admin_row, 0)) & Qt.ItemFlag.ItemIsUserCheckable


def reasons(*pairs: tuple[int, str]) -> list[RejectionReasonDTO]:
    return [RejectionReasonDTO(key, f"code{key}", name, key, True) for key, name in pairs]


def test_updates_are_incremental_and_keep_persistent_indexes(qtbot: QtBot) -> None:
    model = ReasonTableModel()
    model.set_items(reasons((1, "a"), (2, "b"), (3, "c"), (4, "d")))
    kept = QPersistentModelIndex(model.index(2, 0))  # "c"
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    changed: list[int] = []
    model.dataChanged.connect(lambda top, _bottom, _roles=(): changed.append(top.row()))
    moved: list[int] = []
    model.rowsMoved.connect(lambda *args: moved.append(args[1]))

    # "b" renamed, "d" moved to the front, "a" removed, "e" inserted.
    model.set_items(reasons((4, "d"), (2, "B"), (3, "c"), (5, "e")))
    assert [r.name for r in model.items()] == ["d", "B", "c", "e"]
    assert not resets
    assert moved and changed == [1]
    assert kept.isValid() and kept.data() == "c" and kept.row() == 2
    model.set_items([])
    assert model.rowCount() == 0 and not kept.isValid()


def test_inactive_rows_are_drawn_as_disabled() -> None:
    model = ReasonTableModel()
    active, inactive = reasons((1, "a"), (2, "b"))
    model.set_items([active, replace(inactive, active=False)])
    assert model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.index(1, 2).data() == "Inactive"


def test_local_editing_of_zone_rules(qtmodeltester: ModelTester) -> None:
    model = ZoneRuleTableModel()
    qtmodeltester.check(model)
    first = ZoneRuleSpec("source", "avito", user_id=1)
    second = ZoneRuleSpec("email_domain", "firma.ru", role_id=2)
    model.set_names(Names(users={1: "Иванов"}, roles={2: "Диспетчер"}))
    assert model.append(first) == 0
    model.append(second)
    assert model.index(0, 2).data() == "Иванов"
    assert model.index(1, 2).data() == "role Диспетчер"
    assert model.move(1, 0) and model.items() == [second, first]
    assert not model.move(0, 5)
    model.replace(0, ZoneRuleSpec("phone_prefix", "+7495", user_id=1))
    assert model.index(0, 0).data() == "Phone prefix"
    model.remove(1)
    assert model.rowCount() == 1
    assert model.data(QModelIndex()) is None


def test_exclusion_kinds_read_as_words(snapshot: SettingsSnapshot) -> None:
    model = ExclusionTableModel()
    model.set_items(snapshot.exclusions)
    kinds = {model.item(row).kind: model.index(row, 1).data() for row in range(model.rowCount())}
    assert kinds == {ExclusionKind.PHONE: "Phone", ExclusionKind.DOMAIN: "Whole mail domain"}
