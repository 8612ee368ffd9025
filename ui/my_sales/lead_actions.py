"""Acting on a lead from the board or its card: reject, spam, assign, redirect, take, convert.

One place for the actions, their shortcuts (shown in menus) and their rights, so the Inquiries
column's context menu and the lead card's buttons behave the same.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QWidget

from app.services.dto import LeadDTO
from app.services.processing import assign_lead
from ui.context import AppContext
from ui.dialogs import AssignDialog, LeadTarget, RedirectDialog, RejectDialog, SpamDialog
from ui.dialogs.errors import sentence, show_message

log = logging.getLogger(__name__)


class LeadActions(QObject):
    """The lead actions of one window, as ``QAction`` objects with shortcuts and a current lead.

    Signals:
        changed(int): a write on the lead (id) was stored — refresh what shows it.
        failed(int, str): a write was refused (sentence already shown) — refresh too.
        open_requested(int): "Open card" was chosen.
        convert_requested(int, int): "Convert…" was chosen or a lead dropped (lead id, stage id or 0).
    """

    changed = Signal(int)
    failed = Signal(int, str)
    open_requested = Signal(int)
    convert_requested = Signal(int, int)

    def __init__(self, context: AppContext, owner: QWidget) -> None:
        super().__init__(owner)
        self.context = context
        self.target: LeadTarget | None = None
        self._wizards: dict[int, QWidget] = {}

        def make(
            text: str, shortcut: QKeySequence | str | None, slot: Callable[[], None], name: str
        ) -> QAction:
            action = QAction(text, self)
            action.setObjectName(name)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
                # Active while the focus is in the owning view (not in every child of the window).
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            return action

        self.open_action = make(
            self.tr("&Open card"), QKeySequence(Qt.Key.Key_Return), self.open_card, "open_card"
        )
        self.convert_action = make(self.tr("&Convert…"), "Ctrl+Return", self.convert, "convert")
        self.take_action = make(self.tr("&Take it"), "Ctrl+T", self.take, "take")
        self.reject_action = make(self.tr("&Reject…"), QKeySequence(Qt.Key.Key_Delete), self.reject, "reject")
        self.spam_action = make(self.tr("Mark &spam…"), "Ctrl+Shift+S", self.mark_spam, "spam")
        self.assign_action = make(self.tr("&Assign to…"), "Ctrl+Shift+A", self.assign, "assign")
        self.redirect_action = make(self.tr("Re&direct to role…"), "Ctrl+Shift+R", self.redirect, "redirect")
        self.set_target(None)

    @property
    def owner(self) -> QWidget:
        """The window the actions belong to (their Qt parent; not kept as a Python reference, so
        the owner and its actions form no reference cycle for the garbage collector)."""
        parent = self.parent()
        assert isinstance(parent, QWidget)
        return parent

    def actions(self) -> list[QAction | None]:
        """The actions in menu order (None: a separator)."""
        return [
            self.open_action,
            self.convert_action,
            self.take_action,
            None,
            self.assign_action,
            self.redirect_action,
            None,
            self.reject_action,
            self.spam_action,
        ]

    def set_target(self, target: LeadTarget | None) -> None:
        """The lead the actions apply to now; enables what the user may do with it."""
        self.target = target
        actor = self.context.actor
        self.open_action.setEnabled(target is not None)
        self.convert_action.setEnabled(target is not None and target.may_convert(actor))
        self.take_action.setEnabled(target is not None and target.may_take(actor))
        self.reject_action.setEnabled(target is not None and target.may_reject(actor))
        self.spam_action.setEnabled(target is not None and target.may_reject(actor))
        self.assign_action.setEnabled(target is not None and target.may_reassign(actor))
        self.redirect_action.setEnabled(target is not None and target.may_reassign(actor))

    # -- the actions --------------------------------------------------------------------------

    def open_card(self) -> None:
        """Ask for the lead's card."""
        if self.target is not None:
            self.open_requested.emit(self.target.id)

    def convert(self) -> None:
        """Start the intake wizard on the lead (no stage chosen)."""
        if self.target is not None and self.convert_action.isEnabled():
            self.convert_requested.emit(self.target.id, 0)
            self.open_wizard(self.target.id, 0)

    def reject(self) -> QDialog | None:
        """Open the reject dialog."""
        if self.target is None or not self.reject_action.isEnabled():
            return None
        return self._show(RejectDialog(self.context, self.target, self.owner))

    def mark_spam(self) -> QDialog | None:
        """Open the spam confirmation."""
        if self.target is None or not self.spam_action.isEnabled():
            return None
        return self._show(SpamDialog(self.context, self.target, self.owner))

    def assign(self) -> QDialog | None:
        """Open the user list."""
        if self.target is None or not self.assign_action.isEnabled():
            return None
        return self._show(AssignDialog(self.context, self.target, self.owner))

    def redirect(self) -> QDialog | None:
        """Open the role list."""
        if self.target is None or not self.redirect_action.isEnabled():
            return None
        return self._show(RedirectDialog(self.context, self.target, self.owner))

    def take(self) -> None:
        """Make the current user responsible (from their role's pool, or by the reassign right)."""
        target, context = self.target, self.context
        if target is None or not self.take_action.isEnabled() or context.actor.user_id is None:
            return
        user_id = context.actor.user_id

        # The pool thread gets the database and the actor, never the context (it owns Qt objects).
        db, actor = context.db, context.actor

        def work() -> LeadDTO:
            with db.uow() as uow:
                return assign_lead(uow, actor, target.id, user_id, expected_version=target.version)

        context.tasks.run(
            work,
            self._guard(lambda _lead: self.changed.emit(target.id)),
            self._guard(lambda error: self._report(target.id, sentence(error))),
            write=True,
        )

    def open_wizard(self, lead_id: int, stage_id: int) -> QWidget | None:
        """Open the intake wizard on a lead (raised if already open); refresh once it processed the lead."""
        existing = self._wizards.get(lead_id)
        if existing is not None and shiboken6.isValid(existing):
            existing.show()
            existing.raise_()
            existing.activateWindow()
            return existing
        try:
            from ui.intake_wizard import IntakeWizard
        except ImportError as error:
            log.info("the intake wizard is not part of this build: %s", error)
            show_message(
                self.owner,
                self.tr("Intake wizard"),
                self.tr("The intake wizard is not available in this version yet."),
            )
            return None
        wizard: Any = IntakeWizard(self.context, lead_id, stage_id or None, self.owner)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.lead_processed.connect(self._guard(lambda processed: self.changed.emit(int(processed))))
        self._wizards[lead_id] = wizard
        wizard.destroyed.connect(lambda _obj=None, key=lead_id: self._wizards.pop(key, None))
        wizard.show()
        return wizard

    def wizard(self, lead_id: int) -> QWidget | None:
        """The open wizard of a lead, if any (tests drive it)."""
        wizard = self._wizards.get(lead_id)
        return wizard if wizard is not None and shiboken6.isValid(wizard) else None

    # -- plumbing -----------------------------------------------------------------------------

    def _show(self, dialog: QDialog) -> QDialog:
        lead_id = dialog.target.id  # type: ignore[attr-defined]
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.lead_changed.connect(self._guard(lambda _lead: self.changed.emit(lead_id)))  # type: ignore[attr-defined]
        dialog.failed.connect(self._guard(lambda text: self._report(lead_id, text)))  # type: ignore[attr-defined]
        dialog.open()
        return dialog

    def _report(self, lead_id: int, text: str) -> None:
        show_message(self.owner, self.tr("Lead %1").replace("%1", str(lead_id)), text)
        self.failed.emit(lead_id, text)

    def _guard(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        def call(value: Any) -> None:
            if shiboken6.isValid(self):
                callback(value)

        return call
