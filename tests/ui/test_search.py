"""Global search (Ctrl+K): any phone format, grouped results, keyboard, stale answers, the client dialog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.domain.enums import ClientKind
from app.services.intake import LeadInput, register_lead
from app.services.lookup import FindResult, find
from app.services.permissions import Actor
from tests.factories import make_channel, make_client
from tests.ui.shell_helpers import isolated_settings, offscreen_windows
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.search import ClientDialog, ClientLeadsModel, ItemKind, SearchPopup, SearchResultsModel, format_phone

pytestmark = offscreen_windows

PHONE_AS_TYPED = "8 (916) 123-45-67"


@pytest.fixture
def known_client(app_context: AppContext) -> dict[str, int]:
    """A client stored as +79161234567 with a contact person, and a repeat lead of that phone."""
    with app_context.db.uow() as uow:
        client = make_client(
            uow.session,
            "Иванов Сергей Петрович",
            phones=["+79161234567"],
            emails=["ivanov@example.ru"],
            contact="Иванов Сергей",
        )
        channel = make_channel(uow.session, kind="call")
        ids = {"client": client.id, "channel": channel.id}
    with app_context.db.uow() as uow:
        result = register_lead(
            uow, LeadInput(channel_id=ids["channel"], phone="+7 916 123-45-67", subject="Окна на дачу")
        )
        assert result.lead is not None
        ids["lead"] = result.lead.id
    return ids


@pytest.fixture
def popup(app_context: AppContext, qtbot: QtBot) -> Iterator[SearchPopup]:
    made = SearchPopup(app_context)
    qtbot.addWidget(made)
    made.popup()
    qtbot.waitExposed(made)
    yield made
    made.hide()
    app_context.tasks.wait()


def _type_and_wait(qtbot: QtBot, popup: SearchPopup, text: str) -> None:
    qtbot.keyClicks(popup.query_edit, text)
    qtbot.waitUntil(lambda: popup.shown_query == text.strip(), timeout=5000)


def test_a_phone_in_any_format_finds_the_client_and_enter_opens_it(
    popup: SearchPopup, qtbot: QtBot, known_client: dict[str, int]
) -> None:
    _type_and_wait(qtbot, popup, PHONE_AS_TYPED)
    model = popup.model
    kinds = [
        ItemKind(model.data(model.index(i, 0), SearchResultsModel.KIND_ROLE)) for i in range(model.rowCount())
    ]
    assert kinds[0] is ItemKind.HEADER
    assert ItemKind.CLIENT in kinds and ItemKind.CONTACT in kinds and ItemKind.LEAD in kinds
    assert model.data(model.index(0, 0)) == "Clients (1)"
    first = popup.results_view.currentIndex()
    assert first.row() == 1  # the first found item is selected, not the header
    assert first.data() == "Иванов Сергей Петрович"
    assert "+7 916 123-45-67" in first.data(SearchResultsModel.DETAIL_ROLE)
    with qtbot.waitSignal(popup.client_chosen, timeout=2000) as blocker:
        qtbot.keyClick(popup.query_edit, Qt.Key.Key_Return)
    assert blocker.args == [known_client["client"]]
    assert not popup.isVisible()


def test_arrows_skip_headers_and_enter_opens_a_lead(
    popup: SearchPopup, qtbot: QtBot, known_client: dict[str, int]
) -> None:
    _type_and_wait(qtbot, popup, PHONE_AS_TYPED)
    for _ in range(10):  # to the end: the lead is the last row
        qtbot.keyClick(popup.query_edit, Qt.Key.Key_Down)
    current = popup.results_view.currentIndex()
    assert current.row() == popup.model.rowCount() - 1
    assert ItemKind(current.data(SearchResultsModel.KIND_ROLE)) is ItemKind.LEAD
    qtbot.keyClick(popup.query_edit, Qt.Key.Key_Up)
    up = popup.results_view.currentIndex()
    assert ItemKind(up.data(SearchResultsModel.KIND_ROLE)) is ItemKind.CONTACT  # the "Leads" header skipped
    qtbot.keyClick(popup.query_edit, Qt.Key.Key_Down)
    with qtbot.waitSignal(popup.lead_chosen, timeout=2000) as blocker:
        qtbot.keyClick(popup.query_edit, Qt.Key.Key_Enter)
    assert blocker.args == [known_client["lead"]]


def test_escape_closes_and_nothing_found_is_said(popup: SearchPopup, qtbot: QtBot) -> None:
    _type_and_wait(qtbot, popup, "zzzqqq")
    assert popup.model.rowCount() == 0
    assert popup.status_label.text() == "Nothing found for “zzzqqq”."
    qtbot.keyClick(popup.query_edit, Qt.Key.Key_Escape)
    assert not popup.isVisible()


def test_typing_fast_runs_one_query_and_stale_answers_are_dropped(
    popup: SearchPopup, qtbot: QtBot, known_client: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    queries: list[str] = []
    original = popup.search_now

    def counting(text: str) -> None:
        queries.append(text)
        original(text)

    monkeypatch.setattr(popup, "search_now", counting)
    qtbot.keyClicks(popup.query_edit, "ivanov@example.ru")
    qtbot.waitUntil(lambda: popup.shown_query == "ivanov@example.ru", timeout=5000)
    assert queries == ["ivanov@example.ru"]  # one query after the last keystroke, not one per key

    # An answer to an older query arriving late is dropped.
    shown_rows = popup.model.rowCount()
    popup._on_found(popup._sequence - 1, "iv", FindResult((), (), ()))
    assert popup.model.rowCount() == shown_rows
    assert popup.shown_query == "ivanov@example.ru"


def test_search_model_passes_the_model_tester(
    app_context: AppContext, qtmodeltester: ModelTester, known_client: dict[str, int]
) -> None:
    with app_context.db.session() as session:
        result = find(session, PHONE_AS_TYPED, Actor.system())
    model = SearchResultsModel()
    qtmodeltester.check(model)
    model.set_result(result)
    qtmodeltester.check(model)
    assert model.item_count() == 3
    header = model.index(0, 0)
    assert not (model.flags(header) & Qt.ItemFlag.ItemIsSelectable)
    assert model.flags(model.index(1, 0)) & Qt.ItemFlag.ItemIsSelectable
    assert model.data(model.index(1, 0), SearchResultsModel.OBJECT_ROLE).id == known_client["client"]
    model.set_result(None)
    qtmodeltester.check(model)


def test_client_dialog_shows_the_client_and_opens_the_latest_lead(
    app_context: AppContext, qtbot: QtBot, qtmodeltester: ModelTester, known_client: dict[str, int]
) -> None:
    dialog = ClientDialog(app_context, known_client["client"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.card is not None, timeout=5000)
    assert dialog.name_label.text() == "Иванов Сергей Петрович"
    assert dialog.phones_label.text() == "+7 916 123-45-67"
    assert "Иванов Сергей" in dialog.contacts_label.text()
    assert dialog.leads_model.rowCount() == 1
    qtmodeltester.check(dialog.leads_model)
    assert dialog.open_latest_button.isEnabled()
    with qtbot.waitSignal(dialog.lead_chosen, timeout=2000) as blocker:
        dialog.open_latest_button.click()
    assert blocker.args == [known_client["lead"]]


def test_ctrl_k_in_the_main_window_finds_and_opens_a_client(
    app_context: AppContext, qtbot: QtBot, tmp_path: Path, known_client: dict[str, int]
) -> None:
    window = MainWindow(app_context, settings=isolated_settings(tmp_path), use_tray=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    popup = window.search_popup
    assert popup is not None and popup.isVisible()
    _type_and_wait(qtbot, popup, PHONE_AS_TYPED)
    qtbot.keyClick(popup.query_edit, Qt.Key.Key_Return)
    dialogs: list[Any] = []
    qtbot.waitUntil(lambda: bool(dialogs.extend(window.findChildren(ClientDialog)) or dialogs), timeout=2000)
    dialog = dialogs[0]
    qtbot.waitUntil(lambda: dialog.card is not None, timeout=5000)
    assert dialog.card.client.id == known_client["client"]
    dialog.close()
    window.close()


def test_phones_are_written_the_usual_way() -> None:
    assert format_phone("+79161234567") == "+7 916 123-45-67"
    assert format_phone("not a phone") == "not a phone"
    assert ClientKind.COMPANY.value == "company"
    assert ClientLeadsModel().columnCount() == 4


def test_a_lead_opens_its_card_once(
    app_context: AppContext, qtbot: QtBot, tmp_path: Path, known_client: dict[str, int]
) -> None:
    window = MainWindow(app_context, settings=isolated_settings(tmp_path), use_tray=False)
    qtbot.addWidget(window)
    window.open_lead(known_client["lead"])
    card = window._open_cards[known_client["lead"]]
    assert card.isVisible()
    window.open_lead(known_client["lead"])  # raised, not opened twice
    assert list(window._open_cards) == [known_client["lead"]]
    card.close()
    qtbot.waitUntil(lambda: not window._open_cards, timeout=2000)
    app_context.tasks.wait()
    window.close()
