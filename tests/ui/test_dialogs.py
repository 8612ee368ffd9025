"""The lead dialogs on real widgets and a real database: reject (reason rules), spam, assign, redirect."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from app.domain.enums import LeadState
from app.persistence.models import Channel, Exclusion
from app.services.board import InquiryCard, inquiries
from app.services.processing import assign_lead
from tests.factories import actor_of, history, lead, make_channel, make_user, new_lead, reason_id, role
from tests.ui.test_my_sales_helpers import (
    lead_ids,
    message_boxes,
    offscreen_windows,
    open_dialog,
    other_desk,
    settle,
    show_workspace,
    type_text,
)
from ui.context import AppContext
from ui.dialogs import AssignDialog, LeadTarget, RedirectDialog, RejectDialog, SpamDialog
from ui.dialogs.choice_list_model import Choice, ChoiceListModel

pytestmark = offscreen_windows


def card_of(context: AppContext, lead_id: int) -> InquiryCard:
    with context.db.session() as session:
        cards = inquiries(session, context.actor, scope="all", kinds=None, limit=None)
    return next(card for card in cards if card.id == lead_id)


def target(context: AppContext, lead_id: int) -> LeadTarget:
    return LeadTarget.of_card(card_of(context, lead_id))


def test_reject_without_a_required_reason_is_refused_in_words(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    with db.uow() as uow:
        channel = make_channel(uow.session, "Линия 1", kind="call", reason_required=True).id
    dto = new_lead(db, channel, phone="+7 916 000-00-01")
    dialog = open_dialog(qtbot, RejectDialog(app_context, target(app_context, dto.id)))
    assert dialog.reason_combo.currentData() is None
    dialog.accept()  # no reason chosen
    assert dialog.isVisible()
    assert dialog.reason_error.isVisible()
    assert dialog.reason_error.text() == "Channel 'Линия 1' requires a rejection reason."
    assert lead(db, dto.id).state is LeadState.NEW  # nothing was written

    # Choosing a reason clears the sentence; then the rejection goes through.
    dialog.select_reason("wrong_number")
    assert not dialog.reason_error.isVisible()
    dialog.comment_edit.setPlainText("ошиблись номером")
    with qtbot.waitSignal(dialog.lead_changed, timeout=5000) as blocker:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].state is LeadState.REJECTED
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Accepted
    stored = lead(db, dto.id)
    with db.session() as session:
        assert stored.rejection_reason_id == reason_id(session, "wrong_number")
    assert stored.rejection_comment == "ошиблись номером"


def test_reject_without_a_reason_where_the_channel_allows_it(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    with db.uow() as uow:
        channel = make_channel(uow.session, kind="request").id
    dto = new_lead(db, channel, phone="+7 916 000-00-02")
    dialog = open_dialog(qtbot, RejectDialog(app_context, target(app_context, dto.id)))
    with qtbot.waitSignal(dialog.lead_changed, timeout=5000):
        dialog.accept()
    stored = lead(db, dto.id)
    assert stored.state is LeadState.REJECTED and stored.rejection_reason_id is None


def test_a_reason_required_meanwhile_is_said_next_to_the_field(app_context: AppContext, qtbot: QtBot) -> None:
    """The channel started requiring a reason after the card was read: the service's sentence shows."""
    db = app_context.db
    with db.uow() as uow:
        channel = make_channel(uow.session, "Почта", kind="email").id
    dto = new_lead(db, channel, email="a@example.ru")
    dialog = open_dialog(qtbot, RejectDialog(app_context, target(app_context, dto.id)))
    with db.uow() as uow:
        uow.session.execute(update(Channel).where(Channel.id == channel).values(reason_required=True))
    dialog.accept()
    qtbot.waitUntil(dialog.reason_error.isVisible, timeout=5000)
    assert dialog.reason_error.text() == "Channel 'Почта' requires a rejection reason."
    assert dialog.isVisible() and lead(db, dto.id).state is LeadState.NEW


