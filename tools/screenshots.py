"""``make screenshots``: every window of the desktop client with demo data → docs/screenshots/*.png.

A fresh SQLite database in a temporary folder is filled by the demo generator (the same one as
``inflow demo``); the client signs in as the dispatcher and as the administrator (demo password
"demo") and each window is rendered offscreen (``QT_QPA_PLATFORM=offscreen``) with
``QWidget.grab()``: the main window at 1280×800 on every workspace, the global search, the lead
card, the intake wizard on each page, Accept inquiry, the settings, sign-in and first run.

Windows of modules that are not part of this build are skipped with a note. Run it with
``python -m tools.screenshots [--leads N] [--language ru|en|system] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from PySide6.QtCore import QCoreApplication, QPoint, QSettings, QSize, QThreadPool  # noqa: E402
from PySide6.QtGui import QFont, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

SIZE = QSize(1280, 800)


class Shooter:
    """Renders widgets to PNG files and remembers what was made and what was skipped."""

    def __init__(self, app: QApplication, out: Path) -> None:
        self.app = app
        self.out = out
        self.made: list[Path] = []
        self.skipped: list[str] = []
        out.mkdir(parents=True, exist_ok=True)

    def settle(self, seconds: float = 1.5, quiet: float = 0.3) -> None:
        """Let background reads finish and their results paint (until the pools were idle a while)."""
        deadline = time.monotonic() + seconds
        idle_since: float | None = None
        while time.monotonic() < deadline:
            self.app.processEvents()
            busy = any(pool.activeThreadCount() for pool in self.app.findChildren(QThreadPool))
            busy = busy or QThreadPool.globalInstance().activeThreadCount() > 0
            now = time.monotonic()
            if busy:
                idle_since = None
            elif idle_since is None:
                idle_since = now
            elif now - idle_since >= quiet:
                break
            time.sleep(0.02)
        self.app.processEvents()

    def shoot(self, widget: QWidget, name: str, *, overlay: QWidget | None = None) -> None:
        """Save ``widget`` (and an ``overlay`` window drawn over it where it sits) as NAME.png."""
        self.app.processEvents()
        picture = widget.grab()
        if overlay is not None and overlay.isVisible():
            painter = QPainter(picture)
            offset = overlay.frameGeometry().topLeft() - widget.frameGeometry().topLeft()
            painter.drawPixmap(QPoint(max(0, offset.x()), max(0, offset.y())), overlay.grab())
            painter.end()
        path = self.out / f"{name}.png"
        if not picture.save(str(path)):
            raise OSError(f"cannot write {path}")
        self.made.append(path)
        shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
        print(f"  {shown}  {picture.width()}×{picture.height()}")

    def failed(self) -> bool:
        """Whether some picture failed (rather than being skipped for a module not built yet)."""
        return any(": failed: " in line for line in self.skipped)

    def skip(self, name: str, why: str) -> None:
        """Note a picture that could not be made."""
        self.skipped.append(f"{name}: {why}")
        print(f"  skipped {name}: {why}")


def _try_import(shooter: Shooter, name: str, module: str, attribute: str) -> Any:
    try:
        imported = __import__(module, fromlist=[attribute])
        return getattr(imported, attribute)
    except (ImportError, AttributeError) as error:
        shooter.skip(name, f"{module}.{attribute} is not part of this build ({error})")
        return None


def _scalar(db: Any, statement: Any) -> Any:
    with db.session() as session:
        return session.scalar(statement)


def main(argv: list[str] | None = None) -> int:
    """Render the pictures; 0 when every available window was rendered."""
    parser = argparse.ArgumentParser(prog="python -m tools.screenshots", description=__doc__)
    parser.add_argument("--leads", type=int, default=2000, help="demo leads (2000)")
    parser.add_argument("--language", default="system", choices=["system", "ru", "en"])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args(argv)

    QCoreApplication.setOrganizationName("Inflow")
    QCoreApplication.setApplicationName("Inflow screenshots")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setFont(QFont("DejaVu Sans", 9))

    from app.persistence.uow import open_database
    from app.services.demo import generate_demo
    from app.services.permissions import Actor
    from ui.app_settings import AppSettings
    from ui.application import install_translations
    from ui.context import AppContext
    from ui.icons import icon
    from ui.live_updates import ChangeWatcher
    from ui.main_window import WORKSPACES, MainWindow
    from ui.sign_in import sign_in
    from ui.tasks import TaskRunner

    install_translations(args.language)
    app.setWindowIcon(icon("inflow"))
    shooter = Shooter(app, args.out)

    with tempfile.TemporaryDirectory(prefix="inflow-screenshots-") as folder:
        temp = Path(folder)
        settings = AppSettings(QSettings(str(temp / "settings.ini"), QSettings.Format.IniFormat))
        db = open_database(f"sqlite:///{temp / 'inflow.db'}")
        started = time.perf_counter()
        print(f"demo data: {args.leads} leads …", flush=True)
        with db.uow() as uow:
            generate_demo(uow, Actor.system(), leads=args.leads, seed=1)
            from app.services.settings import COMPANY_NAME, set_setting

            set_setting(uow.session, COMPANY_NAME, "ООО «Окна Комфорт»")
        print(f"demo data ready in {time.perf_counter() - started:.1f} s", flush=True)
        _seed_mail(db)
        try:
            _seed_dialogs(db)
        except Exception as error:  # the Dialogs picture then shows what the demo has
            shooter.skip("dialogs-demo", f"failed: {type(error).__name__}: {error}")
        tasks = TaskRunner(app)

        def desk(login: str) -> AppContext:
            signed = sign_in(db, login, "demo")
            return AppContext(
                db=db, actor=signed.actor, user=signed.user, tasks=tasks, watcher=ChangeWatcher(db)
            )

        def main_window(context: AppContext) -> MainWindow:
            window = MainWindow(context, settings=settings, use_tray=False, company_name="ООО «Окна Комфорт»")
            window.resize(SIZE)
            window.move(0, 0)
            window.show()
            return window

        # -- the dispatcher's desk -------------------------------------------------------------
        print("dispatcher:")
        dispatcher = desk("dispatcher")
        window = main_window(dispatcher)
        for workspace in WORKSPACES:
            if not window.workspace_action(workspace.key).isVisible():
                continue
            window.show_workspace(workspace.key)
            shooter.settle(4.0)
            shooter.shoot(window, f"main-{workspace.key.replace('_', '-')}")

        window.show_workspace("my_sales")
        shooter.settle()
        window.open_search()
        popup = window.search_popup
        popup.query_edit.setText("8 (916) 123-45-67")
        popup.search_now(popup.query_edit.text())
        shooter.settle()
        shooter.shoot(window, "search", overlay=popup)
        popup.hide()

        for name, make in (
            ("lead-card", _lead_card),
            ("intake-wizard", _intake_wizard),
            ("accept-inquiry", _accept_inquiry),
            ("mail-letter", _mail),
            ("dialogs-chat", _dialogs_chat),
        ):
            try:
                make(shooter, dispatcher, window)
            except Exception as error:  # another module's bug must not cost the other pictures
                shooter.skip(name, f"failed: {type(error).__name__}: {error}")
        window.close()

        # -- the administrator's desk ----------------------------------------------------------
        print("admin:")
        admin = desk("admin")
        window = main_window(admin)
        try:
            _reports(shooter, admin, window)
        except Exception as error:  # another module's bug must not cost the other pictures
            shooter.skip("reports", f"failed: {type(error).__name__}: {error}")
        window.show_workspace("settings")
        shooter.settle(4.0)
        page = window.workspace_page("settings")
        sections = getattr(page, "sections", None)
        shooter.shoot(window, "main-settings")  # its first section
        if sections is not None:
            for row in range(1, sections.count()):
                sections.setCurrentRow(row)
                shooter.settle(1.0)
                title = sections.item(row).text().lower()
                slug = "".join(ch if ch.isalnum() else "-" for ch in title).strip("-")
                while "--" in slug:
                    slug = slug.replace("--", "-")
                shooter.shoot(window, f"settings-{row + 1}-{slug}")
        window.close()

        # -- sign-in and first run -------------------------------------------------------------
        print("sign-in and first run:")
        from ui.first_run import FirstRunDialog
        from ui.sign_in import SignInDialog

        dialog = SignInDialog(db, tasks, login="dispatcher")
        dialog.show()
        shooter.settle(0.5)
        shooter.shoot(dialog, "sign-in")
        dialog.close()
        empty = open_database(f"sqlite:///{temp / 'empty.db'}")
        first_run = FirstRunDialog(empty, tasks)
        first_run.company_edit.setText("ООО «Окна Комфорт»")
        first_run.name_edit.setText("Смирнов Алексей Петрович")
        first_run.show()
        shooter.settle(0.5)
        shooter.shoot(first_run, "first-run")
        first_run.close()

        tasks.wait(30_000)
        app.processEvents()
        empty.dispose()
        db.dispose()

    print(f"{len(shooter.made)} pictures in {args.out}")
    if shooter.skipped:
        print("skipped:")
        for line in shooter.skipped:
            print(f"  - {line}")
    return 1 if shooter.failed() else 0


def _seed_dialogs(db: Any) -> None:
    """A few Telegram chats on the demo's messenger channel, as the connector would store them."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select

    from app.persistence.models import Channel, Conversation, ConversationMessage
    from app.services.dialogs import Attachment, IncomingMessage, ingest_messages

    now = datetime.now(UTC).replace(microsecond=0)
    with db.session() as session:
        channel_id = session.scalar(select(Channel.id).where(Channel.kind == "dialog").order_by(Channel.id))
    if channel_id is None:
        return
    chats = [
        (
            "901",
            "Ольга Смирнова",
            47,
            [
                "Здравствуйте! Сколько стоит остеклить балкон 3 метра?",
                "Хотелось бы тёплое остекление, если можно",
            ],
        ),
        ("902", "Игорь", 12, ["Добрый день, можно вызвать замерщика на субботу?"]),
        ("903", "Марина К.", 4, ["Вот фото окна, нужна замена уплотнителя"]),
        ("904", "Алексей Воронин", 300, ["Спасибо, жду звонка"]),
        ("905", "Татьяна", 900, ["Подскажите, вы работаете с ламинацией под дерево?"]),
    ]
    with db.uow() as uow:
        for chat, name, minutes, texts in chats:
            messages = [
                IncomingMessage(
                    external_id=f"demo-{chat}-{n}",
                    chat_id=chat,
                    user_key=f"telegram:{chat}",
                    sent_at=now - timedelta(minutes=minutes - n),
                    display_name=name,
                    username=f"user{chat}",
                    text=text,
                    attachments=(
                        (
                            Attachment(
                                kind="photo", file_id=f"demo-photo-{chat}", name="okno.jpg", size=184_320
                            ),
                        )
                        if chat == "903"
                        else ()
                    ),
                )
                for n, text in enumerate(texts)
            ]
            ingest_messages(uow, channel_id, messages)
        session = uow.session
        # Two chats were answered earlier; one answer did not go out (the operator retries it).
        for chat, text, status in (
            ("904", "Алексей, менеджер перезвонит вам сегодня до 18:00.", "sent"),
            ("905", "Да, ламинация под дуб, орех и венге. Пришлю каталог.", "sent"),
            ("905", "Каталог во вложении.", "failed"),
        ):
            conversation = session.scalars(select(Conversation).where(Conversation.chat_id == chat)).one()
            at = (conversation.last_message_at or now) + timedelta(minutes=3)
            session.add(
                ConversationMessage(
                    conversation_id=conversation.id,
                    direction="out",
                    external_id=None,
                    text=text,
                    attachments=[],
                    sent_at=at,
                    status=status,
                    error="Telegram cannot be reached." if status == "failed" else None,
                )
            )
            conversation.waiting_since = None
            conversation.last_message_at = at


