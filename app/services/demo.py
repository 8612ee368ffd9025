"""Realistic Russian demo data (INTERFACES `inflow demo`): a window and climate company's lead desk.

Everything goes through the product's own services — users and channels through
:mod:`app.services.admin`, leads through :func:`app.services.intake.register_leads`, every
processing step through :mod:`app.services.processing` acting as the responsible employee — so
the demo is also a smoke test of those services. Only the things that have no service yet
(clients of earlier years, the exclusion list, lead statuses, the call log and planned tasks)
are written directly.

The result is reproducible for a seed (``random.Random(seed)``) relative to the moment it runs:
leads are spread over the last :data:`DAYS` days and older leads are more often processed, as in
a real office. With at least :data:`MIN_LEADS_FOR_COVERAGE` leads every lead state, every stage of
the default pipeline and every channel kind appear.

Every demo user's password is :data:`DEMO_PASSWORD`. The first client is always the private
person :data:`DEMO_CLIENT_NAME` with the phone :data:`DEMO_CLIENT_PHONE`, handy for trying
search (``inflow find "8 (916) 123-45-67"``).
"""

from __future__ import annotations

import random
import time as timer
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from app.domain.contacts import normalize_phone
from app.domain.enums import (
    CallDirection,
    CallResult,
    ChannelKind,
    ClientKind,
    ContactKind,
    DistributionRule,
    ExclusionKind,
    InteractionKind,
    InteractionStatus,
    LeadState,
    StageKind,
)
from app.domain.errors import ValidationError
from app.persistence.models import (
    CallRecord,
    Channel,
    Client,
    ContactPerson,
    ContactPoint,
    Department,
    Exclusion,
    Interaction,
    Interest,
    Lead,
    LeadHistory,
    Pipeline,
    Process,
    ProgressStatus,
    Stage,
    User,
)
from app.persistence.types import utcnow
from app.persistence.uow import UnitOfWork
from app.services import processing
from app.services.admin import ChannelSpec, DialogSettings, EmailSettings, create_channel, create_user
from app.services.dto import LeadDTO
from app.services.intake import IntakeOutcome, LeadInput, register_leads
from app.services.permissions import Actor, Right, load_actor
from app.services.processing import ConversionInput, NewClient, NewContactPerson, NewInterest, NewProcess

DEMO_PASSWORD = "demo"
DEMO_CLIENT_NAME = "Иванов Сергей Петрович"
DEMO_CLIENT_PHONE = "+79161234567"
DEMO_CLIENT_PHONE_RAW = "8 (916) 123-45-67"
DAYS = 60
MIN_LEADS_FOR_COVERAGE = 20
MSK = timezone(timedelta(hours=3), "MSK")

# ---------------------------------------------------------------------------------- vocabulary
# fmt: off

_MALE_FIRST = [
    "Александр", "Алексей", "Андрей", "Антон", "Артём", "Борис", "Вадим", "Виктор", "Владимир",
    "Дмитрий", "Евгений", "Игорь", "Илья", "Кирилл", "Максим", "Михаил", "Никита", "Николай",
    "Олег", "Павел", "Роман", "Сергей", "Станислав", "Юрий",
]
_FEMALE_FIRST = [
    "Алина", "Анастасия", "Анна", "Валентина", "Галина", "Дарья", "Екатерина", "Елена", "Ирина",
    "Ксения", "Людмила", "Марина", "Мария", "Наталья", "Ольга", "Полина", "Светлана", "Татьяна",
    "Юлия",
]
_PATRONYMICS = [
    ("Александрович", "Александровна"), ("Алексеевич", "Алексеевна"), ("Андреевич", "Андреевна"),
    ("Борисович", "Борисовна"), ("Викторович", "Викторовна"), ("Владимирович", "Владимировна"),
    ("Дмитриевич", "Дмитриевна"), ("Евгеньевич", "Евгеньевна"), ("Иванович", "Ивановна"),
    ("Игоревич", "Игоревна"), ("Михайлович", "Михайловна"), ("Николаевич", "Николаевна"),
    ("Олегович", "Олеговна"), ("Павлович", "Павловна"), ("Петрович", "Петровна"), ("Сергеевич",
    "Сергеевна"), ("Юрьевич", "Юрьевна"),
]
_SURNAMES = [
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов",
    "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев",
    "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин",
    "Фролов", "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов",
    "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев",
]
_COMPANY_WORDS = [
    "Альфа", "Вектор", "Гранит", "Северный ветер", "Стройресурс", "Техноком", "Уют", "Меридиан",
    "Квадрат", "Эталон", "Горизонт", "Лидер", "Прогресс", "Авангард", "Восток", "Интерьер-Сервис",
    "Кедр", "Стандарт", "Фасад-Мастер", "Олимп", "Теплодом", "Русский лес", "ПромСнаб", "Ника",
]
_LEGAL_FORMS = ["ООО", "ООО", "ООО", "АО", "ПАО"]
_POSITIONS = [
    "Генеральный директор", "Директор", "Главный инженер", "Менеджер по закупкам", "Офис-менеджер",
    "Заместитель директора", "Главный бухгалтер", "Администратор",
]
_MAIL_DOMAINS = ["mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru", "list.ru", "rambler.ru"]
_MOBILE_CODES = [
    "903", "905", "906", "909", "910", "911", "915", "916", "917", "919", "921", "925", "926",
    "929", "951", "960", "964", "977", "981", "985", "995", "999",
]
_LANDLINE_CODES = ["495", "499", "812"]
_WANTS = [
    ("Пластиковые окна в квартиру", 35_000, 180_000),
    ("Остекление балкона", 40_000, 150_000),
    ("Тёплое остекление лоджии", 60_000, 220_000),
    ("Сплит-система в спальню", 25_000, 70_000),
    ("Кондиционеры в офис", 120_000, 900_000),
    ("Монтаж вентиляции", 150_000, 1_200_000),
    ("Замена стеклопакетов", 8_000, 60_000),
    ("Окна в загородный дом", 150_000, 700_000),
    ("Сервисное обслуживание кондиционеров", 15_000, 90_000),
    ("Москитные сетки и откосы", 5_000, 30_000),
    ("Алюминиевые двери для магазина", 90_000, 400_000),
    ("Ремонт окон, регулировка фурнитуры", 3_000, 15_000),
]
_EMAIL_SUBJECTS = [
    "Запрос коммерческого предложения",
    "Расчёт стоимости окон",
    "Прошу перезвонить",
    "Вопрос по установке кондиционера",
    "Заявка на замер",
    "Счёт на оплату",
    "Сроки изготовления",
]
_MESSAGES = [
    "Здравствуйте! Сколько будет стоить {want_l}? Интересуют сроки.",
    "Добрый день. Нужен {want_l}, можно ли приехать на замер в субботу?",
    "Здравствуйте, хотим заказать {want_l}. Пришлите, пожалуйста, расчёт.",
    "Интересует {want_l}. Есть ли скидки при заказе до конца месяца?",
    "Добрый вечер! Подскажите по цене на {want_l}, площадь около 12 м².",
    "Перезвоните, пожалуйста, по поводу заказа: {want_l}.",
]
_AD_SOURCES_SITE = ["Яндекс.Директ", "Google Ads", "SEO", "ВКонтакте", "Email-рассылка", "Яндекс.Карты"]
_AD_SOURCES_CALL = ["Яндекс.Директ", "Авито", "2ГИС", "Наружная реклама", "Рекомендация"]
_REJECT_COMMENTS: dict[str | None, list[str | None]] = {
    "wrong_number": ["Ошиблись номером", "Искали другую организацию", None],
    "not_our_service": ["Нужен только ремонт мебели", "Интересуют деревянные окна под заказ", None],
    "no_answer_3": ["Три звонка без ответа", "Не берёт трубку, письмо без ответа"],
    "existing_client": ["Уже работает с менеджером по другому договору", None],
    None: ["Клиент передумал", "Дорого, ушёл к конкурентам"],
}
_PROCESS_TITLES = [
    "Выезд замерщика",
    "Подготовить коммерческое предложение",
    "Перезвонить после согласования с руководством",
    "Проконсультировать по гарантии",
    "Выслать каталог и прайс",
]
_TASK_SUBJECTS = [
    "Перезвонить клиенту",
    "Отправить КП",
    "Согласовать дату замера",
    "Выставить счёт",
    "Уточнить размеры проёмов",
    "Встреча в офисе",
]
_PROGRESS_STATUSES = [
    ("Перезвонить позже", "#e5a23d"),
    ("Ждёт расчёта", "#4a90d9"),
    ("Назначен замер", "#50b5a9"),
]

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
         "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"],
        strict=True,
    )
)

