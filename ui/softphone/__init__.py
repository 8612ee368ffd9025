"""The softphone in the desktop: ringing toasts, the wizard on answer, lines in the status bar.

``install_softphone(window, settings, sip_listen)`` is all ``ui/application.py`` calls: it builds
the engine (``telephony.engine``, loaded only when a line is set up) and the controller, starts
them when the main window is first shown, and shuts them down in order on ``aboutToQuit``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QTimer

if TYPE_CHECKING:
    from ui.app_settings import AppSettings
    from ui.main_window import MainWindow
    from ui.softphone.controller import SoftphoneController

log = logging.getLogger(__name__)

_CONTEXT = "Softphone"


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def install_softphone(
    window: MainWindow, settings: AppSettings, sip_listen: str | None
) -> SoftphoneController | None:
    """Set up the softphone of this desk, or say in the status bar why there is none."""
    from ui.softphone.lines import load_accounts

    label = window.softphone_label
    accounts = load_accounts(settings.qsettings)
    if not sip_listen and not accounts:
        label.setText(_tr("Softphone: off"))
        label.setToolTip(
            _tr(
                "No line is set up on this computer: start Inflow with --sip-listen HOST:PORT "
                "for direct SIP calls."
            )
        )
        return None
    try:
        from telephony.engine import SipEngine, SoftphoneError
    except ImportError as error:  # the SIP library is not part of this build
        log.warning("the softphone is not available: %s", error)
        label.setText(_tr("Softphone: not available"))
        label.setToolTip(_tr("The SIP library is missing from this installation."))
        return None
    from PySide6.QtWidgets import QApplication

    from ui.softphone.controller import SoftphoneController
    from ui.softphone.lines import account_password, direct_channel, direct_line

    app = QApplication.instance()
    engine = SipEngine(app)
    controller = SoftphoneController(window.context, engine, window, window=window)
    window.softphone = controller  # type: ignore[attr-defined]  # tests and the benchmark reach it here

    def show_status(text: str, tooltip: str) -> None:
        label.setText(text)
        label.setToolTip(tooltip)

    controller.status_changed.connect(show_status)
    controller.failed.connect(lambda text: window.statusBar().showMessage(text, 15_000))
    panel = _add_panel(window, controller, settings)

    def add_lines(passwords: dict[int, str]) -> None:
        if sip_listen:
            line = direct_line(sip_listen)
            chosen = direct_channel(settings.qsettings)
            if chosen is not None:
                controller.line_channels[line.key] = chosen
            try:
                engine.add_direct_line(line)
            except SoftphoneError as error:
                window.statusBar().showMessage(str(error), 30_000)
                show_status(_tr("Softphone: off"), str(error))
        for account in accounts:
            if account.channel_id is not None:
                controller.line_channels[account.key] = account.channel_id
            try:
                engine.add_account(account.account(passwords.get(account.number, "")))
            except SoftphoneError as error:
                window.statusBar().showMessage(str(error), 30_000)

    def start() -> None:
        try:
            engine.start()
        except SoftphoneError as error:
            show_status(_tr("Softphone: off"), str(error))
            return
        label.setText(_tr("Softphone: starting…"))

        def read_passwords() -> dict[int, str]:
            # The keyring may be a D-Bus round trip: read it off the GUI thread.
            return {account.number: account_password(account) for account in accounts}

        def on_channels(_channels: Any) -> None:
            window.context.tasks.run(read_passwords, add_lines, lambda e: add_lines({}))

        controller.prepare_channels(on_channels)
        controller.cache.warm()
        # The wizard's modules are loaded now, not at the first answer (the operator waits then).
        QTimer.singleShot(500, _preload_wizard)
        _follow_network(engine)

    def stop() -> None:
        # Before the database closes: hang-ups still reach the call log through the write pool.
        if panel is not None:
            panel.close_panel()
        try:
            engine.stop()
        finally:
            controller.close()

    window.shown.connect(start)
    if app is not None:
        app.aboutToQuit.connect(stop)
        _quit_on_sigterm(app)
    return controller


def _preload_wizard() -> None:
    import importlib

    importlib.import_module("ui.intake_wizard")


def _add_panel(window: MainWindow, controller: SoftphoneController, settings: AppSettings) -> Any:
    """The softphone dock on the right of the main window (its place is kept with the window's)."""
    from PySide6.QtCore import Qt

    from app.persistence.db import default_data_dir
    from ui.softphone.panel import SoftphonePanel

    try:
        recordings: Path | None = default_data_dir() / "recordings"
    except OSError:
        recordings = None
    panel = SoftphonePanel(controller, window, settings=settings.qsettings, recordings_dir=recordings)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, panel)
    window.softphone_panel = panel  # type: ignore[attr-defined]
    return panel


def _quit_on_sigterm(app: Any) -> None:
    """SIGTERM (a session logout, a service manager) quits normally, so the lines unregister.

    Python runs the handler on the GUI thread the next time the interpreter gets control; the
    engine's 10 ms pump timer makes sure that happens while Qt's event loop waits.
    """
    import signal

    from PySide6.QtCore import QTimer

    if not hasattr(signal, "SIGTERM"):
        return

    def on_sigterm(_number: int, _frame: object) -> None:
        QTimer.singleShot(0, app.quit)

    try:
        signal.signal(signal.SIGTERM, on_sigterm)
    except ValueError:  # not the main thread (embedded use): keep the default
        log.debug("SIGTERM handler not installed")


def _follow_network(engine: Any) -> None:
    """Register again when the network comes back (the engine retries failures by itself too)."""
    try:
        from PySide6.QtNetwork import QNetworkInformation
    except ImportError:
        return
    if not QNetworkInformation.loadDefaultBackend():
        return
    information = QNetworkInformation.instance()
    if information is None:
        return

    def on_reachability(reachability: QNetworkInformation.Reachability) -> None:
        if reachability == QNetworkInformation.Reachability.Online and engine.running:
            engine.reregister()

    information.reachabilityChanged.connect(on_reachability)
