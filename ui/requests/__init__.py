"""The Requests workspace (DOMAIN §1, §6): ``from ui.requests import RequestsWorkspace``."""

from __future__ import annotations

from ui.requests.request_table_model import RequestTableModel
from ui.requests.workspace import RequestsWorkspace

__all__ = ["RequestTableModel", "RequestsWorkspace"]
