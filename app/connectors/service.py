"""The connector service: syncs every mail and messenger channel whose lease this process holds.

Used three ways — inside ``inflow serve`` (on the same event loop as the web-form endpoint), by
``inflow sync [--once]``, and by the desktop in a background thread
(:meth:`ConnectorService.start_in_thread`).
See :class:`ConnectorService`.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app.connectors import leases
from app.connectors.base import (
    SYNCABLE_KINDS,
    ChannelConnector,
    ConnectorError,
    ConnectorFactory,
    ConnectorOptions,
    connector_factory,
)
from app.domain.enums import ChannelKind
from app.persistence.models import Channel
from app.persistence.types import utcnow
from app.persistence.uow import Database

log = logging.getLogger("inflow.sync")

FactoryLookup = Callable[[ChannelKind], ConnectorFactory | None]
"""Finds the connector factory of a channel kind (default: :func:`connector_factory`)."""

ChannelFilter = Callable[[int, ChannelKind], bool]
"""Whether this process should sync a channel (id, kind); called on a worker thread each scan."""

ENV_FACTORY_LOOKUP = "INFLOW_CONNECTOR_LOOKUP"
"""Tests only: ``module:function`` of a :data:`FactoryLookup` used instead of the real connectors.
Honoured only when explicitly set; never set it in production."""


def default_factory_lookup() -> FactoryLookup:
    """The real connectors, unless a test named another lookup in ``INFLOW_CONNECTOR_LOOKUP``."""
    target = os.environ.get(ENV_FACTORY_LOOKUP, "").strip()
    if not target:
        return connector_factory
    module_name, _, attribute = target.partition(":")
    lookup: FactoryLookup = getattr(importlib.import_module(module_name), attribute)
    log.warning("connectors come from %s (%s is set: tests only)", target, ENV_FACTORY_LOOKUP)
    return lookup


@dataclass(frozen=True, slots=True)
class ChannelSyncStatus:
    """How syncing one channel goes in this process (for the health answer and the desktop)."""

    channel_id: int
    kind: ChannelKind
    state: str  # "syncing", "failing"
    items: int  # stored since this process took the channel
    last_success_at: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class OnceReport:
    """What one pass (``inflow sync --once``) did, per channel id."""

    stored: dict[int, int] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)
    held_elsewhere: list[int] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Running:
    kind: ChannelKind
    task: asyncio.Task[None] | None = None
    items: int = 0
    failures: int = 0
    # Set with every cancel: Python 3.11's wait_for can swallow a cancellation that arrives as
    # sync_once finishes, so the loop also checks this flag before each round.
    stopping: bool = False

    def stop(self) -> None:
        """Make the channel's task end (cancel it, and flag it in case the cancel is swallowed)."""
        self.stopping = True
        if self.task is not None and not self.task.done():
            self.task.cancel()
    last_success_at: datetime | None = None
    last_error: str | None = None


