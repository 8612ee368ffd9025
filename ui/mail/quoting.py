"""How a reply or a forward starts: recipients, "Re:"/"Fwd:" subjects, the quoted original, the signature.

Plain functions over :mod:`ui.mail.shapes` values (no widgets), so the compose dialog and the
tests agree on one behaviour: the signature goes above the quote (the writer types over it), the
original is quoted line by line with "> ", and reply-all leaves out the mailbox's own address.
"""

from __future__ import annotations

import re
from datetime import datetime

from PySide6.QtCore import QCoreApplication

from ui.mail.shapes import Address, ComposeMode, Letter

_CONTEXT = "MailCompose"
# "Re:", "RE :", "Fwd:", "Fw:", and the Russian "Ответ:"/"Пересл.:" some clients write; repeated ones too.
_PREFIX = re.compile(r"^\s*((re|fwd?|aw|ответ|пересл\.?)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
SIGNATURE_SEPARATOR = "-- "


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def bare_subject(subject: str) -> str:
    """The subject without its reply/forward prefixes."""
    return _PREFIX.sub("", subject or "").strip()


def reply_subject(subject: str, mode: ComposeMode) -> str:
    """ "Re: …" for a reply, "Fwd: …" for a forward, the subject as is for a new letter."""
    if mode is ComposeMode.NEW:
        return subject
    prefix = "Fwd: " if mode is ComposeMode.FORWARD else "Re: "
    return prefix + bare_subject(subject)


def _unique(addresses: list[Address], leave_out: set[str]) -> list[str]:
    seen = set(leave_out)
    result: list[str] = []
    for address in addresses:
        key = address.address.strip().lower()
        if key and key not in seen:
            seen.add(key)
            result.append(address.display())
    return result


def recipients(letter: Letter, mode: ComposeMode, own: str) -> tuple[list[str], list[str]]:
    """To and Cc of an answer: the sender (or Reply-To); reply-all adds the others but not ourselves."""
    if mode in (ComposeMode.NEW, ComposeMode.FORWARD):
        return [], []
    mine = {own.strip().lower()} if own else set()
    first = list(letter.reply_to) or [letter.sender]
    to = _unique(first, mine)
    if mode is ComposeMode.REPLY:
        return to, []
    taken = mine | {a.address.strip().lower() for a in first}
    to += _unique(list(letter.to), taken)
    taken |= {a.address.strip().lower() for a in letter.to}
    cc = _unique(list(letter.cc), taken)
    return to, cc


def format_date(value: datetime | None) -> str:
    """A letter's date in the reader's local time, or a dash."""
    if value is None:
        return "—"
    return value.astimezone().strftime("%d.%m.%Y %H:%M")


def quoted(letter: Letter, mode: ComposeMode) -> str:
    """The original under the answer: "> " lines for a reply, a header block for a forward."""
    text = letter.text or ""
    if mode is ComposeMode.FORWARD:
        header = [
            _tr("-------- Forwarded message --------"),
            _tr("From: %1").replace("%1", letter.sender.display()),
            _tr("Date: %1").replace("%1", format_date(letter.date)),
            _tr("Subject: %1").replace("%1", letter.subject),
            _tr("To: %1").replace("%1", ", ".join(a.display() for a in letter.to)),
        ]
        return "\n".join(header) + "\n\n" + text
    intro = (
        _tr("On %1, %2 wrote:")
        .replace("%1", format_date(letter.date))
        .replace("%2", letter.sender.display())
    )
    lines = text.splitlines() or [""]
    # "> " before a line, ">" before an already quoted one (so "> >" does not grow spaces).
    body = [">" + (" " + line if line and not line.startswith(">") else line) for line in lines]
    return intro + "\n" + "\n".join(body)


def initial_body(letter: Letter | None, mode: ComposeMode, signature: str) -> tuple[str, int]:
    """The body a draft starts with and where the cursor goes (before the signature)."""
    parts: list[str] = ["", ""]
    if signature.strip():
        parts += [SIGNATURE_SEPARATOR, signature.strip("\n"), ""]
    if letter is not None and mode is not ComposeMode.NEW:
        parts += [quoted(letter, mode)]
    return "\n".join(parts), 0
