"""``make bench``: the first sync of a 10,000-letter mailbox (≤ 60 s) and a new letter → a lead
with IMAP IDLE (≤ 2 s).

    python -m bench.mail                       # fresh SQLite file in bench/out/
    python -m bench.mail --pg-temp             # a private PostgreSQL (tests/pg.py; fsync off)
    python -m bench.mail --letters 2000        # a smaller mailbox, for debugging

A real dovecot (tests/mail_servers.py; needs root to run mail as the ``mail`` user; sdbox
storage, as a Maildir of 10,000 files makes dovecot itself re-read the folder for ~1 s on every
SELECT and IDLE wake-up) serves one mailbox whose INBOX is filled by ``doveadm import``: 10,000
letters from 3,000 senders (a third of them write more than once, so repeats are detected), in
utf-8, koi8-r and cp1251, one in ten with a PDF attachment, one in fifty an auto-reply. The real
connector (app/connectors/mail.py) then does its first sync (connect, SELECT, SEARCH, FETCH in
batches of 200 with BODY.PEEK[], decode, store, leads) — the clock covers all of it. Then the
connector runs ``sync_once`` in a loop on its own event loop with the production poll timeout
(IDLE up to 25 s), and N letters are APPENDed one by one; for each the clock stops when the
letter's lead is in the database (watched every 2 ms from another connection).
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from app.connectors.base import ConnectorOptions
from app.connectors.mail import MailConnector
from app.domain.enums import ChannelKind, DistributionRule
from app.persistence.models import Channel, Lead, MailLetter
from app.persistence.uow import Database, open_database
from bench.machine import CpuWatch, describe_machine
from bench.measure import percentile
from bench.run import prepare_fresh
from tests.mail_servers import Dovecot, Mailbox

OUT = Path(__file__).resolve().parent / "out"
FIRST_SYNC_TARGET = 60.0
LETTER_TARGET = 2.0
POLL_TIMEOUT = 25.0  # the production default of ConnectorOptions
WATCH_INTERVAL = 0.002
PASSWORD_ENV = "INFLOW_BENCH_MAIL_PASSWORD"

_FIRST = ["Иван", "Мария", "Сергей", "Анна", "Дмитрий", "Ольга", "Алексей", "Елена", "Павел", "Наталья"]
_LAST = ["Иванов", "Смирнова", "Кузнецов", "Попова", "Соколов", "Лебедева", "Козлов", "Новикова"]
_SUBJECTS = [
    "Заявка на поставку", "Вопрос по цене", "Коммерческое предложение", "Счёт на оплату",
    "Хотим заказать", "Нужна консультация", "Доставка в регионы", "Прайс-лист",
]
_BODY = (
    "Здравствуйте!\n\nПрошу выставить счёт на {n} единиц товара и сообщить сроки доставки в {city}.\n"
    "Оплата по безналичному расчёту, реквизиты во вложении.\n\nС уважением,\n{name}\n+7 916 {phone}\n"
)
_CITIES = ["Москву", "Казань", "Новосибирск", "Екатеринбург", "Самару"]
_PDF = b"%PDF-1.4\n" + b"0" * 40_000


def make_letter(rng: random.Random, n: int, sender: int, when: datetime) -> bytes:
    """One realistic letter in one of the charsets Russian mail comes in."""
    name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    message = EmailMessage()
    message["From"] = f"{name} <client{sender}@example{sender % 97}.ru>"
    message["To"] = "sales@firma.ru"
    message["Subject"] = f"{rng.choice(_SUBJECTS)} №{n}"
    message["Date"] = format_datetime(when)
    message["Message-ID"] = make_msgid(idstring=str(n), domain="bench.example.ru")
    if n % 50 == 0:
        message["Auto-Submitted"] = "auto-replied"
    body = _BODY.format(n=rng.randint(1, 500), city=rng.choice(_CITIES), name=name,
                        phone=f"{rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}")
    charset = ("utf-8", "koi8-r", "cp1251")[n % 3]
    message.set_content(body, charset=charset, cte="8bit" if charset != "utf-8" else "base64")
    if n % 10 == 0:
        message.add_attachment(_PDF, maintype="application", subtype="pdf", filename="Реквизиты.pdf")
    return message.as_bytes()


def fill_maildir(home: Path, count: int, seed: int) -> int:
    """Write ``count`` letters as a Maildir (``doveadm import`` puts them into the mailbox)."""
    rng = random.Random(seed)
    for sub in ("cur", "new", "tmp"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    start = datetime.now(UTC) - timedelta(days=365)
    senders = [rng.randint(0, 2_999) for _ in range(count)]
    size = 0
    for n in range(count):
        raw = make_letter(rng, n, senders[n], start + timedelta(minutes=50 * n))
        size += len(raw)
        (home / "new" / f"{1_700_000_000 + n}.M{n}P1.bench").write_bytes(raw.replace(b"\r\n", b"\n"))
    return size


def prepare_channel(db: Database, box: Mailbox) -> int:
    """A lead-source mailbox channel on the dovecot account (plain IMAP on loopback)."""
    os.environ[PASSWORD_ENV] = box.password
    with db.uow() as uow:
        channel = Channel(
            name="sales@ (бенчмарк)",
            kind=ChannelKind.EMAIL.value,
            rule=DistributionRule.POOL.value,
            settings={
                "imap_host": box.host,
                "imap_port": box.port,
                "security": "none",
                "login": box.login,
                "password_env": PASSWORD_ENV,
            },
        )
        uow.session.add(channel)
        uow.session.flush()
        return channel.id


def first_sync(db: Database, channel_id: int) -> tuple[float, int]:
    """Seconds for the first full sync and how many letters it stored."""

    async def run() -> int:
        connector = MailConnector(db, channel_id, ConnectorOptions("bench", POLL_TIMEOUT))
        try:
            return await connector.sync_folders()
        finally:
            await connector.aclose()

    started = time.perf_counter()
    stored = asyncio.run(run())
    return time.perf_counter() - started, stored


class ConnectorThread:
    """The connector's sync loop on its own event loop, like one channel of ``inflow serve``."""

    def __init__(self, db: Database, channel_id: int) -> None:
        self._db = db
        self._channel_id = channel_id
        self._loop = asyncio.new_event_loop()
        self._task: asyncio.Task[None] | None = None
        self._thread = threading.Thread(target=self._run, name="mail-connector", daemon=True)
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
        connector = MailConnector(self._db, self._channel_id, ConnectorOptions("bench", POLL_TIMEOUT))
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
        """Cancel the wait and let the loop finish."""
        if self._task is not None:
            self._loop.call_soon_threadsafe(self._task.cancel)
        self._thread.join(30)