def _dialogs_chat(shooter: Shooter, context: Any, window: Any) -> None:
    """A chat with an answer that went out and one that did not (it offers a retry)."""
    if _try_import(shooter, "dialogs-chat", "ui.dialogs_workspace", "DialogsWorkspace") is None:
        return
    window.show_workspace("dialogs")
    page = window.workspace_page("dialogs")
    shooter.settle(2.0)
    chosen = next((c for c in page.conversations.conversations() if c.title == "Татьяна"), None)
    if chosen is None:
        shooter.skip("dialogs-chat", "the demo chats are not there")
        return
    page.select_conversation(chosen.id)
    page.reply_edit.setPlainText("Добрый день! Каталог отправлю ещё раз.")
    shooter.settle(2.0)
    shooter.shoot(window, "dialogs-chat")
    page.reply_edit.clear()


def _seed_mail(db: Any) -> None:
    """Letters in the demo mailbox, stored as the IMAP sync stores them (leads made by intake)."""
    try:
        from app.services import mail
    except ImportError:
        return
    from datetime import timedelta
    from email.message import EmailMessage
    from email.utils import format_datetime, make_msgid

    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QColor, QImage
    from sqlalchemy import select

    from app.persistence.models import Channel
    from app.persistence.types import utcnow
    from app.services.demo import EMAIL_CHANNEL

    channel_id = _scalar(db, select(Channel.id).where(Channel.name == EMAIL_CHANNEL))
    if channel_id is None:
        return
    with db.uow() as uow:  # the mailbox's signature, put under replies
        channel = uow.session.get_one(Channel, channel_id)
        signature = "Марина Волкова\nООО «Окна Комфорт», +7 495 000-00-00"
        channel.settings = {**channel.settings, "signature": signature}
    now = utcnow()
    logo = QImage(160, 40, QImage.Format.Format_RGB32)
    logo.fill(QColor("#1565c0"))
    painter = QPainter(logo)
    painter.setPen(QColor("white"))
    painter.drawText(logo.rect(), Qt.AlignmentFlag.AlignCenter, "СтройДом")
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    logo.save(buffer, "PNG")
    logo_png = bytes(buffer.data().data())

    def letter(minutes: int, sender: str, subject: str, text: str, **extra: Any) -> tuple[bytes, Any]:
        message = EmailMessage()
        message["From"] = sender
        message["To"] = "Окна Комфорт <sales@okna-komfort.ru>"
        message["Subject"] = subject
        when = now - timedelta(minutes=minutes)
        message["Date"] = format_datetime(when)
        message["Message-ID"] = extra.get("message_id") or make_msgid(domain="mail.example")
        if extra.get("reply_to_id"):
            message["In-Reply-To"] = extra["reply_to_id"]
            message["References"] = extra["reply_to_id"]
        if extra.get("cc"):
            message["Cc"] = extra["cc"]
        message.set_content(text)
        if extra.get("html"):
            message.add_alternative(extra["html"], subtype="html")
            html_part = message.get_payload()[1]
            html_part.add_related(logo_png, maintype="image", subtype="png", cid="<logo@stroydom>")
        for name, data in extra.get("files", ()):
            message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
        return message.as_bytes(), when

    first = make_msgid(domain="mail.example")
    html = (
        "<p>Добрый день!</p><p>Просим рассчитать остекление коттеджа по приложенному плану: "
        "<b>14 окон</b> из профиля REHAU, две балконные двери, монтаж до 15 декабря.</p>"
        "<table border='1' cellpadding='4' cellspacing='0'><tr><th>Помещение</th><th>Размер, мм</th>"
        "<th>Кол-во</th></tr><tr><td>Гостиная</td><td>1800×1500</td><td>3</td></tr>"
        "<tr><td>Спальни</td><td>1200×1400</td><td>6</td></tr><tr><td>Кухня</td><td>900×1200</td>"
        "<td>2</td></tr></table>"
        "<p>С уважением,<br>Марина Соколова, снабжение<br>ООО «СтройДом», +7 495 123-45-67</p>"
        '<img src="cid:logo@stroydom"> <img src="https://tracker.example/open.gif?u=77" width="1" height="1">'
    )
    raws = [
        letter(600, "Игорь Васильев <igor.vasiliev@mail.ru>", "Окна в загородный дом",
               "Здравствуйте!\nНужны окна на дачу, 6 штук, двухкамерный стеклопакет.\nИгорь",
               message_id=first),
        letter(420, "Игорь Васильев <igor.vasiliev@mail.ru>", "Re: Окна в загородный дом",
               "И ещё входная дверь, если делаете.\n", reply_to_id=first),
        letter(300, "Ольга Кузнецова <o.kuznetsova@yandex.ru>", "Замер в субботу?",
               "Добрый день! Можно ли вызвать замерщика на субботу, 10:00?\nОльга"),
        letter(95, "Марина Соколова <m.sokolova@stroydom.example>", "Запрос КП: остекление коттеджа",
               "Добрый день! Просим рассчитать остекление коттеджа по приложенному плану.",
               html=html, cc="Сергей Белов <s.belov@stroydom.example>",
               files=(("План коттеджа.pdf", b"%PDF-1.4 demo"), ("Спецификация.pdf", b"%PDF-1.4 demo"))),
        letter(40, "Павел Морозов <pavel.morozov@gmail.com>", "Москитные сетки",
               "Подскажите цену москитных сеток на 4 окна.\n"),
    ]
    with db.uow() as uow:
        fetched = [mail.FetchedLetter(n + 1, raw, when) for n, (raw, when) in enumerate(raws)]
        mail.store_letters(uow, channel_id, "INBOX", fetched, cursor=mail.FolderCursor(1, len(raws)))


