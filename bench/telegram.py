"""``make bench``: a Telegram message → a lead on the Dialogs list, target ≤ 2 s.

    python -m bench.telegram                          # fresh SQLite file in bench/out/
    python -m bench.telegram --database postgresql+psycopg://user@host/inflow_tg --reset
    python -m bench.telegram --pg-temp                # a private PostgreSQL (tests/pg.py; fsync off)

The local Bot API double (tests/bot_api_double.py) stands in for Telegram; the real connector
(app/connectors/telegram.py) long-polls it with the production poll timeout (25 s) on its own
event loop, as ``inflow serve`` runs it. For each of N messages from a new user the clock starts
when the message is handed to the double and stops when the Dialogs list (``list_conversations``)
shows the conversation with its lead; the database is watched every 2 ms from another connection.
The database holds earlier conversations first (answered ones, so the new chats are on top).
Exit status 1 when p99 exceeds the target.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.engine import make_url

from app.connectors.base import ConnectorOptions
from app.connectors.telegram import create_connector
from app.domain.enums import ChannelKind, DistributionRule
from app.persistence.models import Channel, Conversation, Lead
from app.persistence.uow import Database, open_database
from app.services.dialogs import IncomingMessage, ingest_messages, list_conversations
from app.services.permissions import Actor
from app.services.secrets import SecretKind, set_secret
from bench.machine import CpuWatch, describe_machine
from bench.measure import percentile
from bench.run import prepare_fresh
from tests.bot_api_double import BotApiDouble

OUT = Path(__file__).resolve().parent / "out"
TARGET_SECONDS = 2.0
POLL_TIMEOUT = 25.0  # the production default of ConnectorOptions
WATCH_INTERVAL = 0.002


def install_memory_keyring() -> None:
    """The bot token for this run only: the bench never touches the desktop's keyring."""
    import keyring
    from keyring.backend import KeyringBackend

    store: dict[tuple[str, str], str] = {}

    class Backend(KeyringBackend):
        priority = 1

        def get_password(self, service: str, username: str) -> str | None:
            return store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            store.pop((service, username), None)

    keyring.set_keyring(Backend())


def prepare(db: Database, bot: BotApiDouble, earlier: int) -> int:
    """A dialog channel on the double, and ``earlier`` answered conversations with their leads."""
    with db.uow() as uow:
        channel = Channel(
            name="Telegram-бот (бенчмарк)",
            kind=ChannelKind.DIALOG.value,
            rule=DistributionRule.POOL.value,
            settings={"api_url": bot.url},
        )
        uow.session.add(channel)
        uow.session.flush()
        channel_id = channel.id
    set_secret(SecretKind.TELEGRAM_TOKEN, channel_id, bot.token)
    start = datetime.now(UTC) - timedelta(days=30)
    for first in range(0, earlier, 500):
        batch = [
            IncomingMessage(
                external_id=f"earlier-{n}",
                chat_id=str(10_000_000 + n),
                user_key=f"telegram:{10_000_000 + n}",
                sent_at=start + timedelta(minutes=n),
                display_name=f"Клиент {n}",
                text="Здравствуйте, хочу узнать цену",
            )
            for n in range(first, min(first + 500, earlier))
        ]
        with db.uow() as uow:
            ingest_messages(uow, channel_id, batch)
    with db.uow() as uow:
        uow.session.execute(update(Conversation).values(waiting_since=None))
    return channel_id


class ConnectorThread:
    """The connector's sync loop on its own event loop, like one channel of ``inflow serve``."""

    def __init__(self, db: Database, channel_id: int) -> None:
        self._db = db
        self._channel_id = channel_id
        self._loop = asyncio.new_event_loop()
        self._task: asyncio.Task[None] | None = None
        self._thread = threading.Thread(target=self._run, name="telegram-connector", daemon=True)
        self.errors: list[str] = []

    def start(self) -> None:
        """Start syncing."""
        self._thread.start()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._task = self._loop.create_task(self._sync())
        try:
            self._loop.run_until_complete(self._task)
        except asyncio.CancelledError:
            pass
        finally:
            self._loop.close()

    async def _sync(self) -> None:
        connector = create_connector(self._db, self._channel_id, ConnectorOptions("bench", POLL_TIMEOUT))
        try:
            while True:
                try:
                    await connector.sync_once()
                except Exception as error:  # the service would log and retry; so do we
                    self.errors.append(f"{type(error).__name__}: {error}")
                    await asyncio.sleep(0.5)
        finally:
            await connector.aclose()

    def stop(self) -> None:
        """Cancel the long poll and wait for the loop to finish."""
        if self._task is not None:
            self._loop.call_soon_threadsafe(self._task.cancel)
        self._thread.join(30)


