"""The caller-ID cache: the ringing toast names a known caller before the database answers.

Warmed in the background from the lookup service (the latest callers' cards) and kept current by
the live-update notifications: when the shared data changes, the cached numbers are looked up
again (debounced, off the GUI thread). Each ring also stores the card it found. A miss costs
nothing: the toast shows the number at once and the card when the ring's own lookup returns.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.domain.contacts import DEFAULT_REGION, normalize_phone
from app.services.calls import caller_cards, recent_caller_phones
from app.services.lookup import CallerCard
from app.services.settings import phone_region
from ui.context import AppContext

log = logging.getLogger(__name__)

WARM_SIZE = 300
REFRESH_MS = 30_000


class CallerIdCache(QObject):
    """Normalized phone → :class:`CallerCard`, read on the GUI thread without touching the database.

    Signals:
        warmed(int): how many cards the cache holds after a (re)load.
    """

    warmed = Signal(int)

    def __init__(self, context: AppContext, parent: QObject | None = None, *, size: int = WARM_SIZE) -> None:
        super().__init__(parent)
        self._context = context
        self._size = size
        self._cards: dict[str, CallerCard] = {}
        self._region = DEFAULT_REGION
        self._loading = False
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        # At most one refresh per interval: a busy desk changes data every second, and a stale card
        # is harmless (each ring identifies the caller again in its own transaction and the toast
        # shows that answer a few milliseconds later).
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self._reload)
        context.watcher.changed.connect(self._on_watcher_changed)

    def __len__(self) -> int:
        return len(self._cards)

    def card(self, raw_number: str) -> CallerCard | None:
        """The cached card of a number in any format, or None."""
        phone = normalize_phone(raw_number, self._region) if raw_number else None
        return self._cards.get(phone) if phone else None

    def remember(self, card: CallerCard | None) -> None:
        """Keep a card just looked up (a ring's own identification)."""
        if card is not None and card.phone:
            self._cards[card.phone] = card

    def warm(self) -> None:
        """Load the latest callers' cards in the background."""
        self._reload(warm=True)

    def close(self) -> None:
        """Stop following changes."""
        self._refresh.stop()
        with contextlib.suppress(RuntimeError, TypeError):
            self._context.watcher.changed.disconnect(self._on_watcher_changed)

    def _on_watcher_changed(self, _tables: Any) -> None:
        if self._cards and not self._refresh.isActive():
            self._refresh.start()

    def _reload(self, warm: bool = False) -> None:
        if self._loading:
            self._refresh.start()
            return
        self._loading = True
        db = self._context.db
        known = list(self._cards)
        size = self._size

        def work() -> tuple[str, dict[str, CallerCard]]:
            with db.session() as session:
                region = phone_region(session)
                phones = recent_caller_phones(session, size) if warm else []
                phones += [p for p in known if p not in phones]
                return region, caller_cards(session, phones[: size * 2])

        self._context.tasks.run(work, self._on_loaded, self._on_failed)

    def _on_loaded(self, result: tuple[str, dict[str, CallerCard]]) -> None:
        self._loading = False
        self._region, cards = result
        self._cards.update(cards)
        self.warmed.emit(len(self._cards))

    def _on_failed(self, error: BaseException) -> None:
        self._loading = False
        log.warning("the caller-ID cache could not be loaded: %s", error)
