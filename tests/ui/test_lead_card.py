"""The lead card on real widgets and a real database: every field, the client's work, the history."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.enums import LeadState
from app.persistence.uow import open_database
from app.services.permissions import Actor
from app.services.processing import assign_lead, redirect_lead, reject_lead
from tests.factories import (
    actor_of,
    lead,
    make_channel,
    make_client,
    make_interest,
    make_user,
    new_lead,
    role,
)
from tests.ui.test_my_sales_helpers import offscreen_windows
from ui.context import AppContext
from ui.dialogs import RejectDialog
from ui.lead_card import HistoryColumn, InterestColumn, LeadCardDialog, OtherLeadColumn

pytestmark = offscreen_windows


def open_card(qtbot: QtBot, context: AppContext, lead_id: int) -> LeadCardDialog:
    dialog = LeadCardDialog(context, lead_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.card is not None, timeout=5000)
    return dialog


def test_the_card_shows_every_field_the_clients_work_and_the_history(
    app_context: AppContext, qtbot: QtBot
) -> None:
    db = app_context.db
    with db.uow() as uow:
        s = uow.session
        maria = make_user(s, "maria", roles=["manager"], full_name="Мария Иванова")
        client = make_client(s, "ООО Ромашка", phones=["+7 916 111-22-33"], contact="Иван Петров")
        make_interest(s, client, "Поставка бумаги", responsible=maria, amount=Decimal("15000"))
        channel = make_channel(s, "Линия 1", kind="call", rule="fixed", user=maria, sla_minutes=30).id
        maria_id, manager_role = maria.id, role(s, "manager").id
    earlier = new_lead(db, channel, phone="+7 916 111-22-33", subject="Первый звонок")
    dto = new_lead(db, channel, phone="8 (916) 111-22-33", contact_name="Иван", subject="Нужна доставка")
    admin = app_context.actor
    with db.uow() as uow:
        redirect_lead(uow, admin, dto.id, manager_role)
    with db.uow() as uow:
        assign_lead(uow, admin, dto.id, maria_id)

    dialog = open_card(qtbot, app_context, dto.id)
    fields = dialog.fields
    assert fields["id"].text() == str(dto.id)
    assert fields["state"].text() == "Repeat"
    assert fields["channel"].text() == "Линия 1" and fields["kind"].text() == "Calls"
    assert fields["contact_name"].text() == "Иван" and fields["raw_contact"].text() == "8 (916) 111-22-33"
    assert fields["phone"].text() == "+79161112233"
    assert fields["client_id"].text() == "ООО Ромашка" and fields["contact_person_id"].text() == "Иван Петров"
    assert (
        fields["responsible_user_id"].text() == "Мария Иванова" and fields["responsible_role_id"].text() == ""
    )
    assert fields["repeat_of_lead_id"].text() == f"#{earlier.id}"
    assert fields["subject"].text() == "Нужна доставка" and fields["sla_due_at"].text() != ""
    assert all(edit.isReadOnly() for edit in fields.values()) and dialog.message_edit.isReadOnly()
    assert "Иван" in dialog.windowTitle()

    # The client's other leads and interests.
    leads = dialog.leads_model
    assert leads.rowCount() == 1
    assert leads.index(0, OtherLeadColumn.SUBJECT).data() == "Первый звонок"
    assert leads.index(0, OtherLeadColumn.STATE).data() == "Repeat"  # the client was known already
    interests = dialog.interests_model
    assert interests.index(0, InterestColumn.TITLE).data() == "Поставка бумаги"
    assert interests.index(0, InterestColumn.STAGE).data() == "Первичный контакт"
    assert interests.index(0, InterestColumn.RESPONSIBLE).data() == "Мария Иванова"
    assert interests.headerData(InterestColumn.AMOUNT, Qt.Orientation.Horizontal) == "Amount"

    # The history: who, when, what, which fields changed — in words, names instead of ids.
    history = dialog.history_model
    assert history.rowCount() == 3
    assert history.index(0, HistoryColumn.WHAT).data().startswith("Received")
    redirected = history.index(1, HistoryColumn.CHANGES).data()
    assert "Responsible: Мария Иванова → —" in redirected and "Role: — → Менеджер" in redirected
    assert history.index(1, HistoryColumn.WHO).data() == "Admin"
    assert history.index(1, HistoryColumn.WHAT).data() == "Redirected to a role: to role manager"
    assert (
        history.index(2, HistoryColumn.CHANGES).data() == "Responsible: — → Мария Иванова; Role: Менеджер → —"
    )
    assert history.index(0, HistoryColumn.WHO).data() == "Inflow"  # the channel's intake
    assert history.headerData(HistoryColumn.CHANGES, Qt.Orientation.Horizontal) == "Changes"

    assert dialog.convert_button.isEnabled() and dialog.reject_button.isEnabled()
    assert dialog.assign_button.isEnabled()


def test_the_card_follows_changes_made_elsewhere(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    with db.uow() as uow:
        channel = make_channel(uow.session, kind="request", rule="fixed", user=app_context.user.id).id
    dto = new_lead(db, channel, contact_name="Анна")
    dialog = open_card(qtbot, app_context, dto.id)
    assert dialog.fields["state"].text() == "New" and dialog.history_model.rowCount() == 1
    resets: list[bool] = []
    dialog.history_model.modelReset.connect(lambda: resets.append(True))
    other = open_database(db.url, upgrade=False)  # another desktop rejects the lead
    try:
        with other.uow() as uow:
            reject_lead(uow, Actor.system(), dto.id, reason_code="spam", comment="реклама")
    finally:
        other.dispose()
    qtbot.waitUntil(lambda: dialog.fields["state"].text() == "Rejected", timeout=2000)
    assert dialog.fields["rejection_reason_id"].text() == "Спам"
    assert dialog.fields["rejection_comment"].text() == "реклама"
    assert dialog.history_model.rowCount() == 2 and resets == []
    assert "State: New → Rejected" in dialog.history_model.index(1, HistoryColumn.CHANGES).data()
    # A closed lead: nothing left to convert, reject or reassign.
    assert not dialog.convert_button.isEnabled()
    assert not dialog.reject_button.isEnabled()
    assert not dialog.assign_button.isEnabled()


def test_the_buttons_act_on_the_lead(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    with db.uow() as uow:
        channel = make_channel(uow.session, kind="request", rule="fixed", user=app_context.user.id).id
    dto = new_lead(db, channel, contact_name="Борис")
    dialog = open_card(qtbot, app_context, dto.id)
    qtbot.mouseClick(dialog.reject_button, Qt.MouseButton.LeftButton)
    reject = dialog.findChild(RejectDialog)
    assert reject is not None
    qtbot.waitUntil(lambda: reject.loaded, timeout=5000)
    reject.select_reason("duplicate")
    reject.accept()
    qtbot.waitUntil(lambda: dialog.fields["state"].text() == "Rejected", timeout=3000)
    assert lead(db, dto.id).state is LeadState.REJECTED

    other = new_lead(db, channel, contact_name="Вера")
    card = open_card(qtbot, app_context, other.id)
    qtbot.mouseClick(card.convert_button, Qt.MouseButton.LeftButton)
    from ui.intake_wizard import IntakeWizard

    wizard = card.actions_.wizard(other.id)
    assert isinstance(wizard, IntakeWizard) and wizard.lead_id == other.id
    wizard.reject()


def test_an_invisible_lead_says_so(app_context: AppContext, qtbot: QtBot) -> None:
    from tests.ui.test_my_sales_helpers import other_desk

    db = app_context.db
    with db.uow() as uow:
        channel = make_channel(uow.session, kind="request", rule="fixed", user=app_context.user.id).id
    dto = new_lead(db, channel, contact_name="Чужой")
    with other_desk(db, "m1", "manager") as manager:
        dialog = LeadCardDialog(manager, dto.id)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(dialog.error.isVisible, timeout=5000)
        assert dialog.error.text() == f"Lead {dto.id} does not exist or is not visible to m1."
        assert not dialog.reject_button.isEnabled() and not dialog.convert_button.isEnabled()
    assert actor_of(db, app_context.user.id).user_id == app_context.user.id


def test_card_models_pass_the_model_tester(
    app_context: AppContext, qtbot: QtBot, qtmodeltester: object
) -> None:
    db = app_context.db
    with db.uow() as uow:
        s = uow.session
        client = make_client(s, "ООО Тест", phones=["+7 916 222-33-44"])
        make_interest(s, client, "Сделка", amount=Decimal(5))
        channel = make_channel(s, kind="call", rule="fixed", user=app_context.user.id).id
    new_lead(db, channel, phone="+7 916 222-33-44")
    dto = new_lead(db, channel, phone="+7 916 222-33-44")
    dialog = open_card(qtbot, app_context, dto.id)
    for model in (dialog.history_model, dialog.leads_model, dialog.interests_model):
        assert model.rowCount() == 1
        qtmodeltester.check(model)  # type: ignore[attr-defined]
    with db.uow() as uow:
        assign_lead(uow, Actor.system(), dto.id, app_context.user.id)
    dialog.reload()
    qtbot.waitUntil(lambda: dialog.history_model.rowCount() == 2, timeout=3000)