def measure(db: Database, bot: BotApiDouble, count: int) -> tuple[list[float], list[float]]:
    """Seconds from handing each message to the double until its lead is committed (seen from
    another connection), and until the Dialogs list shows the conversation with that lead."""
    actor = Actor.system()
    committed: list[float] = []
    listed: list[float] = []
    for n in range(count):
        user_id = 20_000_000 + n
        find = select(Lead.id).where(Lead.messenger_user == f"telegram:{user_id}")
        started = time.perf_counter()
        bot.enqueue_message(user_id=user_id, text=f"Здравствуйте! Вопрос №{n}", first_name="Покупатель")
        deadline = started + 30
        lead_id = None
        while True:
            with db.session() as session:
                if lead_id is None:
                    lead_id = session.scalar(find)
                    if lead_id is not None:
                        committed.append(time.perf_counter() - started)
                if lead_id is not None:
                    page = list_conversations(session, actor, limit=count + 50)
                    if any(row.lead_id == lead_id for row in page.rows):
                        break
            if time.perf_counter() > deadline:
                raise SystemExit(f"message {n} did not become a lead within 30 s")
            time.sleep(WATCH_INTERVAL)
        listed.append(time.perf_counter() - started)
        time.sleep(0.02)  # messages do not come back to back; the next one arrives after a pause
    return committed, listed


def main(argv: list[str] | None = None) -> int:
    """Run the measurement; 0 when the target is met."""
    parser = argparse.ArgumentParser(prog="python -m bench.telegram", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", metavar="URL", help="default: a fresh bench/out/telegram.db")
    parser.add_argument("--pg-temp", action="store_true", help="a private PostgreSQL server (tests/pg.py)")
    parser.add_argument("--reset", action="store_true", help="wipe --database first")
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--earlier", type=int, default=5_000, help="earlier conversations (default 5,000)")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    install_memory_keyring()

    server = None
    if args.pg_temp:
        from tests.pg import PgServer

        server = PgServer.start()
        url = server.create_database("inflow_bench_telegram")
    else:
        url = args.database or f"sqlite:///{OUT / 'telegram.db'}"
        prepare_fresh(url, args.reset or args.database is None)
    try:
        db = open_database(url)
        with BotApiDouble() as bot:
            channel_id = prepare(db, bot, args.earlier)
            connector = ConnectorThread(db, channel_id)
            connector.start()
            watch = CpuWatch()
            try:
                commits, latencies = measure(db, bot, args.messages)
            finally:
                connector.stop()
            contention = watch.summary()
        machine = describe_machine(db)
        db.dispose()
    finally:
        if server is not None:
            server.stop()

    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    verdict = "PASS" if p99 <= TARGET_SECONDS else "**FAIL**"
    engine = make_url(url).get_backend_name()
    lines = ["## Machine", ""]
    lines += [f"- {name}: {value}" for name, value in machine]
    lines += [
        f"- database: {'SQLite file' if engine == 'sqlite' else 'PostgreSQL'}"
        + (" (private test server, fsync off)" if args.pg_temp else ""),
        "",
        "| measure | p50 | p99 | max | target | result |",
        "|---|---:|---:|---:|---|---|",
        f"| Telegram message → lead committed ({len(commits)} messages) | "
        f"{percentile(commits, 0.5) * 1000:.0f} ms | {percentile(commits, 0.99) * 1000:.0f} ms | "
        f"{max(commits) * 1000:.0f} ms | | |",
        f"| Telegram message → lead on the Dialogs list ({len(latencies)} messages, poll timeout "
        f"{POLL_TIMEOUT:.0f} s, {args.earlier:,} earlier conversations) | {p50 * 1000:.0f} ms | "
        f"{p99 * 1000:.0f} ms | {max(latencies) * 1000:.0f} ms | ≤ {TARGET_SECONDS:.0f} s | {verdict} |",
        "",
        f"- machine load: {contention}",
    ]
    if connector.errors:
        lines.append(
            f"- connector errors during the run: {len(connector.errors)} (first: {connector.errors[0]})"
        )
    report = "\n".join(lines)
    print(report)
    (OUT / f"telegram-{engine}.md").write_text(report + "\n", encoding="utf-8")
    return 0 if p99 <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
