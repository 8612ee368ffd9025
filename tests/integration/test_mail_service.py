"""The Mail workspace's service (app/services/mail.py) with real dovecot and aiosmtpd servers."""

from __future__ import annotations

from datetime import timedelta
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.domain.enums import InteractionKind, InteractionStatus, LeadState
from app.domain.errors import NotFound, PermissionDenied, ValidationError
from app.mail_decode import parse_letter
from app.mail_transport import MailTransportError
from app.persistence.models import Channel, Interaction, MailLetter
from app.persistence.types import utcnow
from app.persistence.uow import Database
from app.services import mail
from app.services.mail import Draft, FetchedLetter, FolderCursor, Intake, ReplyMode
from app.services.permissions import Actor
from tests.factories import actor_of, build, make_channel, make_user, unique
from tests.integration.test_mail_sync import letter, mailbox_channel
from tests.mail_servers import (  # noqa: F401
    Dovecot,
    SmtpSink,
    _smtp_session,
    dovecot,
    smtp_server,
)

CORPUS = Path(__file__).resolve().parents[1] / "mail_corpus"
SYSTEM = Actor.system()


def store(db: Database, channel_id: int, *raws: bytes, folder: str = "INBOX") -> list[int]:
    """Store letters as the connector would (UIDs 1…n after what the folder has)."""
    with db.uow() as uow:
        cursor = mail.read_cursor(uow.session, channel_id, folder)
        start = cursor.last_uid if cursor else 0
        letters = [
            FetchedLetter(start + n + 1, raw, utcnow() + timedelta(seconds=n)) for n, raw in enumerate(raws)
        ]
        cursor = FolderCursor(7, start + len(raws))
        result = mail.store_letters(uow, channel_id, folder, letters, cursor=cursor)
        return list(result.letter_ids)


def plain_channel(db: Database, *, lead_source: bool = True, **settings: Any) -> int:
    def make(session: Any) -> Any:
        channel = make_channel(session, unique("Ящик"), kind="email", lead_source=lead_source)
        channel.settings = {"address": "sales@firma.ru", **settings}
        return channel

    return int(build(db, make).id)


def test_mailboxes_folders_and_unread_counts(db: Database) -> None:
    channel_id = plain_channel(db, signature="С уважением, отдел продаж")
    ids = store(db, channel_id, letter("a@x.ru", "Один"), letter("b@x.ru", "Два"))
    store(db, channel_id, letter("c@x.ru", "Архив"), folder="Archive")
    with db.uow() as uow:
        assert mail.mark_read(uow, SYSTEM, [ids[0]]) == 1
        assert mail.mark_read(uow, SYSTEM, [ids[0]]) == 0  # already read
    with db.session() as session:
        (box,) = [b for b in mail.mailboxes(session, SYSTEM) if b.channel_id == channel_id]
    assert box.address == "sales@firma.ru" and box.lead_source
    assert box.signature == "С уважением, отдел продаж"
    assert [(f.name, f.role, f.total, f.unread) for f in box.folders] == [
        ("INBOX", "inbox", 2, 1),
        ("Archive", None, 1, 1),
    ]
    assert box.unread == 2


def test_the_message_list_groups_threads_newest_first_and_pages(db: Database) -> None:
    channel_id = plain_channel(db)
    root = make_msgid(domain="x.ru")
    store(db, channel_id, letter("a@x.ru", "Тема", message_id=root))
    store(db, channel_id, letter("b@x.ru", "Другое"))
    store(db, channel_id, letter("a@x.ru", "Re: Тема", In_Reply_To=root, References=root))
    with db.session() as session:
        folder_id = mail.mailboxes(session, SYSTEM)[0].folders[0].id
        page = mail.message_list(session, SYSTEM, folder_id, limit=1)
        assert page.total_threads == 2 and page.has_more
        (thread,) = page.threads
        assert thread.key == root and thread.count == 2 and thread.subject == "Тема"
        assert [item.subject for item in thread.letters] == ["Тема", "Re: Тема"]
        assert [item.intake for item in thread.letters] == [Intake.LEAD.value, Intake.THREAD.value]
        assert {item.lead_state for item in thread.letters} == {LeadState.NEW}
        second = mail.message_list(session, SYSTEM, folder_id, offset=1, limit=1)
        assert [t.subject for t in second.threads] == ["Другое"] and not second.has_more


