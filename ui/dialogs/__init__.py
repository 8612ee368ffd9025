"""Dialogs that act on one lead: reject (and mark spam), assign to a user, redirect to a role.

Each dialog writes through ``context.tasks`` (``write=True``, with the lead's version as read) and
closes only once the change is stored. A sentence about the input (a missing reason) stays next
to the field; any other refusal (changed meanwhile, no right) closes the dialog with ``failed``,
for its owner to show and refresh.
"""

from ui.dialogs.assign_dialog import AssignDialog
from ui.dialogs.lead_target import LeadTarget
from ui.dialogs.redirect_dialog import RedirectDialog
from ui.dialogs.reject_dialog import RejectDialog, SpamDialog

__all__ = ["AssignDialog", "LeadTarget", "RedirectDialog", "RejectDialog", "SpamDialog"]
