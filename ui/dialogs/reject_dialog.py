"""Reject a lead with a reason from the catalog (mandatory when its channel says so); mark spam."""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.services.catalogs import RejectionReasonDTO, rejection_reasons
from app.services.dto import LeadDTO
from app.services.processing import mark_spam, reject_lead
from ui.context import AppContext
from ui.dialogs.errors import ErrorLabel
from ui.dialogs.lead_dialog import LeadDialog
from ui.dialogs.lead_target import LeadTarget


class RejectDialog(LeadDialog):
    """Choose a reason and comment; "Reject" writes. A required reason is enforced here, in words.

    Signals: see :class:`LeadDialog` (``lead_changed`` carries the rejected lead).
    """

    def __init__(self, context: AppContext, target: LeadTarget, parent: QWidget | None = None) -> None:
        super().__init__(context, target, parent)
        self.setWindowTitle(self.tr("Reject lead %1").replace("%1", str(target.id)))
        self.setObjectName("reject_dialog")
        self.reasons: list[RejectionReasonDTO] = []
        self.loaded = False

        about = QLabel(
            self.tr("%1 · %2").replace("%1", target.contact or "—").replace("%2", target.channel_name)
        )
        about.setWordWrap(True)
        self.reason_combo = QComboBox()
        self.reason_combo.setAccessibleName(self.tr("Rejection reason"))
        self.reason_combo.addItem(self.tr("Loading…"), None)
        self.reason_combo.setEnabled(False)
        self.reason_combo.currentIndexChanged.connect(self._on_reason_combo_changed)
        # The sentence about the reason stays right under the field it is about.
        self.reason_error = ErrorLabel()
        self.error = self.reason_error
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setAccessibleName(self.tr("Comment"))
        self.comment_edit.setTabChangesFocus(True)
        self.comment_edit.setPlaceholderText(self.tr("What happened (optional)"))
        self.comment_edit.setFixedHeight(self.comment_edit.fontMetrics().lineSpacing() * 4 + 12)

        form = QFormLayout()
        reason_label = self.tr("&Reason:") if not target.reason_required else self.tr("&Reason (required):")
        reason_box = QVBoxLayout()
        reason_box.setContentsMargins(0, 0, 0, 0)
        reason_box.addWidget(self.reason_combo)
        reason_box.addWidget(self.reason_error)
        form.addRow(reason_label, reason_box)
        label = form.labelForField(reason_box)
        if isinstance(label, QLabel):
            label.setBuddy(self.reason_combo)
        form.addRow(self.tr("&Comment:"), self.comment_edit)

        self.ok_button.setText(self.tr("Reject"))
        self.ok_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self._load()

    def _load(self) -> None:
        context = self.context

        # The pool thread gets the database, never the context (it owns Qt objects).
        db = context.db

        def work() -> list[RejectionReasonDTO]:
            with db.session() as session:
                return rejection_reasons(session)

        def done(reasons: list[RejectionReasonDTO]) -> None:
            if shiboken6.isValid(self):
                self._on_loaded(reasons)

        def failed(error: BaseException) -> None:
            if shiboken6.isValid(self):
                self._on_failed(error)

        context.tasks.run(work, done, failed)

    def _on_loaded(self, reasons: list[RejectionReasonDTO]) -> None:
        self.reasons = reasons
        self.reason_combo.clear()
        self.reason_combo.addItem(
            self.tr("— choose a reason —") if self.target.reason_required else self.tr("— no reason —"), None
        )
        for reason in reasons:
            self.reason_combo.addItem(reason.name, reason.id)
        self.reason_combo.setEnabled(True)
        self.ok_button.setEnabled(True)
        self.loaded = True
        self.reason_combo.setFocus()

    def _on_reason_combo_changed(self, _index: int) -> None:
        if self.reason_id() is not None:
            self.reason_error.clear_error()

    def reason_id(self) -> int | None:
        """The chosen reason (None: none)."""
        value = self.reason_combo.currentData()
        return int(value) if value is not None else None

    def select_reason(self, code: str) -> None:
        """Choose a reason by its catalog code (keyboard users pick it in the combo)."""
        for row, reason in enumerate(self.reasons, start=1):
            if reason.code == code:
                self.reason_combo.setCurrentIndex(row)
                return
        raise KeyError(code)

    def comment(self) -> str | None:
        """The comment, or None when blank."""
        text = self.comment_edit.toPlainText().strip()
        return text or None

    def required_sentence(self) -> str:
        """The ReasonRequired sentence, as the service says it, in the user's language."""
        return self.tr("Channel '%1' requires a rejection reason.").replace("%1", self.target.channel_name)

    def accept(self) -> None:
        """Reject the lead, unless the channel requires a reason and none is chosen."""
        if not self.loaded or self.saving:
            return
        reason_id = self.reason_id()
        if reason_id is None and self.target.reason_required:
            self.reason_error.show_error(self.required_sentence())
            self.reason_combo.setFocus()
            return
        context, lead_id, version, comment = self.context, self.target.id, self.target.version, self.comment()

        # The pool thread gets the database and the actor, never the context (it owns Qt objects).
        db, actor = context.db, context.actor

        def work() -> LeadDTO:
            with db.uow() as uow:
                return reject_lead(
                    uow,
                    actor,
                    lead_id,
                    reason_id=reason_id,
                    comment=comment,
                    expected_version=version,
                )

        self.submit(work)


class SpamDialog(LeadDialog):
    """Mark a lead as spam (a rejection with reason "spam"), optionally listing its contact as excluded."""

    def __init__(self, context: AppContext, target: LeadTarget, parent: QWidget | None = None) -> None:
        super().__init__(context, target, parent)
        self.setWindowTitle(self.tr("Mark lead %1 as spam").replace("%1", str(target.id)))
        self.setObjectName("spam_dialog")
        question = QLabel(
            self.tr("Reject the lead from %1 (%2) as spam?")
            .replace("%1", target.contact or "—")
            .replace("%2", target.channel_name)
        )
        question.setWordWrap(True)
        contacts = ", ".join(value for value in (target.phone, target.email) if value)
        self.exclude_check = QCheckBox(
            self.tr("Also add %1 to the exclusion list").replace("%1", contacts)
            if contacts
            else self.tr("Also add the contact to the exclusion list")
        )
        self.exclude_check.setEnabled(bool(contacts))
        if not contacts:
            self.exclude_check.setToolTip(self.tr("The lead has no phone or e-mail to exclude."))
        self.ok_button.setText(self.tr("Mark spam"))
        layout = QVBoxLayout(self)
        layout.addWidget(question)
        layout.addWidget(self.exclude_check)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(380)

    def accept(self) -> None:
        """Write the spam rejection."""
        context, lead_id, version = self.context, self.target.id, self.target.version
        exclude = self.exclude_check.isChecked()

        # The pool thread gets the database and the actor, never the context (it owns Qt objects).
        db, actor = context.db, context.actor

        def work() -> LeadDTO:
            with db.uow() as uow:
                return mark_spam(uow, actor, lead_id, add_to_exclusions=exclude, expected_version=version)

        self.submit(work)