def _mail(shooter: Shooter, context: Any, window: Any) -> None:
    """Mail: a letter from a company open in the reading pane, then a reply being written."""
    if _try_import(shooter, "mail-letter", "ui.mail", "MailWorkspace") is None:
        return
    from ui.mail.shapes import ComposeMode

    window.show_workspace("mail")
    page = window.workspace_page("mail")
    shooter.settle(3.0)
    rows = [page.model.message(row) for row in range(page.model.rowCount())]
    row = next((n for n, item in enumerate(rows) if item.has_attachments), 0 if rows else None)
    if row is None:
        shooter.skip("mail-letter", "no letters in the demo mailbox")
        return
    page.open_row(row)
    shooter.settle(3.0)
    shooter.shoot(window, "mail-letter")
    dialog = page.compose(ComposeMode.REPLY)
    if dialog is not None:
        dialog.move(window.frameGeometry().topLeft() + QPoint(300, 90))
        answer = "Марина, добрый день!\nРасчёт пришлём завтра до 12:00.\n"
        dialog.body_edit.setPlainText(answer + dialog.body_edit.toPlainText())
        shooter.settle(1.0)
        shooter.shoot(window, "mail-reply", overlay=dialog)
        dialog.close()


def _lead_card(shooter: Shooter, context: Any, window: Any) -> None:
    LeadCardDialog = _try_import(shooter, "lead-card", "ui.lead_card", "LeadCardDialog")
    if LeadCardDialog is None:
        return
    from sqlalchemy import select

    from app.persistence.models import Lead

    # A repeat lead that was processed: the richest card (history, client, other leads).
    lead_id = _scalar(
        context.db, select(Lead.id).where(Lead.state == "repeat_processed").order_by(Lead.id.desc()).limit(1)
    ) or _scalar(context.db, select(Lead.id).order_by(Lead.id.desc()).limit(1))
    dialog = LeadCardDialog(context, lead_id, window)
    dialog.show()
    shooter.settle(3.0)
    shooter.shoot(dialog, "lead-card")
    dialog.close()