def test_open_letter_and_save_an_attachment(db: Database, tmp_path: Path) -> None:
    channel_id = plain_channel(db)
    (letter_id,) = store(db, channel_id, (CORPUS / "rfc2231_names.eml").read_bytes())
    with db.session() as session:
        detail = mail.open_letter(session, SYSTEM, letter_id)
        assert detail.summary.subject == "Документы" and detail.text.startswith("Документы во вложении")
        assert [a.name for a in detail.attachments] == ["Счёт на оплату.pdf", "Договор поставки.docx"]
        assert detail.summary.has_attachments
        saved = mail.save_attachment(session, SYSTEM, letter_id, detail.attachments[0].index, tmp_path)
    assert saved.name == "Счёт на оплату.pdf" and saved.read_bytes() == b"%PDF-1.4 fake"
    with db.session() as session:
        assert mail.attachment_bytes(session, SYSTEM, letter_id, detail.attachments[1].index) == (
            "Договор поставки.docx",
            b"PK fake docx",
        )
        with pytest.raises(NotFound):
            mail.attachment_bytes(session, SYSTEM, letter_id, 99)


def test_a_task_from_a_letter_carries_the_letter(db: Database) -> None:
    channel_id = plain_channel(db)
    (letter_id,) = store(db, channel_id, letter("task@x.ru", "Перезвонить"))
    due = utcnow() + timedelta(days=1)
    with db.uow() as uow:
        task = mail.create_task_from_letter(uow, SYSTEM, letter_id, due_at=due)
    assert task.letter_id == letter_id and task.lead_id is not None and task.planned_at == due
    with db.session() as session:
        stored = session.get_one(Interaction, task.id)
        assert (stored.kind, stored.status) == (InteractionKind.TASK.value, InteractionStatus.PLANNED.value)
        assert stored.subject == "Letter: Перезвонить"


def test_mail_is_visible_to_its_people_only(db: Database) -> None:
    manager = build(db, make_user, unique("m"), roles=["manager"])
    dispatcher = build(db, make_user, unique("d"), roles=["dispatcher"])
    channel_id = plain_channel(db)
    (letter_id,) = store(db, channel_id, letter("private@x.ru", "Внутреннее"))
    stranger, boss = actor_of(db, manager), actor_of(db, dispatcher)
    with db.session() as session:
        assert [b.channel_id for b in mail.mailboxes(session, stranger)] == []
        with pytest.raises(NotFound):
            mail.open_letter(session, stranger, letter_id)
        folder_id = mail.mailboxes(session, boss)[0].folders[0].id
        with pytest.raises(PermissionDenied):
            mail.message_list(session, stranger, folder_id)
        assert mail.open_letter(session, boss, letter_id).summary.subject == "Внутреннее"


def test_reply_all_and_forward_drafts(db: Database) -> None:
    channel_id = plain_channel(db, signature="Отдел продаж")
    raw = letter("Клиент <client@x.ru>", "Цены", Cc="Коллега <colleague@x.ru>, sales@firma.ru")
    (letter_id,) = store(db, channel_id, raw)
    with db.session() as session:
        reply_all = mail.compose(session, SYSTEM, ReplyMode.REPLY_ALL, letter_id=letter_id)
        forward = mail.compose(session, SYSTEM, ReplyMode.FORWARD, letter_id=letter_id)
        with pytest.raises(ValidationError):
            mail.compose(session, SYSTEM, ReplyMode.REPLY)
    assert reply_all.to == ("client@x.ru",) and reply_all.subject == "Re: Цены"
    assert reply_all.cc == ("Коллега <colleague@x.ru>",)  # our own address is left out
    assert "-- \nОтдел продаж" in reply_all.text and "> Хочу купить" in reply_all.text
    assert forward.to == () and forward.subject == "Fwd: Цены"


