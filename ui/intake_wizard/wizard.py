"""The intake wizard (DOMAIN §5): who is it, what do they want, result — convert or reject a lead."""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QWidget, QWizard

from app.domain.enums import LeadState
from app.domain.errors import ConcurrentModification, InflowError, LeadAlreadyConverted, LeadClosed
from app.services.dto import LeadDTO
from app.services.processing import ConversionInput, ConversionResult, convert_lead, reject_lead
from app.services.wizard import WizardLead, lead_for_wizard, lead_state
from ui.context import AppContext
from ui.intake_wizard.common import guarded
from ui.intake_wizard.result_page import ResultPage
from ui.intake_wizard.what_page import Target, WhatPage
from ui.intake_wizard.who_page import WhoPage

log = logging.getLogger(__name__)


class IntakeWizard(QWizard):
    """Turns one lead into client + contact person + interest (or process), or rejects it.

    Signals:
        lead_processed(int): the lead id, after it was converted or rejected (the wizard then closes).

    Threading: the lead and catalogs are read, and the result written, through ``context.tasks``;
    the GUI thread never touches the database. The write passes the lead's version as read, so a
    colleague's change in between is reported in words instead of being overwritten.
    """

    lead_processed = Signal(int)

    WHO = 0
    WHAT = 1
    RESULT = 2

    def __init__(
        self, context: AppContext, lead_id: int, stage_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.lead_id = lead_id
        self.stage_id = stage_id
        self.data: WizardLead | None = None
        self.rejecting = False  # the operator chose "Reject the lead instead" on the first page
        self.saving = False
        self._closed_text = ""
        self._version: int | None = None

        self.setWindowTitle(self.tr("Intake wizard — lead %1").replace("%1", str(lead_id)))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.who_page = WhoPage()
        self.what_page = WhatPage()
        self.result_page = ResultPage()
        self.setPage(self.WHO, self.who_page)
        self.setPage(self.WHAT, self.what_page)
        self.setPage(self.RESULT, self.result_page)
        self.setStartId(self.WHO)
        # An explicit minimum keeps QWizard from re-computing the window's size constraints on every
        # page switch (which also spares platforms without size hints a warning each time).
        self.setMinimumSize(900, 640)
        self.resize(1000, 720)
        # Another desk may convert or reject this lead while it is open here: say so at once.
        context.watcher.changed.connect(self._on_watcher_changed)
        self._watching = True
        self._load()

    # ------------------------------------------------------------------------------ state

    def closed_text(self) -> str:
        """Why nothing can be done with this lead any more ("" while it is open)."""
        return self._closed_text

    def next_id_after_who(self) -> int:
        """Where "Next" goes from the first page."""
        return self.RESULT if self.rejecting else self.WHAT

    def start_rejecting(self) -> None:
        """Skip the client and the interest: go straight to the result page to reject."""
        self.rejecting = True
        self.next()

    def conversion_input(self) -> ConversionInput:
        """What the pages say, as the processing service takes it."""
        who, what = self.who_page, self.what_page
        card = None if who.is_new_client else who.selected_card()
        target = what.target
        existing = what.existing_interest() if target == Target.EXISTING_INTEREST else None
        return ConversionInput(
            client_id=card.client.id if card is not None else None,
            new_client=who.new_client() if who.is_new_client else None,
            contact_person_id=who.contact_person_id(),
            new_contact=who.new_contact(),
            phone_is_personal=who.phone_is_personal(),
            interest=what.new_interest() if target == Target.NEW_INTEREST else None,
            existing_interest_id=existing.id if existing is not None else None,
            process=what.new_process() if target == Target.PROCESS else None,
        )

    # ------------------------------------------------------------------------------ loading

    def _load(self) -> None:
        context, lead_id = self.context, self.lead_id
        db, actor = context.db, context.actor  # the pool thread must not hold the context (Qt objects)

        def work() -> WizardLead:
            with db.session() as session:
                return lead_for_wizard(session, actor, lead_id)

        context.tasks.run(work, guarded(self, self._on_loaded), guarded(self, self._on_load_failed))

    def _on_loaded(self, data: WizardLead) -> None:
        self.data = data
        self._version = data.lead.version
        self._closed_text = self._closed_text_of(data.lead)
        self.what_page.populate(data, self.stage_id)
        self.result_page.populate(data)
        self.who_page.populate(data)

    def _on_watcher_changed(self, tables: object) -> None:
        """A desk (maybe another one) committed: if leads changed, see whether this one got a result."""
        if self.data is None or self.saving or self._closed_text or not self.isVisible():
            return
        if not isinstance(tables, set | frozenset) or not ({"leads", "*"} & tables):
            return
        db, actor, lead_id = self.context.db, self.context.actor, self.lead_id

        def work() -> LeadDTO:
            with db.session() as session:
                return lead_state(session, actor, lead_id)

        def done(lead: LeadDTO) -> None:
            closed = self._closed_text_of(lead)
            if closed and not self.saving and not self._closed_text:
                # Only a result closes the wizard's way forward; a mere edit (a reassignment) is
                # left to the version check at Finish, which explains it in words.
                self._show_closed(closed)

        self.context.tasks.run(work, guarded(self, done), None)

    def _show_closed(self, text: str) -> None:
        self._closed_text = text
        self.who_page.show_closed(text)
        self.what_page.show_closed(text)
        self.result_page.show_closed(text)

    def _on_load_failed(self, error: BaseException) -> None:
        self._closed_text = self._sentence(error)
        self.who_page.show_closed(self._closed_text)

    def _closed_text_of(self, lead: LeadDTO) -> str:
        if lead.state in (LeadState.CONVERTED, LeadState.REPEAT_PROCESSED):
            return self.tr("This lead is already converted.")
        if lead.state is LeadState.REJECTED:
            return self.tr("This lead is rejected; return it to work before converting it.")
        return ""

    # ------------------------------------------------------------------------------ finishing

    def accept(self) -> None:
        """Finish: write the conversion or rejection; close only once it is stored."""
        if self.saving or self._closed_text or self.data is None:
            return
        if not self.validateCurrentPage():
            return
        self.saving = True
        self.result_page.error.clear_error()
        self.result_page.set_busy(True)
        context, lead_id, version = self.context, self.lead_id, self._version
        db, actor = context.db, context.actor  # the pool thread must not hold the context (Qt objects)
        if self.result_page.is_reject:
            reason_id, comment = self.result_page.reason_id(), self.result_page.comment()

            def work() -> object:
                with db.uow() as uow:
                    return reject_lead(
                        uow,
                        actor,
                        lead_id,
                        reason_id=reason_id,
                        comment=comment,
                        expected_version=version,
                    )
        else:
            data = self.conversion_input()

            def work() -> object:
                with db.uow() as uow:
                    return convert_lead(uow, actor, lead_id, data, expected_version=version)

        context.tasks.run(
            work, guarded(self, self._on_saved), guarded(self, self._on_save_failed), write=True
        )

    def _on_saved(self, result: object) -> None:
        self.saving = False
        self.result_page.set_busy(False)
        if isinstance(result, ConversionResult):
            log.info("lead %s converted (client %s)", self.lead_id, result.client_id)
        self._closed_text = ""
        self.lead_processed.emit(self.lead_id)
        QDialog.accept(self)

    def _on_save_failed(self, error: BaseException) -> None:
        self.saving = False
        self.result_page.set_busy(False)
        self.result_page.show_error(self._sentence(error))
        if isinstance(error, ConcurrentModification | LeadAlreadyConverted | LeadClosed):
            self._reload_state()

    def _reload_state(self) -> None:
        """After a conflict: learn whether the lead is still open, and its current version."""
        context, lead_id = self.context, self.lead_id
        db, actor = context.db, context.actor  # the pool thread must not hold the context (Qt objects)

        def work() -> LeadDTO:
            with db.session() as session:
                return lead_state(session, actor, lead_id)

        def done(lead: LeadDTO) -> None:
            closed = self._closed_text_of(lead)
            if closed:
                self._show_closed(closed)
            else:
                # Still open (a colleague reassigned or edited it): the operator read the sentence
                # and may press Finish again on the fresh version.
                self._version = lead.version
                self.result_page.show_error(
                    self.result_page.error.text()
                    + " "
                    + self.tr("The lead was reloaded; press Finish to try again.")
                )

        context.tasks.run(work, guarded(self, done), None)

    def _sentence(self, error: BaseException) -> str:
        if isinstance(error, InflowError):
            return str(error)
        log.error("intake wizard: unexpected error", exc_info=error)
        return self.tr("Something went wrong (%1); the lead is unchanged.").replace(
            "%1", type(error).__name__
        )

    def done(self, result: int) -> None:
        """Closing (Finish or Cancel): stop the search timer so nothing fires into a closed window."""
        self.who_page.stop_timers()
        if self._watching:
            self._watching = False
            self.context.watcher.changed.disconnect(self._on_watcher_changed)
        super().done(result)
