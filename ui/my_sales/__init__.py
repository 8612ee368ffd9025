"""The My Sales workspace (DOMAIN §1, §2): ``from ui.my_sales import MySalesWorkspace``.

Names are imported on first use, so that the dialogs (which share ``ui.my_sales.row_models``)
and the workspace (which opens the dialogs) do not import each other in a circle.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "InquiryListModel": "ui.my_sales.inquiry_list_model",
    "StageInterestModel": "ui.my_sales.stage_interest_model",
    "MySalesWorkspace": "ui.my_sales.workspace",
}

__all__ = ["InquiryListModel", "MySalesWorkspace", "StageInterestModel"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ui.my_sales' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
