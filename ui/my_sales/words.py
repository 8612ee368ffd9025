"""The product's stored words (states, kinds, history fields) as a person reads them, translated.

Constants are marked with ``QT_TRANSLATE_NOOP`` so lupdate finds them; the functions translate at
call time, so a language switch needs no restart of these tables.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDateTime, QLocale

CONTEXT = "Words"

STATES = {
    "new": QT_TRANSLATE_NOOP("Words", "New"),
    "repeat": QT_TRANSLATE_NOOP("Words", "Repeat"),
    "in_progress": QT_TRANSLATE_NOOP("Words", "In progress"),
    "converted": QT_TRANSLATE_NOOP("Words", "Converted"),
    "repeat_processed": QT_TRANSLATE_NOOP("Words", "Repeat (processed)"),
    "rejected": QT_TRANSLATE_NOOP("Words", "Rejected"),
}

QUALITIES = {
    "target": QT_TRANSLATE_NOOP("Words", "Target"),
    "repeat": QT_TRANSLATE_NOOP("Words", "Repeat"),
    "non_target": QT_TRANSLATE_NOOP("Words", "Non-target"),
    "unchecked": QT_TRANSLATE_NOOP("Words", "Unchecked"),
}

KINDS = {
    "call": QT_TRANSLATE_NOOP("Words", "Calls"),
    "email": QT_TRANSLATE_NOOP("Words", "E-mail"),
    "dialog": QT_TRANSLATE_NOOP("Words", "Dialogs"),
    "request": QT_TRANSLATE_NOOP("Words", "Requests"),
}

ACTIONS = {
    "created": QT_TRANSLATE_NOOP("Words", "Received"),
    "rejected": QT_TRANSLATE_NOOP("Words", "Rejected"),
    "duplicate": QT_TRANSLATE_NOOP("Words", "Marked as a duplicate"),
    "assigned": QT_TRANSLATE_NOOP("Words", "Assigned"),
    "redirected": QT_TRANSLATE_NOOP("Words", "Redirected to a role"),
    "in_progress": QT_TRANSLATE_NOOP("Words", "Taken in progress"),
    "returned": QT_TRANSLATE_NOOP("Words", "Returned to work"),
    "converted": QT_TRANSLATE_NOOP("Words", "Converted"),
    "call_missed": QT_TRANSLATE_NOOP("Words", "Missed call"),
    "contact_shared": QT_TRANSLATE_NOOP("Words", "Shared a phone number"),
    "client_linked": QT_TRANSLATE_NOOP("Words", "Linked to a client"),
}

# The lead's fields as the card and the history name them.
FIELDS = {
    "id": QT_TRANSLATE_NOOP("Words", "Number"),
    "state": QT_TRANSLATE_NOOP("Words", "State"),
    "received_at": QT_TRANSLATE_NOOP("Words", "Received"),
    "channel": QT_TRANSLATE_NOOP("Words", "Channel"),
    "kind": QT_TRANSLATE_NOOP("Words", "Kind"),
    "contact_name": QT_TRANSLATE_NOOP("Words", "Name"),
    "raw_contact": QT_TRANSLATE_NOOP("Words", "Contact as received"),
    "phone": QT_TRANSLATE_NOOP("Words", "Phone"),
    "email": QT_TRANSLATE_NOOP("Words", "E-mail"),
    "messenger_user": QT_TRANSLATE_NOOP("Words", "Messenger"),
    "subject": QT_TRANSLATE_NOOP("Words", "Subject"),
    "message": QT_TRANSLATE_NOOP("Words", "Message"),
    "ad_source": QT_TRANSLATE_NOOP("Words", "Advertising source"),
    "quality": QT_TRANSLATE_NOOP("Words", "Quality"),
    "external_id": QT_TRANSLATE_NOOP("Words", "External id"),
    "client_id": QT_TRANSLATE_NOOP("Words", "Client"),
    "contact_person_id": QT_TRANSLATE_NOOP("Words", "Contact person"),
    "repeat_of_lead_id": QT_TRANSLATE_NOOP("Words", "Repeat of lead"),
    "duplicate_of_lead_id": QT_TRANSLATE_NOOP("Words", "Duplicate of lead"),
    "responsible_user_id": QT_TRANSLATE_NOOP("Words", "Responsible"),
    "responsible_role_id": QT_TRANSLATE_NOOP("Words", "Role"),
    "progress_status_id": QT_TRANSLATE_NOOP("Words", "Status"),
    "sla_due_at": QT_TRANSLATE_NOOP("Words", "First action due"),
    "first_action_at": QT_TRANSLATE_NOOP("Words", "First action"),
    "processed_at": QT_TRANSLATE_NOOP("Words", "Processing date"),
    "processor_id": QT_TRANSLATE_NOOP("Words", "Processor"),
    "rejection_reason_id": QT_TRANSLATE_NOOP("Words", "Rejection reason"),
    "rejection_comment": QT_TRANSLATE_NOOP("Words", "Rejection comment"),
    "result_interest_id": QT_TRANSLATE_NOOP("Words", "Interest"),
    "result_process_id": QT_TRANSLATE_NOOP("Words", "Process"),
    "created_by_id": QT_TRANSLATE_NOOP("Words", "Entered by"),
    "updated_at": QT_TRANSLATE_NOOP("Words", "Changed"),
    "version": QT_TRANSLATE_NOOP("Words", "Version"),
}

_TIMESTAMP_FIELDS = {"processed_at", "first_action_at", "sla_due_at", "received_at", "updated_at"}
_VALUE_WORDS = {"state": STATES, "quality": QUALITIES}


def tr(text: str) -> str:
    """Translate one of this module's constants."""
    return QCoreApplication.translate(CONTEXT, text)


