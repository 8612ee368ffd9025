"""The Reports workspace's words: report and period names, column titles, values in the user's locale.

Column titles come from ``app/services/reports.py`` in English and are translated in the context
``"ReportColumns"``; :data:`COLUMN_TITLES` lists every one of them with ``QT_TRANSLATE_NOOP`` so that
lupdate sees them (a test checks that every title the service uses is listed here).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QLocale
from PySide6.QtGui import QColor

from app.services.reports import ColumnType, PeriodPreset, ReportName
from ui.my_sales import words as board_words

CONTEXT = "Reports"
COLUMNS_CONTEXT = "ReportColumns"

REPORT_TITLES: dict[ReportName, str] = {
    ReportName.LEADS: QT_TRANSLATE_NOOP("Reports", "Lead analysis"),
    ReportName.REJECTIONS: QT_TRANSLATE_NOOP("Reports", "Rejection reasons"),
    ReportName.FUNNEL: QT_TRANSLATE_NOOP("Reports", "Sales funnel"),
    ReportName.CONTROL: QT_TRANSLATE_NOOP("Reports", "Supervisor control"),
    ReportName.MISSED_CALLS: QT_TRANSLATE_NOOP("Reports", "Missed calls"),
    ReportName.RESPONSE_TIME: QT_TRANSLATE_NOOP("Reports", "Response time"),
    ReportName.SOURCES: QT_TRANSLATE_NOOP("Reports", "Source effectiveness"),
    ReportName.KPI: QT_TRANSLATE_NOOP("Reports", "Daily KPI"),
}

REPORT_HINTS: dict[ReportName, str] = {
    ReportName.LEADS: QT_TRANSLATE_NOOP(
        "Reports", "Leads of the period by state and channel kind, per channel"
    ),
    ReportName.REJECTIONS: QT_TRANSLATE_NOOP("Reports", "Why leads were lost: by reason, channel, manager"),
    ReportName.FUNNEL: QT_TRANSLATE_NOOP("Reports", "Interests by stage, with stage-to-stage conversion"),
    ReportName.CONTROL: QT_TRANSLATE_NOOP(
        "Reports", "Traffic light per manager and client: who is in trouble with whom"
    ),
    ReportName.MISSED_CALLS: QT_TRANSLATE_NOOP(
        "Reports", "Missed calls, how many were called back and how fast"
    ),
    ReportName.RESPONSE_TIME: QT_TRANSLATE_NOOP("Reports", "Arrival → first action: median and p90"),
    ReportName.SOURCES: QT_TRANSLATE_NOOP(
        "Reports", "Leads, target share, conversion and rejection by advertising source"
    ),
    ReportName.KPI: QT_TRANSLATE_NOOP("Reports", "Leads in, processed, overdue, converted, missed calls"),
}

PERIOD_TITLES: dict[PeriodPreset, str] = {
    PeriodPreset.TODAY: QT_TRANSLATE_NOOP("Reports", "Today"),
    PeriodPreset.YESTERDAY: QT_TRANSLATE_NOOP("Reports", "Yesterday"),
    PeriodPreset.WEEK: QT_TRANSLATE_NOOP("Reports", "This week"),
    PeriodPreset.MONTH: QT_TRANSLATE_NOOP("Reports", "This month"),
    PeriodPreset.QUARTER: QT_TRANSLATE_NOOP("Reports", "This quarter"),
    PeriodPreset.YEAR: QT_TRANSLATE_NOOP("Reports", "This year"),
    PeriodPreset.CUSTOM: QT_TRANSLATE_NOOP("Reports", "Custom…"),
}

YES_NO = (QT_TRANSLATE_NOOP("Reports", "Yes"), QT_TRANSLATE_NOOP("Reports", "No"))

LIGHTS: dict[str, str] = {
    "red": QT_TRANSLATE_NOOP("Reports", "Red"),
    "yellow": QT_TRANSLATE_NOOP("Reports", "Yellow"),
    "green": QT_TRANSLATE_NOOP("Reports", "Green"),
}

# Pale enough for black text to stay readable on them; the text says the colour as well.
LIGHT_COLORS: dict[str, str] = {"red": "#f8c4c4", "yellow": "#fbe9a6", "green": "#c8e9c4"}

# Every column title app/services/reports.py uses (context "ReportColumns"); lupdate reads this list.
COLUMN_TITLES: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("ReportColumns", "Kind"),
    QT_TRANSLATE_NOOP("ReportColumns", "Channel"),
    QT_TRANSLATE_NOOP("ReportColumns", "New"),
    QT_TRANSLATE_NOOP("ReportColumns", "In progress"),
    QT_TRANSLATE_NOOP("ReportColumns", "Repeat"),
    QT_TRANSLATE_NOOP("ReportColumns", "Converted"),
    QT_TRANSLATE_NOOP("ReportColumns", "Repeat (processed)"),
    QT_TRANSLATE_NOOP("ReportColumns", "Rejected"),
    QT_TRANSLATE_NOOP("ReportColumns", "Total"),
    QT_TRANSLATE_NOOP("ReportColumns", "Lead"),
    QT_TRANSLATE_NOOP("ReportColumns", "Received"),
    QT_TRANSLATE_NOOP("ReportColumns", "Contact"),
    QT_TRANSLATE_NOOP("ReportColumns", "State"),
    QT_TRANSLATE_NOOP("ReportColumns", "Responsible"),
    QT_TRANSLATE_NOOP("ReportColumns", "Result"),
    QT_TRANSLATE_NOOP("ReportColumns", "Processed"),
    QT_TRANSLATE_NOOP("ReportColumns", "Processor"),
    QT_TRANSLATE_NOOP("ReportColumns", "Grouped by"),
    QT_TRANSLATE_NOOP("ReportColumns", "Name"),
    QT_TRANSLATE_NOOP("ReportColumns", "Share"),
    QT_TRANSLATE_NOOP("ReportColumns", "Pipeline"),
    QT_TRANSLATE_NOOP("ReportColumns", "Stage"),
    QT_TRANSLATE_NOOP("ReportColumns", "Interests"),
    QT_TRANSLATE_NOOP("ReportColumns", "Amount"),
    QT_TRANSLATE_NOOP("ReportColumns", "Reached the stage"),
    QT_TRANSLATE_NOOP("ReportColumns", "Conversion from the previous stage"),
    QT_TRANSLATE_NOOP("ReportColumns", "Interest"),
    QT_TRANSLATE_NOOP("ReportColumns", "Created"),
    QT_TRANSLATE_NOOP("ReportColumns", "Title"),
    QT_TRANSLATE_NOOP("ReportColumns", "Client"),
    QT_TRANSLATE_NOOP("ReportColumns", "Manager"),
    QT_TRANSLATE_NOOP("ReportColumns", "Light"),
    QT_TRANSLATE_NOOP("ReportColumns", "Clients"),
    QT_TRANSLATE_NOOP("ReportColumns", "Green"),
    QT_TRANSLATE_NOOP("ReportColumns", "Yellow"),
    QT_TRANSLATE_NOOP("ReportColumns", "Red"),
    QT_TRANSLATE_NOOP("ReportColumns", "No active interest"),
    QT_TRANSLATE_NOOP("ReportColumns", "Overdue interactions"),
    QT_TRANSLATE_NOOP("ReportColumns", "Portrait not filled"),
    QT_TRANSLATE_NOOP("ReportColumns", "No contact info"),
    QT_TRANSLATE_NOOP("ReportColumns", "Active interest"),
    QT_TRANSLATE_NOOP("ReportColumns", "No overdue interaction"),
    QT_TRANSLATE_NOOP("ReportColumns", "Portrait filled"),
    QT_TRANSLATE_NOOP("ReportColumns", "Contact info filled"),
    QT_TRANSLATE_NOOP("ReportColumns", "Missed calls"),
    QT_TRANSLATE_NOOP("ReportColumns", "Called back"),
    QT_TRANSLATE_NOOP("ReportColumns", "Called back, share"),
    QT_TRANSLATE_NOOP("ReportColumns", "Callback time, median"),
    QT_TRANSLATE_NOOP("ReportColumns", "Callback time, p90"),
    QT_TRANSLATE_NOOP("ReportColumns", "Rang"),
    QT_TRANSLATE_NOOP("ReportColumns", "Caller"),
    QT_TRANSLATE_NOOP("ReportColumns", "After"),
    QT_TRANSLATE_NOOP("ReportColumns", "Leads"),
    QT_TRANSLATE_NOOP("ReportColumns", "With a first action"),
    QT_TRANSLATE_NOOP("ReportColumns", "With a first action, share"),
    QT_TRANSLATE_NOOP("ReportColumns", "Response time, median"),
    QT_TRANSLATE_NOOP("ReportColumns", "Response time, p90"),
    QT_TRANSLATE_NOOP("ReportColumns", "Within the SLA"),
    QT_TRANSLATE_NOOP("ReportColumns", "Source"),
    QT_TRANSLATE_NOOP("ReportColumns", "Target"),
    QT_TRANSLATE_NOOP("ReportColumns", "Target share"),
    QT_TRANSLATE_NOOP("ReportColumns", "Converted share"),
    QT_TRANSLATE_NOOP("ReportColumns", "Rejected share"),
    QT_TRANSLATE_NOOP("ReportColumns", "Leads in"),
    QT_TRANSLATE_NOOP("ReportColumns", "Overdue open leads"),
)

# The "Grouped by" column of the rejection, missed-call and response-time reports.
GROUPS: dict[str, str] = {
    "reason": QT_TRANSLATE_NOOP("Reports", "By reason"),
    "channel": QT_TRANSLATE_NOOP("Reports", "By channel"),
    "manager": QT_TRANSLATE_NOOP("Reports", "By manager"),
    "source": QT_TRANSLATE_NOOP("Reports", "By source"),
}

# Fixed English words the service puts into text cells (names of "nothing").
SERVICE_VALUES: dict[str, str] = {
    "(no reason)": QT_TRANSLATE_NOOP("Reports", "(no reason)"),
    "(no manager)": QT_TRANSLATE_NOOP("Reports", "(no manager)"),
    "(no source)": QT_TRANSLATE_NOOP("Reports", "(no source)"),
}

# Text columns whose values are the product's stored words (translated like the board shows them).
_STORED_WORDS = {
    "kind": board_words.kind_name,
    "state": board_words.state_name,
    "quality": board_words.quality_name,
}


def tr(text: str) -> str:
    """Translate one of this module's constants (context "Reports")."""
    return QCoreApplication.translate(CONTEXT, text)


