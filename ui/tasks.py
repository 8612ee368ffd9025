"""Run work off the GUI thread and deliver its result (or error) back on the GUI thread.

Threading: :meth:`TaskRunner.run` is called on the GUI thread; the callable runs on a pool
thread and must open its own unit of work and return DTOs (never ORM objects); the callbacks
run on the GUI thread through queued signal delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    """Lives on the GUI thread; signals emitted from a pool thread arrive there queued."""

    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._work = work
        self._relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as error:  # delivered to the GUI thread, never lost in a pool thread
            self._relay.failed.emit(error)
        else:
            self._relay.succeeded.emit(result)


class TaskRunner(QObject):
    """Two pools with a stated purpose: ``general`` for reads, ``writes`` (one thread) for writes.

    Writes go through a single thread so that one desk never races itself on SQLite's write lock.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.general = QThreadPool(self)
        self.general.setMaxThreadCount(max(2, QThreadPool.globalInstance().maxThreadCount()))
        self.writes = QThreadPool(self)
        self.writes.setMaxThreadCount(1)
        self._relays: set[_Relay] = set()

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        write: bool = False,
    ) -> None:
        """Run ``work`` on a pool thread; call ``on_done(result)`` or ``on_error(exc)`` on the GUI thread."""
        relay = _Relay()
        self._relays.add(relay)  # keep the relay alive until the job reports

        def finish(callback: Callable[[Any], None] | None, value: Any) -> None:
            self._relays.discard(relay)
            relay.deleteLater()
            if callback is not None:
                callback(value)
            elif isinstance(value, BaseException):
                log.error("background task failed", exc_info=value)

        relay.succeeded.connect(lambda result: finish(on_done, result))
        relay.failed.connect(lambda error: finish(on_error, error))
        (self.writes if write else self.general).start(_Job(work, relay))

    def wait(self, msecs: int = 30_000) -> bool:
        """Wait for every running job (tests, shutdown)."""
        return self.general.waitForDone(msecs) and self.writes.waitForDone(msecs)