def state_name(value: str) -> str:
    """A lead state in words."""
    return tr(STATES.get(value, value))


def quality_name(value: str) -> str:
    """A lead quality in words."""
    return tr(QUALITIES.get(value, value))


def kind_name(value: str) -> str:
    """A channel kind in words."""
    return tr(KINDS.get(value, value))


def action_name(value: str) -> str:
    """A history action in words."""
    return tr(ACTIONS.get(value, value))


def field_name(value: str) -> str:
    """A lead field in words."""
    return tr(FIELDS.get(value, value))


def local_time(value: datetime | None) -> str:
    """A UTC timestamp in the user's time zone and locale ("" for none)."""
    if value is None:
        return ""
    moment = QDateTime.fromMSecsSinceEpoch(int(value.timestamp() * 1000))
    return QLocale().toString(moment, QLocale.FormatType.ShortFormat)


def field_value(field: str, value: str | None) -> str:
    """A history value in words: states and qualities translated, timestamps localized, "—" for none."""
    if value is None or value == "":
        return "—"
    if field in _VALUE_WORDS:
        return tr(_VALUE_WORDS[field].get(value, value))
    if field in _TIMESTAMP_FIELDS:
        try:
            return local_time(datetime.fromisoformat(value))
        except ValueError:
            return value
    return value


def age_text(seconds: float) -> str:
    """How long ago, short: "now", "5 min", "2 h", "3 d"."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return QCoreApplication.translate("Words", "now")
    if minutes < 60:
        return QCoreApplication.translate("Words", "%n min", "", minutes)
    hours = minutes // 60
    if hours < 24:
        return QCoreApplication.translate("Words", "%n h", "", hours)
    return QCoreApplication.translate("Words", "%n d", "", hours // 24)


def money(amount: Decimal | None) -> str:
    """An amount in roubles, grouped by the locale, without kopecks when whole ("" for none)."""
    if amount is None:
        return ""
    locale = QLocale()
    if amount == amount.to_integral_value():
        text = locale.toString(int(amount))
    else:
        text = locale.toString(float(amount), "f", 2)
    return QCoreApplication.translate("Words", "%1 ₽").replace("%1", text)
