"""IMAP sync against a real dovecot: letters → leads once, resumable, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import app.connectors.mail as mail_connector
from app.connectors.base import ConnectorError, ConnectorOptions, connector_factory
from app.connectors.mail import MailConnector
from app.domain.enums import ChannelKind, InteractionKind, LeadState
from app.domain.errors import DatabaseUnavailable
from app.persistence.models import Channel, Interaction, Lead, MailLetter
from app.persistence.types import utcnow
from app.persistence.uow import Database, UnitOfWork
from app.services.mail import FetchedLetter, FolderCursor, Intake, StoreResult
from tests.factories import build, count, make_channel, make_client, make_exclusion, unique
from tests.mail_servers import Dovecot, Mailbox, _smtp_session, dovecot, smtp_server  # noqa: F401

CORPUS = Path(__file__).resolve().parents[1] / "mail_corpus"
PASSWORD_ENV = "INFLOW_TEST_MAIL_PASSWORD"


def letter(sender: str, subject: str, text: str = "Хочу купить", **headers: str) -> bytes:
    """A well-formed letter with a fresh Message-ID (unless given)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "sales@firma.ru"
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = headers.pop("message_id", make_msgid(domain="client.example.ru"))
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(text)
    return message.as_bytes()


def mailbox_channel(
    db: Database, box: Mailbox, monkeypatch: pytest.MonkeyPatch, *, lead_source: bool = True,
    folders: Sequence[str] = ("INBOX",),
) -> int:
    """An e-mail channel pointing at a dovecot mailbox (plain IMAP, password from the environment)."""
    env = f"{PASSWORD_ENV}_{box.login.upper()}"
    monkeypatch.setenv(env, box.password)

    def make(session: Any) -> Channel:
        channel = make_channel(
            session, unique("Почта"), kind=ChannelKind.EMAIL.value, lead_source=lead_source
        )
        channel.settings = {
            "imap_host": box.host,
            "imap_port": box.port,
            "security": "none",
            "login": box.login,
            "password_env": env,
            "folders": list(folders),
            "address": f"{box.login}@firma.ru",
        }
        return channel

    channel: Channel = build(db, make)
    return channel.id


def sync(db: Database, channel_id: int, *, batch_size: int = 200, timeout: float = 0.1) -> int:
    """One sync_once of a fresh connector, closed afterwards (a restarted process each time)."""

    async def run() -> int:
        connector = MailConnector(db, channel_id, ConnectorOptions("test", timeout), batch_size=batch_size)
        try:
            return await connector.sync_once()
        finally:
            await connector.aclose()

    return asyncio.run(run())


def leads_of(db: Database, channel_id: int) -> list[Lead]:
    with db.session() as session:
        leads = list(session.scalars(select(Lead).where(Lead.channel_id == channel_id).order_by(Lead.id)))
        session.expunge_all()
        return leads


def letters_of(db: Database, channel_id: int) -> list[MailLetter]:
    with db.session() as session:
        rows = list(
            session.scalars(
                select(MailLetter).where(MailLetter.channel_id == channel_id).order_by(MailLetter.id)
            )
        )
        session.expunge_all()
        return rows


def test_the_factory_is_found_by_kind(db: Database) -> None:
    assert connector_factory(ChannelKind.EMAIL) is mail_connector.create_connector