class ConnectorService:
    """Takes the leases of the active e-mail and messenger channels and syncs the ones it holds.

    Every ``scan_interval`` seconds it lists the active channels of the syncable kinds (lead
    source or not: mail of a mailbox that makes no leads is still shown in Mail), tries to take
    the lease of each channel it does not run yet, and runs one asyncio task per held channel:
    ``await connector.sync_once()`` in a loop, backing off with jitter after an error (one log
    line each). A heartbeat renews all held leases every third of ``lease_ttl``; a channel whose
    lease was lost (another process took it after ours expired) or that was deactivated stops.
    Stopping cancels the tasks, closes the connectors and releases the leases, so another
    process takes the channels over at once instead of after the time to live.

    On an event loop (``inflow serve``, ``inflow sync``)::

        service = ConnectorService(db)
        task = asyncio.create_task(service.run())
        ...
        service.request_stop()
        await task

    One pass (``inflow sync --once``): ``report = await service.run_once()``.

    From the desktop (a Qt application: no event loop of ours on the GUI thread)::

        service = ConnectorService(db)
        service.start_in_thread()  # returns at once; syncs on a private loop in its own thread
        ...
        service.stop(timeout=10.0)  # on quit: releases the leases, joins the thread

    :meth:`start_in_thread` starts a non-daemon thread running a private event loop; :meth:`stop`
    asks it to stop (thread-safe), waits up to ``timeout`` seconds for it and returns True when it
    ended. :meth:`statuses` may be read from any thread. ``channel_filter(channel_id, kind)``
    narrows the channels this process tries to take (a desktop: those whose secret it holds); a
    channel filtered out while running is stopped and its lease released like a deactivated one.
    """

    def __init__(
        self,
        db: Database,
        *,
        holder: str | None = None,
        lease_ttl: float = leases.DEFAULT_TTL,
        scan_interval: float = 5.0,
        poll_timeout: float = 25.0,
        min_cycle: float = 2.0,
        max_backoff: float = 300.0,
        factory_lookup: FactoryLookup | None = None,
        kinds: Iterable[ChannelKind] = SYNCABLE_KINDS,
        channel_filter: ChannelFilter | None = None,
    ) -> None:
        self.db = db
        self.holder = holder or leases.make_holder()
        self.lease_ttl = lease_ttl
        self.scan_interval = scan_interval
        self.poll_timeout = poll_timeout
        # A sync that stored nothing and returned at once is not repeated sooner than this.
        self.min_cycle = min_cycle
        self.max_backoff = max_backoff
        self.factory_lookup = factory_lookup or connector_factory
        self.kinds = tuple(kinds)
        # E.g. a desktop takes only the channels whose secret its keyring holds: without it, it
        # would take the lease and only fail, keeping the channel from a process that could sync.
        self.channel_filter = channel_filter
        self._running: dict[int, _Running] = {}
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_event: asyncio.Event | None = None
        self._stop_requested = False
        self._thread: threading.Thread | None = None
        self._missing_kinds: set[ChannelKind] = set()

    # ----------------------------------------------------------------------------- public API

    async def run(self) -> None:
        """Sync until :meth:`request_stop`; leases are released on the way out."""
        self._bind_loop()
        assert self._stop_event is not None
        heartbeat = asyncio.create_task(self._heartbeat(), name="lease-heartbeat")
        try:
            while not self._stop_event.is_set():
                await self._scan(once=False)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop_event.wait(), timeout=self.scan_interval)
        finally:
            heartbeat.cancel()
            await self._stop_channels()
            await asyncio.gather(heartbeat, return_exceptions=True)
            log.info("connector service stopped (holder %s)", self.holder)

    async def run_once(self) -> OnceReport:
        """One ``sync_once`` for each channel whose lease this process gets, then release them."""
        self._bind_loop()
        report = OnceReport()
        heartbeat = asyncio.create_task(self._heartbeat(), name="lease-heartbeat")
        try:
            channels = await asyncio.to_thread(self._list_channels)
            report.names.update({cid: name for cid, _, name in channels})
            await self._scan(once=True, channels=channels, report=report)
            tasks = [r.task for r in list(self._running.values()) if r.task is not None]
            await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            heartbeat.cancel()
            await self._stop_channels()
            await asyncio.gather(heartbeat, return_exceptions=True)
        return report

    def request_stop(self) -> None:
        """Ask :meth:`run` to stop (from any thread or a signal handler)."""
        self._stop_requested = True
        loop, event = self._loop, self._stop_event
        if loop is None or event is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            event.set()
        elif not loop.is_closed():
            loop.call_soon_threadsafe(event.set)

    def start_in_thread(self) -> None:
        """Run the service on a private event loop in a new (non-daemon) thread; returns at once."""
        if self._thread is not None and self._thread.is_alive():
            raise RuntimeError("the connector service is already running")
        started = threading.Event()

        async def main() -> None:
            self._bind_loop()
            started.set()
            await self.run()

        def target() -> None:
            try:
                asyncio.run(main())
            except Exception:
                log.exception("the connector service thread failed")
            finally:
                started.set()

        self._stop_requested = False
        self._thread = threading.Thread(target=target, name="inflow-connectors")
        self._thread.start()
        started.wait()

    def stop(self, timeout: float | None = None) -> bool:
        """Stop the thread of :meth:`start_in_thread` and wait up to ``timeout`` s; True when it ended."""
        self.request_stop()
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    def statuses(self) -> list[ChannelSyncStatus]:
        """The channels this process syncs now and how it goes (safe from any thread)."""
        with self._lock:
            running = list(self._running.items())
        return [
            ChannelSyncStatus(
                channel_id=cid,
                kind=r.kind,
                state="failing" if r.failures else "syncing",
                items=r.items,
                last_success_at=r.last_success_at,
                last_error=r.last_error,
            )
            for cid, r in sorted(running)
        ]

    # ------------------------------------------------------------------------------ internals

    def _bind_loop(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop or self._stop_event is None:
            self._loop = loop
            self._stop_event = asyncio.Event()
        if self._stop_requested:
            self._stop_event.set()

    def _list_channels(self) -> list[tuple[int, ChannelKind, str]]:
        with self.db.session() as session:
            rows = session.execute(
                select(Channel.id, Channel.kind, Channel.name)
                .where(Channel.active.is_(True), Channel.kind.in_([k.value for k in self.kinds]))
                .order_by(Channel.id)
            ).all()
        channels = [(int(cid), ChannelKind(kind), str(name)) for cid, kind, name in rows]
        if self.channel_filter is not None:
            channels = [c for c in channels if self.channel_filter(c[0], c[1])]
        return channels

    async def _scan(
        self,
        *,
        once: bool,
        channels: list[tuple[int, ChannelKind, str]] | None = None,
        report: OnceReport | None = None,
    ) -> None:
        if channels is None:
            try:
                channels = await asyncio.to_thread(self._list_channels)
            except Exception as error:
                log.warning("listing channels failed: %s", _one_line(error))
                return
        active = {cid for cid, _, _ in channels}
        for cid in [cid for cid in self._running if cid not in active]:
            running = self._running[cid]
            if not running.stopping:
                log.info("channel %s is switched off or filtered out: stopping its sync", cid)
                running.stop()
        for cid, kind, name in channels:
            if cid in self._running or (self._stop_event is not None and self._stop_event.is_set()):
                continue
            factory = self.factory_lookup(kind)
            if factory is None:
                if kind not in self._missing_kinds:
                    self._missing_kinds.add(kind)
                    log.warning("this build cannot sync %s channels (no connector)", kind.value)
                if report is not None:
                    report.failed[cid] = f"This build cannot sync {kind.value} channels."
                continue
            try:
                got = await asyncio.to_thread(leases.acquire_now, self.db, cid, self.holder, self.lease_ttl)
            except Exception as error:
                log.warning("taking the lease of channel %s failed: %s", cid, _one_line(error))
                if report is not None:
                    report.failed[cid] = f"Its lease could not be taken: {_one_line(error)}"
                continue
            if not got:
                if report is not None:
                    report.held_elsewhere.append(cid)
                continue
            log.info("took channel %s (%s, %s)", cid, kind.value, name)
            running = _Running(kind)
            with self._lock:
                self._running[cid] = running
            running.task = asyncio.create_task(
                self._run_channel(cid, factory, running, once=once, report=report), name=f"sync-{cid}"
            )

    async def _run_channel(
        self,
        channel_id: int,
        factory: ConnectorFactory,
        running: _Running,
        *,
        once: bool,
        report: OnceReport | None,
    ) -> None:
        connector: ChannelConnector | None = None
        options = ConnectorOptions(self.holder, 0.0 if once else self.poll_timeout)
        # A sync_once that never returns would hold the channel forever: bound it.
        limit = options.poll_timeout + 300.0
        try:
            while not running.stopping:
                started = time.monotonic()
                try:
                    if connector is None:
                        connector = factory(self.db, channel_id, options)
                    stored = await asyncio.wait_for(connector.sync_once(), timeout=limit)
                except asyncio.CancelledError:
                    raise
                except Exception as error:
                    running.failures += 1
                    running.last_error = _describe(error)
                    delay = self._backoff(running.failures)
                    if once:
                        log.warning("channel %s: %s", channel_id, running.last_error)
                        if report is not None:
                            report.failed[channel_id] = running.last_error
                        return
                    log.warning(
                        "channel %s: %s (attempt %d; next in %.1f s)",
                        channel_id,
                        running.last_error,
                        running.failures,
                        delay,
                    )
                    await asyncio.sleep(delay)
                    continue
                running.items += stored
                running.failures = 0
                running.last_error = None
                running.last_success_at = utcnow()
                if stored:
                    log.info("channel %s: %d new item(s)", channel_id, stored)
                if once:
                    if report is not None:
                        report.stored[channel_id] = stored
                    return
                elapsed = time.monotonic() - started
                if not stored and elapsed < self.min_cycle:
                    await asyncio.sleep(self.min_cycle - elapsed)
        finally:
            if connector is not None:
                try:
                    await asyncio.wait_for(connector.aclose(), timeout=10.0)
                except Exception as error:
                    log.warning("channel %s: closing its connector failed: %s", channel_id, _one_line(error))
            with self._lock:
                if self._running.get(channel_id) is running:
                    del self._running[channel_id]
            try:
                await asyncio.to_thread(leases.release_now, self.db, [channel_id], self.holder)
            except Exception as error:
                log.warning("releasing the lease of channel %s failed: %s", channel_id, _one_line(error))

    def _backoff(self, failures: int) -> float:
        # 2, 4, 8 … seconds up to max_backoff, with ±50 % jitter so that many processes that
        # failed together (the server was down) do not come back in lockstep.
        base = min(self.max_backoff, 2.0 ** min(failures, 20))
        return base * random.uniform(0.5, 1.5)

    async def _heartbeat(self) -> None:
        interval = max(self.lease_ttl / 3.0, 0.05)
        last_ok = time.monotonic()
        while True:
            await asyncio.sleep(interval)
            with self._lock:
                held = [cid for cid, r in self._running.items() if r.task is not None and not r.task.done()]
            if not held:
                last_ok = time.monotonic()
                continue
            try:
                renewed = await asyncio.to_thread(
                    leases.renew_now, self.db, held, self.holder, self.lease_ttl
                )
            except Exception as error:
                log.warning("renewing leases failed: %s", _one_line(error))
                if time.monotonic() - last_ok > self.lease_ttl * 0.8:
                    # Our leases may have expired: another process may sync them now. Stop ours.
                    renewed = set()
                else:
                    continue
            last_ok = time.monotonic()
            for cid in held:
                if cid not in renewed:
                    log.warning("lost the lease of channel %s: stopping its sync", cid)
                    lost = self._running.get(cid)
                    if lost is not None:
                        lost.stop()

    async def _stop_channels(self) -> None:
        with self._lock:
            running = list(self._running.values())
            held = list(self._running)
        for each in running:
            each.stop()
        await asyncio.gather(*(r.task for r in running if r.task is not None), return_exceptions=True)
        if held:
            try:
                await asyncio.to_thread(leases.release_now, self.db, held, self.holder)
            except Exception as error:
                log.warning("releasing leases failed: %s", _one_line(error))


def _describe(error: BaseException) -> str:
    if isinstance(error, ConnectorError):
        return _one_line(error)
    if isinstance(error, TimeoutError):
        return "The sync did not finish in time."
    return f"{type(error).__name__}: {_one_line(error)}"


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__
