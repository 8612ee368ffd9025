"""What the Mail widgets show, as frozen values: mailboxes, folders, list rows, one letter, a draft.

The widgets and models read only these; :mod:`ui.mail.service` is the one place that calls
``app.services.mail`` (on a pool thread) and turns its DTOs into them. So the widgets do not
depend on how the backend names its fields, and tests can build letters without a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum


@dataclass(frozen=True, slots=True)
class Address:
    """A decoded mail address: the display name (may be empty) and the address."""

    name: str
    address: str

    def display(self) -> str:
        """ "Name <address>" or just the address."""
        if self.name and self.name != self.address:
            return f"{self.name} <{self.address}>"
        return self.address

    def short(self) -> str:
        """The name when there is one, else the address (list rows)."""
        return self.name or self.address


@dataclass(frozen=True, slots=True)
class Folder:
    """A mailbox's folder with its counts."""

    id: int
    mailbox_id: int
    name: str
    role: str  # "inbox", "sent", "drafts", "trash", "junk" or "" for any other folder
    unread: int
    total: int


@dataclass(frozen=True, slots=True)
class Mailbox:
    """A mailbox (an e-mail channel) and its folders."""

    id: int
    name: str
    address: str
    lead_source: bool
    signature: str
    folders: tuple[Folder, ...]

    @property
    def unread(self) -> int:
        """Unread letters of the inbox (what the tree shows next to the mailbox)."""
        return sum(f.unread for f in self.folders if f.role == "inbox")


@dataclass(frozen=True, slots=True)
class MessageRow:
    """One row of the message list: a letter, placed in its thread."""

    id: int
    thread_id: int | str
    depth: int  # 0 for a thread's first letter, 1.. for its answers (indented)
    sender: Address
    subject: str
    date: datetime | None
    unread: bool
    has_attachments: bool
    lead_id: int | None
    lead_state: str | None  # LeadState value of the lead the letter made or belongs to


@dataclass(frozen=True, slots=True)
class Attachment:
    """A part of a letter: a file (or an inline image referred to by ``cid:``)."""

    id: int
    filename: str
    content_type: str
    size: int
    content_id: str | None = None
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Letter:
    """One letter as the reading pane shows it."""

    id: int
    mailbox_id: int
    folder_id: int | None
    message_id: str
    subject: str
    sender: Address
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    date: datetime | None
    text: str
    html: str | None
    attachments: tuple[Attachment, ...]
    lead_id: int | None = None
    lead_state: str | None = None
    unread: bool = False
    reply_to: tuple[Address, ...] = ()
    # What could not be decoded cleanly (sentences from the mail service), shown above the body.
    problems: tuple[str, ...] = ()
    # Inline parts' bytes by content id (fetched with the letter: the pane must not wait for them).
    inline_parts: dict[str, bytes] = field(default_factory=dict, compare=False, hash=False)

    @property
    def files(self) -> tuple[Attachment, ...]:
        """The attachments a person saves (inline images shown in the body are left out)."""
        return tuple(a for a in self.attachments if not (a.inline and a.content_id))


class ComposeMode(Enum):
    """Why a draft is written."""

    NEW = "new"
    REPLY = "reply"
    REPLY_ALL = "reply_all"
    FORWARD = "forward"


@dataclass(frozen=True, slots=True)
class OutgoingFile:
    """A file attached by the writer (read from disk when the letter is sent)."""

    path: str
    name: str
    size: int


@dataclass(frozen=True, slots=True)
class Draft:
    """What the compose dialog sends."""

    mailbox_id: int
    mode: ComposeMode
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    body: str
    files: tuple[OutgoingFile, ...]
    original_id: int | None = None  # the letter answered or forwarded (a forward carries it whole)


@dataclass(frozen=True, slots=True)
class TaskDraft:
    """A task to create from a letter (the letter is attached to it)."""

    letter_id: int
    title: str
    due_at: datetime
    assignee_id: int
    comment: str