# fmt: on


def translit(text: str) -> str:
    """Latin letters for a Russian word (for e-mail addresses and logins)."""
    return "".join(_TRANSLIT.get(ch, ch) for ch in text.lower() if ch.isalnum() or ch in "-.")


def inn_company(rng: random.Random) -> str:
    """A 10-digit company INN with a valid check digit."""
    digits = [int(ch) for ch in rng.choice(["77", "78", "50", "66", "16", "52"])]
    digits += [rng.randrange(10) for _ in range(7)]
    weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    digits.append(sum(w * d for w, d in zip(weights, digits, strict=True)) % 11 % 10)
    return "".join(map(str, digits))


def inn_person(rng: random.Random) -> str:
    """A 12-digit INN (private person or entrepreneur) with valid check digits."""
    digits = [int(ch) for ch in rng.choice(["77", "78", "50", "66", "16", "52"])]
    digits += [rng.randrange(10) for _ in range(8)]
    w11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    digits.append(sum(w * d for w, d in zip(w11, digits, strict=True)) % 11 % 10)
    w12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    digits.append(sum(w * d for w, d in zip(w12, digits, strict=True)) % 11 % 10)
    return "".join(map(str, digits))


def inn_is_valid(inn: str) -> bool:
    """Whether a 10- or 12-digit INN has correct check digits."""
    if not inn.isdigit() or len(inn) not in (10, 12):
        return False
    d = [int(ch) for ch in inn]
    if len(d) == 10:
        weights = [2, 4, 10, 3, 5, 9, 4, 6, 8]
        return sum(w * x for w, x in zip(weights, d, strict=False)) % 11 % 10 == d[9]
    w11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    w12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
    return (
        sum(w * x for w, x in zip(w11, d, strict=False)) % 11 % 10 == d[10]
        and sum(w * x for w, x in zip(w12, d, strict=False)) % 11 % 10 == d[11]
    )


def format_phone(e164: str, style: int) -> str:
    """A Russian E.164 number (+7 and ten digits) written the way people write it."""
    n = e164[2:]
    code, a, b, c = n[:3], n[3:6], n[6:8], n[8:10]
    styles = [
        f"+7 {code} {a}-{b}-{c}",
        f"8 ({code}) {a}-{b}-{c}",
        f"7{n}",
        n,
        f"+7({code}){a}{b}{c}",
        f"8-{code}-{a}-{b}-{c}",
        f"8{n}",
        f"+7 ({code}) {a} {b} {c}",
    ]
    return styles[style % len(styles)]


@dataclass(slots=True)
class _Person:
    name: str
    first: str
    surname: str
    male: bool
    phone: str | None
    email: str | None
    messenger: str | None


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What the demo created."""

    users: int
    departments: int
    channels: int
    clients: int
    contact_persons: int
    leads: int
    excluded: int
    states: dict[str, int] = field(hash=False)
    kinds: dict[str, int] = field(hash=False)
    interests: int = 0
    processes: int = 0
    tasks: int = 0
    call_records: int = 0
    seconds: float = 0.0


class _Names:
    """Russian people, companies, phones and e-mails without repeats where it matters."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.phones: set[str] = {DEMO_CLIENT_PHONE}
        self.emails: set[str] = set()
        self.inns: set[str] = set()
        self.messengers: set[str] = set()

    def person(self, *, phone: bool = True, email: bool = False, messenger: bool = False) -> _Person:
        rng = self.rng
        male = rng.random() < 0.55
        first = rng.choice(_MALE_FIRST if male else _FEMALE_FIRST)
        surname = rng.choice(_SURNAMES)
        patronymic = rng.choice(_PATRONYMICS)[0 if male else 1]
        if not male:
            surname += "а"  # every surname of the list is -ов/-ев/-ин: Иванов → Иванова
        name = f"{surname} {first} {patronymic}"
        return _Person(
            name=name,
            first=first,
            surname=surname,
            male=male,
            phone=self.phone() if phone else None,
            email=self.email(first, surname) if email else None,
            messenger=self.messenger(first, surname) if messenger else None,
        )

    def phone(self, landline: bool = False) -> str:
        while True:
            code = self.rng.choice(_LANDLINE_CODES if landline else _MOBILE_CODES)
            number = f"+7{code}{self.rng.randrange(10**7):07d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def email(self, first: str, surname: str, domain: str | None = None) -> str:
        base = translit(surname)
        patterns = [
            f"{translit(first)}.{base}",
            f"{base}.{translit(first)[:1]}",
            f"{base}{self.rng.randrange(10, 99)}",
        ]
        while True:
            local = self.rng.choice(patterns) + (
                "" if self.rng.random() < 0.7 else str(self.rng.randrange(1970, 2005))
            )
            address = f"{local}@{domain or self.rng.choice(_MAIL_DOMAINS)}"
            if address not in self.emails:
                self.emails.add(address)
                return address

    def messenger(self, first: str, surname: str) -> str:
        while True:
            if self.rng.random() < 0.5:
                handle = f"@{translit(first)}_{translit(surname)}{self.rng.randrange(1, 999)}"
            else:
                handle = f"tg:{self.rng.randrange(10**8, 10**10)}"
            if handle not in self.messengers:
                self.messengers.add(handle)
                return handle

    def company(self) -> tuple[str, str]:
        word = self.rng.choice(_COMPANY_WORDS)
        form = self.rng.choice(_LEGAL_FORMS)
        suffix = self.rng.choice(["", "", " Плюс", "-М", " Групп", "-Строй"])
        name = f"{form} «{word}{suffix}»"
        slug = translit(word.replace(" ", "-") + suffix.replace(" ", "-")).strip("-") or "company"
        return name, slug

    def inn(self, company: bool) -> str:
        while True:
            value = inn_company(self.rng) if company else inn_person(self.rng)
            if value not in self.inns:
                self.inns.add(value)
                return value