def test_reject_with_a_required_reason_from_the_board(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    with db.uow() as uow:
        channel = make_channel(
            uow.session, "Линия 2", kind="call", rule="fixed", user=app_context.user.id, reason_required=True
        ).id
    dto = new_lead(db, channel, phone="+7 916 000-00-03")
    workspace = show_workspace(qtbot, app_context)
    workspace.inquiry_view.setCurrentIndex(workspace.model.index(0))
    dialog = workspace.lead_actions.reject()
    assert isinstance(dialog, RejectDialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=5000)
    dialog.accept()
    assert dialog.reason_error.isVisible() and lead_ids(workspace) == [dto.id]
    dialog.select_reason("spam")
    dialog.accept()
    qtbot.waitUntil(lambda: lead_ids(workspace) == [], timeout=3000)
    assert lead(db, dto.id).state is LeadState.REJECTED


def test_mark_spam_and_add_to_the_exclusion_list(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    with db.uow() as uow:
        channel = make_channel(uow.session, kind="call").id
    dto = new_lead(db, channel, phone="8 (916) 000-00-04")
    dialog = open_dialog(qtbot, SpamDialog(app_context, target(app_context, dto.id)), wait_loaded=False)
    assert dialog.exclude_check.isEnabled() and "+79160000004" in dialog.exclude_check.text()
    dialog.exclude_check.setChecked(True)
    with qtbot.waitSignal(dialog.lead_changed, timeout=5000):
        dialog.accept()
    stored = lead(db, dto.id)
    assert stored.state is LeadState.REJECTED
    with db.session() as session:
        assert stored.rejection_reason_id == reason_id(session, "spam")
        assert session.scalars(select(Exclusion.value).where(Exclusion.kind == "phone")).all() == [
            "+79160000004"
        ]


def test_reassign_to_another_user(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    with db.uow() as uow:
        s = uow.session
        anna = make_user(s, "anna", roles=["manager"], full_name="Анна Андреева").id
        make_user(s, "boris", roles=["manager"], full_name="Борис Борисов")
        channel = make_channel(s, kind="request", rule="fixed", user=app_context.user.id).id
    dto = new_lead(db, channel, phone="+7 916 000-00-05")
    dialog = open_dialog(qtbot, AssignDialog(app_context, target(app_context, dto.id)))
    assert dialog.chosen() is not None and dialog.chosen().id == app_context.user.id  # type: ignore[union-attr]
    # Type to filter, Enter to assign — the keyboard alone.
    dialog.filter_edit.setFocus()
    type_text(dialog.filter_edit, "андр")
    assert dialog.proxy.rowCount() == 1 and dialog.chosen().id == anna  # type: ignore[union-attr]
    with qtbot.waitSignal(dialog.lead_changed, timeout=5000):
        qtbot.keyClick(dialog.filter_edit, Qt.Key.Key_Return)
    assert lead(db, dto.id).responsible_user_id == anna
    assert history(db, dto.id)[-1].action == "assigned"


def test_reassign_from_the_board_moves_the_card_out_of_my_column(
    app_context: AppContext, qtbot: QtBot
) -> None:
    db = app_context.db
    with db.uow() as uow:
        other = make_user(uow.session, "oleg", roles=["manager"], full_name="Олег").id
        channel = make_channel(uow.session, kind="request", rule="fixed", user=app_context.user.id).id
    dto = new_lead(db, channel, phone="+7 916 000-00-06")
    workspace = show_workspace(qtbot, app_context)
    workspace.set_scope("mine")
    settle(qtbot, workspace)
    workspace.inquiry_view.setCurrentIndex(workspace.model.index(0))
    dialog = workspace.lead_actions.assign()
    assert isinstance(dialog, AssignDialog)
    qtbot.waitUntil(lambda: dialog.choices.rowCount() > 0, timeout=5000)
    dialog.choose(other)
    dialog.accept()
    qtbot.waitUntil(lambda: lead_ids(workspace) == [], timeout=3000)
    assert lead(db, dto.id).responsible_user_id == other


def test_redirect_to_a_role(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    with db.uow() as uow:
        channel = make_channel(uow.session, kind="request", rule="fixed", user=app_context.user.id).id
        manager_role = role(uow.session, "manager").id
    dto = new_lead(db, channel, phone="+7 916 000-00-07")
    dialog = open_dialog(qtbot, RedirectDialog(app_context, target(app_context, dto.id)))
    dialog.choose(manager_role)
    with qtbot.waitSignal(dialog.lead_changed, timeout=5000):
        dialog.accept()
    stored = lead(db, dto.id)
    assert stored.responsible_role_id == manager_role and stored.responsible_user_id is None


def test_a_manager_without_the_right_cannot_reassign(app_context: AppContext, qtbot: QtBot) -> None:
    db = app_context.db
    with db.uow() as uow:
        pool = make_channel(uow.session, kind="request", rule="pool", role=role(uow.session, "manager")).id
    with other_desk(db, "m1", "manager") as manager:
        dto = new_lead(db, pool, phone="+7 916 000-00-08")
        workspace = show_workspace(qtbot, manager)
        workspace.inquiry_view.setCurrentIndex(workspace.model.index(0))
        actions = workspace.lead_actions
        assert not actions.assign_action.isEnabled() and not actions.redirect_action.isEnabled()
        assert actions.reject_action.isEnabled() and actions.convert_action.isEnabled()
        assert actions.take_action.isEnabled()  # a lead of the manager role's pool
        assert actions.assign() is None
        actions.take()
        qtbot.waitUntil(lambda: lead(db, dto.id).responsible_user_id == manager.user.id, timeout=3000)
        qtbot.waitUntil(lambda: not actions.take_action.isEnabled(), timeout=3000)

        # Taken away by the administrator meanwhile: the refusal is said in words, the board refreshes.
        manager.watcher.stop()  # the board must not learn of it before the user acts
        with db.uow() as uow:
            assign_lead(uow, actor_of(db, app_context.user.id), dto.id, app_context.user.id)
        dialog = actions.reject()
        assert isinstance(dialog, RejectDialog)
        qtbot.waitUntil(lambda: dialog.loaded, timeout=5000)
        dialog.accept()
        qtbot.waitUntil(lambda: bool(message_boxes(workspace)), timeout=3000)
        assert message_boxes(workspace)[0].text() == f"Lead {dto.id} does not exist or is not visible to m1."
        qtbot.waitUntil(lambda: lead_ids(workspace) == [], timeout=3000)
        assert lead(db, dto.id).state is LeadState.NEW


def test_choice_and_dialog_models_pass_the_model_tester(
    app_context: AppContext, qtbot: QtBot, qtmodeltester: object
) -> None:
    model = ChoiceListModel()
    model.set_choices([Choice(1, "Анна", "manager", None), Choice(2, "Борис", "", None)])
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    model.set_choices([Choice(2, "Борис", "dispatcher", None), Choice(3, "Вера", "", None)])
    assert [model.choice(row).id for row in range(model.rowCount())] == [2, 3]
    assert model.index(0).data() == "Борис — dispatcher"
    model.set_choices([])
    assert model.rowCount() == 0
