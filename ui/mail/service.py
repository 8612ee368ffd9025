"""The Mail workspace's one door to ``app.services.mail``: runs on pool threads, returns ui.mail.shapes.

Every function here runs inside ``context.tasks.run`` work (never on the GUI thread), opens its
own session or unit of work, and turns the service's DTOs into the widgets' frozen values. The
list is paged by threads (the service's offset); one page's threads are flattened into rows, the
thread's first letter unindented and its answers under it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication

from app.domain.errors import InflowError
from app.persistence.uow import Database
from app.services.permissions import Actor
from ui.mail.shapes import (
    Address,
    Attachment,
    ComposeMode,
    Draft,
    Folder,
    Letter,
    Mailbox,
    MessageRow,
    TaskDraft,
)

# Inline images bigger than this are not put into the reading pane (a 30 MB "logo" would stall it).
MAX_INLINE_BYTES = 4 * 1024 * 1024
_CID = re.compile(r"""cid:([^"'\s)>]+)""", re.IGNORECASE)


class MailUnavailable(InflowError):
    """This build has no mail service."""


def _mail() -> Any:
    try:
        from app.services import mail
    except ImportError as error:
        text = QCoreApplication.translate("Mail", "Mail is not part of this version of Inflow.")
        raise MailUnavailable(text) from error
    return mail


def _address(name: str | None, address: str | None) -> Address:
    return Address(name or "", address or "")


def mailboxes(db: Database, actor: Actor) -> list[Mailbox]:
    """The mailboxes the user may read, with their folders and counts."""
    mail = _mail()
    with db.session() as session:
        found = mail.mailboxes(session, actor)
    return [
        Mailbox(
            id=box.channel_id,
            name=box.name,
            address=box.address or "",
            lead_source=box.lead_source,
            signature=box.signature or "",
            folders=tuple(
                Folder(f.id, f.channel_id, f.name, f.role or "", f.unread, f.total) for f in box.folders
            ),
        )
        for box in found
    ]


def _row(summary: Any, depth: int) -> MessageRow:
    return MessageRow(
        id=summary.id,
        thread_id=summary.thread_key,
        depth=depth,
        sender=_address(summary.from_name, summary.from_address),
        subject=summary.subject,
        date=summary.sent_at or summary.received_at,
        unread=not summary.seen,
        has_attachments=summary.has_attachments,
        lead_id=summary.lead_id,
        lead_state=summary.lead_state.value if summary.lead_state is not None else None,
    )


def message_page(
    db: Database, actor: Actor, folder_id: int, cursor: object | None, limit: int
) -> tuple[list[MessageRow], object | None]:
    """``limit`` threads from ``cursor`` (an offset) as rows, and the next cursor (None: the end)."""
    mail = _mail()
    offset = int(cursor) if isinstance(cursor, int) else 0
    with db.session() as session:
        page = mail.message_list(session, actor, folder_id, offset=offset, limit=limit)
    rows = [
        _row(summary, 0 if n == 0 else 1)
        for thread in page.threads
        for n, summary in enumerate(thread.letters)
    ]
    return rows, (offset + len(page.threads) if page.has_more else None)


def letter(db: Database, actor: Actor, letter_id: int) -> Letter:
    """One letter with its body and files; the pictures its HTML shows come apart (:func:`inline_parts`).

    Cutting a picture out of the raw letter means parsing all of it (a 200 KB attachment costs
    ~30 ms): the pane shows the letter first and puts the pictures in when they arrive.
    """
    mail = _mail()
    with db.session() as session:
        detail = mail.open_letter(session, actor, letter_id)
        attachments = tuple(
            Attachment(a.index, a.name, a.mime, a.size, a.content_id, a.inline) for a in detail.attachments
        )
    summary = detail.summary
    reply_to = (_address("", detail.reply_to),) if detail.reply_to else ()
    return Letter(
        id=summary.id,
        mailbox_id=summary.channel_id,
        folder_id=summary.folder_id,
        message_id=detail.message_id or "",
        subject=summary.subject,
        sender=_address(summary.from_name, summary.from_address),
        to=tuple(_address(a.name, a.address) for a in detail.to),
        cc=tuple(_address(a.name, a.address) for a in detail.cc),
        date=summary.sent_at or summary.received_at,
        text=detail.text,
        html=detail.html,
        attachments=attachments,
        lead_id=summary.lead_id,
        lead_state=detail.lead_state.value if detail.lead_state is not None else None,
        unread=not summary.seen,
        reply_to=reply_to,
        problems=tuple(detail.problems),
    )


def wanted_inline(letter: Letter) -> list[Attachment]:
    """The parts a letter's HTML shows by ``cid:`` (pictures of a sensible size only)."""
    if not letter.html:
        return []
    wanted = {match.strip("<>") for match in _CID.findall(letter.html)}
    chosen = [p for p in letter.attachments if p.content_id and p.content_id.strip("<>") in wanted]
    return [p for p in chosen if p.size <= MAX_INLINE_BYTES and p.content_type.startswith("image/")]


def inline_parts(db: Database, actor: Actor, letter: Letter) -> dict[str, bytes]:
    """The bytes of the pictures a letter's HTML shows by ``cid:``, by content id."""
    chosen = wanted_inline(letter)
    if not chosen:
        return {}
    mail = _mail()
    found: dict[str, bytes] = {}
    with db.session() as session:
        for part in chosen:
            try:
                _name, data = mail.attachment_bytes(session, actor, letter.id, part.id)
            except InflowError:
                continue  # a broken part: the picture stays empty, the letter still shows
            found[str(part.content_id).strip("<>")] = data
    return found


def save_attachment(db: Database, actor: Actor, letter_id: int, part: Attachment, path: Path) -> Path:
    """Write a letter's file to ``path``; the path written."""
    mail = _mail()
    with db.session() as session:
        return Path(mail.save_attachment(session, actor, letter_id, part.id, path))


def mark_read(db: Database, actor: Actor, letter_id: int, read: bool = True) -> None:
    """Mark a letter read (or unread again)."""
    mail = _mail()
    with db.uow() as uow:
        mail.mark_read(uow, actor, [letter_id], read)


_MODES = {
    ComposeMode.NEW: "new",
    ComposeMode.REPLY: "reply",
    ComposeMode.REPLY_ALL: "reply_all",
    ComposeMode.FORWARD: "forward",
}


def send(db: Database, actor: Actor, draft: Draft) -> object:
    """Send a letter over the mailbox's SMTP and keep its copy in Sent; the service's SentLetter."""
    mail = _mail()
    outgoing = mail.Draft(
        channel_id=draft.mailbox_id,
        to=draft.to,
        cc=draft.cc,
        subject=draft.subject,
        text=draft.body,
        mode=mail.ReplyMode(_MODES[draft.mode]),
        original_letter_id=draft.original_id,
        attachments=tuple(Path(f.path) for f in draft.files),
    )
    return mail.send_letter(db, actor, outgoing)


def sent_problem(result: object) -> str:
    """What went wrong after a letter went out (its copy not in Sent), or ""."""
    return str(getattr(result, "problem", None) or "")


def create_task(db: Database, actor: Actor, draft: TaskDraft) -> object:
    """A planned task with the letter attached."""
    mail = _mail()
    with db.uow() as uow:
        return mail.create_task_from_letter(
            uow,
            actor,
            draft.letter_id,
            subject=draft.title,
            due_at=draft.due_at,
            assignee_id=draft.assignee_id,
            body=draft.comment or None,
        )


def lead_letters(db: Database, actor: Actor, lead_id: int) -> list[MessageRow]:
    """The letters of a lead's thread, oldest first."""
    mail = _mail()
    with db.session() as session:
        found = mail.lead_letters(session, actor, lead_id)
    return [_row(summary, 0) for summary in found]
