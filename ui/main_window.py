"""The main window: workspace navigation, menus with shortcuts, global search, status bar, tray.

Workspaces are built the first time they are shown (My Sales at once), each from its own module;
a module that is not part of this build shows a plain "not available" page instead.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QWidget,
)

from app.services.permissions import Right
from ui.app_settings import (
    CLOSE_TO_TRAY_HINT_SHOWN,
    LAST_WORKSPACE,
    QT_TRANSLATE_NOOP,
    TRAY_NOTIFICATIONS,
    WINDOW_GEOMETRY,
    WINDOW_STATE,
    AppSettings,
)
from ui.context import AppContext
from ui.icons import icon
from ui.placeholder import PlaceholderWorkspace
from ui.tray import LeadNotifier, Tray

if TYPE_CHECKING:
    from ui.search import SearchPopup

log = logging.getLogger(__name__)

_CONTEXT = "MainWindow"


@dataclass(frozen=True, slots=True)
class Workspace:
    """One entry of the navigation."""

    key: str
    title: str  # source text, translated in context "MainWindow"
    icon: str
    shortcut: str


WORKSPACES: tuple[Workspace, ...] = (
    Workspace("my_sales", QT_TRANSLATE_NOOP("MainWindow", "My Sales"), "my_sales", "Ctrl+1"),
    Workspace("mail", QT_TRANSLATE_NOOP("MainWindow", "Mail"), "mail", "Ctrl+2"),
    Workspace("dialogs", QT_TRANSLATE_NOOP("MainWindow", "Dialogs"), "dialogs", "Ctrl+3"),
    Workspace("requests", QT_TRANSLATE_NOOP("MainWindow", "Requests"), "request", "Ctrl+4"),
    Workspace("reports", QT_TRANSLATE_NOOP("MainWindow", "Reports"), "reports", "Ctrl+5"),
    Workspace("settings", QT_TRANSLATE_NOOP("MainWindow", "Settings"), "settings", "Ctrl+6"),
)

ROLE_NAMES: dict[str, str] = {
    "operator": QT_TRANSLATE_NOOP("MainWindow", "Operator"),
    "manager": QT_TRANSLATE_NOOP("MainWindow", "Manager"),
    "dispatcher": QT_TRANSLATE_NOOP("MainWindow", "Dispatcher"),
    "supervisor": QT_TRANSLATE_NOOP("MainWindow", "Supervisor"),
    "admin": QT_TRANSLATE_NOOP("MainWindow", "Administrator"),
}


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def role_names(codes: tuple[str, ...]) -> str:
    """The user's roles in words, e.g. "Manager, Dispatcher"."""
    return ", ".join(_tr(ROLE_NAMES[code]) if code in ROLE_NAMES else code for code in codes)


