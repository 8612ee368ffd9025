"""The Mail workspace (DOMAIN §6): ``from ui.mail import MailWorkspace``.

Names are imported on first use, so that the lead card (which shows a lead's letters through
``ui.mail.letters``) and the workspace (which opens lead cards) do not import each other in a circle.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ComposeDialog": "ui.mail.compose_dialog",
    "LeadLettersView": "ui.mail.letters",
    "MailWorkspace": "ui.mail.workspace",
    "ReadingPane": "ui.mail.reading_pane",
}

__all__ = ["ComposeDialog", "LeadLettersView", "MailWorkspace", "ReadingPane"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ui.mail' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
