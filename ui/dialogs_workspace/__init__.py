"""The Dialogs workspace (DOMAIN §1, §6): ``from ui.dialogs_workspace import DialogsWorkspace``."""

from __future__ import annotations

from ui.dialogs_workspace.conversation_list_model import ConversationListModel
from ui.dialogs_workspace.message_list_model import MessageListModel
from ui.dialogs_workspace.workspace import DialogsWorkspace

__all__ = ["ConversationListModel", "DialogsWorkspace", "MessageListModel"]