def _intake_wizard(shooter: Shooter, context: Any, window: Any) -> None:
    IntakeWizard = _try_import(shooter, "intake-wizard", "ui.intake_wizard", "IntakeWizard")
    if IntakeWizard is None:
        return
    from sqlalchemy import select

    from app.persistence.models import Lead

    # An open repeat lead: the wizard finds the client by the phone on its first page.
    lead_id = _scalar(
        context.db,
        select(Lead.id)
        .where(Lead.state == "repeat", Lead.phone.is_not(None))
        .order_by(Lead.id.desc())
        .limit(1),
    ) or _scalar(context.db, select(Lead.id).where(Lead.state == "new").order_by(Lead.id.desc()).limit(1))
    wizard = IntakeWizard(context, lead_id, None, window)
    wizard.show()
    shooter.settle(3.0)
    names = ["who", "what", "result"]
    for step in range(len(names)):
        shooter.shoot(wizard, f"wizard-{step + 1}-{names[step]}")
        if step == len(names) - 1:
            break
        before = wizard.currentId()
        _prepare_page(wizard)
        wizard.next()
        shooter.settle(2.0)
        if wizard.currentId() == before:
            shooter.skip(
                f"wizard-{step + 2}-{names[step + 1]}", "the page before did not accept its demo input"
            )
            break
    wizard.reject()
    shooter.settle(0.5)