# ---------------------------------------------------------------------------------- the demo


_USERS: list[tuple[str, str, str, str, str | None]] = [
    # login, full name, role, department, extension
    ("admin", "Смирнов Алексей Петрович", "admin", "Администрация", None),
    ("supervisor", "Кузнецова Ольга Викторовна", "supervisor", "Отдел продаж", "200"),
    ("dispatcher", "Волкова Марина Сергеевна", "dispatcher", "Колл-центр", "100"),
    ("operator1", "Лебедева Анна Игоревна", "operator", "Колл-центр", "101"),
    ("operator2", "Орлов Денис Андреевич", "operator", "Колл-центр", "102"),
    ("operator3", "Зайцева Юлия Олеговна", "operator", "Колл-центр", "103"),
    ("office", "Григорьева Светлана Николаевна", "operator", "Администрация", "110"),
    ("manager1", "Соколов Игорь Владимирович", "manager", "Отдел продаж", "201"),
    ("manager2", "Попова Екатерина Дмитриевна", "manager", "Отдел продаж", "202"),
    ("manager3", "Морозов Павел Сергеевич", "manager", "Отдел продаж", "203"),
    ("manager4", "Новикова Ирина Александровна", "manager", "Отдел продаж", "204"),
    ("manager5", "Фёдоров Максим Юрьевич", "manager", "Отдел продаж", "205"),
]

CALL_CHANNEL = "Телефон"
EMAIL_CHANNEL = "Почта sales@"
DIALOG_CHANNEL = "Telegram"
SITE_CHANNEL = "Сайт"
WALKIN_CHANNEL = "Walk-in"
_OWN_NUMBERS = ("+7 (495) 120-45-67", "8 800 555-35-35")
_SUPPLIER_PHONE = "+74951112233"
_SUPPLIER_DOMAIN = "okna-postavka.ru"


def _channel_specs() -> list[ChannelSpec]:
    return [
        ChannelSpec(
            kind=ChannelKind.CALL,
            name=CALL_CHANNEL,
            role_code="operator",
            rule=DistributionRule.ROUND_ROBIN,
            sla_minutes=15,
            internal_pattern=r"^\d{3}$",
            own_numbers=_OWN_NUMBERS,
        ),
        ChannelSpec(
            kind=ChannelKind.EMAIL,
            name=EMAIL_CHANNEL,
            role_code="manager",
            rule=DistributionRule.LEAST_LOADED,
            sla_minutes=120,
            email=EmailSettings(
                imap="imap.yandex.ru:993",
                smtp="smtp.yandex.ru:465",
                security="ssl",
                login="sales@okna-komfort.ru",
                password_env="INFLOW_SALES_MAIL_PASSWORD",
            ),
        ),
        ChannelSpec(
            kind=ChannelKind.DIALOG,
            name=DIALOG_CHANNEL,
            role_code="dispatcher",
            rule=DistributionRule.POOL,
            sla_minutes=30,
            dialog=DialogSettings(telegram_token_env="INFLOW_TELEGRAM_TOKEN"),
        ),
        ChannelSpec(
            kind=ChannelKind.REQUEST,
            name=SITE_CHANNEL,
            role_code="manager",
            rule=DistributionRule.ROUND_ROBIN,
            sla_minutes=60,
            web_form=True,
        ),
        ChannelSpec(
            kind=ChannelKind.REQUEST,
            name=WALKIN_CHANNEL,
            responsible_login="office",
            rule=DistributionRule.FIXED,
            reason_required=True,
            ad_source="Вывеска офиса",
        ),
    ]


