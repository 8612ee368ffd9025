"""Refresh by difference: any old list becomes any new list through insert/remove/dataChanged only."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from pytestqt.qtbot import QtBot

from tests.ui.test_my_sales_helpers import offscreen_windows
from ui.my_sales.row_models import _longest_increasing, sync_rows

pytestmark = offscreen_windows


class Rows(QAbstractListModel):
    """(key, value) rows."""

    def __init__(self, rows: list[tuple[int, str]]) -> None:
        super().__init__()
        self.rows = list(rows)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        return f"{self.rows[index.row()][0]}:{self.rows[index.row()][1]}"

    def sync(self, new: list[tuple[int, str]]) -> None:
        sync_rows(self, self.rows, new, lambda row: row[0])


class Mirror:
    """What a view knows: it hears only the model's signals (no resets allowed)."""

    def __init__(self, model: Rows) -> None:
        self.model = model
        self.keys = [row[0] for row in model.rows]
        self.changed: set[int] = set()
        self.inserted_keys: set[int] = set()
        model.rowsInserted.connect(self.inserted)
        model.rowsRemoved.connect(self.removed)
        model.dataChanged.connect(self.data_changed)
        model.modelReset.connect(self.reset)

    def inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        keys = [self.model.rows[i][0] for i in range(first, last + 1)]
        self.keys[first:first] = keys
        self.inserted_keys.update(keys)

    def removed(self, _parent: QModelIndex, first: int, last: int) -> None:
        del self.keys[first : last + 1]

    def data_changed(self, top: QModelIndex, bottom: QModelIndex, _roles: list[int]) -> None:
        self.changed.update(self.model.rows[i][0] for i in range(top.row(), bottom.row() + 1))

    def reset(self) -> None:
        raise AssertionError("a refresh must never reset the model")


rows_strategy = st.lists(
    st.tuples(st.integers(0, 30), st.sampled_from("abc")), max_size=25, unique_by=lambda row: row[0]
)


# pytest-qt attaches its (function-scoped) Qt log capture to every test; it holds no state here.
@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(old=rows_strategy, new=rows_strategy)
def test_any_list_becomes_any_other(
    qtbot: QtBot, old: list[tuple[int, str]], new: list[tuple[int, str]]
) -> None:
    model = Rows(old)
    mirror = Mirror(model)
    persistent = [QPersistentModelIndex(model.index(i)) for i in range(len(old))]
    model.sync(new)
    assert model.rows == new
    assert mirror.keys == [row[0] for row in new]
    before = dict(old)
    # Every row whose value changed was announced: by dataChanged, or it came in anew (a move).
    updated = {key for key, value in new if key in before and before[key] != value}
    assert updated <= mirror.changed | mirror.inserted_keys
    # Rows that stayed in the same relative order keep their persistent indexes (the selection).
    for index, (key, _value) in zip(persistent, old, strict=True):
        if index.isValid():
            assert model.rows[index.row()][0] == key


def test_appending_and_dropping_touch_only_those_rows(qtbot: QtBot, qtmodeltester: Any) -> None:
    model = Rows([(n, "a") for n in range(1000)])
    qtmodeltester.check(model)
    inserted: list[tuple[int, int]] = []
    removed: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.rowsRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    model.sync([(n, "a") for n in range(1, 1000)] + [(1000, "a"), (1001, "a")])
    assert removed == [(0, 0)] and inserted == [(999, 1000)]


def test_longest_increasing_run() -> None:
    assert _longest_increasing([]) == set()
    assert len(_longest_increasing([3, 1, 2, 5, 4, 6])) == 4
    picked = _longest_increasing([5, 0, 1, 6, 2, 3])
    values = [[5, 0, 1, 6, 2, 3][i] for i in sorted(picked)]
    assert values == sorted(values) and len(values) == 4