class MainWindow(QMainWindow):
    """The desktop after sign-in.

    Signals:
        workspace_changed(str): the key of the workspace now shown.
        shown(): the window was shown for the first time (cold-start measurement).
    """

    workspace_changed = Signal(str)
    shown = Signal()

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        settings: AppSettings | None = None,
        sip_listen: str | None = None,
        company_name: str | None = None,
        use_tray: bool = True,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.settings = settings or AppSettings()
        self.sip_listen = sip_listen
        self.company_name = company_name or ""
        self._quitting = False
        self._shown_once = False
        self._pages: dict[str, QWidget] = {}
        self._open_cards: dict[int, QWidget] = {}
        self._accept_dialog: QWidget | None = None
        self._search: SearchPopup | None = None
        self.setObjectName("main_window")
        self.setWindowIcon(icon("inflow"))
        self._update_title()
        self.setUnifiedTitleAndToolBarOnMac(True)

        self.stack = QStackedWidget(self)
        self.stack.setObjectName("workspaces")
        self.setCentralWidget(self.stack)
        self._build_actions()
        self._build_menus()
        self._build_toolbars()
        self._build_status_bar()

        # Tray and notifications.
        self.notifier = LeadNotifier(context, self)
        self.notifier.notice.connect(self._on_notifier_notice)
        self.tray: Tray | None = None
        if use_tray and Tray.available():
            self.tray = Tray(self)
            self.tray.show_requested.connect(self.bring_to_front)
            self.tray.accept_inquiry_requested.connect(self.accept_inquiry)
            self.tray.quit_requested.connect(self.quit)
            self.tray.lead_requested.connect(self.open_lead)
            self.tray.show()

        self._restore_geometry()
        start = self.settings.get(LAST_WORKSPACE)
        if start not in self.workspace_actions or not self.workspace_action(start).isVisible():
            start = "my_sales"
        self.show_workspace(start)

    # -- construction -------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.workspace_actions: dict[str, QAction] = {}
        self.navigation_group = QActionGroup(self)
        self.navigation_group.setExclusive(True)
        for workspace in WORKSPACES:
            action = QAction(icon(workspace.icon), _tr(workspace.title), self)
            action.setObjectName(f"go_{workspace.key}")
            action.setCheckable(True)
            action.setShortcut(QKeySequence(workspace.shortcut))
            native = QKeySequence(workspace.shortcut).toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{_tr(workspace.title)} ({native})")
            action.setData(workspace.key)
            action.triggered.connect(lambda _checked=False, key=workspace.key: self.show_workspace(key))
            self.navigation_group.addAction(action)
            self.workspace_actions[workspace.key] = action
        may_configure = self.context.actor.has(Right.CONFIGURE)
        settings_action = self.workspace_actions["settings"]
        settings_action.setVisible(may_configure)
        settings_action.setEnabled(may_configure)

        self.accept_action = QAction(icon("accept"), self.tr("&Accept inquiry…"), self)
        self.accept_action.setObjectName("accept_inquiry")
        self.accept_action.setShortcut(QKeySequence("Ctrl+N"))
        self.accept_action.setToolTip(
            self.tr("Accept inquiry: a walk-in visitor or a phoned-in request (Ctrl+N)")
        )
        self.accept_action.triggered.connect(self.accept_inquiry)

        self.find_action = QAction(icon("search"), self.tr("&Find…"), self)
        self.find_action.setObjectName("find")
        self.find_action.setShortcut(QKeySequence("Ctrl+K"))
        self.find_action.setToolTip(self.tr("Find a client, contact person or lead (Ctrl+K)"))
        self.find_action.triggered.connect(self.open_search)

        self.quit_action = QAction(self.tr("&Quit"), self)
        self.quit_action.setObjectName("quit")
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.quit)

        self.about_action = QAction(icon("inflow"), self.tr("&About Inflow"), self)
        self.about_action.setObjectName("about")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addAction(self.accept_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        go_menu = bar.addMenu(self.tr("&Go"))
        for workspace in WORKSPACES:
            go_menu.addAction(self.workspace_actions[workspace.key])
        search_menu = bar.addMenu(self.tr("&Search"))
        search_menu.addAction(self.find_action)
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self.about_action)
        self.menus = {"file": file_menu, "go": go_menu, "search": search_menu, "help": help_menu}

    def _build_toolbars(self) -> None:
        navigation = QToolBar(self.tr("Workspaces"), self)
        navigation.setObjectName("navigation")
        navigation.setMovable(False)
        navigation.setFloatable(False)
        navigation.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        navigation.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        navigation.setIconSize(QSize(28, 28))
        for workspace in WORKSPACES:
            navigation.addAction(self.workspace_actions[workspace.key])
        for button in navigation.findChildren(QToolButton):
            button.setMinimumWidth(88)
        self.addToolBar(Qt.ToolBarArea.LeftToolBarArea, navigation)
        self.navigation = navigation

        top = QToolBar(self.tr("Actions"), self)
        top.setObjectName("actions")
        top.setMovable(False)
        top.setFloatable(False)
        top.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        top.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        top.setIconSize(QSize(20, 20))
        top.addAction(self.accept_action)
        spacer = QWidget(top)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        top.addWidget(spacer)
        from ui.search import SearchField

        shortcut = QKeySequence("Ctrl+K").toString(QKeySequence.SequenceFormat.NativeText)
        self.search_field = SearchField(shortcut, top)
        self.search_field.setFixedWidth(380)
        self.search_field.activated.connect(self.find_action.trigger)
        top.addWidget(self.search_field)
        edge = QWidget(top)
        edge.setFixedWidth(6)
        top.addWidget(edge)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, top)
        self.actions_bar = top

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        user = self.context.user
        self.user_label = QLabel(self)
        self.user_label.setObjectName("status_user")
        roles = role_names(user.role_codes)
        self.user_label.setText(f"{user.full_name} · {roles}" if roles else user.full_name)
        self.user_label.setToolTip(self.tr("Signed in as %1").replace("%1", user.login))
        self.database_label = QLabel(self.context.db.describe(), self)
        self.database_label.setObjectName("status_database")
        self.database_label.setToolTip(self.tr("The database this desk works on"))
        self.softphone_label = QLabel(self.tr("Softphone: off"), self)
        self.softphone_label.setObjectName("status_softphone")
        if self.sip_listen:
            self.softphone_label.setToolTip(
                self.tr("Direct SIP calls on %1: the softphone starts with the window.").replace(
                    "%1", self.sip_listen
                )
            )
        else:
            self.softphone_label.setToolTip(self.tr("No softphone line is set up on this computer."))
        for label in (self.user_label, self.database_label, self.softphone_label):
            label.setContentsMargins(6, 0, 6, 0)
            status.addPermanentWidget(label)

    def _update_title(self) -> None:
        if self.company_name:
            self.setWindowTitle(self.tr("Inflow — %1").replace("%1", self.company_name))
        else:
            self.setWindowTitle(self.tr("Inflow"))

    def set_company_name(self, name: str) -> None:
        """Show the company's name in the title."""
        self.company_name = name
        self._update_title()

    # -- workspaces ---------------------------------------------------------------------------

    def workspace_action(self, key: str) -> QAction:
        """The navigation action of a workspace (KeyError for an unknown key)."""
        return self.workspace_actions[key]

    def current_workspace(self) -> str:
        """The key of the workspace shown."""
        widget = self.stack.currentWidget()
        for key, page in self._pages.items():
            if page is widget:
                return key
        return ""

    def workspace_page(self, key: str) -> QWidget:
        """The widget of a workspace, built on first use."""
        page = self._pages.get(key)
        if page is None:
            page = self._create_workspace(key)
            page.setProperty("workspace", key)
            self._pages[key] = page
            self.stack.addWidget(page)
        return page

    def show_workspace(self, key: str) -> None:
        """Switch to a workspace (a hidden one, like Settings for a manager, is refused)."""
        action = self.workspace_actions.get(key)
        if action is None or not action.isVisible():
            return
        page = self.workspace_page(key)
        self.stack.setCurrentWidget(page)
        action.setChecked(True)
        self.settings.set(LAST_WORKSPACE, key)
        self.workspace_changed.emit(key)

    def _create_workspace(self, key: str) -> QWidget:
        factories: dict[str, Callable[[], QWidget]] = {
            "my_sales": self._create_my_sales,
            "mail": lambda: self._create_optional("mail", "ui.mail", "MailWorkspace"),
            "dialogs": lambda: self._create_optional("dialogs", "ui.dialogs_workspace", "DialogsWorkspace"),
            "requests": lambda: self._create_optional("requests", "ui.requests", "RequestsWorkspace"),
            "reports": lambda: self._create_optional("reports", "ui.reports", "ReportsWorkspace"),
            "settings": self._create_settings,
        }
        return factories[key]()

    def _create_my_sales(self) -> QWidget:
        try:
            from ui.my_sales import MySalesWorkspace
        except ImportError as error:
            log.info("My Sales is not part of this build: %s", error)
            return self._missing("my_sales", self.tr("My Sales"), "my_sales")
        workspace: QWidget = MySalesWorkspace(self.context, self)
        opened = getattr(workspace, "open_lead_requested", None)
        if opened is not None:
            opened.connect(self.open_lead)
        return workspace

    def _create_optional(self, key: str, module_name: str, class_name: str) -> QWidget:
        """A workspace from its own package, built with (context, parent); its
        ``open_lead_requested(int)`` signal, when it has one, opens the lead card."""
        try:
            module = importlib.import_module(module_name)
            factory = getattr(module, class_name)
        except (ImportError, AttributeError) as error:
            log.info("%s is not part of this build: %s", key, error)
            workspace = next(w for w in WORKSPACES if w.key == key)
            return self._missing(key, _tr(workspace.title), workspace.icon)
        page: QWidget = factory(self.context, self)
        opened = getattr(page, "open_lead_requested", None)
        if opened is not None:
            opened.connect(self.open_lead)
        return page

    def _create_settings(self) -> QWidget:
        try:
            from ui.settings import SettingsWorkspace
        except ImportError as error:
            log.info("Settings are not part of this build: %s", error)
            return self._missing("settings", self.tr("Settings"), "settings")
        return SettingsWorkspace(self.context, self)

    def _missing(self, key: str, title: str, icon_name: str) -> QWidget:
        return PlaceholderWorkspace(
            key,
            self.tr("%1 is not available in this version").replace("%1", title),
            self.tr("This workspace is not part of this build of Inflow yet."),
            icon_name,
            self,
        )

    # -- commands -----------------------------------------------------------------------------

    def open_search(self) -> None:
        """Show the global search popup (Ctrl+K)."""
        if self._search is None:
            from ui.search import SearchPopup

            self._search = SearchPopup(self.context, self)
            self._search.lead_chosen.connect(self.open_lead)
            self._search.client_chosen.connect(self.open_client)
        self._search.popup()

    @property
    def search_popup(self) -> SearchPopup | None:
        """The search popup, once it was opened."""
        return self._search

    def open_lead(self, lead_id: int) -> None:
        """Open a lead's card (raised when it is open already)."""
        if not lead_id:
            self.bring_to_front()
            return
        card = self._open_cards.get(lead_id)
        if card is not None:
            card.show()
            card.raise_()
            card.activateWindow()
            return
        try:
            from ui.lead_card import LeadCardDialog
        except ImportError as error:
            log.info("the lead card is not part of this build: %s", error)
            QMessageBox.information(
                self,
                self.tr("Lead %1").replace("%1", str(lead_id)),
                self.tr("The lead card is not available in this version yet."),
            )
            return
        dialog = LeadCardDialog(self.context, lead_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chosen = getattr(dialog, "lead_chosen", None)
        if chosen is not None:  # the client's other leads open here too (one card per lead)
            chosen.connect(self.open_lead)
        self._open_cards[lead_id] = dialog
        dialog.destroyed.connect(lambda _obj=None, key=lead_id: self._open_cards.pop(key, None))
        dialog.show()

    def open_client(self, client_id: int) -> None:
        """Show a client found by the search: contact info, open interests, recent leads."""
        from ui.search import ClientDialog

        dialog = ClientDialog(self.context, client_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.lead_chosen.connect(self.open_lead)
        dialog.show()

    def accept_inquiry(self) -> None:
        """Accept a walk-in or phoned-in inquiry (Ctrl+N)."""
        self.bring_to_front()
        if self._accept_dialog is not None:
            self._accept_dialog.raise_()
            self._accept_dialog.activateWindow()
            return
        try:
            from ui.accept_inquiry import AcceptInquiryDialog
        except ImportError as error:
            log.info("Accept inquiry is not part of this build: %s", error)
            QMessageBox.information(
                self,
                self.tr("Accept inquiry"),
                self.tr("Accepting inquiries is not available in this version yet."),
            )
            return
        dialog = AcceptInquiryDialog(self.context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._accept_dialog = dialog
        dialog.destroyed.connect(self._on_accept_dialog_destroyed)
        dialog.show()

    def _on_accept_dialog_destroyed(self, _obj: object = None) -> None:
        self._accept_dialog = None

    def show_about(self) -> None:
        """Help → About."""
        from importlib import metadata

        from PySide6 import __version__ as pyside_version

        try:
            version = metadata.version("inflow")
        except metadata.PackageNotFoundError:
            version = "0+unknown"
        QMessageBox.about(
            self,
            self.tr("About Inflow"),
            self.tr(
                "<h3>Inflow %1</h3><p>A lead desk: every call, letter, chat and request becomes a lead, "
                "and every lead ends converted or rejected with a reason.</p>"
                "<p>Database: %2<br>Qt for Python %3</p>"
            )
            .replace("%1", version)
            .replace("%2", self.context.db.describe())
            .replace("%3", pyside_version),
        )

    def bring_to_front(self) -> None:
        """Show, un-minimize and raise the window (tray click, notification click)."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()

    def quit(self) -> None:
        """Leave Inflow (File → Quit, Ctrl+Q, the tray's Quit)."""
        self._quitting = True
        self.save_state()
        self.close()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    # -- notifications ------------------------------------------------------------------------

    def start_background(self) -> None:
        """Start what runs while the window is open: change notifications drive the notifier."""
        self.notifier.start()

    def _on_notifier_notice(self, title: str, text: str, lead_id: int) -> None:
        if not self.settings.get(TRAY_NOTIFICATIONS):
            return
        if self.tray is not None:
            self.tray.message(title, text, lead_id)
        else:
            self.statusBar().showMessage(f"{title}: {text}", 15_000)

    # -- state --------------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = self.settings.get(WINDOW_GEOMETRY)
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            self.resize(1280, 800)
            screen = QApplication.primaryScreen()
            if screen is not None:
                available = screen.availableGeometry()
                frame = self.frameGeometry()
                frame.moveCenter(available.center())
                self.move(frame.topLeft())
        state = self.settings.get(WINDOW_STATE)
        if not state.isEmpty():
            self.restoreState(state)

    def save_state(self) -> None:
        """Remember the window's geometry for the next start."""
        self.settings.set(WINDOW_GEOMETRY, self.saveGeometry())
        self.settings.set(WINDOW_STATE, self.saveState())
        self.settings.sync()

    def showEvent(self, event: QShowEvent) -> None:
        """Announce the first show once it has been painted (the cold-start measurement)."""
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            QTimer.singleShot(0, self.shown.emit)

    def closeEvent(self, event: QCloseEvent) -> None:
        """With a tray, closing hides the window (Quit leaves); without one, closing leaves."""
        self.save_state()
        if self.tray is not None and not self._quitting:
            event.ignore()
            self.hide()
            if not self.settings.get(CLOSE_TO_TRAY_HINT_SHOWN):
                self.settings.set(CLOSE_TO_TRAY_HINT_SHOWN, True)
                self.tray.message(
                    self.tr("Inflow keeps running"),
                    self.tr("New leads will still be announced here. Choose Quit in the tray menu to leave."),
                )
            return
        self.notifier.stop()
        super().closeEvent(event)