def measure_new_letters(db: Database, box: Mailbox, channel_id: int, count: int) -> list[float]:
    """Seconds from the end of each APPEND until the letter's lead is in the database."""
    latencies: list[float] = []
    client = box.connect()
    try:
        time.sleep(1.0)  # the connector has finished its catch-up pass and sits in IDLE
        for n in range(count):
            message = EmailMessage()
            message["From"] = f"Новый клиент <new{n}@fresh.example.ru>"
            message["To"] = "sales@firma.ru"
            message["Subject"] = f"Срочный запрос {n}"
            message["Date"] = format_datetime(datetime.now(UTC))
            message["Message-ID"] = make_msgid(idstring=f"new{n}", domain="fresh.example.ru")
            message.set_content("Перезвоните, пожалуйста.")
            # By intake's unique key (channel, external id): an index lookup every 2 ms.
            key = str(message["Message-ID"])
            find = select(Lead.id).where(Lead.channel_id == channel_id, Lead.external_id == key)
            client.append("INBOX", message.as_bytes())
            started = time.perf_counter()
            deadline = started + 60
            while True:
                with db.session() as session:
                    if session.scalar(find) is not None:
                        break
                if time.perf_counter() > deadline:
                    raise SystemExit(f"letter {n} did not become a lead within 60 s")
                time.sleep(WATCH_INTERVAL)
            latencies.append(time.perf_counter() - started)
            time.sleep(0.3)  # letters do not come back to back
    finally:
        client.logout()
    return latencies


