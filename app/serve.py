"""``inflow serve`` and ``inflow sync``: the headless connector service for a team (docs/CLI.md).

``inflow serve [--listen HOST:PORT]`` runs the web-form intake endpoint (app/web_intake.py) and the
connector service (app/connectors/service.py) on one event loop. It logs to standard error in one
standard format (ISO-8601 time, level, logger, message), prints the address it listens on, and on
SIGTERM or SIGINT stops accepting connections, finishes the requests in flight (their submissions
are committed and answered), stops the channel syncs, releases their leases and exits 0.

``inflow sync`` runs only the connector service until SIGTERM/SIGINT; ``inflow sync --once`` syncs
each channel whose lease it gets once and exits: 0 when every channel synced, 1 with a sentence
when one failed (for cron).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.domain.errors import InflowError
from app.persistence.uow import Database
from app.web_limits import IntakeConfig, RateLimit

if TYPE_CHECKING:  # imported when a command runs: aiohttp is not loaded for every `inflow` command
    from aiohttp import web

    from app.connectors.service import ConnectorService, OnceReport

log = logging.getLogger("inflow.serve")

DEFAULT_LISTEN = "127.0.0.1:8080"


class ServeError(InflowError):
    """``inflow serve`` / ``inflow sync`` could not run; the text is one sentence."""


def _listen(text: str) -> tuple[str, int]:
    host, sep, port_text = text.strip().rpartition(":")
    if not sep or not port_text.isdigit() or int(port_text) > 65535:
        raise argparse.ArgumentTypeError(f"'{text}' is not HOST:PORT")
    host = host.strip("[]") or "0.0.0.0"
    return host, int(port_text)


def _rate(text: str) -> RateLimit:
    try:
        return RateLimit.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"'{text}' must be more than 0 seconds")
    return value


def add_commands(commands: Any) -> None:
    """Add ``serve`` and ``sync`` to the ``inflow`` subcommands."""
    defaults = IntakeConfig()
    serve = commands.add_parser("serve", help="connector service and web-form endpoint")
    serve.add_argument(
        "--listen",
        type=_listen,
        default=_listen(DEFAULT_LISTEN),
        metavar="HOST:PORT",
        help=f"where the web-form endpoint listens (default {DEFAULT_LISTEN}; port 0: any free port)",
    )
    serve.add_argument(
        "--rate-token",
        type=_rate,
        default=defaults.per_token,
        metavar="RATE[/BURST]",
        help=f"submissions per second per token (default {defaults.per_token.rate:g}/"
        f"{defaults.per_token.burst:g}; 0: no limit)",
    )
    serve.add_argument(
        "--rate-ip",
        type=_rate,
        default=defaults.per_ip,
        metavar="RATE[/BURST]",
        help=f"requests per second per client address (default {defaults.per_ip.rate:g}/"
        f"{defaults.per_ip.burst:g}; 0: no limit)",
    )
    serve.add_argument("--no-sync", action="store_true", help="run only the web-form endpoint")
    _sync_options(serve)
    serve.set_defaults(handler=cmd_serve, parser=serve)

    sync = commands.add_parser("sync", help="fetch mail and messenger channels")
    sync.add_argument("--once", action="store_true", help="sync each channel once, then exit (for cron)")
    _sync_options(sync)
    sync.set_defaults(handler=cmd_sync, parser=sync)


def _sync_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("channel sync (rarely changed)")
    group.add_argument(
        "--lease-ttl", type=_seconds, default=60.0, metavar="S",
        help="a channel's lease lives S seconds unless renewed (default 60)",
    )
    group.add_argument(
        "--scan-interval", type=_seconds, default=5.0, metavar="S",
        help="look for new or deactivated channels every S seconds (default 5)",
    )
    group.add_argument(
        "--poll-timeout", type=_seconds, default=25.0, metavar="S",
        help="one long poll (Telegram, IMAP IDLE) waits up to S seconds (default 25)",
    )


class _IsoFormatter(logging.Formatter):
    """``2026-11-23T17:40:01.123+00:00 INFO inflow.web: message``."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds")


