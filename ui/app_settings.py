"""Settings of this workstation — one typed declaration over QSettings.

Company-wide settings live in the database (``app.services.settings``); what is declared here
belongs to one desktop: the interface language, the last login, the window's geometry. Secrets
(passwords, tokens) never go here: they live in the operating system's keyring.

Usage::

    settings = AppSettings()
    language = settings.get(LANGUAGE)      # typed: str
    settings.set(LAST_LOGIN, "manager1")
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings

T = TypeVar("T")


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name pyside6-lupdate looks for
    """Mark ``text`` for translation in ``context`` (translated where it is shown); typed as str."""
    return text


_CONTEXT = "AppSettings"


@dataclass(frozen=True, slots=True)
class Setting(Generic[T]):
    """One workstation setting: its QSettings key, type, default and a translatable title."""

    key: str
    type: type[T]
    default: T
    title: str
    choices: tuple[str, ...] = ()

    def translated_title(self) -> str:
        """The title in the interface language."""
        return QCoreApplication.translate(_CONTEXT, self.title)


LANGUAGE: Setting[str] = Setting(
    "ui/language",
    str,
    "system",
    QT_TRANSLATE_NOOP("AppSettings", "Interface language"),
    choices=("system", "ru", "en"),
)
LAST_LOGIN: Setting[str] = Setting(
    "session/last_login", str, "", QT_TRANSLATE_NOOP("AppSettings", "Last signed-in login")
)
# Logins that have signed in on this workstation ("a workstation with a single user").
KNOWN_LOGINS: Setting[list[str]] = Setting(
    "session/known_logins", list, [], QT_TRANSLATE_NOOP("AppSettings", "Users of this workstation")
)
WINDOW_GEOMETRY: Setting[QByteArray] = Setting(
    "window/geometry",
    QByteArray,
    QByteArray(),
    QT_TRANSLATE_NOOP("AppSettings", "Main window position and size"),
)
WINDOW_STATE: Setting[QByteArray] = Setting(
    "window/state", QByteArray, QByteArray(), QT_TRANSLATE_NOOP("AppSettings", "Main window toolbars")
)
LAST_WORKSPACE: Setting[str] = Setting(
    "window/workspace", str, "my_sales", QT_TRANSLATE_NOOP("AppSettings", "Workspace shown at start")
)
TRAY_NOTIFICATIONS: Setting[bool] = Setting(
    "tray/notifications",
    bool,
    True,
    QT_TRANSLATE_NOOP("AppSettings", "Notify about new and overdue leads"),
)
CLOSE_TO_TRAY_HINT_SHOWN: Setting[bool] = Setting(
    "tray/close_hint_shown", bool, False, QT_TRANSLATE_NOOP("AppSettings", "Tray hint shown")
)
# Direct SIP (INTERFACES "Softphone without a PBX"): HOST:PORT, empty = off. The softphone reads it.
SIP_LISTEN: Setting[str] = Setting(
    "softphone/sip_listen", str, "", QT_TRANSLATE_NOOP("AppSettings", "Direct SIP listen address")
)

# Background sync (ui/background_sync.py): this desktop may fetch mail and messengers; leases in the
# database make sure each channel is fetched by one process only, so "on" is safe on every desk.
FETCH_CHANNELS: Setting[bool] = Setting(
    "sync/fetch_channels",
    bool,
    True,
    QT_TRANSLATE_NOOP("AppSettings", "Fetch mail and messengers on this computer"),
)

ALL: tuple[Setting[Any], ...] = (
    LANGUAGE,
    LAST_LOGIN,
    KNOWN_LOGINS,
    WINDOW_GEOMETRY,
    WINDOW_STATE,
    LAST_WORKSPACE,
    TRAY_NOTIFICATIONS,
    CLOSE_TO_TRAY_HINT_SHOWN,
    SIP_LISTEN,
    FETCH_CHANNELS,
)


class AppSettings:
    """Typed access to the workstation settings (QSettings of organization/application "Inflow")."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._settings = qsettings if qsettings is not None else QSettings()

    @property
    def qsettings(self) -> QSettings:
        """The underlying QSettings (for sync and tests)."""
        return self._settings

    def get(self, setting: Setting[T]) -> T:
        """The stored value, converted to the declared type; the default when unset or unreadable."""
        if not self._settings.contains(setting.key):
            return _copy(setting.default)
        raw = self._settings.value(setting.key)
        value = _convert(raw, setting)
        if setting.choices and value not in setting.choices:
            return _copy(setting.default)
        return value

    def set(self, setting: Setting[T], value: T) -> None:
        """Store a value of the declared type."""
        if not isinstance(value, setting.type):
            raise TypeError(f"{setting.key} takes {setting.type.__name__}, not {type(value).__name__}")
        if setting.choices and value not in setting.choices:
            raise ValueError(f"{setting.key} is one of {', '.join(setting.choices)}, not {value!r}")
        self._settings.setValue(setting.key, value)

    def reset(self, setting: Setting[Any]) -> None:
        """Forget the stored value (the default applies again)."""
        self._settings.remove(setting.key)

    def sync(self) -> None:
        """Write pending changes to disk."""
        self._settings.sync()


def _copy(value: T) -> T:
    if isinstance(value, list):
        return cast(T, list(value))
    if isinstance(value, QByteArray):
        return cast(T, QByteArray(value))
    return value


def _convert(raw: object, setting: Setting[T]) -> T:
    # QSettings' INI backend returns strings (and "true"/"false"); the native ones return
    # typed values. Read both the same way.
    kind: type[Any] = setting.type
    try:
        if kind is bool:
            if isinstance(raw, str):
                return cast(T, raw.strip().lower() in ("true", "1", "yes", "on"))
            return cast(T, bool(raw))
        if kind is int:
            return cast(T, int(cast(Any, raw)))
        if kind is str:
            return cast(T, "" if raw is None else str(raw))
        if kind is list:
            if raw is None:
                return cast(T, [])
            if isinstance(raw, str):
                return cast(T, [raw] if raw else [])
            return cast(T, [str(item) for item in cast(Any, raw)])
        if kind is QByteArray:
            if isinstance(raw, QByteArray):
                return cast(T, raw)
            if isinstance(raw, bytes | bytearray):
                return cast(T, QByteArray(bytes(raw)))
            return _copy(setting.default)
    except (TypeError, ValueError):
        return _copy(setting.default)
    return cast(T, raw) if isinstance(raw, kind) else _copy(setting.default)