def report_title(name: ReportName) -> str:
    """A report's name in words."""
    return tr(REPORT_TITLES[name])


def report_hint(name: ReportName) -> str:
    """What a report shows, one line."""
    return tr(REPORT_HINTS[name])


def period_title(preset: PeriodPreset) -> str:
    """A period preset in words."""
    return tr(PERIOD_TITLES[preset])


def column_title(title: str) -> str:
    """A column title from the service, translated."""
    return QCoreApplication.translate(COLUMNS_CONTEXT, title)


def light_name(value: str) -> str:
    """A traffic-light value in words."""
    return tr(LIGHTS.get(value, value))


def light_color(value: Any) -> QColor | None:
    """The background of a traffic-light cell (None: not a light)."""
    code = LIGHT_COLORS.get(str(value)) if value is not None else None
    return QColor(code) if code else None


def duration(seconds: float) -> str:
    """A duration, short and in the locale: "45 s", "3 min 20 s", "2 h 05 min", "3 d 4 h"."""
    total = round(seconds)
    if total < 60:
        return QCoreApplication.translate(CONTEXT, "%1 s").replace("%1", str(total))
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return (
            QCoreApplication.translate(CONTEXT, "%1 min %2 s")
            .replace("%1", str(minutes))
            .replace("%2", f"{secs:02d}")
        )
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return (
            QCoreApplication.translate(CONTEXT, "%1 h %2 min")
            .replace("%1", str(hours))
            .replace("%2", f"{minutes:02d}")
        )
    days, hours = divmod(hours, 24)
    return QCoreApplication.translate(CONTEXT, "%1 d %2 h").replace("%1", str(days)).replace("%2", str(hours))


