"""The product's enum values in the interface language (Settings workspace)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.domain.enums import ChannelKind, DistributionRule, ExclusionKind, StageKind, Visibility
from app.services.configuration import ZoneField
from app.services.permissions import Right

CONTEXT = "SettingsLabels"

_KIND = {
    ChannelKind.CALL: str(QT_TRANSLATE_NOOP("SettingsLabels", "Calls")),
    ChannelKind.EMAIL: str(QT_TRANSLATE_NOOP("SettingsLabels", "Mailbox")),
    ChannelKind.DIALOG: str(QT_TRANSLATE_NOOP("SettingsLabels", "Messenger")),
    ChannelKind.REQUEST: str(QT_TRANSLATE_NOOP("SettingsLabels", "Requests")),
}
_RULE = {
    DistributionRule.FIXED: str(QT_TRANSLATE_NOOP("SettingsLabels", "Fixed user")),
    DistributionRule.POOL: str(QT_TRANSLATE_NOOP("SettingsLabels", "Shared pool of a role")),
    DistributionRule.ROUND_ROBIN: str(QT_TRANSLATE_NOOP("SettingsLabels", "Round-robin over a role")),
    DistributionRule.LEAST_LOADED: str(QT_TRANSLATE_NOOP("SettingsLabels", "Least-loaded member of a role")),
    DistributionRule.ZONE: str(QT_TRANSLATE_NOOP("SettingsLabels", "By zone")),
}
_RULE_HINT = {
    DistributionRule.FIXED: str(
        QT_TRANSLATE_NOOP("SettingsLabels", "Every lead goes to the responsible user.")
    ),
    DistributionRule.POOL: str(
        QT_TRANSLATE_NOOP("SettingsLabels", "Every member of the role sees the lead and may take it.")
    ),
    DistributionRule.ROUND_ROBIN: str(
        QT_TRANSLATE_NOOP("SettingsLabels", "Leads go to the active members of the role in turn.")
    ),
    DistributionRule.LEAST_LOADED: str(
        QT_TRANSLATE_NOOP(
            "SettingsLabels", "Each lead goes to the active member of the role with the fewest open leads."
        )
    ),
    DistributionRule.ZONE: str(
        QT_TRANSLATE_NOOP(
            "SettingsLabels",
            "The first matching zone rule decides; without a match the responsible user, else the role.",
        )
    ),
}
_STAGE_KIND = {
    StageKind.OPEN: str(QT_TRANSLATE_NOOP("SettingsLabels", "Open")),
    StageKind.WON: str(QT_TRANSLATE_NOOP("SettingsLabels", "Won")),
    StageKind.LOST: str(QT_TRANSLATE_NOOP("SettingsLabels", "Lost")),
}
_VISIBILITY = {
    Visibility.OWN: str(QT_TRANSLATE_NOOP("SettingsLabels", "Own leads and clients")),
    Visibility.DEPARTMENT: str(QT_TRANSLATE_NOOP("SettingsLabels", "Own department")),
    Visibility.ALL: str(QT_TRANSLATE_NOOP("SettingsLabels", "Everything")),
}
_RIGHT = {
    Right.REASSIGN: str(QT_TRANSLATE_NOOP("SettingsLabels", "Reassign leads")),
    Right.REJECT: str(QT_TRANSLATE_NOOP("SettingsLabels", "Reject leads")),
    Right.DELETE: str(QT_TRANSLATE_NOOP("SettingsLabels", "Delete records")),
    Right.EXPORT: str(QT_TRANSLATE_NOOP("SettingsLabels", "Export data")),
    Right.CONFIGURE: str(QT_TRANSLATE_NOOP("SettingsLabels", "Change the settings")),
}
_EXCLUSION = {
    ExclusionKind.PHONE: str(QT_TRANSLATE_NOOP("SettingsLabels", "Phone")),
    ExclusionKind.EMAIL: str(QT_TRANSLATE_NOOP("SettingsLabels", "E-mail")),
    ExclusionKind.DOMAIN: str(QT_TRANSLATE_NOOP("SettingsLabels", "Whole mail domain")),
    ExclusionKind.MESSENGER: str(QT_TRANSLATE_NOOP("SettingsLabels", "Messenger user")),
}
_ZONE_FIELD = {
    ZoneField.SOURCE: str(QT_TRANSLATE_NOOP("SettingsLabels", "Advertising source")),
    ZoneField.PHONE_PREFIX: str(QT_TRANSLATE_NOOP("SettingsLabels", "Phone prefix")),
    ZoneField.EMAIL_DOMAIN: str(QT_TRANSLATE_NOOP("SettingsLabels", "Mail domain")),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def kind_text(kind: ChannelKind) -> str:
    """A channel kind."""
    return _tr(_KIND[ChannelKind(kind)])


def rule_text(rule: DistributionRule) -> str:
    """A distribution rule."""
    return _tr(_RULE[DistributionRule(rule)])


def rule_hint(rule: DistributionRule) -> str:
    """What a distribution rule does, in one sentence."""
    return _tr(_RULE_HINT[DistributionRule(rule)])


def stage_kind_text(kind: StageKind) -> str:
    """Open / won / lost."""
    return _tr(_STAGE_KIND[StageKind(kind)])


def visibility_text(visibility: Visibility | str) -> str:
    """Whose leads a role sees."""
    return _tr(_VISIBILITY[Visibility(visibility)])


def right_text(right: Right) -> str:
    """A right beyond visibility."""
    return _tr(_RIGHT[Right(right)])


def exclusion_kind_text(kind: ExclusionKind) -> str:
    """Phone / e-mail / domain."""
    return _tr(_EXCLUSION[ExclusionKind(kind)])


def zone_field_text(field: ZoneField | str) -> str:
    """What a zone rule compares."""
    return _tr(_ZONE_FIELD[ZoneField(field)])


def yes_no(value: bool) -> str:
    """A boolean cell: "Yes" or empty (empty reads calmer in a long column)."""
    return QCoreApplication.translate("SettingsLabels", "Yes") if value else ""


def status_text(active: bool) -> str:
    """Active / Inactive."""
    if active:
        return QCoreApplication.translate("SettingsLabels", "Active")
    return QCoreApplication.translate("SettingsLabels", "Inactive")