def main(argv: list[str] | None = None) -> int:
    """Run both measurements; 0 when both targets are met."""
    parser = argparse.ArgumentParser(prog="python -m bench.mail", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", metavar="URL", help="default: a fresh bench/out/mail.db")
    parser.add_argument("--pg-temp", action="store_true", help="a private PostgreSQL server (tests/pg.py)")
    parser.add_argument("--reset", action="store_true", help="wipe --database first")
    parser.add_argument("--letters", type=int, default=10_000, help="letters in the mailbox (10,000)")
    parser.add_argument("--new", type=int, default=30, help="letters delivered one by one (30)")
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("bench.mail needs root: dovecot runs mail as the 'mail' user", file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)

    server = None
    if args.pg_temp:
        from tests.pg import PgServer

        server = PgServer.start()
        url = server.create_database("inflow_bench_mail")
    else:
        url = args.database or f"sqlite:///{OUT / 'mail.db'}"
        prepare_fresh(url, args.reset or args.database is None)
    root = Path(tempfile.mkdtemp(prefix="inflow-bench-dovecot-"))
    root.chmod(0o755)
    dovecot = Dovecot(root, storage="sdbox")
    try:
        box = dovecot.new_mailbox()
        size = fill_maildir(root / "import", args.letters, args.seed)
        dovecot.start()
        dovecot.import_maildir(box, root / "import")
        db = open_database(url)
        channel_id = prepare_channel(db, box)
        watch = CpuWatch()
        seconds, stored = first_sync(db, channel_id)
        contention_sync = watch.summary()
        with db.session() as session:
            leads = int(session.scalar(select(func.count()).select_from(Lead)) or 0)
            letters = int(session.scalar(select(func.count()).select_from(MailLetter)) or 0)
        connector = ConnectorThread(db, channel_id)
        connector.start()
        watch = CpuWatch()
        try:
            latencies = measure_new_letters(db, box, channel_id, args.new)
        finally:
            connector.stop()
        contention_idle = watch.summary()
        machine = describe_machine(db)
        db.dispose()
    finally:
        dovecot.stop()
        shutil.rmtree(root, ignore_errors=True)
        if server is not None:
            server.stop()

    sync_ok = seconds <= FIRST_SYNC_TARGET and stored == args.letters
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    idle_ok = p99 <= LETTER_TARGET
    engine = make_url(url).get_backend_name()
    lines = ["## Machine", ""]
    lines += [f"- {name}: {value}" for name, value in machine]
    lines += [
        f"- database: {'SQLite file' if engine == 'sqlite' else 'PostgreSQL'}"
        + (" (private test server, fsync off)" if args.pg_temp else ""),
        "- IMAP server: dovecot on loopback, sdbox, plain IMAP",
        "",
        "| measure | value | target | result |",
        "|---|---:|---|---|",
        f"| First sync of a mailbox of {args.letters:,} letters ({size / 2**20:.0f} MiB; "
        f"{letters:,} letters and {leads:,} leads stored, {letters / seconds:,.0f} letters/s) | "
        f"{seconds:.1f} s | ≤ {FIRST_SYNC_TARGET:.0f} s | {'PASS' if sync_ok else '**FAIL**'} |",
        f"| New letter → lead with IDLE ({len(latencies)} letters, poll timeout {POLL_TIMEOUT:.0f} s), "
        f"p50 / p99 / max | {p50 * 1000:.0f} / {p99 * 1000:.0f} / {max(latencies) * 1000:.0f} ms | "
        f"≤ {LETTER_TARGET:.0f} s | {'PASS' if idle_ok else '**FAIL**'} |",
        "",
        f"- machine load during the first sync: {contention_sync}",
        f"- machine load while letters arrived: {contention_idle}",
    ]
    if connector.errors:
        lines.append(f"- connector errors: {len(connector.errors)} (first: {connector.errors[0]})")
    report = "\n".join(lines)
    print(report)
    (OUT / f"mail-{engine}.md").write_text(report + "\n", encoding="utf-8")
    return 0 if sync_ok and idle_ok else 1


if __name__ == "__main__":
    sys.exit(main())
