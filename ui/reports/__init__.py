"""The Reports workspace (DOMAIN §7, issue "Built-in reports"): ``from ui.reports import ReportsWorkspace``.

Names are imported on first use: the main window imports this package lazily, and Qt Charts is
loaded only when the workspace is built.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ReportsWorkspace": "ui.reports.workspace",
    "DrillDownDialog": "ui.reports.drill",
    "FilterBar": "ui.reports.filter_bar",
}

__all__ = ["DrillDownDialog", "FilterBar", "ReportsWorkspace"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ui.reports' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
