"""Redirect a lead to a role's shared pool (every member sees it and may take it)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.services.catalogs import RoleDTO, roles
from app.services.dto import LeadDTO
from app.services.processing import redirect_lead
from ui.context import AppContext
from ui.dialogs.assign_dialog import ChoiceDialog
from ui.dialogs.choice_list_model import Choice
from ui.dialogs.lead_target import LeadTarget


class RedirectDialog(ChoiceDialog):
    """Hand the lead to a role (the reassign right)."""

    def __init__(self, context: AppContext, target: LeadTarget, parent: QWidget | None = None) -> None:
        super().__init__(context, target, parent)
        self.setWindowTitle(self.tr("Redirect lead %1 to a role").replace("%1", str(target.id)))
        self.setObjectName("redirect_dialog")
        self.ok_button.setText(self.tr("Redirect"))
        self.filter_edit.setAccessibleName(self.tr("Find a role"))

        # The pool thread gets the database, never the context (it owns Qt objects).
        db = context.db

        def work() -> list[RoleDTO]:
            with db.session() as session:
                return roles(session)

        self.load(work, self._choice, target.responsible_role_id)

    def _choice(self, role: RoleDTO) -> Choice:
        members = self.tr("%n member(s)", "", len(role.member_ids))
        return Choice(role.id, role.name, members, role)

    def accept(self) -> None:
        """Redirect to the highlighted role."""
        choice = self.chosen()
        if choice is None or self.saving:
            return
        context, lead_id, version, role_id = self.context, self.target.id, self.target.version, choice.id

        # The pool thread gets the database and the actor, never the context (it owns Qt objects).
        db, actor = context.db, context.actor

        def work() -> LeadDTO:
            with db.uow() as uow:
                return redirect_lead(uow, actor, lead_id, role_id, expected_version=version)

        self.submit(work)