@contextlib.contextmanager
def logging_to_stderr(level: int = logging.INFO) -> Iterator[None]:
    """Log to standard error in the service's format (ISO-8601 time, level, logger, message) while
    the command runs; the process's logging is as before afterwards (``main`` may run in-process)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_IsoFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    access = logging.getLogger("aiohttp.access")
    saved_access = access.level
    for old in saved_handlers:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # aiohttp's own access log is off (a line per submission); its errors still show.
    access.setLevel(logging.WARNING)
    try:
        yield
    finally:
        root.removeHandler(handler)
        for old in saved_handlers:
            root.addHandler(old)
        root.setLevel(saved_level)
        access.setLevel(saved_access)


def _service(args: argparse.Namespace, db: Database) -> ConnectorService:
    from app.connectors.service import ConnectorService, default_factory_lookup

    return ConnectorService(
        db,
        lease_ttl=args.lease_ttl,
        scan_interval=args.scan_interval,
        poll_timeout=args.poll_timeout,
        factory_lookup=default_factory_lookup(),
    )


def cmd_serve(args: argparse.Namespace, db: Database) -> int:
    """``inflow serve``: the endpoint and the channel sync until SIGTERM/SIGINT; 0 after a clean stop."""
    host, port = args.listen
    config = IntakeConfig(per_token=args.rate_token, per_ip=args.rate_ip)
    with logging_to_stderr():
        service = None if args.no_sync else _service(args, db)
        try:
            return asyncio.run(serve(db, host, port, config, service))
        finally:
            _ignore_stop_signals()


def _ignore_stop_signals() -> None:
    # asyncio.run restores the default handlers when it ends; a second SIGTERM during the last
    # steps of a clean stop (closing the pool) must not turn exit status 0 into "killed".
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_IGN)


async def serve(
    db: Database, host: str, port: int, config: IntakeConfig, service: ConnectorService | None
) -> int:
    """Run the endpoint (and the service) until a stop signal; the exit status."""
    from aiohttp import web

    from app.web_intake import IntakeEndpoint

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)

    def health_extra() -> dict[str, Any]:
        if service is None:
            return {}
        return {
            "channels": [
                {"id": s.channel_id, "kind": s.kind.value, "state": s.state, "error": s.last_error}
                for s in service.statuses()
            ]
        }

    endpoint = IntakeEndpoint(db, config, health_extra=health_extra)
    # Requests in flight get up to 30 s to finish after a stop signal.
    runner = web.AppRunner(endpoint.application(), access_log=None, shutdown_timeout=30.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port, backlog=1024)
    try:
        await site.start()
    except OSError as error:
        await runner.cleanup()
        raise ServeError(f"Cannot listen on {host}:{port} ({error.strerror or error}).") from error
    address = _address(runner, host, port)
    _freeze_startup_objects()
    sys.stdout.write(f"Listening on http://{address}\n")
    sys.stdout.flush()
    log.info("web-form endpoint listening on http://%s (database: %s)", address, db.describe())
    sync_task = asyncio.create_task(service.run()) if service is not None else None
    if sync_task is not None:
        sync_task.add_done_callback(lambda _t: stop.set())
    await stop.wait()
    log.info("stopping: no new connections; finishing the requests in flight")
    await runner.cleanup()
    if service is not None and sync_task is not None:
        service.request_stop()
        await asyncio.gather(sync_task, return_exceptions=True)
        if sync_task.done() and not sync_task.cancelled() and sync_task.exception() is not None:
            log.error("the connector service failed: %s", sync_task.exception())
            return 1
    log.info("stopped")
    return 0


def _freeze_startup_objects() -> None:
    # ~100,000 objects of start-up (modules, SQLAlchemy's mappings) would be scanned by every full
    # collection: a 40–70 ms pause of every request in flight. Frozen, they are never scanned.
    gc.collect()
    gc.freeze()


def _address(runner: web.AppRunner, host: str, port: int) -> str:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            bound_host, bound_port = str(address[0]), int(address[1])
            shown = f"[{bound_host}]" if ":" in bound_host else bound_host
            return f"{shown}:{bound_port}"
    return f"{host}:{port}"


def cmd_sync(args: argparse.Namespace, db: Database) -> int:
    """``inflow sync [--once]``."""
    with logging_to_stderr(logging.WARNING if args.once else logging.INFO):
        service = _service(args, db)
        if args.once:
            report = asyncio.run(service.run_once())
            return _print_once(report)
        try:
            return asyncio.run(_sync_forever(service))
        finally:
            _ignore_stop_signals()


async def _sync_forever(service: ConnectorService) -> int:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, service.request_stop)
    log.info("syncing channels (holder %s)", service.holder)
    _freeze_startup_objects()
    await service.run()
    return 0


def _print_once(report: OnceReport) -> int:
    def name(cid: int) -> str:
        return report.names.get(cid, f"#{cid}")

    for cid, stored in sorted(report.stored.items()):
        sys.stdout.write(f"{name(cid)}: {stored} new item(s).\n")
    for cid in sorted(report.held_elsewhere):
        sys.stdout.write(f"{name(cid)}: synced by another process now.\n")
    sys.stdout.flush()
    if not report.failed:
        return 0
    failures = sorted(report.failed.items())
    if len(failures) == 1:
        cid, reason = failures[0]
        message = f"Channel '{name(cid)}' could not be synced: {reason.rstrip('.')}."
    else:
        listed = "; ".join(f"'{name(cid)}' ({reason.rstrip('.')})" for cid, reason in failures)
        message = f"{len(failures)} channels could not be synced: {listed}."
    raise ServeError(message)
