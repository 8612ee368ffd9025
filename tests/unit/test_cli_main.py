"""The `inflow` command's frame: version, help, exit statuses, errors in one sentence, the entry point."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

import app.cli as cli
from app.cli import DESKTOP_NOT_AVAILABLE, build_parser, main


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"inflow {cli._version()}"
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("db", "demo", "user", "channel", "lead", "find", "export"):
        assert command in out
    assert main(["channel", "add", "--help"]) == 0
    out = capsys.readouterr().out
    for option in (
        "--lead-source",
        "--no-lead-source",
        "--reason-required",
        "--responsible",
        "--role",
        "--rule",
        "--sla",
        "--source",
        "--internal-pattern",
        "--own-number",
        "--imap",
        "--smtp",
        "--security",
        "--login",
        "--password-env",
        "--telegram-token-env",
        "--api-url",
        "--web-form",
    ):
        assert option in out


def test_no_command_starts_the_desktop_client(monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.application

    seen: list[argparse.Namespace] = []
    monkeypatch.setattr(ui.application, "main", lambda args: seen.append(args) or 0)
    assert main([]) == 0
    assert main(["--user", "admin", "--sip-listen", "127.0.0.1:5070", "--database", "sqlite:///x.db"]) == 0
    assert seen[0].user is None and seen[0].command is None
    assert (seen[1].user, seen[1].sip_listen, seen[1].database) == ("admin", "127.0.0.1:5070", "sqlite:///x.db")


def test_no_command_without_qt_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "PySide6.QtWidgets", None)  # import fails as if not installed
    assert main([]) == 1
    assert capsys.readouterr().err.strip() == f"inflow: {DESKTOP_NOT_AVAILABLE}"


@pytest.mark.parametrize(
    "command",
    [["import", "leads", "x.csv"], ["import", "leads", "x.xlsx", "--dry-run"]],
)
def test_later_commands_say_so(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(command) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"inflow: inflow {command[0]} is not available in this version yet."


@pytest.mark.parametrize(
    "argv",
    [
        ["frobnicate"],
        ["user", "add"],
        ["user", "add", "x", "--name", "X"],
        ["demo", "--leads", "many"],
        ["demo", "--leads", "-5"],
        ["export", "clients"],
        ["channel", "add", "fax", "X"],
        ["db"],
    ],
)
def test_bad_usage_is_status_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "usage:" in err and "error:" in err and "Traceback" not in err


def test_database_errors_are_one_sentence(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["--database", "nonsense://", "channel", "list"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a usable database URL" in err
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["--database", f"sqlite:///{blocker}/inflow.db", "channel", "list"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_unexpected_errors_are_logged_not_shown(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(args: argparse.Namespace, db: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "_cmd_db_upgrade", broken)
    monkeypatch.setattr(cli, "default_data_dir", lambda: tmp_path / "data")
    assert main(["--database", f"sqlite:///{tmp_path / 'i.db'}", "db", "upgrade"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "Unexpected error (RuntimeError: boom)" in err
    log = tmp_path / "data" / "logs" / cli.LOG_NAME
    assert str(log) in err
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "RuntimeError: boom" in text


def test_database_comes_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "from-env.db"
    monkeypatch.setenv("INFLOW_DATABASE_URL", f"sqlite:///{path}")
    assert main(["db", "upgrade"]) == 0
    assert str(path) in capsys.readouterr().out and path.exists()


def test_parser_builds_without_side_effects() -> None:
    parser = build_parser()
    args = parser.parse_args(
        ["export", "leads", "--from", "01.03.2024", "--to", "2024-03-31", "-o", "x.xlsx"]
    )
    assert str(args.date_from) == "2024-03-01" and str(args.date_to) == "2024-03-31"


def test_installed_entry_point_prints_the_version() -> None:
    inflow = Path(sys.executable).parent / "inflow"
    if not inflow.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the console script is not installed next to {sys.executable}")
        pytest.skip(f"the console script is not installed next to {sys.executable}")
    completed = subprocess.run(
        [str(inflow), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == f"inflow {cli._version()}"
    assert completed.stderr == ""
