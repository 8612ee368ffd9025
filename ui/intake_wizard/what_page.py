"""Page 2 of the intake wizard, "What do they want": a new interest, an existing open one, or a process."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QDateTime, QLocale, Qt, QTime
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from app.domain.enums import StageKind
from app.services.processing import NewInterest, NewProcess
from app.services.wizard import InterestSummary, WizardLead
from ui.intake_wizard.common import ErrorLabel, form_panel, money_text, utc_of, with_error
from ui.intake_wizard.models import InterestColumn, InterestTableModel

if TYPE_CHECKING:
    from ui.intake_wizard.wizard import IntakeWizard

MAX_AMOUNT = 999_999_999_999.99


class Target:
    """What the lead becomes (the page's radio buttons)."""

    NEW_INTEREST = 0
    EXISTING_INTEREST = 1
    PROCESS = 2


class WhatPage(QWizardPage):
    """Describe what the contact wants: a new interest on a stage, an existing open one, or a process."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("What do they want"))
        self.setSubTitle(
            self.tr("A new interest (deal), one of the client's open interests, or a process (task).")
        )
        self._data: WizardLead | None = None
        self._preset_stage: int | None = None

        self.for_label = QLabel()
        self.for_label.setWordWrap(True)
        self.new_radio = QRadioButton(self.tr("New &interest"))
        self.existing_radio = QRadioButton(self.tr("&Existing open interest"))
        self.process_radio = QRadioButton(self.tr("P&rocess (task)"))
        self.new_radio.setChecked(True)
        self.target_group = QButtonGroup(self)
        self.target_group.addButton(self.new_radio, Target.NEW_INTEREST)
        self.target_group.addButton(self.existing_radio, Target.EXISTING_INTEREST)
        self.target_group.addButton(self.process_radio, Target.PROCESS)
        radios = QHBoxLayout()
        for radio in (self.new_radio, self.existing_radio, self.process_radio):
            radios.addWidget(radio)
        radios.addStretch(1)

        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_new())
        self.stack.addWidget(self._build_existing())
        self.stack.addWidget(self._build_process())

        self.banner = ErrorLabel()
        font = self.banner.font()
        font.setBold(True)
        self.banner.setFont(font)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.for_label)
        layout.addLayout(radios)
        layout.addWidget(self.stack, 1)

        self.target_group.idToggled.connect(self._on_target_group_id_toggled)
        self.pipeline_combo.currentIndexChanged.connect(self._on_pipeline_combo_changed)
        self.title_edit.textEdited.connect(self.title_error.clear_error)
        self.amount_edit.textEdited.connect(self.amount_error.clear_error)
        self.process_title_edit.textEdited.connect(self.process_title_error.clear_error)
        self.due_edit.dateTimeChanged.connect(self.due_error.clear_error)

    # ------------------------------------------------------------------------------ building

    def _build_new(self) -> QWidget:
        self.pipeline_combo = QComboBox()
        self.stage_combo = QComboBox()
        self.stage_error = ErrorLabel()
        self.title_edit = QLineEdit()
        self.title_error = ErrorLabel()
        self.amount_edit = QLineEdit()
        # Locale-aware format (decimal comma in Russian); the range is checked in words by validatePage
        # rather than by swallowing a typed minus sign.
        validator = QDoubleValidator(-MAX_AMOUNT, MAX_AMOUNT, 2, self.amount_edit)
        validator.setNotation(QDoubleValidator.Notation.StandardNotation)
        self.amount_edit.setValidator(validator)
        self.amount_edit.setPlaceholderText(QLocale().toString(0.0, "f", 2))
        self.amount_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount_edit.setMaximumWidth(200)
        self.amount_error = ErrorLabel()
        self.responsible_combo = QComboBox()
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setTabChangesFocus(True)
        self.comment_edit.setMaximumHeight(90)

        panel, form = form_panel()
        for text, widget, buddy in (
            (self.tr("Pipe&line:"), self.pipeline_combo, self.pipeline_combo),
            (self.tr("Sta&ge:"), with_error(self.stage_combo, self.stage_error), self.stage_combo),
            (self.tr("&Title:"), with_error(self.title_edit, self.title_error), self.title_edit),
            (self.tr("&Amount:"), with_error(self.amount_edit, self.amount_error), self.amount_edit),
            (self.tr("Res&ponsible:"), self.responsible_combo, self.responsible_combo),
            (self.tr("&Comment:"), self.comment_edit, self.comment_edit),
        ):
            label = QLabel(text)
            label.setBuddy(buddy)
            form.addRow(label, widget)
        return panel

    def _build_existing(self) -> QWidget:
        panel = QWidget()
        self.interests = InterestTableModel(self)
        self.interest_view = QTableView()
        self.interest_view.setModel(self.interests)
        self.interest_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.interest_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.interest_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.interest_view.setTabKeyNavigation(False)
        self.interest_view.verticalHeader().hide()
        header = self.interest_view.horizontalHeader()
        header.setSectionResizeMode(InterestColumn.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(InterestColumn.STAGE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(InterestColumn.AMOUNT, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(InterestColumn.RESPONSIBLE, QHeaderView.ResizeMode.ResizeToContents)
        self.interest_error = ErrorLabel()
        self.interest_view.selectionModel().selectionChanged.connect(self.interest_error.clear_error)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.interest_view, 1)
        layout.addWidget(self.interest_error)
        return panel

    def _build_process(self) -> QWidget:
        self.process_title_edit = QLineEdit()
        self.process_title_error = ErrorLabel()
        self.due_edit = QDateTimeEdit()
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setDisplayFormat(QLocale().dateTimeFormat(QLocale.FormatType.ShortFormat))
        self.due_edit.setMaximumWidth(220)
        self.due_error = ErrorLabel()
        self.assignee_combo = QComboBox()
        self.description_edit = QPlainTextEdit()
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setMaximumHeight(90)
        panel, form = form_panel()
        for text, widget, buddy in (
            (
                self.tr("&Title:"),
                with_error(self.process_title_edit, self.process_title_error),
                self.process_title_edit,
            ),
            (self.tr("&Due:"), with_error(self.due_edit, self.due_error), self.due_edit),
            (self.tr("A&ssignee:"), self.assignee_combo, self.assignee_combo),
            (self.tr("Des&cription:"), self.description_edit, self.description_edit),
        ):
            label = QLabel(text)
            label.setBuddy(buddy)
            form.addRow(label, widget)
        return panel

    # ------------------------------------------------------------------------------ filling

    def intake(self) -> IntakeWizard:
        """The wizard this page belongs to."""
        return cast("IntakeWizard", self.wizard())

    def populate(self, data: WizardLead, stage_id: int | None) -> None:
        """Fill the combos from the catalogs; preselect the stage a lead was dropped on."""
        self._data = data
        self._preset_stage = stage_id
        self.pipeline_combo.blockSignals(True)
        self.pipeline_combo.clear()
        for pipeline in data.pipelines:
            self.pipeline_combo.addItem(pipeline.name, pipeline.id)
        wanted = 0
        if stage_id is not None:
            for position, pipeline in enumerate(data.pipelines):
                if any(s.id == stage_id for s in pipeline.stages):
                    wanted = position
        self.pipeline_combo.setCurrentIndex(wanted)
        self.pipeline_combo.blockSignals(False)
        self._on_pipeline_combo_changed(wanted)

        default_user = data.lead.responsible_user_id or self.intake().context.user.id
        for combo in (self.responsible_combo, self.assignee_combo):
            combo.clear()
            for user in data.users:
                combo.addItem(user.full_name, user.id)
            combo.setCurrentIndex(max(combo.findData(default_user), 0))
        self.title_edit.setText(data.lead.subject or "")
        self.process_title_edit.setText(data.lead.subject or "")
        now = QDateTime.currentDateTime().addSecs(3600)
        self.due_edit.setDateTime(QDateTime(now.date(), QTime(now.time().hour(), 0)))

    def initializePage(self) -> None:
        who = self.intake().who_page
        card = None if who.is_new_client else who.selected_card()
        if who.is_new_client:
            name = who.new_client().name
            self.for_label.setText(self.tr("For the new client %1").replace("%1", f"«{name}»"))
        elif card is not None:
            self.for_label.setText(self.tr("For %1").replace("%1", f"«{card.client.name}»"))
        interests: tuple[InterestSummary, ...] = card.open_interests if card is not None else ()
        self.interests.replace(interests)
        self.interest_view.horizontalHeader().resizeSections()
        self.existing_radio.setEnabled(bool(interests))
        self.existing_radio.setToolTip("" if interests else self.tr("The client has no open interests."))
        if self.existing_radio.isChecked() and not interests:
            self.new_radio.setChecked(True)
        if interests:
            self.interest_view.selectRow(0)
        self._on_target_group_id_toggled(self.target_group.checkedId(), True)

    # ------------------------------------------------------------------------------ what was chosen

    @property
    def target(self) -> int:
        """One of :class:`Target`."""
        return self.target_group.checkedId()

    def amount(self) -> Decimal | None:
        """The amount typed (locale-aware), None when empty; raises ValueError when not a number."""
        text = self.amount_edit.text().strip()
        if not text:
            return None
        value, ok = QLocale().toDouble(text)
        if not ok:
            value, ok = QLocale.c().toDouble(text.replace(",", "."))
        if not ok:
            raise ValueError(text)
        try:
            return Decimal(f"{value:.2f}")
        except InvalidOperation as error:
            raise ValueError(text) from error

    def new_interest(self) -> NewInterest:
        """The interest to create."""
        return NewInterest(
            title=self.title_edit.text().strip(),
            pipeline_id=self.pipeline_combo.currentData(),
            stage_id=self.stage_combo.currentData(),
            amount=self.amount(),
            comment=self.comment_edit.toPlainText().strip() or None,
            responsible_user_id=self.responsible_combo.currentData(),
        )

    def existing_interest(self) -> InterestSummary | None:
        """The chosen open interest."""
        rows = self.interest_view.selectionModel().selectedRows()
        return self.interests.row(rows[0].row()) if rows else None

    def new_process(self) -> NewProcess:
        """The process to start."""
        return NewProcess(
            title=self.process_title_edit.text().strip(),
            due_at=utc_of(self.due_edit.dateTime()),
            assignee_id=self.assignee_combo.currentData(),
            description=self.description_edit.toPlainText().strip() or None,
        )

    def summary_lines(self) -> list[str]:
        """What will be created, in words, for the result page."""
        if self.target == Target.EXISTING_INTEREST:
            chosen = self.existing_interest()
            title = chosen.title if chosen else ""
            return [self.tr("Attach the lead to the open interest %1").replace("%1", f"«{title}»")]
        if self.target == Target.PROCESS:
            process = self.new_process()
            return [
                self.tr("Start the process %1, due %2, assignee %3")
                .replace("%1", f"«{process.title}»")
                .replace("%2", QLocale().toString(self.due_edit.dateTime(), QLocale.FormatType.ShortFormat))
                .replace("%3", self.assignee_combo.currentText())
            ]
        try:
            amount = self.amount()
        except ValueError:
            amount = None
        line = (
            self.tr("New interest %1 on the stage %2 of %3")
            .replace("%1", f"«{self.title_edit.text().strip()}»")
            .replace("%2", f"«{self.stage_combo.currentText()}»")
            .replace("%3", f"«{self.pipeline_combo.currentText()}»")
        )
        lines = [line]
        if amount is not None:
            lines.append(self.tr("Amount: %1").replace("%1", money_text(amount)))
        lines.append(self.tr("Responsible: %1").replace("%1", self.responsible_combo.currentText()))
        return lines

    def fill_for_screenshot(self) -> None:
        """Demo input so that `make screenshots` can go on to the next page."""
        if not self.title_edit.text().strip():
            self.title_edit.setText(self.tr("Demo interest"))
        if not self.amount_edit.text().strip():
            self.amount_edit.setText(QLocale().toString(150000.0, "f", 2))

    # ------------------------------------------------------------------------------ QWizardPage

    def show_closed(self, text: str) -> None:
        """The lead got a result elsewhere: say so; nothing here can be used any more."""
        self.banner.show_error(text)
        self.stack.setEnabled(False)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return not self.intake().closed_text()

    def validatePage(self) -> bool:
        errors: list[tuple[ErrorLabel, str, QWidget]] = []
        if self.target == Target.NEW_INTEREST:
            if self.stage_combo.currentData() is None:
                errors.append((self.stage_error, self.tr("Choose a stage."), self.stage_combo))
            if not self.title_edit.text().strip():
                errors.append((self.title_error, self.tr("The interest needs a title."), self.title_edit))
            try:
                amount = self.amount()
            except ValueError:
                errors.append(
                    (
                        self.amount_error,
                        self.tr("Write the amount as a number, for example %1.").replace(
                            "%1", QLocale().toString(1500.5, "f", 2)
                        ),
                        self.amount_edit,
                    )
                )
            else:
                if amount is not None and amount < 0:
                    errors.append(
                        (self.amount_error, self.tr("The amount cannot be negative."), self.amount_edit)
                    )
        elif self.target == Target.EXISTING_INTEREST:
            if self.existing_interest() is None:
                errors.append(
                    (
                        self.interest_error,
                        self.tr("Choose one of the client's open interests."),
                        self.interest_view,
                    )
                )
        else:
            if not self.process_title_edit.text().strip():
                errors.append(
                    (self.process_title_error, self.tr("The process needs a title."), self.process_title_edit)
                )
            if self.due_edit.dateTime() < QDateTime.currentDateTime():
                errors.append(
                    (self.due_error, self.tr("The due time has passed; choose a later one."), self.due_edit)
                )
        for label, text, _widget in errors:
            label.show_error(text)
        if errors:
            errors[0][2].setFocus()
        return not errors

    # ------------------------------------------------------------------------------ slots

    def _on_target_group_id_toggled(self, target: int, checked: bool) -> None:
        if not checked:
            return
        self.stack.setCurrentIndex(target)
        if target == Target.NEW_INTEREST:
            self.title_edit.setFocus()
        elif target == Target.EXISTING_INTEREST:
            self.interest_view.setFocus()
        else:
            self.process_title_edit.setFocus()

    def _on_pipeline_combo_changed(self, _index: int) -> None:
        self.stage_combo.clear()
        if self._data is None:
            return
        pipeline_id = self.pipeline_combo.currentData()
        pipeline = next((p for p in self._data.pipelines if p.id == pipeline_id), None)
        if pipeline is None:
            return
        chosen = -1
        for stage in pipeline.stages:
            if stage.kind is not StageKind.OPEN and stage.id != self._preset_stage:
                continue  # a new interest starts on an open stage (unless dropped on another one)
            self.stage_combo.addItem(stage.name, stage.id)
            if stage.id == self._preset_stage:
                chosen = self.stage_combo.count() - 1
        self.stage_combo.setCurrentIndex(max(chosen, 0) if self.stage_combo.count() else -1)
        if self.stage_combo.count():
            self.stage_error.clear_error()
