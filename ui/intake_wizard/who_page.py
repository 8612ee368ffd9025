"""Page 1 of the intake wizard, "Who is it": the lead, the clients it points to, search, a new client."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from app.domain.contacts import normalize_inn
from app.domain.enums import ClientKind
from app.services.dto import ClientDTO
from app.services.processing import NewClient, NewContactPerson
from app.services.wizard import ClientCard, WizardLead, client_card, search_clients
from ui.intake_wizard.common import (
    ErrorLabel,
    esc,
    form_panel,
    guarded,
    kind_text,
    money_text,
    state_text,
    when_text,
    with_error,
)
from ui.intake_wizard.models import ClientColumn, ClientRow, ClientTableModel

if TYPE_CHECKING:
    from ui.intake_wizard.wizard import IntakeWizard

SEARCH_DELAY_MS = 250
NEW_CONTACT = -1


class WhoPage(QWizardPage):
    """Identify the contact: a client found by the lead's phone / e-mail, a searched one, or a new one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Who is it"))
        self.setSubTitle(self.tr("Pick the client this lead comes from, find one, or describe a new client."))
        self._data: WizardLead | None = None
        self._search_generation = 0
        self._card_wanted: int | None = None

        self.lead_label = QLabel(self.tr("Loading the lead…"))
        self.lead_label.setWordWrap(True)
        self.lead_label.setTextFormat(Qt.TextFormat.RichText)
        self.lead_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lead_box = QGroupBox(self.tr("The lead"))
        lead_layout = QVBoxLayout(lead_box)
        lead_layout.setContentsMargins(8, 4, 8, 4)
        lead_layout.addWidget(self.lead_label)

        self.banner = ErrorLabel()
        font = self.banner.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.banner.setFont(font)

        # -- existing or new
        self.existing_radio = QRadioButton(self.tr("E&xisting client"))
        self.new_radio = QRadioButton(self.tr("Ne&w client"))
        self.mode_group = QButtonGroup(self)
        self.mode_group.addButton(self.existing_radio)
        self.mode_group.addButton(self.new_radio)
        self.reject_button = QPushButton(self.tr("Re&ject the lead instead…"))
        self.reject_button.setToolTip(
            self.tr("Spam, a wrong number, not our service: go straight to the result.")
        )
        self.reject_button.setAutoDefault(False)
        mode_row = QHBoxLayout()
        mode_row.addWidget(self.existing_radio)
        mode_row.addWidget(self.new_radio)
        mode_row.addStretch(1)
        mode_row.addWidget(self.reject_button)

        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_existing())
        self.stack.addWidget(self._build_new())
        self.stack.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

        # -- the lead's phone: personal or the company's
        self.phone_label = QLabel()
        self.personal_radio = QRadioButton(self.tr("persona&l"))
        self.company_phone_radio = QRadioButton(self.tr("the compan&y's"))
        self.personal_radio.setChecked(True)
        phone_group = QButtonGroup(self)
        phone_group.addButton(self.personal_radio)
        phone_group.addButton(self.company_phone_radio)
        self.phone_row = QWidget()
        phone_layout = QHBoxLayout(self.phone_row)
        phone_layout.setContentsMargins(0, 0, 0, 0)
        phone_layout.addWidget(self.phone_label)
        phone_layout.addWidget(self.personal_radio)
        phone_layout.addWidget(self.company_phone_radio)
        phone_layout.addStretch(1)

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(mode_row)
        body.addWidget(self.stack, 1)
        body.addWidget(self.phone_row)

        layout = QVBoxLayout(self)
        layout.addWidget(lead_box)
        layout.addWidget(self.banner)
        layout.addWidget(self.body, 100)
        layout.addStretch(1)  # keeps the lead and the banner together at the top when the body is hidden

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)

        self.existing_radio.toggled.connect(self._on_mode_toggled)
        self.search_edit.textChanged.connect(self._on_search_edit_text_edited)
        self.person_radio.toggled.connect(self._on_kind_toggled)
        self.client_name_edit.textEdited.connect(self._on_client_name_edited)
        self.contact_combo.currentIndexChanged.connect(self._on_contact_combo_changed)
        self.reject_button.clicked.connect(self._on_reject_button_clicked)
        for edit, label in (
            (self.client_name_edit, self.client_name_error),
            (self.inn_edit, self.inn_error),
            (self.new_contact_edit, self.new_contact_error),
            (self.contact_name_edit, self.contact_error),
        ):
            edit.textEdited.connect(label.clear_error)
        self.existing_radio.setEnabled(False)
        self.new_radio.setEnabled(False)
        self.body.setEnabled(False)
        self._on_kind_toggled(True)

    # ------------------------------------------------------------------------------ building

    def _build_existing(self) -> QWidget:
        panel = QWidget()
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Name, phone in any format, e-mail or INN"))
        self.search_edit.setClearButtonEnabled(True)
        search_label = QLabel(self.tr("&Search:"))
        search_label.setBuddy(self.search_edit)
        self.search_status = QLabel()
        self.search_status.setEnabled(False)
        search_row = QHBoxLayout()
        search_row.addWidget(search_label)
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.search_status)

        self.clients = ClientTableModel(self)
        self.client_view = QTableView()
        self.client_view.setModel(self.clients)
        self.client_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.client_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.client_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.client_view.setTabKeyNavigation(False)
        self.client_view.verticalHeader().hide()
        self.client_view.setWordWrap(False)
        header = self.client_view.horizontalHeader()
        header.setSectionResizeMode(ClientColumn.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ClientColumn.INN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ClientColumn.CONTACTS, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ClientColumn.FOUND_BY, QHeaderView.ResizeMode.ResizeToContents)
        self.client_view.selectionModel().selectionChanged.connect(self._on_client_selection_changed)
        self.client_error = ErrorLabel()

        left = QVBoxLayout()
        left.addLayout(search_row)
        left.addWidget(self.client_view, 1)
        left.addWidget(self.client_error)

        self.details = QTextBrowser()
        self.details.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.details.setOpenLinks(False)
        self.details.setPlaceholderText(self.tr("Select a client to see its interests and earlier leads."))

        self.contact_combo = QComboBox()
        contact_label = QLabel(self.tr("Contact &person:"))
        contact_label.setBuddy(self.contact_combo)
        self.new_contact_edit = QLineEdit()
        self.new_contact_label = QLabel(self.tr("Na&me:"))
        self.new_contact_label.setBuddy(self.new_contact_edit)
        self.new_contact_error = ErrorLabel()
        self.new_position_edit = QLineEdit()
        self.new_position_label = QLabel(self.tr("Posi&tion:"))
        self.new_position_label.setBuddy(self.new_position_edit)
        contact_form = QFormLayout()
        contact_form.addRow(contact_label, self.contact_combo)
        self.new_contact_field = with_error(self.new_contact_edit, self.new_contact_error)
        contact_form.addRow(self.new_contact_label, self.new_contact_field)
        contact_form.addRow(self.new_position_label, self.new_position_edit)

        right = QVBoxLayout()
        right.addWidget(self.details, 1)
        right.addLayout(contact_form)

        row = QHBoxLayout(panel)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(left, 3)
        row.addLayout(right, 2)
        return panel

    def _build_new(self) -> QWidget:
        self.person_radio = QRadioButton(self.tr("P&erson"))
        self.company_radio = QRadioButton(self.tr("&Company"))
        self.person_radio.setChecked(True)
        kind_group = QButtonGroup(self)
        kind_group.addButton(self.person_radio)
        kind_group.addButton(self.company_radio)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.person_radio)
        kind_row.addWidget(self.company_radio)
        kind_row.addStretch(1)

        self.client_name_edit = QLineEdit()
        self.client_name_label = QLabel()
        self.client_name_label.setBuddy(self.client_name_edit)
        self.client_name_error = ErrorLabel()
        self.inn_edit = QLineEdit()
        self.inn_edit.setMaxLength(14)
        self.inn_edit.setMaximumWidth(260)
        self.inn_edit.setPlaceholderText(self.tr("10 digits for a company, 12 for an entrepreneur"))
        self.inn_label = QLabel(self.tr("&INN:"))
        self.inn_label.setBuddy(self.inn_edit)
        self.inn_error = ErrorLabel()
        self.contact_name_edit = QLineEdit()
        contact_label = QLabel(self.tr("Contact &person:"))
        contact_label.setBuddy(self.contact_name_edit)
        self.contact_error = ErrorLabel()
        self.position_edit = QLineEdit()
        position_label = QLabel(self.tr("P&osition:"))
        position_label.setBuddy(self.position_edit)

        panel, form = form_panel()
        form.addRow(self.tr("Kind:"), kind_row)
        form.addRow(self.client_name_label, with_error(self.client_name_edit, self.client_name_error))
        self.inn_field = with_error(self.inn_edit, self.inn_error)
        form.addRow(self.inn_label, self.inn_field)
        form.addRow(contact_label, with_error(self.contact_name_edit, self.contact_error))
        form.addRow(position_label, self.position_edit)
        self._new_form = form
        return panel

    # ------------------------------------------------------------------------------ the wizard's view

    def intake(self) -> IntakeWizard:
        """The wizard this page belongs to."""
        return cast("IntakeWizard", self.wizard())

    def populate(self, data: WizardLead) -> None:
        """Show the loaded lead and its candidates; choose the likely answer."""
        self._data = data
        lead = data.lead
        unknown = self.tr("Unknown contact")
        rows = [
            f"<b>{esc(lead.contact_name or lead.raw_contact or unknown)}</b>",
            esc(
                self.tr("%1 · %2 · received %3")
                .replace("%1", kind_text(lead.kind))
                .replace("%2", data.channel.name)
                .replace("%3", when_text(lead.received_at))
            ),
        ]
        contacts = [c for c in (lead.phone, lead.email, lead.messenger_user) if c]
        if contacts:
            rows.append(esc(", ".join(contacts)))
        text = lead.subject or lead.message
        if text:
            rows.append(f"<i>{esc(text[:300])}</i>")
        if data.responsible_name:
            rows.append(esc(self.tr("Responsible: %1").replace("%1", data.responsible_name)))
        if data.earlier_leads:
            last = data.earlier_leads[0]
            rows.append(
                esc(
                    self.tr("Earlier leads from this contact: %1 (last %2, %3)")
                    .replace("%1", str(len(data.earlier_leads)))
                    .replace("%2", when_text(last.received_at))
                    .replace("%3", state_text(last.state))
                )
            )
        self.lead_label.setText("<br>".join(rows))

        self.clients.set_matches(data.candidates)
        self.client_name_edit.setText(lead.contact_name or "")
        self.contact_name_edit.setText(lead.contact_name or "")
        self.new_contact_edit.setText(lead.contact_name or "")
        self.phone_row.setVisible(bool(lead.phone))
        self.phone_label.setText(self.tr("The lead's phone %1 is").replace("%1", lead.phone or ""))

        closed = self.intake().closed_text()
        if closed:
            self.banner.show_error(closed)
            self.body.setEnabled(False)
            self.body.hide()
            self.completeChanged.emit()
            return
        self.body.setEnabled(True)
        self.existing_radio.setEnabled(True)
        self.new_radio.setEnabled(True)
        if data.candidates:
            self.existing_radio.setChecked(True)
            self.client_view.selectRow(0)
            self.client_view.setFocus()
        else:
            self.new_radio.setChecked(True)
            self.client_name_edit.setFocus()
            self.client_name_edit.selectAll()
        self._on_mode_toggled(self.existing_radio.isChecked())
        self.completeChanged.emit()

    def show_closed(self, text: str) -> None:
        """The lead got a result elsewhere: say so and offer nothing to do."""
        self.banner.show_error(text)
        self.body.setEnabled(False)
        self.completeChanged.emit()

    # ------------------------------------------------------------------------------ what was chosen

    @property
    def is_new_client(self) -> bool:
        """Whether a new client is described (else an existing one is chosen)."""
        return self.new_radio.isChecked()

    def selected_row(self) -> ClientRow | None:
        """The chosen existing client."""
        rows = self.client_view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.clients.row(rows[0].row())

    def selected_card(self) -> ClientCard | None:
        """The chosen existing client's card, once loaded."""
        row = self.selected_row()
        return row.card if row is not None else None

    def client_kind(self) -> ClientKind:
        """The kind of the new client."""
        return ClientKind.COMPANY if self.company_radio.isChecked() else ClientKind.PERSON

    def new_client(self) -> NewClient:
        """The new client as the service takes it."""
        inn = self.inn_edit.text().strip() if self.company_radio.isChecked() else ""
        return NewClient(self.client_kind(), self.client_name_edit.text().strip(), inn or None)

    def contact_person_id(self) -> int | None:
        """The chosen existing contact person (None: a new one, or none at all)."""
        if self.is_new_client:
            return None
        value = self.contact_combo.currentData()
        return int(value) if value is not None and value != NEW_CONTACT else None

    def new_contact(self) -> NewContactPerson | None:
        """The contact person to create, if any."""
        if self.is_new_client:
            return NewContactPerson(
                self.contact_name_edit.text().strip(), self.position_edit.text().strip() or None
            )
        if self.contact_combo.currentData() == NEW_CONTACT:
            return NewContactPerson(
                self.new_contact_edit.text().strip(), self.new_position_edit.text().strip() or None
            )
        return None

    def contact_text(self) -> str:
        """The contact person in words, for the summary."""
        new = self.new_contact()
        if new is not None:
            return self.tr("new contact person %1").replace("%1", f"«{new.name}»")
        if self.contact_person_id() is not None:
            return self.contact_combo.currentText()
        return ""

    def phone_is_personal(self) -> bool:
        """Whether the lead's phone is the contact person's own (else the company's)."""
        return self.personal_radio.isChecked()

    # ------------------------------------------------------------------------------ QWizardPage

    def isComplete(self) -> bool:
        wizard = self.intake()
        return self._data is not None and not wizard.closed_text()

    def validatePage(self) -> bool:
        if self.intake().rejecting:
            return True
        ok = True
        first_bad: QWidget | None = None

        def bad(label: ErrorLabel, text: str, widget: QWidget) -> None:
            nonlocal ok, first_bad
            label.show_error(text)
            ok = False
            if first_bad is None:
                first_bad = widget

        if self.is_new_client:
            if not self.client_name_edit.text().strip():
                if self.company_radio.isChecked():
                    bad(
                        self.client_name_error,
                        self.tr("The company's name is required."),
                        self.client_name_edit,
                    )
                else:
                    bad(
                        self.client_name_error,
                        self.tr("The person's full name is required."),
                        self.client_name_edit,
                    )
            inn = self.inn_edit.text().strip()
            if self.company_radio.isChecked() and inn and normalize_inn(inn) is None:
                bad(
                    self.inn_error,
                    self.tr("An INN has 10 digits (company) or 12 digits (entrepreneur)."),
                    self.inn_edit,
                )
            if not self.contact_name_edit.text().strip():
                bad(
                    self.contact_error,
                    self.tr("The contact person's name is required."),
                    self.contact_name_edit,
                )
        else:
            row = self.selected_row()
            if row is None:
                bad(
                    self.client_error,
                    self.tr("Choose a client from the list, or choose New client."),
                    self.client_view,
                )
            elif row.card is None:
                bad(self.client_error, self.tr("The client's details are still loading."), self.client_view)
            elif self.contact_combo.currentData() == NEW_CONTACT and not self.new_contact_edit.text().strip():
                bad(
                    self.new_contact_error,
                    self.tr("The contact person's name is required."),
                    self.new_contact_edit,
                )
        if first_bad is not None:
            first_bad.setFocus()
        return ok

    def nextId(self) -> int:
        return self.intake().next_id_after_who()

    # ------------------------------------------------------------------------------ slots

    def _on_mode_toggled(self, existing: bool) -> None:
        self.stack.setCurrentIndex(0 if existing else 1)
        self.client_error.clear_error()
        if existing:
            self.search_edit.setFocus() if not self.clients.rowCount() else self.client_view.setFocus()
        else:
            self.client_name_edit.setFocus()
        self._update_phone_choice()

    def _on_kind_toggled(self, _checked: bool) -> None:
        company = self.company_radio.isChecked()
        self.client_name_label.setText(self.tr("Company n&ame:") if company else self.tr("Full n&ame:"))
        self._new_form.setRowVisible(self.inn_field, company)
        if not company:
            self.inn_error.clear_error()
        self._update_phone_choice()

    def _update_phone_choice(self) -> None:
        # A private person's phone is personal; for a company the operator decides.
        if self.is_new_client:
            company = self.company_radio.isChecked()
        else:
            row = self.selected_row()
            company = row is not None and row.client.kind is ClientKind.COMPANY
        self.company_phone_radio.setEnabled(company)
        if not company:
            self.personal_radio.setChecked(True)

    def _on_client_name_edited(self, text: str) -> None:
        # A private person is their own contact person: keep the two names together until edited apart.
        if self.person_radio.isChecked():
            self.contact_name_edit.setText(text)
            self.contact_error.clear_error()

    def _on_reject_button_clicked(self) -> None:
        self.intake().start_rejecting()

    def _on_search_edit_text_edited(self, _text: str) -> None:
        self._search_timer.start()
        self.client_error.clear_error()

    def _on_search_timer_timeout(self) -> None:
        text = self.search_edit.text().strip()
        self._search_generation += 1
        generation = self._search_generation
        if not text:
            self.clients.set_search_results(())
            self.search_status.setText("")
            return
        self.search_status.setText(self.tr("Searching…"))
        context = self.intake().context
        db, actor = context.db, context.actor  # the pool thread must not hold the context (Qt objects)

        def work() -> tuple[ClientDTO, ...]:
            with db.session() as session:
                return search_clients(session, actor, text)

        def done(found: tuple[ClientDTO, ...]) -> None:
            if generation != self._search_generation:
                return  # a later keystroke asked again: this answer is stale
            keep = self.selected_row()
            self.clients.set_search_results(found)
            # Rows arriving after the view is shown do not re-apply ResizeToContents by themselves.
            self.client_view.horizontalHeader().resizeSections()
            shown = self.clients.rowCount() - self.clients.match_count()
            self.search_status.setText(
                self.tr("Nothing found") if shown == 0 else self.tr("%n found", "", shown)
            )
            if keep is not None:
                position = self.clients.position_of(keep.client.id)
                if position is not None:
                    self.client_view.selectRow(position)
            elif shown:
                self.client_view.selectRow(self.clients.match_count())

        def failed(error: BaseException) -> None:
            if generation == self._search_generation:
                self.search_status.setText(str(error))

        context.tasks.run(work, guarded(self, done), guarded(self, failed))

    def _on_client_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self.client_error.clear_error()
        row = self.selected_row()
        self._update_phone_choice()
        if row is None:
            self.details.clear()
            self._fill_contacts(None)
            return
        if row.card is not None:
            self._show_card(row.card)
            return
        self.details.setHtml(f"<b>{esc(row.client.name)}</b><br>{esc(self.tr('Loading…'))}")
        self._fill_contacts(None)
        self._card_wanted = client_id = row.client.id
        context = self.intake().context
        db, actor = context.db, context.actor  # the pool thread must not hold the context (Qt objects)
        lead_id = self.intake().lead_id

        def work() -> ClientCard:
            with db.session() as session:
                return client_card(session, actor, client_id, exclude_lead_id=lead_id)

        def done(card: ClientCard) -> None:
            self.clients.set_card(card)
            if self._card_wanted == card.client.id:
                self._show_card(card)

        def failed(error: BaseException) -> None:
            self.client_error.show_error(str(error))

        context.tasks.run(work, guarded(self, done), guarded(self, failed))

    def _on_contact_combo_changed(self, _index: int) -> None:
        new = self.contact_combo.currentData() == NEW_CONTACT
        for widget in (
            self.new_contact_label,
            self.new_contact_field,
            self.new_position_label,
            self.new_position_edit,
        ):
            widget.setVisible(new)
        if not new:
            self.new_contact_error.clear_error()

    # ------------------------------------------------------------------------------ helpers

    def _show_card(self, card: ClientCard) -> None:
        self.details.setHtml(self._card_html(card))
        self._fill_contacts(card)

    def _fill_contacts(self, card: ClientCard | None) -> None:
        self.contact_combo.blockSignals(True)
        self.contact_combo.clear()
        if card is not None:
            for person in card.contacts:
                label = person.name + (f", {person.position}" if person.position else "")
                self.contact_combo.addItem(label, person.id)
            self.contact_combo.addItem(self.tr("New contact person…"), NEW_CONTACT)
            self.contact_combo.addItem(self.tr("— none —"), None)
            if card.matched_contact_person_id is not None:
                index = self.contact_combo.findData(card.matched_contact_person_id)
            elif card.contacts:
                index = 0
            else:
                # Nobody on file: a new contact when the lead brought a name, else none at all.
                named = self._data is not None and bool(self._data.lead.contact_name)
                index = self.contact_combo.findData(NEW_CONTACT if named else None)
            self.contact_combo.setCurrentIndex(max(index, 0))
        self.contact_combo.setEnabled(card is not None)
        self.contact_combo.blockSignals(False)
        self._on_contact_combo_changed(self.contact_combo.currentIndex())

    def _card_html(self, card: ClientCard) -> str:
        client = card.client
        parts = [f"<h3 style='margin:0'>{esc(client.name)}</h3>"]
        facts = [self.tr("company") if client.kind is ClientKind.COMPANY else self.tr("person")]
        if client.inn:
            facts.append(self.tr("INN %1").replace("%1", client.inn))
        facts.append(self.tr("client since %1").replace("%1", when_text(card.created_at, date_only=True)))
        if card.responsible_name:
            facts.append(self.tr("manager %1").replace("%1", card.responsible_name))
        parts.append(esc(", ".join(facts)))
        if client.phones or client.emails:
            parts.append("<br>" + esc(", ".join([*client.phones, *client.emails])))

        def section(title: str, lines: list[str]) -> None:
            parts.append(f"<p style='margin-top:6px; margin-bottom:0'><b>{esc(title)}</b></p>")
            if lines:
                parts.append(
                    "<ul style='margin-top:0'>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>"
                )
            else:
                none = self.tr("none")
                parts.append(f"<i>{esc(none)}</i>")

        section(
            self.tr("Contact persons"),
            [
                esc(
                    p.name
                    + (f", {p.position}" if p.position else "")
                    + (f" — {', '.join(p.phones)}" if p.phones else "")
                )
                for p in card.contacts
            ],
        )
        section(
            self.tr("Open interests"),
            [
                esc(
                    f"{i.title} — {i.stage_name}"
                    + (f", {money_text(i.amount)}" if i.amount is not None else "")
                )
                for i in card.open_interests
            ],
        )
        section(
            self.tr("Last interactions"),
            [esc(f"{when_text(i.at)} {i.subject}") for i in card.last_interactions],
        )
        section(
            self.tr("Earlier leads"),
            [
                esc(
                    f"{when_text(lead.received_at)} {lead.channel_name}: {state_text(lead.state)}"
                    + (f" ({lead.rejection_reason})" if lead.rejection_reason else "")
                    + (f" — {lead.subject}" if lead.subject else "")
                )
                for lead in card.earlier_leads
            ],
        )
        return "".join(parts)

    def fill_for_screenshot(self) -> None:
        """Demo input so that `make screenshots` can go on to the next page."""
        if self.is_new_client and not self.client_name_edit.text().strip():
            self.client_name_edit.setText(self.tr("Demo client"))
            self.contact_name_edit.setText(self.tr("Demo client"))

    def stop_timers(self) -> None:
        """The wizard closes: no more searches."""
        self._search_timer.stop()
        self._search_generation += 1

    def focus_first(self) -> None:
        """Put the keyboard focus where the operator starts."""
        if self.is_new_client:
            self.client_name_edit.setFocus()
        elif self.clients.rowCount():
            self.client_view.setFocus()
        else:
            self.search_edit.setFocus()

    def current_client_index(self) -> QModelIndex:
        """The selected row's first cell (tests and the summary)."""
        rows = self.client_view.selectionModel().selectedRows()
        return rows[0] if rows else QModelIndex()