def test_letters_become_leads_once_across_syncs_and_restarts(
    db: Database, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    box = dovecot.new_mailbox()
    channel_id = mailbox_channel(db, box, monkeypatch)
    box.deliver(*(letter(f"client{n}@example.ru", f"Заявка {n}") for n in range(5)))

    assert sync(db, channel_id) == 5
    assert sync(db, channel_id) == 0  # nothing new: no second copy
    leads = leads_of(db, channel_id)
    assert sorted(lead.subject or "" for lead in leads) == [f"Заявка {n}" for n in range(5)]
    assert {lead.kind for lead in leads} == {"email"}
    assert {lead.state for lead in leads} == {LeadState.NEW.value}
    assert all(lead.external_id and lead.external_id.startswith("<") for lead in leads)
    assert all(row.intake == Intake.LEAD.value and row.lead_id for row in letters_of(db, channel_id))
    # BODY.PEEK: the server still has every letter unseen.
    assert all(b"\\Seen" not in flags for _raw, flags in box.messages("INBOX"))

    box.deliver(letter("late@example.ru", "Поздняя заявка"))
    assert sync(db, channel_id) == 1
    assert len(leads_of(db, channel_id)) == 6


def test_a_sync_that_fails_mid_way_resumes_without_loss_or_repeat(
    db: Database, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    box = dovecot.new_mailbox()
    channel_id = mailbox_channel(db, box, monkeypatch)
    box.deliver(*(letter(f"batch{n}@example.ru", f"Письмо {n}") for n in range(7)))

    real = mail_connector.store_letters
    calls = {"n": 0}

    def failing_second_batch(
        uow: UnitOfWork, channel: int, folder: str, letters: Sequence[FetchedLetter], *,
        cursor: FolderCursor | None = None,
    ) -> StoreResult:
        calls["n"] += 1
        result = real(uow, channel, folder, letters, cursor=cursor)
        if calls["n"] == 2:
            raise DatabaseUnavailable("The database went away in the middle of a batch.")
        return result

    monkeypatch.setattr(mail_connector, "store_letters", failing_second_batch)
    with pytest.raises(ConnectorError, match="could not be stored"):
        sync(db, channel_id, batch_size=3)
    assert len(letters_of(db, channel_id)) == 3  # the first batch and its cursor, nothing of the second

    monkeypatch.setattr(mail_connector, "store_letters", real)
    assert sync(db, channel_id, batch_size=3) == 4
    assert sync(db, channel_id, batch_size=3) == 0
    subjects = sorted(lead.subject or "" for lead in leads_of(db, channel_id))
    assert subjects == [f"Письмо {n}" for n in range(7)]
    assert len(letters_of(db, channel_id)) == 7


def test_a_cancelled_sync_between_batches_resumes(
    db: Database, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    box = dovecot.new_mailbox()
    channel_id = mailbox_channel(db, box, monkeypatch)
    box.deliver(*(letter(f"cancel{n}@example.ru", f"Отмена {n}") for n in range(6)))
    real = mail_connector.store_letters
    first_batch_done = asyncio.Event()

    async def run() -> None:
        loop = asyncio.get_running_loop()

        def store_and_signal(*args: Any, **kwargs: Any) -> StoreResult:
            result = real(*args, **kwargs)
            loop.call_soon_threadsafe(first_batch_done.set)
            return result

        monkeypatch.setattr(mail_connector, "store_letters", store_and_signal)
        connector = MailConnector(db, channel_id, ConnectorOptions("test", 0.1), batch_size=2)
        task = asyncio.create_task(connector.sync_once())
        await first_batch_done.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await connector.aclose()

    asyncio.run(run())
    monkeypatch.setattr(mail_connector, "store_letters", real)
    stored_before = len(letters_of(db, channel_id))
    assert 2 <= stored_before < 6
    assert sync(db, channel_id, batch_size=2) == 6 - stored_before
    assert len(leads_of(db, channel_id)) == 6
    assert len({lead.external_id for lead in leads_of(db, channel_id)}) == 6


def test_a_changed_uidvalidity_resyncs_the_folder_idempotently(
    db: Database, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    box = dovecot.new_mailbox()
    channel_id = mailbox_channel(db, box, monkeypatch, folders=("Заявки",))
    first = [letter(f"uv{n}@example.ru", f"Папка {n}") for n in range(3)]
    box.deliver(*first, folder="Заявки")
    assert sync(db, channel_id) == 3

    # The folder is re-created on the server: a new UIDVALIDITY, the same letters plus one.
    client = box.connect()
    try:
        client.delete_folder("Заявки")
    finally:
        client.logout()
    box.deliver(*first, letter("uv-new@example.ru", "Папка новая"), folder="Заявки")
    assert sync(db, channel_id) == 1
    rows = letters_of(db, channel_id)
    assert len(rows) == 4 and len(leads_of(db, channel_id)) == 4
    assert len({row.uidvalidity for row in rows}) == 1  # the old rows now point at the new UIDs


def test_known_sender_excluded_domain_auto_reply_and_bounce(
    db: Database, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    box = dovecot.new_mailbox()
    channel_id = mailbox_channel(db, box, monkeypatch)
    client = build(db, make_client, "ООО Ромашка", emails=["buyer@romashka.ru"], contact="Ирина")
    build(db, make_exclusion, "domain", "supplier.ru")
    box.deliver(
        letter("Ирина <Buyer@Romashka.ru>", "Снова к вам"),
        letter("sales@supplier.ru", "Наш прайс"),
        (CORPUS / "auto_reply.eml").read_bytes(),
        (CORPUS / "bounce.eml").read_bytes(),
        letter(f"{box.login}@firma.ru", "Копия себе"),  # the mailbox's own address
    )
    assert sync(db, channel_id) == 5
    leads = leads_of(db, channel_id)
    assert len(leads) == 1
    assert leads[0].state == LeadState.REPEAT.value and leads[0].client_id == client.id
    intake = {row.subject: row.intake for row in letters_of(db, channel_id)}
    assert intake == {
        "Снова к вам": Intake.REPEAT.value,
        "Наш прайс": Intake.EXCLUDED.value,
        "Автоответ: я в отпуске": Intake.AUTO.value,
        "Undelivered Mail Returned to Sender": Intake.AUTO.value,
        "Копия себе": Intake.OUTGOING.value,
    }


def test_a_mailbox_without_the_lead_source_flag_makes_no_leads(
    db: Database, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    box = dovecot.new_mailbox()
    channel_id = mailbox_channel(db, box, monkeypatch, lead_source=False)
    box.deliver(letter("someone@example.ru", "Просто письмо"))
    assert sync(db, channel_id) == 1
    assert leads_of(db, channel_id) == []
    assert [row.intake for row in letters_of(db, channel_id)] == [Intake.NOT_LEAD_SOURCE.value]


def test_a_reply_to_an_open_lead_joins_its_timeline(
    db: Database, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    box = dovecot.new_mailbox()
    channel_id = mailbox_channel(db, box, monkeypatch)
    first_id = make_msgid(domain="client.example.ru")
    box.deliver(letter("thread@example.ru", "Вопрос", message_id=first_id))
    assert sync(db, channel_id) == 1
    box.deliver(
        letter("thread@example.ru", "Re: Вопрос", "Уточнение", In_Reply_To=first_id, References=first_id)
    )
    assert sync(db, channel_id) == 1
    leads = leads_of(db, channel_id)
    assert len(leads) == 1
    rows = letters_of(db, channel_id)
    assert [row.intake for row in rows] == [Intake.LEAD.value, Intake.THREAD.value]
    assert rows[1].lead_id == leads[0].id
    assert count(db, Interaction, Interaction.lead_id == leads[0].id,
                 Interaction.kind == InteractionKind.LETTER.value, Interaction.letter_id == rows[1].id) == 1


def test_every_corpus_letter_is_stored_readable_and_becomes_a_lead(
    db: Database, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    box = dovecot.new_mailbox()
    channel_id = mailbox_channel(db, box, monkeypatch)
    corpus = sorted(CORPUS.glob("*.eml"))
    box.deliver(*(path.read_bytes() for path in corpus))
    assert sync(db, channel_id, batch_size=5) == len(corpus)
    rows = letters_of(db, channel_id)
    assert all(row.subject and "\ufffd" not in row.subject for row in rows)
    made = {row.subject for row in rows if row.lead_id is not None}
    automatic = {row.subject for row in rows if row.auto_kind}
    assert automatic == {"Автоответ: я в отпуске", "Undelivered Mail Returned to Sender"}
    assert made == {row.subject for row in rows} - automatic
    assert len(leads_of(db, channel_id)) == len(corpus) - 2


def test_idle_wakes_the_connector_when_a_letter_arrives(
    db: Database, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    box = dovecot.new_mailbox()
    channel_id = mailbox_channel(db, box, monkeypatch)

    async def run() -> tuple[bool, int]:
        connector = MailConnector(db, channel_id, ConnectorOptions("test", 30.0))
        try:
            assert await connector.sync_folders() == 0
            waiting = asyncio.create_task(connector.wait_for_news(30.0))
            await asyncio.sleep(0.3)
            await asyncio.to_thread(box.deliver, letter("idle@example.ru", "Через IDLE"))
            news = await waiting
            return news, await connector.sync_folders()
        finally:
            await connector.aclose()

    news, stored = asyncio.run(run())
    assert news is True and stored == 1
    assert [lead.subject for lead in leads_of(db, channel_id)] == ["Через IDLE"]


def test_a_wrong_password_is_a_connector_error_with_a_sentence(
    db: Database, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    box = dovecot.new_mailbox()
    channel_id = mailbox_channel(db, box, monkeypatch)
    monkeypatch.setenv(f"{PASSWORD_ENV}_{box.login.upper()}", "wrong")
    with pytest.raises(ConnectorError, match="refused the login"):
        sync(db, channel_id)


def test_a_letter_arriving_between_sync_and_idle_is_not_left_waiting(
    db: Database, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    box = dovecot.new_mailbox()
    channel_id = mailbox_channel(db, box, monkeypatch)

    async def run() -> tuple[bool, int]:
        connector = MailConnector(db, channel_id, ConnectorOptions("test", 30.0))
        try:
            assert await connector.sync_folders() == 0
            # Delivered after the SEARCH, before IDLE starts: IDLE alone would not announce it.
            await asyncio.to_thread(box.deliver, letter("between@example.ru", "Между делом"))
            news = await connector.wait_for_news(30.0)
            return news, await connector.sync_folders()
        finally:
            await connector.aclose()

    assert asyncio.run(run()) == (True, 1)


def test_a_letter_the_database_refuses_is_skipped_and_the_rest_stored(
    db: Database, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    box = dovecot.new_mailbox()
    channel_id = mailbox_channel(db, box, monkeypatch)
    box.deliver(
        letter("one@example.ru", "Первое"),
        letter("bad@example.ru", "Отравленное", "POISON"),
        letter("three@example.ru", "Третье"),
    )
    real = mail_connector.store_letters

    def refusing(uow: UnitOfWork, channel: int, folder: str, letters: Sequence[FetchedLetter], *,
                 cursor: FolderCursor | None = None) -> StoreResult:
        result = real(uow, channel, folder, letters, cursor=cursor)
        if any(b"POISON" in item.raw for item in letters):
            # What a database says of a value it cannot take (not a lost connection).
            raise IntegrityError("INSERT INTO mail_letters …", {}, Exception("value refused"))
        return result

    monkeypatch.setattr(mail_connector, "store_letters", refusing)
    assert sync(db, channel_id) == 2
    assert sorted(row.subject for row in letters_of(db, channel_id)) == ["Первое", "Третье"]
    assert sync(db, channel_id) == 0  # the cursor moved past the refused letter: no endless retry


def test_without_idle_the_connector_polls(
    db: Database, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    from imapclient import IMAPClient

    box = dovecot.new_mailbox()
    channel_id = mailbox_channel(db, box, monkeypatch)
    monkeypatch.setattr(IMAPClient, "capabilities", lambda self: (b"IMAP4REV1", b"UIDPLUS"))

    async def run() -> tuple[bool, int]:
        connector = MailConnector(db, channel_id, ConnectorOptions("test", 0.2))
        try:
            assert await connector.sync_folders() == 0
            await asyncio.to_thread(box.deliver, letter("poll@example.ru", "Опрос"))
            news = await connector.wait_for_news(0.2)  # a plain sleep: it cannot know
            return news, await connector.sync_folders()
        finally:
            await connector.aclose()

    assert asyncio.run(run()) == (False, 1)


def test_a_folder_the_server_lacks_does_not_stop_the_others(
    db: Database, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    box = dovecot.new_mailbox()
    channel_id = mailbox_channel(db, box, monkeypatch, folders=("Нет такой", "INBOX"))
    box.deliver(letter("folder@example.ru", "Папки"))
    assert sync(db, channel_id) == 1
    only_missing = mailbox_channel(db, box, monkeypatch, folders=("Нет такой",))
    with pytest.raises(ConnectorError, match="refused select folder"):
        sync(db, only_missing)


def test_large_letters_are_fetched_in_batches_bounded_by_bytes(
    db: Database, dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path  # noqa: F811
) -> None:
    from app.services import mail
    from app.services.permissions import Actor

    box = dovecot.new_mailbox()
    channel_id = mailbox_channel(db, box, monkeypatch)
    payload = bytes(range(256)) * (6 * 4096)  # 6 MiB, generated here rather than kept in the corpus
    big = EmailMessage()
    big["From"], big["To"], big["Subject"] = "big@example.ru", "sales@firma.ru", "Чертежи"
    big["Message-ID"] = make_msgid(domain="example.ru")
    big.set_content("Чертежи во вложении.")
    big.add_attachment(payload, maintype="application", subtype="octet-stream", filename="чертёж.dwg")
    box.deliver(letter("a@example.ru", "До"), big.as_bytes(), letter("b@example.ru", "После"))

    batches: list[int] = []
    real = mail_connector.store_letters

    def counting(uow: UnitOfWork, channel: int, folder: str, letters: Sequence[FetchedLetter], *,
                 cursor: FolderCursor | None = None) -> StoreResult:
        batches.append(len(letters))
        return real(uow, channel, folder, letters, cursor=cursor)

    monkeypatch.setattr(mail_connector, "store_letters", counting)
    monkeypatch.setattr(mail_connector, "BATCH_BYTES", 1024 * 1024)
    assert sync(db, channel_id) == 3
    assert batches == [1, 1, 1]  # the big letter alone, and it closes the small ones' batches
    (row,) = [row for row in letters_of(db, channel_id) if row.subject == "Чертежи"]
    assert [(item["name"], item["size"]) for item in row.attachments] == [("чертёж.dwg", len(payload))]
    with db.session() as session:
        saved = mail.save_attachment(session, Actor.system(), row.id, row.attachments[0]["index"], tmp_path)
    assert saved.name == "чертёж.dwg" and saved.read_bytes() == payload
