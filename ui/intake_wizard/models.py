"""Table models of the intake wizard: candidate clients (matches first, then search), open interests."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.domain.enums import ClientKind
from app.services.dto import ClientDTO
from app.services.wizard import ClientCard, FoundBy, InterestSummary
from ui.intake_wizard.common import RowsModel, money_text

_FOUND_BY_TEXT = {
    FoundBy.LINKED: str(QT_TRANSLATE_NOOP("ClientTableModel", "this lead's client")),
    FoundBy.PHONE: str(QT_TRANSLATE_NOOP("ClientTableModel", "same phone")),
    FoundBy.EMAIL: str(QT_TRANSLATE_NOOP("ClientTableModel", "same e-mail")),
    FoundBy.SEARCH: str(QT_TRANSLATE_NOOP("ClientTableModel", "search")),
}


@dataclass(frozen=True, slots=True)
class ClientRow:
    """A client the operator may choose; ``card`` is loaded for matches, on demand for search hits."""

    client: ClientDTO
    found_by: str
    card: ClientCard | None = None

    @property
    def is_match(self) -> bool:
        """Found by the lead's own phone / e-mail (not by typing a search)."""
        return self.found_by != FoundBy.SEARCH


class ClientColumn(IntEnum):
    """Columns of :class:`ClientTableModel`."""

    NAME = 0
    INN = 1
    CONTACTS = 2
    FOUND_BY = 3


class ClientTableModel(RowsModel[ClientRow]):
    """The clients the lead may belong to: the matches by phone / e-mail first, then search hits."""

    columns = ClientColumn
    context = "ClientTableModel"
    headers = {
        ClientColumn.NAME: str(QT_TRANSLATE_NOOP("ClientTableModel", "Client")),
        ClientColumn.INN: str(QT_TRANSLATE_NOOP("ClientTableModel", "INN")),
        ClientColumn.CONTACTS: str(QT_TRANSLATE_NOOP("ClientTableModel", "Phones and e-mails")),
        ClientColumn.FOUND_BY: str(QT_TRANSLATE_NOOP("ClientTableModel", "Found by")),
    }

    def display(self, row: ClientRow, column: Any) -> str:
        client = row.client
        if column is ClientColumn.NAME:
            if client.kind is ClientKind.COMPANY:
                return client.name
            return QCoreApplication.translate("ClientTableModel", "%1 (person)").replace("%1", client.name)
        if column is ClientColumn.INN:
            return client.inn or ""
        if column is ClientColumn.CONTACTS:
            return ", ".join([*client.phones, *client.emails])
        return QCoreApplication.translate("ClientTableModel", _FOUND_BY_TEXT.get(row.found_by, ""))

    def sort_key(self, row: ClientRow, column: Any) -> Any:
        if column is ClientColumn.FOUND_BY:
            return 0 if row.is_match else 1
        return self.display(row, column).casefold()

    def match_count(self) -> int:
        """How many leading rows are matches by the lead's phone / e-mail."""
        return sum(1 for row in self.rows() if row.is_match)

    def set_matches(self, cards: tuple[ClientCard, ...]) -> None:
        """Show the matches (they stay on top while the operator searches)."""
        self.replace([ClientRow(card.client, card.found_by, card) for card in cards])

    def set_search_results(self, clients: tuple[ClientDTO, ...]) -> None:
        """Replace the search hits below the matches (clients already matched are not repeated)."""
        matches = self.match_count()
        shown = {row.client.id for row in self.rows()[:matches]}
        self.replace([ClientRow(c, FoundBy.SEARCH) for c in clients if c.id not in shown], start=matches)

    def position_of(self, client_id: int) -> int | None:
        """The row of a client, if shown."""
        return next((i for i, row in enumerate(self.rows()) if row.client.id == client_id), None)

    def set_card(self, card: ClientCard) -> None:
        """Attach the loaded card of a client (a search hit the operator selected)."""
        position = self.position_of(card.client.id)
        if position is not None:
            current = self.row(position)
            self.update_row(position, replace(current, client=card.client, card=card))


class InterestColumn(IntEnum):
    """Columns of :class:`InterestTableModel`."""

    TITLE = 0
    STAGE = 1
    AMOUNT = 2
    RESPONSIBLE = 3


class InterestTableModel(RowsModel[InterestSummary]):
    """A client's open interests, to attach the lead to one of them."""

    columns = InterestColumn
    context = "InterestTableModel"
    headers = {
        InterestColumn.TITLE: str(QT_TRANSLATE_NOOP("InterestTableModel", "Interest")),
        InterestColumn.STAGE: str(QT_TRANSLATE_NOOP("InterestTableModel", "Stage")),
        InterestColumn.AMOUNT: str(QT_TRANSLATE_NOOP("InterestTableModel", "Amount")),
        InterestColumn.RESPONSIBLE: str(QT_TRANSLATE_NOOP("InterestTableModel", "Responsible")),
    }

    def display(self, row: InterestSummary, column: Any) -> str:
        if column is InterestColumn.TITLE:
            return row.title
        if column is InterestColumn.STAGE:
            return f"{row.pipeline_name}: {row.stage_name}"
        if column is InterestColumn.AMOUNT:
            return money_text(row.amount)
        return row.responsible_name or ""

    def sort_key(self, row: InterestSummary, column: Any) -> Any:
        if column is InterestColumn.AMOUNT:
            return float(row.amount or 0)
        return self.display(row, column).casefold()