def _table(model: type[Any]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _require_empty(session: Session) -> None:
    counts = {
        "users": session.scalar(select(func.count()).select_from(User)) or 0,
        "channels": session.scalar(select(func.count()).select_from(Channel)) or 0,
        "leads": session.scalar(select(func.count()).select_from(Lead)) or 0,
        "clients": session.scalar(select(func.count()).select_from(Client)) or 0,
    }
    if any(counts.values()):
        held = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
        raise ValidationError(
            f"The database already holds data ({held}); demo data goes into a new, empty database."
        )


class _Demo:
    """One run of the generator (state shared by its steps)."""

    def __init__(self, uow: UnitOfWork, actor: Actor, leads: int, seed: int) -> None:
        self.uow = uow
        self.session = uow.session
        self.actor = actor
        self.lead_count = leads
        self.rng = random.Random(seed)
        self.names = _Names(self.rng)
        self.now = utcnow().replace(microsecond=0)
        self.users: dict[str, int] = {}
        self.channels: dict[str, int] = {}
        self.actors: dict[int, Actor] = {}
        self.stages: list[tuple[int, str, str]] = []  # id, name, kind
        self.statuses: list[int] = []
        # Known clients: id, its contact persons (id, phone, email), responsible manager.
        self.client_people: dict[int, list[tuple[str, str | None, str | None]]] = {}
        self.client_ids: list[int] = []
        self.client_open_interests: dict[int, list[int]] = {}
        self.lead_client: dict[int, int] = {}
        self.created_leads: list[LeadDTO] = []
        self.excluded = 0
        self.action_times: dict[int, datetime] = {}
        self.interest_ids: list[int] = []
        self.process_ids: list[int] = []
        self.closed_interests: dict[int, datetime] = {}
        self.new_client_ids: dict[int, datetime] = {}
        self.tasks = 0
        self.call_records = 0

    # -- staff and settings -------------------------------------------------------------

    def staff(self) -> None:
        for login, name, role, department, extension in _USERS:
            user = create_user(
                self.uow,
                self.actor,
                login,
                name,
                [role],
                department=department,
                extension=extension,
                password=DEMO_PASSWORD,
                email=f"{login}@okna-komfort.ru",
            )
            self.users[login] = user.id
        for spec in _channel_specs():
            created = create_channel(self.uow, self.actor, spec)
            self.channels[spec.name] = created.channel.id
        for position, (name, color) in enumerate(_PROGRESS_STATUSES, start=1):
            status = ProgressStatus(name=name, position=position, color=color)
            self.session.add(status)
            self.session.flush()
            self.statuses.append(status.id)
        self.session.execute(
            insert(_table(Exclusion)),
            [
                {"kind": ExclusionKind.PHONE.value, "value": _SUPPLIER_PHONE, "comment": "Поставщик профиля"},
                {
                    "kind": ExclusionKind.DOMAIN.value,
                    "value": _SUPPLIER_DOMAIN,
                    "comment": "Поставщик стекла",
                },
                {
                    "kind": ExclusionKind.EMAIL.value,
                    "value": "noreply@sberbank.ru",
                    "comment": "Уведомления банка",
                },
            ],
        )
        pipeline_id = self.session.scalar(
            select(Pipeline.id).order_by(Pipeline.is_default.desc(), Pipeline.id)
        )
        self.stages = [
            (stage_id, name, kind)
            for stage_id, name, kind in self.session.execute(
                select(Stage.id, Stage.name, Stage.kind)
                .where(Stage.pipeline_id == pipeline_id)
                .order_by(Stage.position)
            )
        ]
        for user_id in self.users.values():
            self.actors[user_id] = load_actor(self.session, user_id)

    @property
    def managers(self) -> list[int]:
        return [self.users[f"manager{i}"] for i in range(1, 6)]

    # -- clients of earlier years -------------------------------------------------------

    def clients(self) -> None:
        rng = self.rng
        count = max(20, self.lead_count // 8)
        sales = self.session.scalar(select(Department.id).where(Department.name == "Отдел продаж"))
        client_rows: list[dict[str, Any]] = []
        people: list[list[tuple[_Person, str | None]]] = []
        company_contacts: list[tuple[str | None, str | None]] = []
        for index in range(count):
            created = self.now - timedelta(days=rng.randint(DAYS + 5, 900), minutes=rng.randint(0, 1440))
            if index == 0:
                person = _Person(DEMO_CLIENT_NAME, "Сергей", "Иванов", True, DEMO_CLIENT_PHONE, None, None)
                person.email = self.names.email("Сергей", "Иванов", "mail.ru")
                client_rows.append(self._client_row(ClientKind.PERSON, person.name, None, created, sales))
                people.append([(person, None)])
                company_contacts.append((None, None))
            elif rng.random() < 0.6:
                person = self.names.person(email=rng.random() < 0.6)
                inn = self.names.inn(company=False) if rng.random() < 0.2 else None
                client_rows.append(self._client_row(ClientKind.PERSON, person.name, inn, created, sales))
                people.append([(person, None)])
                company_contacts.append((None, None))
            else:
                name, slug = self.names.company()
                client_rows.append(
                    self._client_row(ClientKind.COMPANY, name, self.names.inn(company=True), created, sales)
                )
                staff: list[tuple[_Person, str | None]] = []
                for _ in range(rng.choice([1, 1, 2, 2, 3])):
                    person = self.names.person()
                    person.email = self.names.email(person.first, person.surname, f"{slug}.ru")
                    staff.append((person, rng.choice(_POSITIONS)))
                people.append(staff)
                info = f"info@{slug}.ru"
                self.names.emails.add(info)
                company_contacts.append((self.names.phone(landline=True), info))
        ids = list(
            self.session.scalars(
                insert(_table(Client)).returning(_table(Client).c.id, sort_by_parameter_order=True),
                client_rows,
            )
        )
        person_rows: list[dict[str, Any]] = []
        owners: list[tuple[int, _Person]] = []
        for client_id, members, row in zip(ids, people, client_rows, strict=True):
            for person, position in members:
                name = person.name
                person_rows.append(
                    {
                        "client_id": client_id,
                        "name": name,
                        "name_lower": name.lower(),
                        "position": position,
                        "created_at": row["created_at"],
                    }
                )
                owners.append((client_id, person))
        person_ids = list(
            self.session.scalars(
                insert(_table(ContactPerson)).returning(
                    _table(ContactPerson).c.id, sort_by_parameter_order=True
                ),
                person_rows,
            )
        )
        points: list[dict[str, Any]] = []
        for (client_id, person), person_id in zip(owners, person_ids, strict=True):
            self.client_people.setdefault(client_id, []).append((person.name, person.phone, person.email))
            if person.phone:
                raw = (
                    DEMO_CLIENT_PHONE_RAW
                    if person.phone == DEMO_CLIENT_PHONE
                    else format_phone(person.phone, rng.randrange(8))
                )
                points.append(self._point(client_id, person_id, ContactKind.PHONE, person.phone, raw, True))
            if person.email:
                points.append(
                    self._point(client_id, person_id, ContactKind.EMAIL, person.email, person.email, True)
                )
        for client_id, (phone, email) in zip(ids, company_contacts, strict=True):
            if phone:
                points.append(
                    self._point(client_id, None, ContactKind.PHONE, phone, format_phone(phone, 1), False)
                )
            if email:
                points.append(self._point(client_id, None, ContactKind.EMAIL, email, email, False))
        self.session.execute(insert(_table(ContactPoint)), points)
        self.client_ids = ids

    def _client_row(
        self, kind: ClientKind, name: str, inn: str | None, created: datetime, department: int | None
    ) -> dict[str, Any]:
        return {
            "kind": kind.value,
            "name": name,
            "name_lower": name.lower(),
            "inn": inn,
            "responsible_user_id": self.rng.choice(self.managers),
            "department_id": department,
            "created_at": created,
        }

    @staticmethod
    def _point(
        client_id: int, person_id: int | None, kind: ContactKind, value: str, raw: str, personal: bool
    ) -> dict[str, Any]:
        return {
            "client_id": client_id,
            "contact_person_id": person_id,
            "kind": kind.value,
            "value": value,
            "raw": raw,
            "is_personal": personal,
        }

    # -- inquiries ----------------------------------------------------------------------

    def _received(self) -> datetime:
        rng = self.rng
        # More recent days are a little busier; office hours in Moscow, a few at night.
        day = int(DAYS * (rng.random() ** 1.15))
        hour = rng.choice([9, 10, 10, 11, 11, 12, 12, 13, 14, 14, 15, 15, 16, 16, 17, 18, 19, 20, 22, 7])
        local_midnight = (self.now.astimezone(MSK) - timedelta(days=day)).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        moment = local_midnight + timedelta(hours=hour, minutes=rng.randrange(60), seconds=rng.randrange(60))
        if moment > self.now - timedelta(minutes=2):
            moment = self.now - timedelta(minutes=rng.randint(2, 240))
        return moment.astimezone(self.now.tzinfo)

    def inquiries(self) -> list[LeadInput]:
        rng = self.rng
        channel_weights = [
            (CALL_CHANNEL, 42),
            (EMAIL_CHANNEL, 20),
            (DIALOG_CHANNEL, 14),
            (SITE_CHANNEL, 18),
            (WALKIN_CHANNEL, 6),
        ]
        names = [name for name, _ in channel_weights]
        weights = [weight for _, weight in channel_weights]
        prospects: list[_Person] = []
        plan: list[tuple[datetime, str, _Person, bool]] = []
        for index in range(self.lead_count):
            channel = names[index] if index < len(names) else rng.choices(names, weights)[0]
            received = self._received()
            roll = rng.random()
            if roll < 0.10 or (index < 10 and index % 4 == 3):
                person = self._known_person()
                if channel == EMAIL_CHANNEL and person.email is None:
                    channel = CALL_CHANNEL  # they phone us: we know no e-mail of theirs
                plan.append((received, channel, person, True))
                continue
            if roll < 0.18 and prospects:
                person = rng.choice(prospects)
            else:
                person = self.names.person(email=True, messenger=True)
                prospects.append(person)
            plan.append((received, channel, person, False))
        plan.sort(key=lambda entry: entry[0])
        items = [self._inquiry(i, *entry) for i, entry in enumerate(plan)]
        # The supplier and the bank: on the exclusion list, logged but never leads.
        for index in range(max(2, self.lead_count // 100)):
            received = self._received()
            if index % 2 == 0:
                items.append(
                    LeadInput(
                        channel_id=self.channels[CALL_CHANNEL],
                        external_id=f"demo-excluded-call-{index}@pbx.okna-komfort.ru",
                        received_at=received,
                        phone=format_phone(_SUPPLIER_PHONE, index),
                        subject="Входящий звонок",
                    )
                )
            else:
                items.append(
                    LeadInput(
                        channel_id=self.channels[EMAIL_CHANNEL],
                        external_id=f"<demo-excluded-{index}@{_SUPPLIER_DOMAIN}>",
                        received_at=received,
                        email=f"manager@{_SUPPLIER_DOMAIN}",
                        contact_name="Отдел продаж поставщика",
                        subject="Новый прайс на стеклопакеты",
                    )
                )
        items.sort(key=lambda item: item.received_at or self.now)
        return items

    def _known_person(self) -> _Person:
        client_id = self.rng.choice(self.client_ids)
        name, phone, email = self.rng.choice(self.client_people[client_id])
        surname, first = ([*name.split(), "", ""])[:2]
        return _Person(name, first, surname, True, phone, email, None)

    def _inquiry(
        self, index: int, received: datetime, channel: str, person: _Person, known: bool
    ) -> LeadInput:
        rng = self.rng
        want, _, _ = rng.choice(_WANTS)
        message = rng.choice(_MESSAGES).format(want_l=want[0].lower() + want[1:])
        name = person.name or None
        channel_id = self.channels[channel]
        phone = format_phone(person.phone, rng.randrange(8)) if person.phone else None
        if channel == CALL_CHANNEL:
            if phone is None:
                phone = format_phone(self.names.phone(), rng.randrange(8))
            return LeadInput(
                channel_id=channel_id,
                external_id=f"demo-call-{index}-{rng.getrandbits(32):08x}@pbx.okna-komfort.ru",
                received_at=received,
                contact_name=name if (name and rng.random() < 0.25) else None,
                phone=phone,
                subject="Входящий звонок",
                ad_source=rng.choice(_AD_SOURCES_CALL) if rng.random() < 0.45 else None,
            )
        if channel == EMAIL_CHANNEL:
            email = person.email or self.names.email(person.first or "klient", person.surname or "pochta")
            shown = email.upper() if rng.random() < 0.1 else email
            return LeadInput(
                channel_id=channel_id,
                external_id=f"<demo-{index}.{rng.getrandbits(40):010x}@{email.rsplit('@', 1)[1]}>",
                received_at=received,
                contact_name=name,
                email=f"{name} <{shown}>" if name and rng.random() < 0.5 else shown,
                subject=rng.choice(_EMAIL_SUBJECTS),
                message=message,
            )
        if channel == DIALOG_CHANNEL:
            messenger = person.messenger or self.names.messenger(person.first or "client", "tg")
            return LeadInput(
                channel_id=channel_id,
                external_id=f"tg-update-{100000 + index}",
                received_at=received,
                contact_name=name if name else (person.first or None),
                messenger_user=messenger,
                phone=phone if (known or rng.random() < 0.3) else None,
                message=message,
            )
        if channel == SITE_CHANNEL:
            source = rng.choice(_AD_SOURCES_SITE)
            return LeadInput(
                channel_id=channel_id,
                external_id=f"form-{index}-{rng.getrandbits(24):06x}",
                received_at=received,
                contact_name=name or "Посетитель сайта",
                phone=phone,
                email=person.email if rng.random() < 0.5 else None,
                subject="Заявка с сайта",
                message=message,
                ad_source=source,
                extra={"utm_source": translit(source.split(".")[0]) or "direct", "utm_campaign": "okna-2024"},
            )
        return LeadInput(
            channel_id=channel_id,
            external_id=None,
            received_at=received,
            contact_name=name or "Посетитель",
            phone=phone,
            email=person.email if rng.random() < 0.3 else None,
            subject="Посетитель в офисе",
            message=f"Пришёл в офис: {want.lower()}",
        )

    def intake(self, items: Sequence[LeadInput]) -> None:
        for result in register_leads(self.uow, items, self.actor):
            if result.outcome is IntakeOutcome.CREATED:
                assert result.lead is not None
                self.created_leads.append(result.lead)
            elif result.outcome is IntakeOutcome.EXCLUDED:
                self.excluded += 1

    # -- the call log -------------------------------------------------------------------

    def call_log(self) -> None:
        rng = self.rng
        rows: list[dict[str, Any]] = []
        operators = [self.users[f"operator{i}"] for i in range(1, 4)]
        for lead in self.created_leads:
            if lead.kind is not ChannelKind.CALL:
                continue
            answered = rng.random() < 0.85
            answer_at = lead.received_at + timedelta(seconds=rng.randint(3, 25)) if answered else None
            talk = rng.randint(25, 540) if answered else None
            end_at = (
                answer_at + timedelta(seconds=talk)
                if answer_at is not None and talk is not None
                else lead.received_at + timedelta(seconds=rng.randint(15, 40))
            )
            rows.append(
                {
                    "sip_call_id": lead.external_id or f"demo-call-lead-{lead.id}",
                    "direction": CallDirection.IN.value,
                    "channel_id": lead.channel_id,
                    "caller": lead.raw_contact,
                    "caller_phone": lead.phone,
                    "called": normalize_phone(_OWN_NUMBERS[0]),
                    "ring_at": lead.received_at,
                    "answer_at": answer_at,
                    "end_at": end_at,
                    "result": (CallResult.ANSWERED if answered else CallResult.NO_ANSWER).value,
                    "talk_seconds": talk,
                    "answered_by_id": (
                        (lead.responsible_user_id if lead.responsible_user_id in operators else operators[0])
                        if answered
                        else None
                    ),
                    "lead_id": lead.id,
                }
            )
        # Internal calls between employees: in the log, never leads.
        for index in range(max(3, len(rows) // 20)):
            ring = self.now - timedelta(days=rng.randrange(DAYS), minutes=rng.randrange(600))
            rows.append(
                {
                    "sip_call_id": f"demo-internal-{index}@pbx.okna-komfort.ru",
                    "direction": CallDirection.INTERNAL.value,
                    "channel_id": self.channels[CALL_CHANNEL],
                    "caller": rng.choice(["101", "102", "103", "110"]),
                    "caller_phone": None,
                    "called": rng.choice(["201", "202", "203", "204", "205"]),
                    "internal_reason": "extension matches ^\\d{3}$",
                    "ring_at": ring,
                    "answer_at": ring + timedelta(seconds=4),
                    "end_at": ring + timedelta(seconds=rng.randint(20, 200)),
                    "result": CallResult.ANSWERED.value,
                    "talk_seconds": rng.randint(15, 190),
                    "answered_by_id": rng.choice(self.managers),
                    "lead_id": None,
                }
            )
        for row in rows:
            row.setdefault("internal_reason", None)
        if rows:
            self.session.execute(insert(_table(CallRecord)), rows)
        self.call_records = len(rows)

    # -- processing ---------------------------------------------------------------------

    def _fates(self) -> list[LeadState]:
        rng = self.rng
        fates: list[LeadState] = []
        for lead in self.created_leads:
            age = (self.now - lead.received_at).total_seconds() / 86400
            repeat = lead.state is LeadState.REPEAT
            if repeat:
                table = (
                    [
                        (LeadState.REPEAT, 60),
                        (LeadState.IN_PROGRESS, 15),
                        (LeadState.REPEAT_PROCESSED, 20),
                        (LeadState.REJECTED, 5),
                    ]
                    if age < 1
                    else [
                        (LeadState.REPEAT, 8),
                        (LeadState.IN_PROGRESS, 6),
                        (LeadState.REPEAT_PROCESSED, 62),
                        (LeadState.REJECTED, 24),
                    ]
                )
            elif age < 1:
                table = [
                    (LeadState.NEW, 60),
                    (LeadState.IN_PROGRESS, 25),
                    (LeadState.CONVERTED, 10),
                    (LeadState.REJECTED, 5),
                ]
            elif age < 7:
                table = [
                    (LeadState.NEW, 12),
                    (LeadState.IN_PROGRESS, 18),
                    (LeadState.CONVERTED, 43),
                    (LeadState.REJECTED, 27),
                ]
            else:
                table = [
                    (LeadState.NEW, 3),
                    (LeadState.IN_PROGRESS, 5),
                    (LeadState.CONVERTED, 55),
                    (LeadState.REJECTED, 37),
                ]
            states = [state for state, _ in table]
            fates.append(rng.choices(states, [weight for _, weight in table])[0])
        self._cover(fates)
        return fates

    def _cover(self, fates: list[LeadState]) -> None:
        """Make every state appear (and enough conversions to reach every stage) when possible."""
        minimum = {
            LeadState.NEW: 2,
            LeadState.REPEAT: 2,
            LeadState.IN_PROGRESS: 2,
            LeadState.REJECTED: 2,
            LeadState.REPEAT_PROCESSED: 2,
            LeadState.CONVERTED: len(self.stages) + 2,
        }

        def eligible(lead: LeadDTO, wanted: LeadState) -> bool:
            if wanted in (LeadState.NEW, LeadState.CONVERTED):
                return lead.state is LeadState.NEW
            if wanted in (LeadState.REPEAT, LeadState.REPEAT_PROCESSED):
                return lead.state is LeadState.REPEAT
            return True

        for wanted, count in minimum.items():
            while True:
                counts = Counter(fates)
                if counts[wanted] >= count:
                    break
                candidates = [
                    i
                    for i, lead in enumerate(self.created_leads)
                    if fates[i] is not wanted
                    and eligible(lead, wanted)
                    and counts[fates[i]] > minimum[fates[i]]
                ]
                if not candidates:
                    break
                if wanted.is_open:
                    # Open leads look natural when they are recent.
                    choice = max(candidates, key=lambda i: self.created_leads[i].received_at)
                else:
                    choice = self.rng.choice(candidates)
                fates[choice] = wanted

    def _actor(self, user_id: int) -> Actor:
        return self.actors[user_id]

    def _when(self, lead: LeadDTO, slow: bool) -> datetime:
        """When the employee acted on the lead: minutes for calls, up to a day for letters."""
        rng = self.rng
        if lead.kind is ChannelKind.CALL:
            delay = timedelta(minutes=rng.randint(1, 25))
        else:
            delay = timedelta(minutes=rng.randint(5, 180))
        if slow:
            delay += timedelta(hours=rng.randint(1, 30))
        moment = lead.received_at + delay
        return min(moment, self.now - timedelta(seconds=30))

    def _owner(self, lead: LeadDTO) -> int:
        """Make sure the lead has a concrete responsible user: the dispatcher hands pool leads out."""
        if lead.responsible_user_id is not None:
            return lead.responsible_user_id
        dispatcher = self.users["dispatcher"]
        if lead.channel_id == self.channels[DIALOG_CHANNEL]:
            # The dispatcher's own pool: takes it, then usually passes it to a manager.
            target = self.rng.choice(self.managers) if self.rng.random() < 0.7 else dispatcher
        else:
            target = self.rng.choice(self.managers)
        processing.assign_lead(self.uow, self._actor(dispatcher), lead.id, target)
        return target

    def process(self) -> None:
        rng = self.rng
        fates = self._fates()
        stage_cycle = list(range(len(self.stages)))
        conversions = 0
        dispatcher = self.users["dispatcher"]
        for index, (lead, fate) in enumerate(zip(self.created_leads, fates, strict=True)):
            if index % 200 == 199:
                # Everything is flushed by each service call: keep the identity map small.
                self.uow.flush()
                self.session.expunge_all()
            if fate in (LeadState.NEW, LeadState.REPEAT):
                if lead.responsible_user_id is None and rng.random() < 0.4:
                    self._owner(lead)
                    self.action_times[lead.id] = self._when(lead, slow=False)
                continue
            owner = self._owner(lead)
            actor = self._actor(owner)
            when = self._when(lead, slow=rng.random() < 0.25)
            self.action_times[lead.id] = when
            if fate is LeadState.IN_PROGRESS:
                status = rng.choice([None, *self.statuses])
                processing.take_in_progress(self.uow, actor, lead.id, status)
            elif fate is LeadState.REJECTED:
                self._reject(lead, actor, dispatcher)
            else:
                stage_index = stage_cycle[conversions] if conversions < len(stage_cycle) else None
                self._convert(lead, actor, owner, when, stage_index)
                conversions += 1

    def _reject(self, lead: LeadDTO, actor: Actor, dispatcher: int) -> None:
        rng = self.rng
        roll = rng.random()
        if lead.state is LeadState.REPEAT and lead.repeat_of_lead_id is not None and roll < 0.3:
            processing.mark_duplicate(self.uow, self._actor(dispatcher), lead.id, lead.repeat_of_lead_id)
            return
        if roll < 0.2:
            processing.mark_spam(self.uow, self._actor(dispatcher), lead.id)
            return
        reasons = ["wrong_number", "not_our_service", "no_answer_3", "existing_client", None]
        weights = [15, 35, 25, 10 if lead.state is LeadState.REPEAT else 2, 13]
        reason = rng.choices(reasons, weights)[0]
        if reason is None and lead.channel_id == self.channels[WALKIN_CHANNEL]:
            reason = "not_our_service"  # the walk-in channel requires a reason
        processing.reject_lead(
            self.uow, actor, lead.id, reason_code=reason, comment=rng.choice(_REJECT_COMMENTS[reason])
        )

    def _convert(
        self, lead: LeadDTO, actor: Actor, owner: int, when: datetime, stage_index: int | None
    ) -> None:
        rng = self.rng
        client_id = lead.client_id
        if client_id is None and lead.repeat_of_lead_id is not None:
            client_id = self.lead_client.get(lead.repeat_of_lead_id)
        manager = owner if owner in self.managers else rng.choice(self.managers)
        new_client: NewClient | None = None
        new_contact: NewContactPerson | None = None
        contact_person_id = lead.contact_person_id if client_id is not None else None
        if client_id is None:
            contact = lead.contact_name
            if not contact or contact.startswith("Посетитель"):
                contact = self.names.person(phone=False).name
            if rng.random() < 0.35:
                company, _ = self.names.company()
                new_client = NewClient(ClientKind.COMPANY, company, self.names.inn(company=True))
                new_contact = NewContactPerson(contact, rng.choice(_POSITIONS))
            else:
                new_client = NewClient(ClientKind.PERSON, contact)
                new_contact = NewContactPerson(contact)
        want, low, high = rng.choice(_WANTS)
        interest: NewInterest | None = None
        process: NewProcess | None = None
        existing: int | None = None
        open_interests = self.client_open_interests.get(client_id, []) if client_id is not None else []
        if stage_index is None and open_interests and rng.random() < 0.25:
            existing = rng.choice(open_interests)
        elif stage_index is None and rng.random() < 0.15:
            process = NewProcess(
                title=rng.choice(_PROCESS_TITLES),
                due_at=when + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 6)),
                assignee_id=manager,
                description=f"По обращению №{lead.id}: {want.lower()}",
            )
        else:
            if stage_index is None:
                age_days = (self.now - lead.received_at).days
                # Older deals moved further along the pipeline.
                weights = [max(1, 30 - age_days), 12, 10, 8, 6 + age_days // 3, 4 + age_days // 4]
                stage_index = rng.choices(range(len(self.stages)), weights[: len(self.stages)])[0]
            amount = Decimal(rng.randrange(low, high, 500))
            interest = NewInterest(
                title=want,
                stage_id=self.stages[stage_index][0],
                amount=amount,
                comment=rng.choice(
                    [None, "Просит скидку", "Нужен монтаж в выходные", "Сравнивает с конкурентами"]
                ),
                responsible_user_id=manager,
            )
        result = processing.convert_lead(
            self.uow,
            actor,
            lead.id,
            ConversionInput(
                client_id=client_id,
                new_client=new_client,
                contact_person_id=contact_person_id,
                new_contact=new_contact,
                phone_is_personal=new_client is None
                or new_client.kind is ClientKind.PERSON
                or rng.random() < 0.7,
                interest=interest,
                existing_interest_id=existing,
                process=process,
            ),
        )
        self.lead_client[lead.id] = result.client_id
        if new_client is not None:
            self.new_client_ids[result.client_id] = when
        if result.interest is not None and existing is None:
            self.interest_ids.append(result.interest.id)
            kind = self.stages[stage_index][2] if stage_index is not None else StageKind.OPEN.value
            if kind == StageKind.OPEN.value:
                self.client_open_interests.setdefault(result.client_id, []).append(result.interest.id)
            else:
                closed = min(when + timedelta(days=rng.randint(1, 20)), self.now - timedelta(minutes=5))
                self.closed_interests[result.interest.id] = closed
        if result.process is not None:
            self.process_ids.append(result.process.id)

    # -- times and tasks ----------------------------------------------------------------

    def backdate(self) -> None:
        """Services stamp "now"; move each action to when the employee plausibly did it."""
        if not self.action_times:
            return
        lead_rows = [{"b_lead": lead_id, "b_at": at} for lead_id, at in self.action_times.items()]
        leads = _table(Lead)
        history = _table(LeadHistory)
        self.session.execute(
            update(leads).where(leads.c.id == bindparam("b_lead")).values(updated_at=bindparam("b_at")),
            lead_rows,
        )
        self.session.execute(
            update(leads)
            .where(leads.c.id == bindparam("b_lead"), leads.c.first_action_at.is_not(None))
            .values(first_action_at=bindparam("b_at")),
            lead_rows,
        )
        self.session.execute(
            update(leads)
            .where(leads.c.id == bindparam("b_lead"), leads.c.processed_at.is_not(None))
            .values(processed_at=bindparam("b_at")),
            lead_rows,
        )
        self.session.execute(
            update(history)
            .where(history.c.lead_id == bindparam("b_lead"), history.c.action != "created")
            .values(at=bindparam("b_at")),
            lead_rows,
        )
        received = [{"b_lead": lead.id, "b_at": lead.received_at} for lead in self.created_leads]
        self.session.execute(
            update(history)
            .where(history.c.lead_id == bindparam("b_lead"), history.c.action == "created")
            .values(at=bindparam("b_at")),
            received,
        )
        interests = _table(Interest)
        self.session.execute(
            update(interests)
            .where(interests.c.lead_id == bindparam("b_lead"))
            .values(created_at=bindparam("b_at")),
            lead_rows,
        )
        processes = _table(Process)
        self.session.execute(
            update(processes)
            .where(processes.c.lead_id == bindparam("b_lead"))
            .values(created_at=bindparam("b_at")),
            lead_rows,
        )
        if self.closed_interests:
            self.session.execute(
                update(interests)
                .where(interests.c.id == bindparam("b_interest"))
                .values(closed_at=bindparam("b_at")),
                [{"b_interest": i, "b_at": at} for i, at in self.closed_interests.items()],
            )
        if self.new_client_ids:
            clients = _table(Client)
            self.session.execute(
                update(clients)
                .where(clients.c.id == bindparam("b_client"))
                .values(created_at=bindparam("b_at")),
                [{"b_client": c, "b_at": at} for c, at in self.new_client_ids.items()],
            )
        # Some processes are done already.
        done = [
            {"b_process": pid, "b_at": self.now - timedelta(hours=self.rng.randint(1, 48))}
            for pid in self.process_ids
            if self.rng.random() < 0.4
        ]
        if done:
            self.session.execute(
                update(processes)
                .where(processes.c.id == bindparam("b_process"))
                .values(done_at=bindparam("b_at")),
                done,
            )

    def planned_tasks(self) -> None:
        """Planned and done tasks on interests: some overdue, as in every real office."""
        rng = self.rng
        rows: list[dict[str, Any]] = []
        interests = self.session.execute(
            select(
                Interest.id,
                Interest.client_id,
                Interest.responsible_user_id,
                Interest.created_at,
                Interest.lead_id,
            )
        ).all()
        for interest_id, client_id, user_id, created_at, lead_id in interests:
            if rng.random() > 0.6:
                continue
            for _ in range(rng.choice([1, 1, 2, 3])):
                planned = created_at + timedelta(days=rng.randint(0, 10), hours=rng.randint(1, 8))
                status = (
                    InteractionStatus.DONE
                    if planned < self.now and rng.random() < 0.6
                    else InteractionStatus.PLANNED
                )
                subject = rng.choice(_TASK_SUBJECTS)
                rows.append(
                    {
                        "kind": (
                            InteractionKind.MEETING if subject.startswith("Встреча") else InteractionKind.TASK
                        ).value,
                        "status": status.value,
                        "client_id": client_id,
                        "lead_id": lead_id,
                        "interest_id": interest_id,
                        "user_id": user_id,
                        "subject": subject,
                        "body": None,
                        "planned_at": planned,
                        "done_at": min(planned, self.now) if status is InteractionStatus.DONE else None,
                        "created_at": created_at,
                    }
                )
        if rows:
            self.session.execute(insert(_table(Interaction)), rows)
        self.tasks = len(rows)


def generate_demo(
    uow: UnitOfWork,
    actor: Actor | None = None,
    leads: int = 1000,
    seed: int = 1,
    progress: Callable[[str], None] | None = None,
) -> DemoSummary:
    """Fill an empty database with demo data in one transaction (all or nothing)."""
    actor = actor or Actor.system()
    actor.require(Right.CONFIGURE)
    if leads < 0:
        raise ValidationError("The number of demo leads cannot be negative.")
    if leads > 1_000_000:
        raise ValidationError("At most 1,000,000 demo leads at a time.")
    started = timer.perf_counter()
    say = progress or (lambda _text: None)
    _require_empty(uow.session)
    demo = _Demo(uow, actor, leads, seed)
    say("users, departments and channels")
    demo.staff()
    say("clients and contact persons")
    demo.clients()
    say(f"{leads} leads through intake")
    demo.intake(demo.inquiries())
    demo.call_log()
    say("processing leads")
    demo.process()
    demo.backdate()
    demo.planned_tasks()
    uow.flush()
    session = uow.session
    states = {
        state: int(count)
        for state, count in session.execute(select(Lead.state, func.count()).group_by(Lead.state))
    }
    kinds = {
        kind: int(count)
        for kind, count in session.execute(select(Channel.kind, func.count()).group_by(Channel.kind))
    }
    return DemoSummary(
        users=len(demo.users),
        departments=int(session.scalar(select(func.count()).select_from(Department)) or 0),
        channels=len(demo.channels),
        clients=int(session.scalar(select(func.count()).select_from(Client)) or 0),
        contact_persons=int(session.scalar(select(func.count()).select_from(ContactPerson)) or 0),
        leads=len(demo.created_leads),
        excluded=demo.excluded,
        states=states,
        kinds=kinds,
        interests=int(session.scalar(select(func.count()).select_from(Interest)) or 0),
        processes=int(session.scalar(select(func.count()).select_from(Process)) or 0),
        tasks=demo.tasks,
        call_records=demo.call_records,
        seconds=round(timer.perf_counter() - started, 2),
    )


__all__ = [
    "DEMO_CLIENT_NAME",
    "DEMO_CLIENT_PHONE",
    "DEMO_PASSWORD",
    "DemoSummary",
    "generate_demo",
    "inn_company",
    "inn_is_valid",
    "inn_person",
]