def percent(share: float) -> str:
    """A share 0..1 as a percentage in the locale ("12.5 %" / "12,5 %")."""
    text = QLocale().toString(share * 100, "f", 1)
    return QCoreApplication.translate(CONTEXT, "%1 %").replace("%1", text)


def display(kind: ColumnType, key: str, value: Any) -> str:
    """A cell's text: numbers grouped, shares and durations in the locale, lights in words."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    locale = QLocale()
    match kind:
        case ColumnType.INT:
            return locale.toString(int(value))
        case ColumnType.PERCENT:
            return percent(float(value))
        case ColumnType.SECONDS:
            return duration(float(value))
        case ColumnType.MONEY:
            return board_words.money(Decimal(value))
        case ColumnType.DATE:
            day = value if isinstance(value, date) else date.fromisoformat(str(value))
            return locale.toString(QDate(day.year, day.month, day.day), QLocale.FormatType.ShortFormat)
        case ColumnType.DATETIME:
            moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
            return board_words.local_time(moment)
        case ColumnType.LIGHT:
            return light_name(str(value))
    if isinstance(value, bool):
        return tr("Yes") if value else tr("No")
    text = str(value)
    if key == "group" and text in GROUPS:
        return tr(GROUPS[text])
    if text in SERVICE_VALUES:
        return tr(SERVICE_VALUES[text])
    stored = _STORED_WORDS.get(key)
    return stored(text) if stored is not None else text


def sort_value(kind: ColumnType, value: Any) -> float | str:
    """A value that sorts the column naturally: figures as numbers (empty first), text case-blind.

    Always a float or a str per column (never None): the proxy compares variants of one type.
    """
    if kind in (ColumnType.INT, ColumnType.PERCENT, ColumnType.SECONDS, ColumnType.MONEY):
        return float(Decimal(value)) if value is not None else -math.inf
    if kind is ColumnType.LIGHT:
        return float({"red": 0, "yellow": 1, "green": 2}.get(str(value), 3))
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value).casefold()


def numeric(kind: ColumnType) -> bool:
    """Whether a column is a figure (right-aligned)."""
    return kind in (ColumnType.INT, ColumnType.PERCENT, ColumnType.SECONDS, ColumnType.MONEY)
