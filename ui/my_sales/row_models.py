"""Shared pieces of the board's models: the custom roles and the refresh-by-diff of a row list.

A refresh after ``watcher.changed`` must not reset a model (the user's selection, current card
and scroll position would be lost): :func:`sync_rows` turns the old and the new list into the
smallest sequence of ``beginRemoveRows`` / ``beginInsertRows`` / ``dataChanged`` it can, so the
view's persistent indexes (selection, current index) follow the rows they were on.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, Qt

OBJECT_ROLE = int(Qt.ItemDataRole.UserRole) + 1  # the row's frozen DTO
SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 2  # a value that sorts like the model's order

Key = Callable[[Any], Hashable]


def guarded(owner: QObject, callback: Callable[[Any], None]) -> Callable[[Any], None]:
    """A task callback that does nothing once ``owner`` is gone (a window closed mid-read)."""

    def call(value: Any) -> None:
        if shiboken6.isValid(owner):
            callback(value)

    return call


def _longest_increasing(values: Sequence[int]) -> set[int]:
    """Indexes of one longest strictly increasing subsequence of ``values`` (O(n log n))."""
    tails: list[int] = []  # tails[k]: the index ending the best run of length k + 1
    previous: list[int] = [-1] * len(values)
    tail_values: list[int] = []
    for i, value in enumerate(values):
        k = bisect_left(tail_values, value)
        if k == len(tail_values):
            tail_values.append(value)
            tails.append(i)
        else:
            tail_values[k] = value
            tails[k] = i
        previous[i] = tails[k - 1] if k > 0 else -1
    keep: set[int] = set()
    i = tails[-1] if tails else -1
    while i != -1:
        keep.add(i)
        i = previous[i]
    return keep


def _remove(model: QAbstractItemModel, rows: list[Any], doomed: Sequence[int]) -> None:
    """Remove rows at the given (ascending) positions, one signal pair per contiguous run."""
    end = len(doomed) - 1
    while end >= 0:
        start = end
        while start > 0 and doomed[start - 1] == doomed[start] - 1:
            start -= 1
        first, last = doomed[start], doomed[end]
        model.beginRemoveRows(QModelIndex(), first, last)  # type: ignore[attr-defined]
        del rows[first : last + 1]
        model.endRemoveRows()  # type: ignore[attr-defined]
        end = start - 1


def sync_rows(
    model: QAbstractItemModel,
    rows: list[Any],
    new: Sequence[Any],
    key: Key,
    *,
    last_column: int = 0,
    roles: Sequence[int] = (),
) -> None:
    """Make ``rows`` (the model's own list) equal to ``new`` with incremental signals, never a reset.

    Rows whose key is gone are removed; rows that changed place are removed and inserted again
    (only those outside a longest run that kept its order); new keys are inserted; rows whose
    value changed get ``dataChanged`` over ``0..last_column``. The common head and tail (a refresh
    that only appended or dropped a few rows) are skipped without any bookkeeping.
    """
    old_keys = [key(row) for row in rows]
    new_keys = [key(item) for item in new]
    head = 0
    limit = min(len(old_keys), len(new_keys))
    while head < limit and old_keys[head] == new_keys[head]:
        head += 1
    tail = 0
    while tail < limit - head and old_keys[-1 - tail] == new_keys[-1 - tail]:
        tail += 1
    middle_new = new_keys[head : len(new_keys) - tail]
    middle_old = old_keys[head : len(old_keys) - tail]
    if middle_old or middle_new:
        _sync_middle(model, rows, new, head, middle_old, middle_new)

    changed = [n for n, item in enumerate(new) if rows[n] != item]
    for n in changed:
        rows[n] = new[n]
    end = len(changed) - 1
    while end >= 0:
        start = end
        while start > 0 and changed[start - 1] == changed[start] - 1:
            start -= 1
        model.dataChanged.emit(
            model.index(changed[start], 0), model.index(changed[end], last_column), list(roles)
        )
        end = start - 1


def _sync_middle(
    model: QAbstractItemModel,
    rows: list[Any],
    new: Sequence[Any],
    head: int,
    old_keys: list[Hashable],
    new_keys: list[Hashable],
) -> None:
    """Bring ``rows[head:head + len(old_keys)]`` to the keys ``new_keys`` (values follow later)."""
    positions = {k: i for i, k in enumerate(new_keys)}
    gone = [head + i for i, k in enumerate(old_keys) if k not in positions]
    _remove(model, rows, gone)
    kept_keys = [k for k in old_keys if k in positions]
    order = [positions[k] for k in kept_keys]
    keep = _longest_increasing(order)
    moved = [head + i for i in range(len(kept_keys)) if i not in keep]
    _remove(model, rows, moved)
    current = [k for i, k in enumerate(kept_keys) if i in keep]

    i = 0  # position in ``current`` (rows[head + i])
    j = 0  # position in ``new_keys``
    while j < len(new_keys):
        if i < len(current) and current[i] == new_keys[j]:
            i += 1
            j += 1
            continue
        start = j
        while j < len(new_keys) and (i >= len(current) or current[i] != new_keys[j]):
            j += 1
        at = head + i
        model.beginInsertRows(QModelIndex(), at, at + (j - start) - 1)  # type: ignore[attr-defined]
        rows[at:at] = list(new[head + start : head + j])
        current[i:i] = new_keys[start:j]
        model.endInsertRows()  # type: ignore[attr-defined]
        i += j - start