def _prepare_page(wizard: Any) -> None:
    """Fill in what a page needs to go on, through the page's own widgets, where it is obvious."""
    page = wizard.currentPage()
    filler: Callable[[], None] | None = getattr(page, "fill_for_screenshot", None)
    if filler is not None:
        filler()


def _accept_inquiry(shooter: Shooter, context: Any, window: Any) -> None:
    AcceptInquiryDialog = _try_import(shooter, "accept-inquiry", "ui.accept_inquiry", "AcceptInquiryDialog")
    if AcceptInquiryDialog is None:
        return
    dialog = AcceptInquiryDialog(context, window)
    dialog.show()
    shooter.settle(1.5)
    phone = getattr(dialog, "phone_edit", None)
    name = getattr(dialog, "name_edit", None)
    if name is not None:
        name.setText("Иванов Сергей")
    if phone is not None:
        phone.setText("8 (916) 123-45-67")
    shooter.settle(2.0)
    shooter.shoot(dialog, "accept-inquiry")
    dialog.reject()


def _reports(shooter: Shooter, context: Any, window: Any) -> None:
    """The Reports workspace as a supervisor reads it: the year's lead analysis, the funnel, a drill-down."""
    if _try_import(shooter, "reports", "ui.reports", "ReportsWorkspace") is None:
        return
    from app.services.reports import PeriodPreset, ReportName

    window.show_workspace("reports")
    page = window.workspace_page("reports")
    page.filter_bar.set_preset(PeriodPreset.YEAR)
    shooter.settle(6.0)
    shooter.shoot(window, "reports-leads")
    page.choose_report(ReportName.FUNNEL)
    shooter.settle(6.0)
    shooter.shoot(window, "reports-funnel")
    page.choose_report(ReportName.LEADS)
    shooter.settle(6.0)
    rows = page.table_model.rows()
    if rows:
        opened: list[Any] = []
        page.drill_opened.connect(opened.append)
        page.drill(rows[0], "total")
        shooter.settle(6.0)
        if opened:
            shooter.shoot(opened[0], "reports-drill-down")
            opened[0].close()


if __name__ == "__main__":
    sys.exit(main())