def test_a_reply_reaches_smtp_with_threading_headers_and_lands_in_sent(
    db: Database,
    dovecot: Dovecot,  # noqa: F811
    smtp_server: SmtpSink,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    box = dovecot.new_mailbox()
    channel_id = mailbox_channel(db, box, monkeypatch)
    with db.uow() as uow:
        channel = uow.session.get_one(Channel, channel_id)
        channel.settings = {
            **channel.settings, "smtp_host": smtp_server.host, "smtp_port": smtp_server.port,
            "signature": "Отдел продаж ООО «Фирма»",
        }
    root = make_msgid(domain="client.example.ru")
    original = letter("Клиент <client@example.ru>", "Нужна цена", "Сколько стоит?",
                      message_id=make_msgid(domain="client.example.ru"), References=root)
    (letter_id,) = store(db, channel_id, original)
    with db.session() as session:
        draft = mail.compose(session, SYSTEM, ReplyMode.REPLY, letter_id=letter_id)
        lead_id = session.get_one(MailLetter, letter_id).lead_id
    assert lead_id is not None
    sent = mail.send_letter(db, SYSTEM, Draft(**{**_fields(draft), "text": "Цена 100 ₽\n" + draft.text}))
    assert sent.problem is None and sent.sent_folder == "Sent"

    (received,) = smtp_server.received
    original_id = parse_letter(original).message_id
    assert received.recipients == ["client@example.ru"]
    assert received.message["In-Reply-To"] == original_id
    assert received.message["References"].split() == [root, original_id]
    assert received.message["Subject"] == "Re: Нужна цена"
    body = received.message.get_body(("plain",))
    assert body is not None and "Отдел продаж ООО «Фирма»" in body.get_content()

    copies = box.messages("Sent")
    assert len(copies) == 1 and b"\\Seen" in copies[0][1]
    assert parse_letter(copies[0][0]).message_id == sent.message_id
    with db.session() as session:
        stored = session.get_one(MailLetter, sent.letter.id)
        assert (stored.direction, stored.intake, stored.lead_id) == ("out", Intake.OUTGOING.value, lead_id)
        assert stored.uid is not None  # APPENDUID
        letters = mail.lead_letters(session, SYSTEM, lead_id)
        assert [item.direction for item in letters] == ["in", "out"]
        # Answering our own sent letter writes to its recipient again, not to ourselves.
        again = mail.compose(session, SYSTEM, ReplyMode.REPLY_ALL, letter_id=stored.id)
        assert again.to == ("client@example.ru",) and again.cc == ()
        timeline = session.scalars(
            select(Interaction).where(Interaction.lead_id == lead_id, Interaction.letter_id == stored.id)
        ).all()
        assert len(timeline) == 1

    # The customer answers our reply: the letter joins the same lead, no new lead.
    answer = letter("client@example.ru", "Re: Re: Нужна цена", "Беру", In_Reply_To=sent.message_id,
                    References=f"{root} {original_id} {sent.message_id}")
    (answer_id,) = store(db, channel_id, answer)
    with db.session() as session:
        row = session.get_one(MailLetter, answer_id)
        assert (row.intake, row.lead_id) == (Intake.THREAD.value, lead_id)


def _fields(draft: Draft) -> dict[str, Any]:
    return {name: getattr(draft, name) for name in Draft.__dataclass_fields__}


def test_sending_without_recipients_or_a_server_is_refused_with_a_sentence(db: Database) -> None:
    channel_id = plain_channel(db)
    with pytest.raises(ValidationError, match="recipient"):
        mail.send_letter(db, SYSTEM, Draft(channel_id=channel_id, to=(), subject="x", text="y"))
    with pytest.raises(MailTransportError, match="no SMTP server"):
        mail.send_letter(db, SYSTEM, Draft(channel_id=channel_id, to=("a@x.ru",), subject="x", text="y"))


def test_the_mailbox_password_saved_by_the_settings_is_found_by_the_sync(db: Database) -> None:
    from app.services import secrets

    channel_id = plain_channel(db, imap_host="127.0.0.1", imap_port=1, login="robot")
    with db.session() as session:
        assert mail.mailbox_account(session, channel_id).password is None
    with db.uow() as uow:  # as the channel dialog saves it
        installation = secrets.installation_id(uow.session)
    secrets.set_secret(secrets.SecretKind.MAIL_PASSWORD, channel_id, "пароль", installation=installation)
    with db.session() as session:
        assert mail.mailbox_account(session, channel_id).password == "пароль"


def test_forward_and_new_letters_go_out_with_the_original_attached_and_the_signature(
    db: Database,
    dovecot: Dovecot,  # noqa: F811
    smtp_server: SmtpSink,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    box = dovecot.new_mailbox()
    channel_id = mailbox_channel(db, box, monkeypatch)
    with db.uow() as uow:
        channel = uow.session.get_one(Channel, channel_id)
        channel.settings = {
            **channel.settings, "smtp_host": smtp_server.host, "smtp_port": smtp_server.port,
            "security": "none", "signature": "Отдел продаж",
        }
    (letter_id,) = store(db, channel_id, (CORPUS / "rfc2231_names.eml").read_bytes())
    with db.session() as session:
        forward = mail.compose(session, SYSTEM, ReplyMode.FORWARD, letter_id=letter_id)
        new = mail.compose(session, SYSTEM, ReplyMode.NEW, channel_id=channel_id)
    mail.send_letter(db, SYSTEM, Draft(**{**_fields(forward), "to": ("Начальник <boss@firma.ru>",)}))
    mail.send_letter(db, SYSTEM, Draft(**{**_fields(new), "to": ("client@example.ru",), "subject": "Привет"}))

    forwarded, fresh = smtp_server.received
    assert forwarded.recipients == ["boss@firma.ru"]
    assert forwarded.message["Subject"] == "Fwd: Документы" and forwarded.message["In-Reply-To"] is None
    attached = list(forwarded.message.iter_attachments())
    (inner,) = [part for part in attached if part.get_content_type() == "message/rfc822"]
    assert parse_letter(inner.get_content().as_bytes()).subject == "Документы"
    assert fresh.message["Subject"] == "Привет"
    body = fresh.message.get_body(("plain",))
    assert body is not None
    assert body.get_content().replace("\r\n", "\n").rstrip().endswith("-- \nОтдел продаж")
    assert len(box.messages("Sent")) == 2


def test_nul_bytes_and_undecodable_headers_are_stored_on_every_engine(db: Database) -> None:
    channel_id = plain_channel(db)
    raw = (
        b"From: \xff\xfe <weird@x.ru>\r\nSubject: =?utf-8?B?" + b"0J/RgNC40LLQtdGC" + b"?= \x00\xc0\r\n"
        b"Message-ID: <nul@x.ru>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        b"\xd0\x9f\xd1\x80\xd0\xb8\x00\xd0\xb2\xd0\xb5\xd1\x82 \xff\r\n"
    )
    (letter_id,) = store(db, channel_id, raw)
    with db.session() as session:
        detail = mail.open_letter(session, SYSTEM, letter_id)
    assert detail.summary.subject.startswith("Привет") and "\x00" not in detail.summary.subject
    assert "\x00" not in detail.text and detail.summary.lead_id is not None


def test_a_reply_stored_in_the_same_batch_as_its_letter_joins_that_lead(db: Database) -> None:
    channel_id = plain_channel(db)
    first_id = make_msgid(domain="client.example.ru")
    second_id = make_msgid(domain="client.example.ru")
    ids = store(
        db,
        channel_id,
        letter("batch@example.ru", "Вопрос", message_id=first_id),
        letter("batch@example.ru", "Re: Вопрос", "Уточнение", message_id=second_id,
               In_Reply_To=first_id, References=first_id),
        # A reply to the reply: the chain is followed within the batch too.
        letter("batch@example.ru", "Re: Re: Вопрос", "Ещё", In_Reply_To=second_id,
               References=f"{first_id} {second_id}"),
        letter("other@example.ru", "Другое"),
    )
    with db.session() as session:
        rows = [session.get(MailLetter, letter_id) for letter_id in ids]
        assert all(row is not None for row in rows)
        intakes = [row.intake for row in rows if row is not None]
        lead_ids = [row.lead_id for row in rows if row is not None]
        timeline = session.scalars(
            select(Interaction.letter_id).where(Interaction.lead_id == lead_ids[0])
        ).all()
    assert intakes == [Intake.LEAD.value, Intake.THREAD.value, Intake.THREAD.value, Intake.LEAD.value]
    assert lead_ids[0] == lead_ids[1] == lead_ids[2] != lead_ids[3]
    assert sorted(timeline) == sorted(ids[1:3])
