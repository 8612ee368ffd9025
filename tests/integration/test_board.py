"""The My Sales board's services on both engines: Inquiries column, stage columns, moves, lead card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, text, update

from app.domain.enums import ChannelKind, ClientKind, LeadQuality, LeadState, StageKind
from app.domain.errors import ConcurrentModification, NotFound, PermissionDenied, ValidationError
from app.persistence.models import Channel, Interest, Lead, User
from app.persistence.uow import Database
from app.services import board
from app.services.board import InquiryCursor
from app.services.dto import LeadDTO
from app.services.permissions import Actor
from app.services.processing import (
    ConversionInput,
    NewClient,
    NewContactPerson,
    NewInterest,
    assign_lead,
    convert_lead,
    redirect_lead,
    reject_lead,
)
from tests.factories import (
    actor_of,
    lead,
    make_channel,
    make_client,
    make_department,
    make_interest,
    make_role,
    make_user,
    new_lead,
    role,
    stages,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class Board:
    """Two managers (one department), a dispatcher, a supervisor; channels of every kind."""

    m1: User
    m2: User
    m3: User  # another department
    dispatcher: User
    supervisor: User
    call: Channel  # fixed to m1, reason required
    mail: Channel  # fixed to m2
    pool: Channel  # request, manager role pool
    chat: Channel  # dialog, fixed to m1


@pytest.fixture
def desk(db: Database) -> Board:
    with db.uow() as uow:
        s = uow.session
        sales = make_department(s, "Продажи")
        other = make_department(s, "Опт")
        m1 = make_user(s, "m1", roles=["manager"], department=sales, full_name="Мария Первая")
        m2 = make_user(s, "m2", roles=["manager"], department=sales, full_name="Олег Второй")
        m3 = make_user(s, "m3", roles=["manager"], department=other, full_name="Пётр Третий")
        dispatcher = make_user(s, "disp", roles=["dispatcher"], full_name="Дина Диспетчер")
        supervisor = make_user(s, "sup", roles=["supervisor"], department=sales, full_name="Сергей Шеф")
        call = make_channel(
            s, "Линия 1", kind="call", rule="fixed", user=m1, reason_required=True, sla_minutes=15
        )
        mail = make_channel(s, "Почта", kind="email", rule="fixed", user=m2)
        pool = make_channel(s, "Сайт", kind="request", rule="pool", role=role(s, "manager"))
        chat = make_channel(s, "Телеграм", kind="dialog", rule="fixed", user=m1)
    return Board(m1, m2, m3, dispatcher, supervisor, call, mail, pool, chat)


def _at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _ids(cards: list[board.InquiryCard]) -> list[int]:
    return [card.id for card in cards]


def _inquiries(
    db: Database, actor: Actor, scope: board.Scope = "my_roles", **kw: object
) -> list[board.InquiryCard]:
    with db.session() as session:
        return board.inquiries(session, actor, scope=scope, kinds=kw.pop("kinds", None), **kw)  # type: ignore[arg-type]


def _count(
    db: Database, actor: Actor, scope: board.Scope = "my_roles", kinds: set[ChannelKind] | None = None
) -> int:
    with db.session() as session:
        return board.count_inquiries(session, actor, scope=scope, kinds=kinds)


# ------------------------------------------------------------------------------ Inquiries column


def test_only_unprocessed_leads_oldest_first(db: Database, desk: Board) -> None:
    late = new_lead(db, desk.call, phone="+7 916 000-00-03", received_at=_at(30))
    early = new_lead(db, desk.call, phone="+7 916 000-00-01", received_at=_at(10))
    # Same instant: the id decides, so paging never skips or repeats a card.
    tie_a = new_lead(db, desk.chat, messenger_user="tg:1", received_at=_at(20))
    tie_b = new_lead(db, desk.chat, messenger_user="tg:2", received_at=_at(20))
    rejected = new_lead(db, desk.call, phone="+7 916 000-00-05", received_at=_at(5))
    converted = new_lead(db, desk.chat, messenger_user="tg:3", received_at=_at(6))
    m1 = actor_of(db, desk.m1)
    with db.uow() as uow:
        reject_lead(uow, m1, rejected.id, reason_code="spam")
        convert_lead(
            uow,
            m1,
            converted.id,
            ConversionInput(new_client=NewClient(ClientKind.PERSON, "Иван"), interest=NewInterest("Сделка")),
        )
    with db.uow() as uow:  # in progress stays on the board
        uow.session.execute(update(Lead).where(Lead.id == late.id).values(state=LeadState.IN_PROGRESS.value))

    cards = _inquiries(db, m1, "mine")
    assert _ids(cards) == [early.id, tie_a.id, tie_b.id, late.id]
    assert cards[-1].state is LeadState.IN_PROGRESS
    assert _count(db, m1, "mine") == 4


def test_card_fields(db: Database, desk: Board) -> None:
    with db.uow() as uow:
        client = make_client(uow.session, "ООО Ромашка", phones=["+7 916 111-22-33"])
    repeat = new_lead(
        db,
        desk.call,
        phone="8 (916) 111-22-33",
        contact_name="Иван",
        subject="  Нужна   доставка ",
        received_at=_at(0),
    )
    long_message = "\n\n" + "Очень длинное письмо " * 20 + "\nвторая строка"
    letter = new_lead(db, desk.mail, email="Anna@Example.ru", message=long_message, received_at=_at(1))
    m1, m2 = actor_of(db, desk.m1), actor_of(db, desk.m2)
    card = _inquiries(db, m1, "mine")[0]
    assert card.id == repeat.id and card.version == repeat.version
    assert card.kind is ChannelKind.CALL and card.channel_name == "Линия 1" and card.reason_required
    assert card.contact == "Иван" and card.phone == "+79161112233"
    assert card.first_line == "Нужна доставка"
    assert card.is_repeat and card.quality is LeadQuality.REPEAT and card.state is LeadState.REPEAT
    assert card.client_id == client.id and card.client_name == "ООО Ромашка"
    assert card.responsible_user_id == desk.m1.id and card.responsible_name == "Мария Первая"
    assert card.responsible_role_id is None and card.role_name is None
    assert card.sla_due_at == _at(15)
    assert not card.overdue(_at(14)) and card.overdue(_at(16))
    assert card.cursor == InquiryCursor(_at(0), repeat.id)

    mail_card = _inquiries(db, m2, "mine")[0]
    assert mail_card.id == letter.id
    assert mail_card.contact == "Anna@Example.ru"  # no name: the raw contact as written
    assert mail_card.first_line.startswith("Очень длинное письмо")
    assert len(mail_card.first_line) <= board.FIRST_LINE_LENGTH and mail_card.first_line.endswith("…")
    assert not mail_card.is_repeat and not mail_card.overdue(_at(10_000))


def test_scope_for_a_manager(db: Database, desk: Board) -> None:
    own = new_lead(db, desk.call, phone="+7 916 000-00-01", received_at=_at(1))
    pooled = new_lead(db, desk.pool, phone="+7 916 000-00-02", received_at=_at(2))
    foreign = new_lead(db, desk.mail, email="x@example.ru", received_at=_at(3))
    m1 = actor_of(db, desk.m1)
    assert _ids(_inquiries(db, m1, "mine")) == [own.id]
    assert _ids(_inquiries(db, m1, "my_roles")) == [own.id, pooled.id]
    assert _count(db, m1, "my_roles") == 2
    with pytest.raises(PermissionDenied):
        _inquiries(db, m1, "all")
    with pytest.raises(PermissionDenied):
        _count(db, m1, "all")
    with pytest.raises(ValidationError):
        _inquiries(db, m1, "everything")  # type: ignore[arg-type]
    assert not board.may_see_all(m1)

    # Taken from the pool by the other manager: it leaves m1's pool view.
    m2 = actor_of(db, desk.m2)
    with db.uow() as uow:
        assign_lead(uow, m2, pooled.id, desk.m2.id)
    assert _ids(_inquiries(db, m1, "my_roles")) == [own.id]
    assert _ids(_inquiries(db, m2, "my_roles")) == [pooled.id, foreign.id]


def test_scope_all_for_dispatcher_and_supervisor(db: Database, desk: Board) -> None:
    a = new_lead(db, desk.call, phone="+7 916 000-00-01", received_at=_at(1))  # m1 (sales)
    b = new_lead(db, desk.pool, phone="+7 916 000-00-02", received_at=_at(2))  # manager pool
    c = new_lead(db, desk.mail, email="x@example.ru", received_at=_at(3))  # m2 (sales)
    with db.uow() as uow:
        wholesale = make_channel(uow.session, "Опт", kind="request", rule="fixed", user=desk.m3)
    d = new_lead(db, wholesale, phone="+7 916 000-00-04", received_at=_at(4))  # m3 (other department)
    dispatcher = actor_of(db, desk.dispatcher)
    assert board.may_see_all(dispatcher)
    assert _ids(_inquiries(db, dispatcher, "all")) == [a.id, b.id, c.id, d.id]
    assert _count(db, dispatcher, "all") == 4
    assert _inquiries(db, dispatcher, "mine") == []
    with db.uow() as uow:
        redirect_lead(uow, dispatcher, d.id, role(uow.session, "dispatcher").id)
    assert _ids(_inquiries(db, dispatcher, "my_roles")) == [d.id]

    supervisor = actor_of(db, desk.supervisor)  # department visibility
    assert board.may_see_all(supervisor)
    assert _ids(_inquiries(db, supervisor, "all")) == [a.id, c.id]
    assert _count(db, supervisor, "all") == 2


def test_kind_filter(db: Database, desk: Board) -> None:
    call = new_lead(db, desk.call, phone="+7 916 000-00-01", received_at=_at(1))
    chat = new_lead(db, desk.chat, messenger_user="tg:1", received_at=_at(2))
    m1 = actor_of(db, desk.m1)
    assert _ids(_inquiries(db, m1, kinds={ChannelKind.DIALOG})) == [chat.id]
    assert _ids(_inquiries(db, m1, kinds={ChannelKind.DIALOG, ChannelKind.CALL})) == [call.id, chat.id]
    assert _inquiries(db, m1, kinds=set()) == []
    assert _count(db, m1, "my_roles", {ChannelKind.CALL}) == 1
    assert _count(db, m1, "my_roles", set()) == 0
    admin = Actor.system()
    assert _count(db, admin, "all", {ChannelKind.EMAIL}) == 0
    assert _ids(_inquiries(db, admin, "all", kinds={ChannelKind.CALL})) == [call.id]


def test_paging_by_offset_cursor_and_until(db: Database, desk: Board) -> None:
    made = [
        new_lead(db, desk.pool, phone=f"+7 916 000-01-{i:02d}", received_at=_at(i // 2)).id for i in range(25)
    ]
    m1 = actor_of(db, desk.m1)
    everything = _ids(_inquiries(db, m1, limit=None))
    assert everything == made

    pages: list[int] = []
    cursor: InquiryCursor | None = None
    while True:
        page = _inquiries(db, m1, limit=7, after=cursor)
        if not page:
            break
        pages.extend(_ids(page))
        cursor = page[-1].cursor
    assert pages == made
    assert _ids(_inquiries(db, m1, offset=7, limit=7)) == made[7:14]
    assert _ids(_inquiries(db, m1, offset=24, limit=7)) == made[24:]

    until = _inquiries(db, m1, limit=10)[-1].cursor
    assert _ids(_inquiries(db, m1, until=until, limit=None)) == made[:10]
    with pytest.raises(ValidationError):
        _inquiries(db, m1, offset=-1)


def test_pages_are_read_in_index_order(db: Database, desk: Board) -> None:
    """The 100,000-lead board reads its first page from the ordered partial index, never sorting."""
    actor = Actor.system()
    statement = board._ordered_ids(actor, "all", None, 0, 200, None, None)
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    with db.session() as session:
        if db.dialect == "sqlite":
            plan = " ".join(str(row[-1]) for row in session.execute(text("EXPLAIN QUERY PLAN " + sql)))
            assert "ix_leads_open_received_at" in plan and "TEMP B-TREE" not in plan, plan
        else:
            # A tiny table is read sequentially; forbid that to see that the index serves the query.
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                session.execute(text(f"SET LOCAL {setting} = off"))
            plan = " ".join(str(row[0]) for row in session.execute(text("EXPLAIN " + sql)))
            assert "ix_leads_open_received_at" in plan and "Sort" not in plan, plan


# ----------------------------------------------------------------------------------- stage columns


def test_stage_columns_counts_sums_and_visibility(db: Database, desk: Board) -> None:
    with db.uow() as uow:
        s = uow.session
        client = make_client(s, "ООО Клиент")
        mine = make_interest(s, client, "Моя", responsible=desk.m1, amount=Decimal("1000.50"))
        colleague = make_interest(s, client, "Коллеги", responsible=desk.m2, amount=Decimal("2000"))
        elsewhere = make_interest(s, client, "Чужая", responsible=desk.m3)
        unassigned = make_interest(s, client, "Ничья", amount=Decimal("5"))
        first_stage = stages(s)[0].id
    with db.session() as session:
        m1 = board.stage_columns(session, actor_of(db, desk.m1))
        sup = board.stage_columns(session, actor_of(db, desk.supervisor))
        admin = board.stage_columns(session, actor_of(db, desk.dispatcher))
    assert [c.stage.kind for c in m1][-2:] == [StageKind.WON, StageKind.LOST]
    assert m1[0].stage.id == first_stage and m1[0].stage.name == "Первичный контакт"
    assert [i.id for i in m1[0].interests] == [mine.id]
    assert m1[0].count == 1 and m1[0].amount == Decimal("1000.50") and m1[0].complete
    card = m1[0].interests[0]
    assert card.client_name == "ООО Клиент" and card.responsible_name == "Мария Первая"
    assert card.stage_id == first_stage and card.version == 1 and card.title == "Моя"
    assert card.stage_name == "Первичный контакт" and card.stage_kind is StageKind.OPEN
    assert {i.id for i in sup[0].interests} == {mine.id, colleague.id}
    assert sup[0].amount == Decimal("3000.50")
    assert {i.id for i in admin[0].interests} == {mine.id, colleague.id, elsewhere.id, unassigned.id}
    assert admin[0].count == 4 and admin[0].amount == Decimal("3005.50")
    assert all(c.count == 0 and c.amount == 0 for c in admin[1:])


def test_closed_stages_show_recent_and_last_n(db: Database, desk: Board) -> None:
    now = datetime.now(UTC)
    with db.uow() as uow:
        s = uow.session
        client = make_client(s, "ООО Архив")
        won = next(x for x in stages(s) if x.kind == "won")
        old = make_interest(s, client, "Давняя", stage_kind="won", responsible=desk.m1)
        old.closed_at = now - timedelta(days=board.CLOSED_RECENT_DAYS + 1)
        for n in range(board.CLOSED_LAST_N + 3):
            recent = make_interest(
                s, client, f"Свежая {n}", stage_kind="won", responsible=desk.m1, amount=Decimal(1)
            )
            recent.closed_at = now - timedelta(minutes=n)
        s.flush()
    with db.session() as session:
        column = next(c for c in board.stage_columns(session, actor_of(db, desk.m1)) if c.stage.id == won.id)
        assert column.count == board.CLOSED_LAST_N + 3 and column.amount == board.CLOSED_LAST_N + 3
        assert len(column.interests) == board.CLOSED_LAST_N and not column.complete
        assert column.interests[0].title == "Свежая 0"  # the latest first
        assert old.id not in {i.id for i in column.interests}
        more = board.stage_interests(session, actor_of(db, desk.m1), won.id, offset=40, limit=200)
        assert len(more) == board.CLOSED_LAST_N - 40


def test_open_stage_pages(db: Database, desk: Board) -> None:
    with db.uow() as uow:
        client = make_client(uow.session, "ООО Много")
        made = [make_interest(uow.session, client, f"№{n}", responsible=desk.m1).id for n in range(7)]
        stage_id = stages(uow.session)[0].id
    m1 = actor_of(db, desk.m1)
    with db.session() as session:
        column = board.stage_columns(session, m1, limit=3)[0]
        assert column.count == 7 and len(column.interests) == 3 and not column.complete
        rest = board.stage_interests(session, m1, stage_id, offset=3, limit=10)
        assert sorted([i.id for i in column.interests] + [i.id for i in rest]) == sorted(made)
        assert len(board.stage_columns(session, m1, limits={stage_id: 5})[0].interests) == 5
        with pytest.raises(NotFound):
            board.stage_interests(session, m1, 99_999)


def test_move_interest(db: Database, desk: Board) -> None:
    x = new_lead(db, desk.call, phone="+7 916 000-00-01")
    m1 = actor_of(db, desk.m1)
    with db.uow() as uow:
        result = convert_lead(
            uow,
            m1,
            x.id,
            ConversionInput(
                new_client=NewClient(ClientKind.PERSON, "Иван"),
                new_contact=NewContactPerson("Иван"),
                interest=NewInterest("Сделка", amount=Decimal(10)),
            ),
        )
    assert result.interest is not None
    interest_id = result.interest.id
    before = lead(db, x.id)
    with db.session() as session:
        pipeline = [stage.id for stage in stages(session)]
    second, won, lost = pipeline[1], pipeline[4], pipeline[5]

    with db.uow() as uow:
        moved = board.move_interest(uow, m1, interest_id, second, expected_version=1)
    assert moved.stage_id == second and moved.closed_at is None and moved.version == 2
    assert moved.client_name == "Иван" and moved.responsible_name == "Мария Первая"
    with db.uow() as uow:
        closed = board.move_interest(uow, m1, interest_id, won)
    assert closed.closed_at is not None
    with db.uow() as uow:
        lost_card = board.move_interest(uow, m1, interest_id, lost)
    assert lost_card.closed_at is not None and lost_card.closed_at >= closed.closed_at
    with db.uow() as uow:
        reopened = board.move_interest(uow, m1, interest_id, second)
    assert reopened.closed_at is None
    assert lead(db, x.id) == before  # the lead is left alone

    with pytest.raises(ConcurrentModification), db.uow() as uow:
        board.move_interest(uow, m1, interest_id, pipeline[0], expected_version=1)
    with pytest.raises(NotFound), db.uow() as uow:
        board.move_interest(uow, actor_of(db, desk.m2), interest_id, pipeline[0])  # not visible
    with db.uow() as uow:  # the supervisor holds the reassign right
        board.move_interest(uow, actor_of(db, desk.supervisor), interest_id, pipeline[0])
    with db.uow() as uow:
        from app.persistence.models import Pipeline, Stage

        other = Pipeline(name="Опт")
        uow.session.add(other)
        uow.session.flush()
        foreign = Stage(pipeline_id=other.id, name="Начало", position=0, kind="open")
        uow.session.add(foreign)
        uow.session.flush()
        foreign_id = foreign.id
    with pytest.raises(ValidationError), db.uow() as uow:
        board.move_interest(uow, m1, interest_id, foreign_id)
    with pytest.raises(ValidationError), db.uow() as uow:
        board.move_interest(uow, m1, interest_id, 99_999)


def test_move_interest_needs_responsibility_or_reassign(db: Database, desk: Board) -> None:
    with db.uow() as uow:
        s = uow.session
        dept_manager = make_role(s, visibility="department")
        client = make_client(s, "ООО Отдел")
        interest = make_interest(s, client, "Чужая", responsible=desk.m2)
        target = stages(s)[1].id
        viewer = make_user(s, "viewer", roles=[dept_manager], department=desk.m1.department_id)
    with pytest.raises(PermissionDenied), db.uow() as uow:
        board.move_interest(uow, actor_of(db, viewer), interest.id, target)
    with db.session() as session:
        assert session.get_one(Interest, interest.id).stage_id != target


# --------------------------------------------------------------------------------------- lead card


def test_lead_card(db: Database, desk: Board) -> None:
    with db.uow() as uow:
        client = make_client(uow.session, "ООО Ромашка", phones=["+7 916 111-22-33"], contact="Иван Иванов")
        deal = make_interest(uow.session, client, "Поставка", responsible=desk.m2, amount=Decimal(5))
    earlier = new_lead(db, desk.mail, email="boss@romashka.ru", received_at=_at(0))
    with db.uow() as uow:
        uow.session.execute(update(Lead).where(Lead.id == earlier.id).values(client_id=client.id))
    x = new_lead(db, desk.call, phone="+7 916 111-22-33", contact_name="Иван", received_at=_at(5))
    dispatcher = actor_of(db, desk.dispatcher)
    with db.uow() as uow:
        redirect_lead(uow, dispatcher, x.id, role(uow.session, "manager").id)
    with db.uow() as uow:
        assign_lead(uow, dispatcher, x.id, desk.m2.id)
    with db.uow() as uow:
        reject_lead(uow, dispatcher, x.id, reason_code="wrong_number", comment="не туда")

    with db.session() as session:
        card = board.lead_card(session, dispatcher, x.id)
    assert isinstance(card.lead, LeadDTO) and card.lead.id == x.id
    assert card.channel_name == "Линия 1" and card.reason_required
    assert card.responsible_name == "Олег Второй" and card.role_name is None
    assert card.processor_name == "Дина Диспетчер"
    assert card.rejection_reason_name == "Ошибочный номер"
    assert card.client_name == "ООО Ромашка" and card.contact_person_name == "Иван Иванов"
    assert card.created_by_name is None and card.first_action_at is not None
    assert not card.is_open
    assert [o.id for o in card.other_leads] == [earlier.id]
    assert card.other_leads[0].channel_name == "Почта" and card.other_leads[0].kind is ChannelKind.EMAIL
    assert [i.id for i in card.interests] == [deal.id]

    actions = [h.action for h in card.history]
    assert actions[0] == "created" and actions[1:] == ["redirected", "assigned", "rejected"]
    redirected = card.history[1]
    assert redirected.user_name == "Дина Диспетчер"
    changes = {c.field: (c.old, c.new) for c in redirected.changes}
    assert changes["responsible_user_id"] == ("Мария Первая", None)
    assert changes["responsible_role_id"] == (None, "Менеджер")
    rejected = {c.field: (c.old, c.new) for c in card.history[3].changes}
    assert rejected["state"] == ("repeat", "rejected")
    assert rejected["rejection_reason_id"] == (None, "Ошибочный номер")
    assert card.history[3].comment == "не туда"

    with pytest.raises(NotFound), db.session() as session:
        board.lead_card(session, actor_of(db, desk.m1), x.id)  # m2's lead, own visibility
    with pytest.raises(NotFound), db.session() as session:
        board.lead_card(session, dispatcher, 99_999)


def test_lead_card_without_client_and_converted(db: Database, desk: Board) -> None:
    x = new_lead(db, desk.pool, phone="+7 916 000-00-09")
    m1 = actor_of(db, desk.m1)
    with db.session() as session:
        card = board.lead_card(session, m1, x.id)
    assert card.role_name == "Менеджер" and card.responsible_name is None
    assert card.other_leads == () and card.interests == () and card.is_open
    with db.uow() as uow:
        convert_lead(
            uow,
            m1,
            x.id,
            ConversionInput(new_client=NewClient(ClientKind.PERSON, "Пётр"), interest=NewInterest("Окна")),
        )
    with db.session() as session:
        card = board.lead_card(session, m1, x.id)
    assert card.result_interest_title == "Окна" and card.client_name == "Пётр"
    assert card.lead.state is LeadState.CONVERTED and card.processor_name == "Мария Первая"
    assert [i.title for i in card.interests] == ["Окна"]
    converted = {c.field: c.new for c in card.history[-1].changes}
    assert converted["result_interest_id"] == "Окна" and converted["client_id"] == "Пётр"
    assert converted["processed_at"] is not None


def test_stale_leads_between_the_two_reads_are_dropped(db: Database, desk: Board) -> None:
    """A lead that closes between reading the ids and the cards is not shown as open."""
    x = new_lead(db, desk.call, phone="+7 916 000-00-01")
    with db.session() as session:
        cards = board._inquiry_cards(session, [x.id])
        assert _ids(cards) == [x.id]
    with db.uow() as uow:
        reject_lead(uow, actor_of(db, desk.m1), x.id, reason_code="spam")
    with db.session() as session:
        assert board._inquiry_cards(session, [x.id, 99_999]) == []
        assert session.scalar(select(Lead.state).where(Lead.id == x.id)) == "rejected"
