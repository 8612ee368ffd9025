"""Regression guard for the PySide6 pin (RECIPES: 6.12.0 aborts after a few hundred emits)."""

from __future__ import annotations

import PySide6
from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(bool, str)


def test_pyside_is_the_pinned_version() -> None:
    assert PySide6.__version__ == "6.11.3"


def test_ten_thousand_signal_emits_from_python_survive() -> None:
    emitter = _Emitter()
    received: list[bool] = []
    emitter.fired.connect(lambda flag, _text: received.append(flag))
    for index in range(10_000):
        emitter.fired.emit(index % 2 == 0, "x")
    assert len(received) == 10_000
    assert received.count(True) == 5_000
