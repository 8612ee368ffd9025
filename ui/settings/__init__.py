"""The Settings workspace (administrators): channels, catalogs, users, roles, exclusions, language."""

from ui.settings.settings_workspace import SettingsWorkspace

__all__ = ["SettingsWorkspace"]
