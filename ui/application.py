"""The composition root of the desktop client: ``inflow [--user LOGIN] [--sip-listen HOST:PORT]``.

Start-up order: QApplication and translations → the database (schema brought to head) → first-run
set-up when there are no users → sign-in (``--user`` with ``INFLOW_PASSWORD`` or a remembered
password signs in without a prompt; so does the single user of a workstation whose password is
remembered) → the main window. Anything that fails on the way is said in one sentence in a message
box, and the exit status is 1; a traceback only ever goes to the log file.

Environment:
    INFLOW_PASSWORD      the password for ``--user`` (kiosks, tests)
    INFLOW_QUIT_AFTER_MS quit by itself this long after the main window was shown (tests, benchmarks)
    INFLOW_LOG_LEVEL     DEBUG, INFO (default), WARNING … for the log file in the data folder
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported lazily at run time: the start-up path loads only what it needs
    from app.persistence.uow import Database
    from ui.app_settings import AppSettings
    from ui.main_window import MainWindow
    from ui.sign_in import SignedIn
    from ui.tasks import TaskRunner

log = logging.getLogger("inflow.ui")

ENV_QUIT_AFTER_MS = "INFLOW_QUIT_AFTER_MS"
ENV_LOG_LEVEL = "INFLOW_LOG_LEVEL"
LOG_NAME = "inflow.log"
SHOWN_MESSAGE = "main window shown"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "resources" / "translations"

_started = time.perf_counter()


def process_age() -> float:
    """Seconds since this process started (Linux: from /proc; elsewhere: since this module loaded)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22 of stat(5), counted after the command name
        with open("/proc/uptime", encoding="ascii") as uptime:
            up = float(uptime.read().split()[0])
        return max(0.0, up - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - _started


class _BriefFormatter(logging.Formatter):
    """One line per record on the console: tracebacks go to the log file only."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


def _configure_logging() -> Path | None:
    from app.persistence.db import default_data_dir

    level_name = os.environ.get(ENV_LOG_LEVEL, "INFO").upper()
    level = getattr(logging, level_name, logging.INFO)
    root = logging.getLogger()
    root.setLevel(min(level, logging.WARNING))
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.WARNING)
    console.setFormatter(_BriefFormatter("inflow: %(levelname)s %(name)s: %(message)s"))
    root.addHandler(console)
    try:
        folder = default_data_dir() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / LOG_NAME
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return None
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    # Alembic says "Context impl SQLiteImpl" at every start: not news.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return path


def install_translations(language: str = "system") -> list[object]:
    """Load Inflow's and Qt's own translations for the language (``system`` = the system locale)."""
    from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

    locale = QLocale.system() if language == "system" else QLocale(language)
    if language != "system":
        QLocale.setDefault(locale)
    installed: list[object] = []
    inflow = QTranslator(QCoreApplication.instance())
    if inflow.load(locale, "inflow", "_", str(TRANSLATIONS_DIR)):
        QCoreApplication.installTranslator(inflow)
        installed.append(inflow)
    qtbase = QTranslator(QCoreApplication.instance())
    if qtbase.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        QCoreApplication.installTranslator(qtbase)
        installed.append(qtbase)
    return installed


def _database_error_text(url: str, error: BaseException) -> str:
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError

    from app.domain.errors import InflowError

    if isinstance(error, InflowError):
        return str(error)
    if isinstance(error, ArgumentError | NoSuchModuleError):
        return f"'{url}' is not a usable database URL ({error})."
    if isinstance(error, DBAPIError):
        detail = str(error.orig).strip().splitlines()[0] if error.orig is not None else type(error).__name__
        return f"The database cannot be opened: {detail}."
    if isinstance(error, SQLAlchemyError):
        return f"The database reported an error: {str(error).splitlines()[0]}."
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        return f"{error.strerror or error}{where}."
    return f"The database cannot be opened ({type(error).__name__}: {error})."


def check_sip_listen(text: str) -> str:
    """``HOST:PORT`` (IPv6 in brackets) for direct SIP, normalized; ValueError with a sentence."""
    value = text.strip()
    host, _, port = value.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host or (":" in host and not value.startswith("[")):
        raise ValueError(f"'{text}' is not HOST:PORT (write an IPv6 address in brackets).")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"'{text}' is not HOST:PORT: the port is a number from 1 to 65535.")
    return value


def main(options: argparse.Namespace) -> int:
    """Run the desktop client; exit status 0, 1 after a failure said in a message box, 2 for bad usage."""
    sip_option: str | None = getattr(options, "sip_listen", None)
    if sip_option is not None:
        try:
            sip_option = check_sip_listen(sip_option)
        except ValueError as error:
            sys.stderr.write(f"inflow: error: --sip-listen: {error}\n")
            return 2
    _configure_logging()
    from PySide6.QtCore import QCoreApplication, Qt, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    QCoreApplication.setOrganizationName("Inflow")
    QCoreApplication.setApplicationName("Inflow")
    QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    from ui.gc_guard import GuiThreadGarbageCollector

    app.inflow_collector = GuiThreadGarbageCollector(app)  # type: ignore[attr-defined]  # before any pool thread
    from ui.app_settings import LANGUAGE, SIP_LISTEN, AppSettings
    from ui.icons import icon

    app.setWindowIcon(icon("inflow"))
    app.setDesktopFileName("inflow")
    settings = AppSettings()
    install_translations(settings.get(LANGUAGE))

    from app.persistence.db import default_database_url

    url: str = getattr(options, "database", None) or default_database_url()
    try:
        from app.persistence.uow import open_database

        db = open_database(url)
    except Exception as error:
        # Said to the person in the message box; the details only go to the log file.
        log.info("opening the database %s failed", url, exc_info=True)
        QMessageBox.critical(
            None, QCoreApplication.translate("Application", "Inflow"), _database_error_text(url, error)
        )
        return 1

    from ui.tasks import TaskRunner

    tasks = TaskRunner(app)
    try:
        signed_in = _sign_in(db, tasks, settings, getattr(options, "user", None))
    except Exception as error:
        log.info("signing in failed", exc_info=True)
        QMessageBox.critical(
            None, QCoreApplication.translate("Application", "Inflow"), _database_error_text(url, error)
        )
        tasks.wait(5000)
        db.dispose()
        return 1
    if signed_in is None:  # cancelled
        tasks.wait(5000)
        db.dispose()
        return 0

    sip_listen = sip_option
    if sip_listen:
        settings.set(SIP_LISTEN, sip_listen)

    from ui.context import AppContext
    from ui.live_updates import ChangeWatcher
    from ui.main_window import MainWindow

    watcher = ChangeWatcher(db, app)
    from ui.app_settings import FETCH_CHANNELS
    from ui.background_sync import BackgroundSync, show_in_status_bar

    sync = BackgroundSync(db, app)
    context = AppContext(db=db, actor=signed_in.actor, user=signed_in.user, tasks=tasks, watcher=watcher)
    window = MainWindow(context, settings=settings, sip_listen=sip_listen or settings.get(SIP_LISTEN) or None)
    if window.tray is not None:
        # With a tray, closing the window hides it; Quit (menu, tray, Ctrl+Q) leaves.
        app.setQuitOnLastWindowClosed(False)

    def on_shown() -> None:
        age = process_age()
        # CPU time too: on a busy machine the wall-clock figure says more about the neighbours.
        log.info(
            "%s after %.2f s, %.2f s CPU (user %s, %s)",
            SHOWN_MESSAGE,
            age,
            time.process_time(),
            signed_in.user.login,
            db.describe(),
        )
        watcher.start()
        window.start_background()
        # Mail and messengers are fetched here unless this workstation says no (leases keep it to
        # one process per channel however many desks run).
        if settings.get(FETCH_CHANNELS) and sync.start():
            show_in_status_bar(sync, window)
        _load_company_name(window)
        quit_after = os.environ.get(ENV_QUIT_AFTER_MS)
        if quit_after:
            try:
                QTimer.singleShot(max(0, int(quit_after)), window.quit)
            except ValueError:
                log.warning("%s=%r is not a number of milliseconds", ENV_QUIT_AFTER_MS, quit_after)

    window.shown.connect(on_shown)
    # The softphone starts when the window is first shown and, being connected to aboutToQuit
    # before on_about_to_quit, hangs up and logs its calls before the database closes.
    from ui.softphone import install_softphone

    install_softphone(window, settings, window.sip_listen)

    def on_about_to_quit() -> None:
        window.save_state()
        # Before the database closes: the sync releases its leases (another process takes over at once).
        sync.stop(10.0)
        watcher.stop()
        tasks.wait(10_000)
        db.dispose()
        log.info("quit")

    app.aboutToQuit.connect(on_about_to_quit)
    window.show()
    status = app.exec()
    return int(status)


def _load_company_name(window: MainWindow) -> None:
    db = window.context.db

    def work() -> str:
        from app.services.settings import COMPANY_NAME, get_setting

        with db.session() as session:
            return get_setting(session, COMPANY_NAME) or ""

    window.context.tasks.run(
        work, window.set_company_name, lambda error: log.debug("no company name: %s", error)
    )


def _sign_in(
    db: Database, tasks: TaskRunner, settings: AppSettings, login_option: str | None
) -> SignedIn | None:
    """First-run set-up, automatic sign-in or the sign-in dialog; None when the person cancels."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QDialog

    from app.domain.errors import InflowError
    from app.services.setup import needs_setup
    from ui.app_settings import KNOWN_LOGINS, LAST_LOGIN
    from ui.sign_in import (
        ENV_PASSWORD,
        SignInDialog,
        active_logins,
        record_sign_in,
        remembered_password,
        sign_in,
        workstation_user,
    )

    with db.session() as session:
        empty = needs_setup(session)
    if empty:
        from ui.first_run import FirstRunDialog

        first_run = FirstRunDialog(db, tasks)
        if first_run.exec() != QDialog.DialogCode.Accepted or first_run.signed_in is None:
            return None
        record_sign_in(settings, first_run.signed_in.user.login)
        return first_run.signed_in

    message = ""
    login = login_option.strip() if login_option else ""
    if login:
        password = os.environ.get(ENV_PASSWORD) or remembered_password(db, login)
        if password:
            try:
                result = sign_in(db, login, password)
            except InflowError as error:
                log.info("signing in as %s with the given password failed: %s", login, error)
                message = (
                    QCoreApplication.translate("Application", "Signing in as %1 failed: %2")
                    .replace("%1", login)
                    .replace("%2", str(error))
                )
            else:
                record_sign_in(settings, result.user.login)
                return result
        else:
            message = QCoreApplication.translate("Application", "Enter the password for %1.").replace(
                "%1", login
            )
    else:
        single = workstation_user(db, settings)
        if single is not None:
            password = remembered_password(db, single)
            if password:
                try:
                    result = sign_in(db, single, password)
                except InflowError:
                    log.info("the remembered password of %s is no longer valid", single)
                    message = QCoreApplication.translate(
                        "Application", "The remembered password is no longer valid; enter it again."
                    )
                else:
                    record_sign_in(settings, result.user.login)
                    return result
            login = single
        else:
            login = settings.get(LAST_LOGIN)
    known = [name for name in settings.get(KNOWN_LOGINS) if name in active_logins(db)]
    dialog = SignInDialog(db, tasks, login=login, message=message, known_logins=known)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.signed_in is None:
        return None
    record_sign_in(settings, dialog.signed_in.user.login)
    return dialog.signed_in
