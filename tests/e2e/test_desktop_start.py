"""The real desktop client as a person starts it: ``python -m app --database URL --user admin``.

Signs in with ``INFLOW_PASSWORD`` (no prompt), shows the main window, quits by itself
(``INFLOW_QUIT_AFTER_MS``) and exits 0. The time from process start to the main window is read
from the client's log and printed: the cold-start figure of issue 3 (target ≤ 1.5 s).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.persistence.uow import open_database
from app.services.admin import create_user
from app.services.permissions import Actor

REPO = Path(__file__).resolve().parents[2]
SHOWN = re.compile(r"main window shown after (\d+\.\d+) s, (\d+\.\d+) s CPU \(user admin, (.+)\)")
# Limits of Qt's offscreen platform plugin, said on stderr by every window (see tests/ui/shell_helpers.py).
PLATFORM_NOTES = re.compile(r"^This plugin does not support (propagateSizeHints|raise)\(\)$")


def _environment(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "QT_QPA_PLATFORM": "offscreen",
            "INFLOW_PASSWORD": "s3cret",
            "INFLOW_QUIT_AFTER_MS": "1500",
            "INFLOW_LOG_LEVEL": "DEBUG",
            # The person's own folders and keyring stay untouched.
            "HOME": str(tmp_path / "home"),
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        }
    )
    env.pop("INFLOW_DATABASE_URL", None)
    return env


def test_the_client_starts_signs_in_and_quits(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(db_url)  # what `inflow db upgrade` + `inflow user add` leave behind
    try:
        with db.uow() as uow:
            create_user(
                uow, Actor.system(), "admin", "Смирнов Алексей Петрович", ["admin"], password="s3cret"
            )
        described = db.describe()
    finally:
        db.dispose()

    started = time.perf_counter()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "--database",
            db_url,
            "--user",
            "admin",
            "--sip-listen",
            "127.0.0.1:5070",
        ],
        cwd=REPO,
        env=_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    wall = time.perf_counter() - started
    noise = [
        line for line in completed.stderr.splitlines() if line.strip() and not PLATFORM_NOTES.match(line)
    ]
    assert completed.returncode == 0, completed.stderr
    assert noise == [], "the client said more than the platform notes on stderr"

    log_text = (tmp_path / "data" / "Inflow" / "logs" / "inflow.log").read_text(encoding="utf-8")
    shown = SHOWN.search(log_text)
    assert shown is not None, log_text
    seconds, cpu = float(shown.group(1)), float(shown.group(2))
    assert shown.group(3) == described
    assert re.search(r"INFO inflow\.ui: quit$", log_text, re.MULTILINE), log_text
    with capsys.disabled():
        print(
            f"\n[cold start] {described.split()[0]}: main window after {seconds:.2f} s ({cpu:.2f} s CPU; "
            f"load {os.getloadavg()[0]:.1f}; whole run incl. 1.5 s on screen and shutdown: {wall:.2f} s)"
        )
    # The target is 1.5 s on an idle machine (`make bench`); a loaded CI runner only has to be sane.
    assert seconds < 15


def test_an_unusable_database_is_said_in_a_sentence_and_exits_1(tmp_path: Path) -> None:
    env = _environment(tmp_path)
    env["QT_QPA_PLATFORM"] = "offscreen"
    # A message box would wait for a click: the test answers it by closing every dialog shown.
    script = (
        "import sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication, QMessageBox\n"
        "said = []\n"
        "def critical(parent, title, text, *a, **k):\n"
        "    said.append(text)\n"
        "    return QMessageBox.StandardButton.Ok\n"
        "QMessageBox.critical = critical\n"
        "from app.cli import main\n"
        "status = main(['--database', 'nosuchdb://x', '--user', 'admin'])\n"
        "print(status)\n"
        "print(said[0] if said else '')\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = completed.stdout.strip().splitlines()
    assert lines[0] == "1", completed.stderr
    assert lines[1].startswith("'nosuchdb://x' is not a usable database URL")
    assert "Traceback" not in completed.stderr
