"""Mail's words: folder names by role, lead state badges, file sizes, errors as sentences."""

from __future__ import annotations

import logging
import smtplib

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale

from app.domain.errors import InflowError

log = logging.getLogger(__name__)

CONTEXT = "Mail"

FOLDER_ROLES = {
    "inbox": QT_TRANSLATE_NOOP("Mail", "Inbox"),
    "sent": QT_TRANSLATE_NOOP("Mail", "Sent"),
    "drafts": QT_TRANSLATE_NOOP("Mail", "Drafts"),
    "trash": QT_TRANSLATE_NOOP("Mail", "Trash"),
    "junk": QT_TRANSLATE_NOOP("Mail", "Junk"),
    "archive": QT_TRANSLATE_NOOP("Mail", "Archive"),
}

# Colours of the lead badge in the list (the board's state colours, quieter).
STATE_COLORS = {
    "new": "#1565c0",
    "repeat": "#6a1b9a",
    "in_progress": "#ef6c00",
    "converted": "#2e7d32",
    "repeat_processed": "#2e7d32",
    "rejected": "#757575",
}


def tr(text: str) -> str:
    """Translate in the "Mail" context."""
    return QCoreApplication.translate(CONTEXT, text)


def folder_name(name: str, role: str) -> str:
    """A folder as a person reads it: the role's translated name for well-known folders."""
    return tr(FOLDER_ROLES[role]) if role in FOLDER_ROLES else name


def file_size(size: int) -> str:
    """ "12 KB", "3.4 MB" in the user's locale."""
    return QLocale().formattedDataSize(max(0, size), 1, QLocale.DataSizeFormat.DataSizeTraditionalFormat)


def mail_sentence(error: BaseException) -> str:
    """What a person reads when a mail action failed: the service's sentence, or a plain one."""
    if isinstance(error, InflowError):
        return str(error)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return QCoreApplication.translate("Mail", "The mail server refused the recipients: %1").replace(
            "%1", ", ".join(str(r) for r in error.recipients)
        )
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return QCoreApplication.translate(
            "Mail", "The mail server did not accept the mailbox's login or password."
        )
    if isinstance(error, (smtplib.SMTPException, OSError)):
        return QCoreApplication.translate(
            "Mail", "The mail server could not be reached or refused the letter (%1)."
        ).replace("%1", str(error) or type(error).__name__)
    log.error("unexpected error in a mail action", exc_info=error)
    return QCoreApplication.translate("Mail", "Something went wrong (%1); nothing was changed.").replace(
        "%1", type(error).__name__
    )
