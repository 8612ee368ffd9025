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
    """Lives on the GUI thread for as long as its runner: jobs report through it, queued.

    One relay per runner, never deleted while jobs may still be emitting: a relay per job that
    was deleted after its result arrived could be destroyed while the pool thread was still
    inside ``emit()`` (a crash seen under load).
    """

    finished = Signal(int, bool, object)  # job id, succeeded, result or exception


class _Job(QRunnable):
    def __init__(self, job_id: int, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._job_id = job_id
        self._work = work
        self._relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self._work()
        except BaseException as error:  # delivered to the GUI thread, never lost in a pool thread
            self._relay.finished.emit(self._job_id, False, error)
        else:
            self._relay.finished.emit(self._job_id, True, result)


_Callbacks = tuple[Callable[[Any], None] | None, Callable[[BaseException], None] | None]


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
        self._relay = _Relay(self)
        self._relay.finished.connect(self._on_relay_finished)
        self._callbacks: dict[int, _Callbacks] = {}
        self._next_id = 0

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        write: bool = False,
    ) -> None:
        """Run ``work`` on a pool thread; call ``on_done(result)`` or ``on_error(exc)`` on the GUI thread."""
        self._next_id += 1
        self._callbacks[self._next_id] = (on_done, on_error)
        (self.writes if write else self.general).start(_Job(self._next_id, work, self._relay))

    def _on_relay_finished(self, job_id: int, succeeded: bool, value: object) -> None:
        on_done, on_error = self._callbacks.pop(job_id, (None, None))
        if succeeded:
            if on_done is not None:
                on_done(value)
            return
        assert isinstance(value, BaseException)
        if on_error is not None:
            on_error(value)
        else:
            log.error("background task failed", exc_info=value)

    @property
    def busy(self) -> bool:
        """Whether some job has not reported yet."""
        return bool(self._callbacks)

    def wait(self, msecs: int = 30_000) -> bool:
        """Wait for every running job (tests, shutdown)."""
        return self.general.waitForDone(msecs) and self.writes.waitForDone(msecs)
