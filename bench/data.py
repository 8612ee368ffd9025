"""A synthetic lead desk that knows the truth.

:class:`World` makes users, channels, 200k clients with contact persons, phones and e-mails, and a
year of leads. It remembers which phone and e-mail belongs to which client (``phone_owner``,
``email_owner``), so every measurement can check the service's answers against the generator's,
not against the database. Phones are stored normalized (E.164) in ``contact_points`` and arrive on
leads as a person types them: ``8 (916) 123-45-67``, ``+7 916 123-45-67``, ``79161234567``,
``9161234567``, ``+7(916)1234567``, ``8-916-123-45-67``.

Everything is drawn from one seeded :class:`random.Random`, so a run is reproducible.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from app.domain.enums import ChannelKind, DistributionRule, LeadQuality, LeadState
from app.services.intake import LeadInput

# --------------------------------------------------------------------------------- phone formats

PHONE_STYLES: tuple[str, ...] = (
    "8 (AAA) BBB-CC-DD",
    "+7 AAA BBB-CC-DD",
    "7AAABBBCCDD",
    "AAABBBCCDD",
    "+7(AAA)BBBCCDD",
    "8-AAA-BBB-CC-DD",
)


def format_phone(national: str, style: int) -> str:
    """A ten-digit Russian national number written the way people write it (``PHONE_STYLES``)."""
    a, b, c, d = national[:3], national[3:6], national[6:8], national[8:]
    if style == 0:
        return f"8 ({a}) {b}-{c}-{d}"
    if style == 1:
        return f"+7 {a} {b}-{c}-{d}"
    if style == 2:
        return f"7{national}"
    if style == 3:
        return national
    if style == 4:
        return f"+7({a}){b}{c}{d}"
    return f"8-{a}-{b}-{c}-{d}"


def e164(national: str) -> str:
    """The normalized form the database keeps."""
    return "+7" + national


# ---------------------------------------------------------------------------------------- names


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_MALE_FIRST = _words(
    "Александр Алексей Андрей Антон Артём Борис Вадим Валерий Василий Виктор Виталий Владимир "
    "Владислав Вячеслав Геннадий Георгий Глеб Григорий Денис Дмитрий Евгений Егор Иван Игорь Илья "
    "Кирилл Константин Леонид Максим Марк Матвей Михаил Никита Николай Олег Павел Пётр Роман Руслан "
    "Сергей Станислав Степан Тимофей Тимур Фёдор Юрий Ярослав"
)
_FEMALE_FIRST = _words(
    "Александра Алёна Алина Анастасия Ангелина Анна Валентина Валерия Вера Вероника Виктория "
    "Галина Дарья Диана Евгения Екатерина Елена Елизавета Жанна Зоя Инна Ирина Камила Кира Ксения "
    "Лариса Лидия Любовь Людмила Маргарита Марина Мария Надежда Наталья Нина Оксана Ольга Полина "
    "Светлана София Таисия Татьяна Ульяна Юлия Яна"
)
_SURNAMES = _words(
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков "
    "Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин "
    "Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов "
    "Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв "
    "Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов "
    "Осипов Сидоров Матвеев Титов Марков Миронов Крылов Куликов Карпов Власов Мельников Денисов "
    "Гаврилов Тихонов Казаков Афанасьев Данилов Савельев Тимофеев Фомин Чернов Абрамов Мартынов "
    "Ефимов Федотов Щербаков Назаров Калинин Исаев Чернышёв Быков Маслов Родионов Коновалов Лазарев"
)
_PATRONYMIC_ROOTS = _words(
    "Александров Алексеев Андреев Борисов Викторов Владимиров Дмитриев Евгеньев Иванов Игорев "
    "Михайлов Николаев Олегов Павлов Петров Сергеев Юрьев"
)
_COMPANY_WORDS = _words(
    "Альфа Вектор Гранит Дельта Меридиан Нева Омега Прогресс Ресурс Сибирь Спектр Стандарт Старт "
    "Техносфера Триумф Урал Фаворит Эталон Энергия Горизонт Магистраль Оптима Северный Ветер "
    "Зелёный Сад Стройинвест Промсервис Логистик Медтех Агроплюс Инфосистемы Теплострой Полимер"
)
_COMPANY_FORMS = ("ООО", "ООО", "ООО", "АО", "ПАО", "ИП")
_POSITIONS = ("директор", "менеджер по закупкам", "главный инженер", "бухгалтер", "снабженец", None)
_MAIL_DOMAINS = ("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru", "list.ru", "rambler.ru")
_TRANSLIT = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
        "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
        "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh",
        "щ": "sch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", " ": "-",
    }
)
_EMAIL_SUBJECTS = (
    "Запрос коммерческого предложения", "Прошу выставить счёт", "Вопрос по доставке",
    "Re: ваше предложение", "Сколько стоит?", "Заявка на расчёт", "Консультация", "Тендер",
)
_MESSAGES = (
    "Здравствуйте! Интересует стоимость.", "Добрый день, можно прайс?", "Перезвоните, пожалуйста.",
    "Нужна консультация по вашим услугам.", "Какие сроки поставки?", "Есть ли скидки для юрлиц?",
)
_RU_MOBILE_CODES = tuple(str(code) for code in range(900, 1000))
_LANDLINE_CODES = ("495", "812")


def _inn10(body9: str) -> str:
    weights = (2, 4, 10, 3, 5, 9, 4, 6, 8)
    check = sum(int(d) * w for d, w in zip(body9, weights, strict=True)) % 11 % 10
    return body9 + str(check)


def _inn12(body10: str) -> str:
    w11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    n11 = sum(int(d) * w for d, w in zip(body10, w11, strict=True)) % 11 % 10
    body = body10 + str(n11)
    w12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
    n12 = sum(int(d) * w for d, w in zip(body, w12, strict=True)) % 11 % 10
    return body + str(n12)


# ------------------------------------------------------------------------------ reference data


@dataclass(frozen=True, slots=True)
class UserSpec:
    """An employee of the synthetic company."""

    id: int
    login: str
    full_name: str
    department_id: int
    role_code: str
    active: bool
    extension: str


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    """A channel with its distribution rule and how often it brings a lead."""

    id: int
    name: str
    kind: ChannelKind
    rule: DistributionRule
    role_code: str | None
    user_login: str | None
    sla_minutes: int | None
    ad_source: str | None
    weight: int
    lead_source: bool = True


DEPARTMENTS: tuple[str, ...] = ("Отдел продаж Москва", "Отдел продаж Санкт-Петербург", "Колл-центр")

CHANNELS: tuple[ChannelSpec, ...] = (
    ChannelSpec(1, "SIP: Москва +7 495 (основная)", ChannelKind.CALL, DistributionRule.LEAST_LOADED,
                "manager", None, 15, None, 15),
    ChannelSpec(2, "SIP: Санкт-Петербург +7 812", ChannelKind.CALL, DistributionRule.ROUND_ROBIN,
                "manager", None, 15, None, 10),
    ChannelSpec(3, "SIP: подменный номер Яндекс.Директ", ChannelKind.CALL, DistributionRule.POOL,
                "operator", None, 10, "yandex_direct", 12),
    ChannelSpec(4, "SIP: подменный номер Авито", ChannelKind.CALL, DistributionRule.FIXED,
                None, "manager01", 30, "avito", 8),
    ChannelSpec(5, "Почта: sales@", ChannelKind.EMAIL, DistributionRule.ROUND_ROBIN,
                "manager", None, 60, None, 8),
    ChannelSpec(6, "Почта: info@", ChannelKind.EMAIL, DistributionRule.POOL,
                "dispatcher", None, 120, None, 8),
    ChannelSpec(7, "Почта: tender@", ChannelKind.EMAIL, DistributionRule.FIXED,
                None, "manager02", None, None, 4),
    ChannelSpec(8, "Почта: buh@ (не источник лидов)", ChannelKind.EMAIL, DistributionRule.POOL,
                "dispatcher", None, None, None, 0, lead_source=False),
    ChannelSpec(9, "Telegram-бот", ChannelKind.DIALOG, DistributionRule.LEAST_LOADED,
                "operator", None, 5, None, 5),
    ChannelSpec(10, "WhatsApp", ChannelKind.DIALOG, DistributionRule.ROUND_ROBIN,
                "operator", None, 10, None, 3),
    ChannelSpec(11, "VK сообщения", ChannelKind.DIALOG, DistributionRule.POOL,
                "dispatcher", None, 30, "vk_ads", 2),
    ChannelSpec(12, "Форма на сайте", ChannelKind.REQUEST, DistributionRule.ROUND_ROBIN,
                "manager", None, 30, None, 10),
    ChannelSpec(13, "Квиз-лендинг", ChannelKind.REQUEST, DistributionRule.LEAST_LOADED,
                "manager", None, 30, "vk_ads", 6),
    ChannelSpec(14, "Визит в офис", ChannelKind.REQUEST, DistributionRule.FIXED,
                None, "manager03", None, None, 4),
    ChannelSpec(15, "Импорт: выставка", ChannelKind.REQUEST, DistributionRule.POOL,
                "manager", None, None, "expo_2026", 5),
)

#: (role code, active members, inactive members, department index)
STAFF: tuple[tuple[str, int, int, int], ...] = (
    ("manager", 24, 2, 0),
    ("operator", 8, 1, 2),
    ("dispatcher", 3, 0, 2),
    ("supervisor", 2, 0, 0),
    ("admin", 1, 0, 0),
)


# ---------------------------------------------------------------------------------------- truth


@dataclass(frozen=True, slots=True)
class Owner:
    """Whose phone or e-mail this is, and how it was written when stored."""

    client_id: int
    person_id: int | None
    style: int


@dataclass(slots=True)
class Expected:
    """What intake must make of one generated inquiry."""

    category: str  # "new", "known_client", "earlier_lead"
    state: LeadState
    client_id: int | None
    phone: str | None  # E.164
    email: str | None


@dataclass(slots=True)
class FreshLead:
    """An inquiry for the intake measurements, with the answer the service must give."""

    item: LeadInput
    expected: Expected
    national: str | None = None


@dataclass(slots=True)
class Ledger:
    """What one database already holds beyond the clients: phones of earlier leads without client."""

    unknown_lead_phones: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------- world

DateFormatter = Callable[[datetime], Any]


class World:
    """The synthetic company: its staff, channels, clients and the truth about their contacts."""

    def __init__(self, seed: int, clients: int, leads: int, now: datetime) -> None:
        self.rng = random.Random(seed)
        self.n_clients = clients
        self.n_leads = leads
        self.now = now
        self.users: list[UserSpec] = []
        self.role_ids: dict[str, int] = {}
        self.members: dict[str, list[int]] = {}
        self.active_users: set[int] = set()
        self.channels = list(CHANNELS)
        self.lead_channels = [c for c in self.channels if c.lead_source and c.weight > 0]
        self.channel_weights = [c.weight for c in self.lead_channels]
        self.phone_owner: dict[str, Owner] = {}
        self.email_owner: dict[str, Owner] = {}
        self.known_phones: list[str] = []
        self.known_emails: list[str] = []
        self.client_responsible: dict[int, int | None] = {}
        self.person_emails: dict[int, str] = {}
        self.last_round_robin: dict[int, int] = {}
        self._used_numbers: set[str] = set()
        self._email_counter = 0
        self._messenger_counter = 0
        self._external_counter = 0
        self._make_users()

    # ------------------------------------------------------------------------------- staff
    def _make_users(self) -> None:
        next_id = 1
        for role_code, active, inactive, department in STAFF:
            for number in range(active + inactive):
                is_active = number < active
                login = f"{role_code}{number + 1:02d}"
                female = self.rng.random() < 0.5
                name = self._person_name(female)
                self.users.append(
                    UserSpec(next_id, login, name, department + 1, role_code, is_active, f"{100 + next_id}")
                )
                if is_active:
                    self.members.setdefault(role_code, []).append(next_id)
                    self.active_users.add(next_id)
                next_id += 1
        self.user_by_login = {u.login: u.id for u in self.users}

    def user_id(self, login: str) -> int:
        """The id of a generated user."""
        return self.user_by_login[login]

    # ----------------------------------------------------------------------- contact helpers
    def _person_name(self, female: bool) -> str:
        rng = self.rng
        surname = rng.choice(_SURNAMES)
        root = rng.choice(_PATRONYMIC_ROOTS)
        if female:
            first = rng.choice(_FEMALE_FIRST)
            surname = surname + "а"
            patronymic = root + "на"
        else:
            first = rng.choice(_MALE_FIRST)
            patronymic = root + "ич"
        return f"{surname} {first} {patronymic}"

    def new_national(self, mobile_share: float = 0.85) -> str:
        """A ten-digit number nobody in the world has yet."""
        rng = self.rng
        while True:
            if rng.random() < mobile_share:
                code = rng.choice(_RU_MOBILE_CODES)
            else:
                code = rng.choice(_LANDLINE_CODES)
            national = f"{code}{rng.randrange(10_000_000):07d}"
            if national not in self._used_numbers:
                self._used_numbers.add(national)
                return national

    def new_email(self, name: str) -> str:
        """A lower-case address nobody in the world has yet."""
        self._email_counter += 1
        local = name.split()[0].lower().translate(_TRANSLIT)
        return f"{local}.{self._email_counter}@{self.rng.choice(_MAIL_DOMAINS)}"

    def new_messenger(self) -> str:
        """A messenger user id nobody has yet."""
        self._messenger_counter += 1
        return f"tg:{1_000_000_000 + self._messenger_counter}"

    def email_as_typed(self, email: str, name: str | None) -> str:
        """An address as it appears in a From header: capitalized, sometimes with a display name."""
        rng = self.rng
        local, domain = email.rsplit("@", 1)
        roll = rng.random()
        if roll < 0.3:
            local = local.capitalize()
            domain = domain.capitalize()
        elif roll < 0.45:
            local = local.upper()
        if name and rng.random() < 0.4:
            return f"{name} <{local}@{domain}>"
        return f"{local}@{domain}"

    def next_external(self, prefix: str) -> str:
        """A unique external id (SIP Call-ID, Message-ID, update id, form submission id)."""
        self._external_counter += 1
        return f"{prefix}-{self._external_counter}"

    # ------------------------------------------------------------------------------ clients
    def client_rows(
        self, dt: DateFormatter
    ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """Rows of clients, contact persons and contact points (ids from 1), recording the truth."""
        rng = self.rng
        clients: list[tuple[Any, ...]] = []
        persons: list[tuple[Any, ...]] = []
        points: list[tuple[Any, ...]] = []
        managers = [u for u in self.users if u.role_code == "manager"]
        person_id = 0
        point_id = 0
        three_years = 3 * 365 * 86400
        for client_id in range(1, self.n_clients + 1):
            is_company = rng.random() < 0.35
            created = dt(self.now - timedelta(seconds=rng.randrange(30 * 86400, three_years)))
            roll = rng.random()
            responsible: UserSpec | None = None
            if roll < 0.5:
                responsible = rng.choice(managers)
            self.client_responsible[client_id] = responsible.id if responsible else None
            department = responsible.department_id if responsible else None
            people: list[tuple[str, bool]] = []
            inn: str | None
            if is_company:
                form = rng.choice(_COMPANY_FORMS)
                word = rng.choice(_COMPANY_WORDS)
                if form == "ИП":
                    owner = self._person_name(rng.random() < 0.4)
                    name = f"ИП {owner}"
                    inn = _inn12(f"{rng.choice(('77', '78', '50', '47'))}{client_id:08d}")
                    people.append((owner, True))
                else:
                    name = f"{form} «{word}-{client_id}»"
                    inn = _inn10(f"{rng.choice(('77', '78', '50', '47'))}{client_id:07d}")
                    for _ in range(rng.choice((1, 1, 2, 2, 3))):
                        people.append((self._person_name(rng.random() < 0.5), True))
                kind = "company"
            else:
                name = self._person_name(rng.random() < 0.5)
                inn = None
                if rng.random() < 0.1:
                    inn = _inn12(f"{rng.choice(('77', '78'))}{client_id:08d}")
                people.append((name, True))
                kind = "person"
            clients.append(
                (client_id, kind, name, name.lower(), inn, self.client_responsible[client_id],
                 department, None, None, created)
            )
            if is_company and not name.startswith("ИП") and rng.random() < 0.7:
                # The company's own switchboard number, not personal.
                national = self.new_national(mobile_share=0.0)
                style = rng.randrange(len(PHONE_STYLES))
                point_id += 1
                points.append(
                    (point_id, client_id, None, "phone", e164(national), format_phone(national, style), False)
                )
                self.phone_owner[national] = Owner(client_id, None, style)
                self.known_phones.append(national)
            for person_name, _personal in people:
                person_id += 1
                persons.append(
                    (person_id, client_id, person_name, person_name.lower(),
                     rng.choice(_POSITIONS) if is_company else None, created)
                )
                for _ in range(2 if rng.random() < 0.2 else 1):
                    national = self.new_national(mobile_share=0.8)
                    style = rng.randrange(len(PHONE_STYLES))
                    point_id += 1
                    points.append(
                        (point_id, client_id, person_id, "phone", e164(national),
                         format_phone(national, style), True)
                    )
                    self.phone_owner[national] = Owner(client_id, person_id, style)
                    self.known_phones.append(national)
                if rng.random() < 0.5:
                    email = self.new_email(person_name.split()[0])
                    point_id += 1
                    points.append((point_id, client_id, person_id, "email", email, email, True))
                    self.email_owner[email] = Owner(client_id, person_id, 0)
                    self.person_emails[person_id] = email
                    self.known_emails.append(email)
        return clients, persons, points

    # -------------------------------------------------------------------------------- leads
    def _contact_for(
        self, channel: ChannelSpec, known: bool
    ) -> tuple[str | None, str | None, str | None, str | None, str | None, Owner | None, str | None]:
        """(raw phone, raw e-mail, messenger, name, e164 phone, owner, normalized e-mail) of an inquiry."""
        rng = self.rng
        raw_phone: str | None = None
        raw_email: str | None = None
        messenger: str | None = None
        phone: str | None = None
        email: str | None = None
        owner: Owner | None = None
        name: str | None = None
        kind = channel.kind
        if known:
            if kind is ChannelKind.EMAIL:
                email = rng.choice(self.known_emails)
                owner = self.email_owner[email]
            else:
                national = rng.choice(self.known_phones)
                owner = self.phone_owner[national]
                raw_phone = format_phone(national, rng.randrange(len(PHONE_STYLES)))
                phone = e164(national)
        else:
            if kind is ChannelKind.EMAIL:
                name = self._person_name(rng.random() < 0.5)
                email = self.new_email(name.split()[1])
            else:
                national = self.new_national()
                raw_phone = format_phone(national, rng.randrange(len(PHONE_STYLES)))
                phone = e164(national)
        if kind is ChannelKind.DIALOG:
            messenger = self.new_messenger()
        if kind is ChannelKind.REQUEST and email is None and rng.random() < 0.5:
            if owner is not None:
                # The same person leaves their known address, if they have one.
                email = self.person_emails.get(owner.person_id or 0)
            else:
                name = name or self._person_name(rng.random() < 0.5)
                email = self.new_email(name.split()[1])
        if email is not None:
            raw_email = self.email_as_typed(email, name if rng.random() < 0.5 else None)
        if name is None and (kind is ChannelKind.REQUEST or rng.random() < 0.3):
            name = self._person_name(rng.random() < 0.5)
        return raw_phone, raw_email, messenger, name, phone, owner, email

    def _subject(self, kind: ChannelKind) -> tuple[str, str | None]:
        rng = self.rng
        if kind is ChannelKind.CALL:
            return "Входящий звонок", None
        if kind is ChannelKind.EMAIL:
            return rng.choice(_EMAIL_SUBJECTS), rng.choice(_MESSAGES)
        if kind is ChannelKind.DIALOG:
            return "Новый диалог", rng.choice(_MESSAGES)
        return "Заявка", rng.choice(_MESSAGES)

    def base_lead_rows(
        self,
        dt: DateFormatter,
        ledger: Ledger,
        reason_ids: dict[str, int],
        first_id: int = 1,
        repeat_share: float = 0.10,
    ) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]]:
        """The year of leads, oldest first: (lead row, history row) as intake and processing leave them.

        ~``repeat_share`` of the leads come from known contacts (state repeat, the client's id); the
        rest from phones and e-mails never seen before (state new). Leads older than a few days
        have been processed since (converted, rejected, repeat processed), as on a working desk.
        """
        rng = self.rng
        year = 365 * 86400
        offsets = sorted(rng.random() * (year - 600) + 600 for _ in range(self.n_leads))
        distributor = _SimDistributor(self)
        last_responsible: dict[str, int | None] = {}
        last_lead: dict[str, int] = {}
        reasons = [reason_ids[c] for c in ("spam", "wrong_number", "not_our_service", "no_answer_3",
                                            "existing_client", "duplicate")]
        reason_weights = [20, 10, 30, 25, 5, 10]
        lead_id = first_id - 1
        for offset in reversed(offsets):
            lead_id += 1
            channel = rng.choices(self.lead_channels, self.channel_weights)[0]
            known = rng.random() < repeat_share
            raw_phone, raw_email, messenger, name, phone, owner, email = self._contact_for(channel, known)
            received = self.now - timedelta(seconds=offset)
            contact_key = phone or email
            source = channel.ad_source
            if owner is not None:
                state = LeadState.REPEAT
                quality = LeadQuality.REPEAT
            else:
                state = LeadState.NEW
                quality = LeadQuality.TARGET if source else LeadQuality.UNCHECKED
                if phone is not None and len(ledger.unknown_lead_phones) < 200_000:
                    ledger.unknown_lead_phones.append(phone[2:])
            previous = None
            if owner is not None:
                previous = distributor.previous(owner.client_id, last_responsible.get(contact_key or ""))
            user_id, role_id, how = distributor.pick(channel, previous)
            repeat_of = last_lead.get(contact_key) if owner is not None and contact_key else None
            if owner is not None and contact_key:
                last_responsible[contact_key] = user_id
                last_lead[contact_key] = lead_id
            subject, message = self._subject(channel.kind)
            age = offset / 86400
            closed_chance = 0.2 if age < 1 else 0.6 if age < 3 else 0.9 if age < 14 else 1.0
            processed_at = processor = reason = first_action = None
            final_state = state
            if rng.random() < closed_chance:
                done = received + timedelta(minutes=rng.randrange(5, 3 * 24 * 60))
                done = min(done, self.now)
                first_action = dt(received + timedelta(minutes=rng.randrange(1, 60)))
                roll = rng.random()
                if state is LeadState.REPEAT:
                    final_state = (LeadState.REPEAT_PROCESSED if roll < 0.7 else
                                   LeadState.CONVERTED if roll < 0.9 else LeadState.REJECTED)
                else:
                    final_state = LeadState.CONVERTED if roll < 0.3 else LeadState.REJECTED
                if final_state is LeadState.REJECTED:
                    reason = rng.choices(reasons, reason_weights)[0]
                if final_state is not LeadState.REJECTED or rng.random() < 0.5:
                    processor = user_id or rng.choice(self.members["manager"])
                    processed_at = dt(done)
            elif rng.random() < 0.1:
                final_state = LeadState.IN_PROGRESS
            received_s = dt(received)
            sla = dt(received + timedelta(minutes=channel.sla_minutes)) if channel.sla_minutes else None
            lead = (
                lead_id, channel.id, channel.kind.value, f"{channel.kind.value}-{lead_id}", received_s,
                name, raw_phone or raw_email or messenger, phone, email, messenger, subject, message,
                source, None,
                owner.client_id if owner else None, owner.person_id if owner else None, repeat_of,
                user_id, role_id, final_state.value, quality.value, sla, first_action,
                processed_at, processor, reason, received_s, 1,
            )
            changes = {
                "state": [None, state.value],
                "quality": [None, quality.value],
                "responsible_user_id": [None, user_id],
                "responsible_role_id": [None, role_id],
            }
            history = (lead_id, lead_id, received_s, None, "created", json.dumps(changes), how)
            yield lead, history
        for channel in self.channels:
            last = distributor.last_round_robin(channel)
            if last is not None:
                self.last_round_robin[channel.id] = last

    def fresh_leads(self, count: int, ledger: Ledger, repeat_share: float = 0.10,
                    earlier_share: float = 0.02) -> list[FreshLead]:
        """Inquiries for a measurement: ~10% from known clients (mixed formats), ~2% from phones of
        earlier leads without a client (also repeats), the rest from contacts never seen before."""
        rng = self.rng
        result: list[FreshLead] = []
        now = datetime.now(UTC)
        for _ in range(count):
            channel = rng.choices(self.lead_channels, self.channel_weights)[0]
            roll = rng.random()
            subject, message = self._subject(channel.kind)
            prefix = f"bench-{channel.kind.value}"
            if roll < earlier_share and channel.kind is not ChannelKind.EMAIL and ledger.unknown_lead_phones:
                index = rng.randrange(len(ledger.unknown_lead_phones))
                national = ledger.unknown_lead_phones[index]
                # Each earlier number is reused once, so its expectations stay simple.
                ledger.unknown_lead_phones[index] = ledger.unknown_lead_phones[-1]
                ledger.unknown_lead_phones.pop()
                typed = format_phone(national, rng.randrange(len(PHONE_STYLES)))
                item = LeadInput(
                    channel_id=channel.id, external_id=self.next_external(prefix), received_at=now,
                    phone=typed,
                    messenger_user=self.new_messenger() if channel.kind is ChannelKind.DIALOG else None,
                    subject=subject, message=message,
                )
                expected = Expected("earlier_lead", LeadState.REPEAT, None, e164(national), None)
                result.append(FreshLead(item, expected, national))
                continue
            known = roll < earlier_share + repeat_share
            raw_phone, raw_email, messenger, contact_name, phone, owner, email = self._contact_for(
                channel, known
            )
            item = LeadInput(
                channel_id=channel.id, external_id=self.next_external(prefix), received_at=now,
                contact_name=contact_name, phone=raw_phone, email=raw_email, messenger_user=messenger,
                subject=subject, message=message,
            )
            if owner is not None:
                expected = Expected("known_client", LeadState.REPEAT, owner.client_id, phone, email)
            else:
                expected = Expected("new", LeadState.NEW, None, phone, email)
            fresh = FreshLead(item, expected, phone[2:] if phone else None)
            result.append(fresh)
            self.remember_new(ledger, fresh)
        return result

    def remember_new(self, ledger: Ledger, fresh: FreshLead) -> None:
        """A new lead taken in by a measurement is an earlier lead for the following ones."""
        if fresh.expected.category == "new" and fresh.national is not None:
            ledger.unknown_lead_phones.append(fresh.national)


class _SimDistributor:
    """The channel rules of intake, replayed for the bulk-filled year (DOMAIN §3)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.position: dict[int, int] = {}

    def previous(self, client_id: int, last_lead_user: int | None) -> int | None:
        """The active manager who already works with the contact: the client's, else the last lead's."""
        user = self.world.client_responsible.get(client_id)
        if user is not None and user in self.world.active_users:
            return user
        if last_lead_user is not None and last_lead_user in self.world.active_users:
            return last_lead_user
        return None

    def pick(self, channel: ChannelSpec, previous: int | None) -> tuple[int | None, int | None, str]:
        """(user id, role id, the history note intake writes)."""
        world = self.world
        if previous is not None:
            return previous, None, "responsible: the manager who already works with this contact"
        if channel.rule is DistributionRule.FIXED:
            assert channel.user_login is not None
            return world.user_id(channel.user_login), None, "responsible: the channel's fixed user"
        assert channel.role_code is not None
        role_id = world.role_ids[channel.role_code]
        if channel.rule is DistributionRule.POOL:
            return None, role_id, "responsible: the role's shared pool"
        members = world.members[channel.role_code]
        position = self.position.get(channel.id, -1) + 1
        self.position[channel.id] = position
        chosen = members[position % len(members)]
        if channel.rule is DistributionRule.ROUND_ROBIN:
            return chosen, None, "responsible: round-robin over the role"
        return chosen, None, "responsible: the least-loaded member of the role"

    def last_round_robin(self, channel: ChannelSpec) -> int | None:
        """Who got the channel's last lead (the channel's stored round-robin position)."""
        if channel.rule is not DistributionRule.ROUND_ROBIN or channel.id not in self.position:
            return None
        assert channel.role_code is not None
        members = self.world.members[channel.role_code]
        return members[self.position[channel.id] % len(members)]


LEAD_COLUMNS: tuple[str, ...] = (
    "id", "channel_id", "kind", "external_id", "received_at", "contact_name", "raw_contact", "phone",
    "email", "messenger_user", "subject", "message", "ad_source", "extra", "client_id",
    "contact_person_id", "repeat_of_lead_id", "responsible_user_id", "responsible_role_id", "state",
    "quality", "sla_due_at", "first_action_at", "processed_at", "processor_id", "rejection_reason_id",
    "updated_at", "version",
)
HISTORY_COLUMNS: tuple[str, ...] = ("id", "lead_id", "at", "user_id", "action", "changes", "comment")
CLIENT_COLUMNS: tuple[str, ...] = (
    "id", "kind", "name", "name_lower", "inn", "responsible_user_id", "department_id", "portrait",
    "duplicate_of_id", "created_at",
)
PERSON_COLUMNS: tuple[str, ...] = ("id", "client_id", "name", "name_lower", "position", "created_at")
POINT_COLUMNS: tuple[str, ...] = (
    "id", "client_id", "contact_person_id", "kind", "value", "raw", "is_personal",
)
