"""Letters for the Mail workspace's UI tests: DTO-shaped values and raw RFC 5322 letters to store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage

from ui.mail.shapes import Address, Attachment, Folder, Letter, Mailbox, MessageRow

START = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def png(color: int = 0xFF2E7D32, size: int = 4) -> bytes:
    """A small PNG picture."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(color)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def mailbox(mailbox_id: int = 1, *, inbox_unread: int = 2, signature: str = "Дина, отдел продаж") -> Mailbox:
    """A mailbox with an inbox and a Sent folder."""
    return Mailbox(
        id=mailbox_id,
        name=f"Продажи {mailbox_id}",
        address=f"sales{mailbox_id}@okna.example",
        lead_source=True,
        signature=signature,
        folders=(
            Folder(mailbox_id * 10 + 1, mailbox_id, "INBOX", "inbox", inbox_unread, 5),
            Folder(mailbox_id * 10 + 2, mailbox_id, "Sent", "sent", 0, 3),
            Folder(mailbox_id * 10 + 3, mailbox_id, "Заказы", "", 1, 1),
        ),
    )


def row(
    letter_id: int, *, thread: str = "t1", depth: int = 0, unread: bool = False, **fields: object
) -> MessageRow:
    """A message-list row."""
    values: dict[str, object] = {
        "id": letter_id,
        "thread_id": thread,
        "depth": depth,
        "sender": Address("Иван Петров", "ivan@client.example"),
        "subject": f"Окна в загородный дом {letter_id}",
        "date": START + timedelta(minutes=letter_id),
        "unread": unread,
        "has_attachments": False,
        "lead_id": None,
        "lead_state": None,
    }
    values.update(fields)
    return MessageRow(**values)  # type: ignore[arg-type]


def letter(letter_id: int = 1, **fields: object) -> Letter:
    """A letter for the reading pane."""
    values: dict[str, object] = {
        "id": letter_id,
        "mailbox_id": 1,
        "folder_id": 11,
        "message_id": f"<{letter_id}@client.example>",
        "subject": "Окна в загородный дом",
        "sender": Address("Иван Петров", "ivan@client.example"),
        "to": (Address("Продажи", "sales1@okna.example"), Address("Ольга", "olga@okna.example")),
        "cc": (Address("", "boss@client.example"),),
        "date": START,
        "text": "Здравствуйте!\nНужны окна на дачу, 6 штук.",
        "html": None,
        "attachments": (),
    }
    values.update(fields)
    return Letter(**values)  # type: ignore[arg-type]


HOSTILE_HTML = """<html><head>
<style>body { background: url(http://tracker.example/bg.png) }</style>
<script>document.write("SCRIPT-RAN")</script>
</head><body>
<p>Добрый день! Нужна <b>кухня</b> на заказ.</p>
<img src="http://tracker.example/pixel.gif?id=42" width="1" height="1">
<img src="cid:logo@client">
<script type="text/javascript">alert("SCRIPT-RAN")</script>
<a href="https://client.example/price">прайс</a>
</body></html>"""


def hostile_letter(letter_id: int = 2) -> Letter:
    """A letter whose HTML wants remote content and runs scripts, with an inline logo."""
    return letter(
        letter_id,
        subject="Кухня на заказ",
        text="Добрый день! Нужна кухня на заказ.",
        html=HOSTILE_HTML,
        attachments=(
            Attachment(0, "logo.png", "image/png", 100, "logo@client", True),
            Attachment(1, "План кухни.pdf", "application/pdf", 120_000),
        ),
        inline_parts={"logo@client": png()},
    )


def raw_letter(
    *,
    sender: str = "Иван Петров <ivan@client.example>",
    to: str = "Продажи <sales@okna.example>",
    subject: str = "Окна в загородный дом",
    text: str = "Здравствуйте!\nНужны окна на дачу, 6 штук.\n",
    html: str | None = None,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    date: datetime = START,
    files: tuple[tuple[str, bytes], ...] = (),
    inline_png: tuple[str, bytes] | None = None,
) -> bytes:
    """A letter as an IMAP server hands it out."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id or make_msgid(domain="client.example")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
        if inline_png is not None:  # a picture the HTML shows by cid: (multipart/related)
            content_id, data = inline_png
            html_part = message.get_payload()[1]  # type: ignore[index]
            html_part.add_related(data, maintype="image", subtype="png", cid=f"<{content_id}>")
    for name, data in files:
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return message.as_bytes()
