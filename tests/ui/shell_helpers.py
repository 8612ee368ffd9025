"""Helpers shared by the shell's UI tests (main window, sign-in, search)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from ui.app_settings import AppSettings

# The offscreen platform plugin says "This plugin does not support propagateSizeHints()" whenever
# a top-level window with a layout gets its minimum size (every dialog and main window does), and
# "… raise()" when a window is brought to the front: limits of the test platform, not problems of
# the code under test. Only these exact sentences are ignored; any other warning fails the test.
OFFSCREEN_LIMITS = r"^This plugin does not support (propagateSizeHints|raise)\(\)$"

offscreen_windows = pytest.mark.qt_log_ignore(OFFSCREEN_LIMITS)


def isolated_settings(tmp_path: Path) -> AppSettings:
    """Workstation settings in a file of the test's own folder (never the developer's)."""
    return AppSettings(QSettings(str(tmp_path / "inflow-settings.ini"), QSettings.Format.IniFormat))
