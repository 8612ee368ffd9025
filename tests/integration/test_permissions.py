"""Who may see and do what (DOMAIN §8), enforced in the services, on both engines.

Actors are built by :func:`app.services.permissions.load_actor` from users holding the seeded
system roles (operator, manager: own; dispatcher, admin: all; supervisor: own department), plus
a custom "auditor" role that sees everything but may not reassign.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.domain.enums import ClientKind, LeadState, SystemRole, Visibility
from app.domain.errors import NotFound, PermissionDenied
from app.persistence.models import Lead, User
from app.persistence.uow import Database, UnitOfWork
from app.services.dto import LeadDTO
from app.services.intake import LeadInput, register_lead
from app.services.permissions import (
    Actor,
    Right,
    can_see_lead,
    lead_visibility_clause,
    load_actor,
    load_actor_by_login,
)
from app.services.processing import (
    ConversionInput,
    NewClient,
    NewInterest,
    assign_lead,
    convert_lead,
    lead_history,
    redirect_lead,
    reject_lead,
    take_in_progress,
)
from tests.factories import (
    actor_of,
    build,
    lead,
    make_channel,
    make_department,
    make_role,
    make_user,
    new_lead,
    role,
    unique,
)

ROLES = ["operator", "manager", "dispatcher", "supervisor", "admin", "auditor"]
OK = "ok"


@dataclass
class Office:
    """Department A: operator, manager ("me" for the manager role), colleague, supervisor.
    Department B: stranger (a manager), dispatcher. No department: admin, auditor."""

    users: dict[str, User]
    colleague: User
    stranger: User
    couriers_role_id: int
    channel_id: int

    def actor(self, db: Database, who: str) -> Actor:
        return actor_of(db, self.users[who])


@pytest.fixture
def office(db: Database) -> Office:
    with db.uow() as uow:
        s = uow.session
        dept_a = make_department(s, "Отдел продаж 1")
        dept_b = make_department(s, "Отдел продаж 2")
        auditor = make_role(s, "auditor", visibility=Visibility.ALL, can_reassign=False)
        couriers = make_role(s, "couriers")
        users = {
            "operator": make_user(s, "op", roles=["operator"], department=dept_a),
            "manager": make_user(s, "me", roles=["manager"], department=dept_a),
            "supervisor": make_user(s, "boss", roles=["supervisor"], department=dept_a),
            "dispatcher": make_user(s, "disp", roles=["dispatcher"], department=dept_b),
            "admin": make_user(s, "root", roles=["admin"]),
            "auditor": make_user(s, "audit", roles=[auditor]),
        }
        colleague = make_user(s, "colleague", roles=["manager"], department=dept_a)
        stranger = make_user(s, "stranger", roles=["manager"], department=dept_b)
        channel = make_channel(s, rule="pool", role=couriers)
    return Office(users, colleague, stranger, couriers.id, channel.id)


def _lead_of(
    db: Database, office: Office, *, user: User | None = None, role_id: int | None = None
) -> LeadDTO:
    """A fresh lead of the pool channel, then handed to a user or a role by the program."""
    x = new_lead(db, office.channel_id, phone=f"+7 916 {next_phone()}")
    with db.uow() as uow:
        if user is not None:
            return assign_lead(uow, Actor.system(), x.id, user.id)
        if role_id is not None:
            return redirect_lead(uow, Actor.system(), x.id, role_id)
    return x


_phones = iter(range(1_000_000, 9_999_999))


def next_phone() -> str:
    n = next(_phones)
    return f"{n // 10000:03d}-{n % 10000:04d}"


def _role_id(db: Database, code: str) -> int:
    with db.session() as session:
        return role(session, code).id


def _company() -> ConversionInput:
    return ConversionInput(
        new_client=NewClient(ClientKind.COMPANY, unique("ООО")), interest=NewInterest("Сделка")
    )


# ------------------------------------------------------------------------------------ load_actor


@pytest.mark.parametrize(
    ("who", "visibility", "rights"),
    [
        ("operator", Visibility.OWN, {Right.REJECT}),
        ("manager", Visibility.OWN, {Right.REJECT}),
        ("dispatcher", Visibility.ALL, {Right.REASSIGN, Right.REJECT, Right.EXPORT}),
        ("supervisor", Visibility.DEPARTMENT, {Right.REASSIGN, Right.REJECT, Right.DELETE, Right.EXPORT}),
        ("admin", Visibility.ALL, set(Right)),
    ],
)
def test_load_actor_of_each_system_role(
    db: Database, office: Office, who: str, visibility: Visibility, rights: set[Right]
) -> None:
    actor = office.actor(db, who)
    assert actor.user_id == office.users[who].id and not actor.is_system
    assert actor.role_codes == {SystemRole(who).value}
    assert actor.visibility is visibility
    assert actor.rights == rights
    with db.session() as session:
        assert load_actor_by_login(session, office.users[who].login) == actor


def test_rights_of_several_roles_are_united(db: Database, office: Office) -> None:
    with db.uow() as uow:
        both = make_user(uow.session, roles=["manager", "dispatcher"])
    actor = actor_of(db, both)
    assert actor.visibility is Visibility.ALL and actor.has(Right.REASSIGN)
    assert actor.role_codes == {"manager", "dispatcher"}


def test_supervisor_knows_the_department(db: Database, office: Office) -> None:
    actor = office.actor(db, "supervisor")
    assert actor.department_user_ids == {
        office.users["operator"].id,
        office.users["manager"].id,
        office.users["supervisor"].id,
        office.colleague.id,
    }


def test_inactive_or_unknown_user_has_no_actor(db: Database, office: Office) -> None:
    with db.uow() as uow:
        gone = make_user(uow.session, roles=["admin"], active=False)
    with db.session() as session:
        for user_id in (gone.id, 999_999):
            with pytest.raises(NotFound):
                load_actor(session, user_id)
        with pytest.raises(NotFound):
            load_actor_by_login(session, "nobody")


# -------------------------------------------------------------------------------------- the matrix

Action = Callable[[Database, Office, Actor], LeadDTO]


def _see_colleague(db: Database, office: Office, actor: Actor) -> LeadDTO:
    x = _lead_of(db, office, user=office.colleague)
    with db.session() as session:
        entries = lead_history(session, actor, x.id)
    assert entries and entries[0].action == "created"
    return lead(db, x.id)


def _see_stranger(db: Database, office: Office, actor: Actor) -> LeadDTO:
    x = _lead_of(db, office, user=office.stranger)
    with db.session() as session:
        lead_history(session, actor, x.id)
    return lead(db, x.id)


def _reject_own(db: Database, office: Office, actor: Actor) -> LeadDTO:
    x = _lead_of(db, office, user=_user(db, actor))
    with db.uow() as uow:
        done = reject_lead(uow, actor, x.id, reason_code="spam")
    assert done.state is LeadState.REJECTED
    return done


def _reject_colleague(db: Database, office: Office, actor: Actor) -> LeadDTO:
    x = _lead_of(db, office, user=office.colleague)
    return _attempt(db, x, lambda uow: reject_lead(uow, actor, x.id, reason_code="spam"))


def _reassign_colleague(db: Database, office: Office, actor: Actor) -> LeadDTO:
    x = _lead_of(db, office, user=office.colleague)
    done = _attempt(db, x, lambda uow: assign_lead(uow, actor, x.id, office.stranger.id))
    assert done.responsible_user_id == office.stranger.id
    return done


def _reassign_own(db: Database, office: Office, actor: Actor) -> LeadDTO:
    x = _lead_of(db, office, user=_user(db, actor))
    done = _attempt(db, x, lambda uow: assign_lead(uow, actor, x.id, office.colleague.id))
    assert done.responsible_user_id == office.colleague.id
    return done


def _redirect_own(db: Database, office: Office, actor: Actor) -> LeadDTO:
    x = _lead_of(db, office, user=_user(db, actor))
    target = _role_id(db, "operator")
    done = _attempt(db, x, lambda uow: redirect_lead(uow, actor, x.id, target))
    assert (done.responsible_user_id, done.responsible_role_id) == (None, target)
    return done


def _take_from_own_pool(db: Database, office: Office, actor: Actor) -> LeadDTO:
    (own_role,) = actor.role_ids
    x = _lead_of(db, office, role_id=own_role)
    assert actor.user_id is not None
    user_id = actor.user_id
    done = _attempt(db, x, lambda uow: assign_lead(uow, actor, x.id, user_id))
    assert (done.responsible_user_id, done.responsible_role_id) == (actor.user_id, None)
    return done


def _take_own_pool_in_progress(db: Database, office: Office, actor: Actor) -> LeadDTO:
    (own_role,) = actor.role_ids
    x = _lead_of(db, office, role_id=own_role)
    done = _attempt(db, x, lambda uow: take_in_progress(uow, actor, x.id))
    assert done.state is LeadState.IN_PROGRESS and done.responsible_user_id == actor.user_id
    return done


def _take_from_foreign_pool(db: Database, office: Office, actor: Actor) -> LeadDTO:
    x = _lead_of(db, office, role_id=office.couriers_role_id)
    assert actor.user_id is not None
    user_id = actor.user_id
    return _attempt(db, x, lambda uow: assign_lead(uow, actor, x.id, user_id))


def _convert_colleague(db: Database, office: Office, actor: Actor) -> LeadDTO:
    x = _lead_of(db, office, user=office.colleague)
    done = _attempt(db, x, lambda uow: convert_lead(uow, actor, x.id, _company()).lead)
    assert done.state is LeadState.CONVERTED
    return done


def _convert_own(db: Database, office: Office, actor: Actor) -> LeadDTO:
    x = _lead_of(db, office, user=_user(db, actor))
    return _attempt(db, x, lambda uow: convert_lead(uow, actor, x.id, _company()).lead)


def _user(db: Database, actor: Actor) -> User:
    with db.session() as session:
        user = session.get_one(User, actor.user_id)
        session.expunge(user)
        return user


def _attempt(db: Database, before: LeadDTO, action: Callable[[UnitOfWork], LeadDTO]) -> LeadDTO:
    """Run an action; when it is refused, the lead must be exactly as before."""
    try:
        with db.uow() as uow:
            return action(uow)
    except (NotFound, PermissionDenied):
        assert lead(db, before.id) == before
        raise


ACTIONS: dict[str, Action] = {
    "see another manager's lead (same department)": _see_colleague,
    "see another department's lead": _see_stranger,
    "reject own lead": _reject_own,
    "reject another manager's lead": _reject_colleague,
    "reassign another manager's lead": _reassign_colleague,
    "reassign own lead": _reassign_own,
    "redirect own lead to a role": _redirect_own,
    "take a lead from own role's pool": _take_from_own_pool,
    "take own role's pool lead in progress": _take_own_pool_in_progress,
    "take a lead from another role's pool": _take_from_foreign_pool,
    "convert another manager's lead": _convert_colleague,
    "convert own lead": _convert_own,
}

NF, PD = NotFound, PermissionDenied
# fmt: off
#                                                      operator manager dispatcher supervisor admin auditor
MATRIX: dict[str, tuple[object, ...]] = {
    "see another manager's lead (same department)":     (NF, NF, OK, OK, OK, OK),
    "see another department's lead":                    (NF, NF, OK, NF, OK, OK),
    "reject own lead":                                  (OK, OK, OK, OK, OK, OK),
    "reject another manager's lead":                    (NF, NF, OK, OK, OK, PD),
    "reassign another manager's lead":                  (NF, NF, OK, OK, OK, PD),
    "reassign own lead":                                (PD, PD, OK, OK, OK, PD),
    "redirect own lead to a role":                      (PD, PD, OK, OK, OK, PD),
    "take a lead from own role's pool":                 (OK, OK, OK, OK, OK, OK),
    "take own role's pool lead in progress":            (OK, OK, OK, OK, OK, OK),
    "take a lead from another role's pool":             (NF, NF, OK, NF, OK, PD),
    "convert another manager's lead":                   (NF, NF, OK, OK, OK, PD),
    "convert own lead":                                 (OK, OK, OK, OK, OK, OK),
}
# fmt: on


def _outcome(run: Action, db: Database, office: Office, actor: Actor) -> object:
    try:
        run(db, office, actor)
    except (NotFound, PermissionDenied) as error:
        assert str(error), "a refusal carries a sentence for the person"
        return type(error)
    return OK


@pytest.mark.parametrize("who", ROLES)
def test_permission_matrix(db: Database, office: Office, who: str) -> None:
    """Every (role, action) cell of MATRIX; one database per role keeps the table fast."""
    actor = office.actor(db, who)
    column = ROLES.index(who)
    got = {action: _outcome(ACTIONS[action], db, office, actor) for action in MATRIX}
    wrong = {
        action: f"expected {_name(row[column])}, got {_name(got[action])}"
        for action, row in MATRIX.items()
        if got[action] is not row[column]
    }
    assert wrong == {}, f"{who}: {wrong}"


def _name(outcome: object) -> str:
    return outcome.__name__ if isinstance(outcome, type) else str(outcome)


# ------------------------------------------------------------------------------ visibility clause


def test_visibility_clause_returns_exactly_the_visible_leads(db: Database, office: Office) -> None:
    me, boss = office.users["manager"], office.users["supervisor"]
    leads = {
        "mine": _lead_of(db, office, user=me),
        "colleague": _lead_of(db, office, user=office.colleague),
        "stranger": _lead_of(db, office, user=office.stranger),
        "boss": _lead_of(db, office, user=boss),
        "managers pool": _lead_of(db, office, role_id=_role_id(db, "manager")),
        "couriers pool": _lead_of(db, office, role_id=office.couriers_role_id),
        "unassigned": new_lead(db, build(db, make_channel, rule="pool"), phone="+7 916 000-99-98"),
    }
    with db.uow() as uow:
        # made by me (an "Accept inquiry" walk-in) but given to the stranger
        made = register_lead(
            uow,
            LeadInput(channel_id=office.channel_id, external_id="walk-in", phone="+7 916 000-99-99"),
            office.actor(db, "manager"),
        ).lead
        assert made is not None
    with db.uow() as uow:
        leads["made by me"] = assign_lead(uow, Actor.system(), made.id, office.stranger.id)
    all_ids = {x.id for x in leads.values()}
    assert (leads["unassigned"].responsible_user_id, leads["unassigned"].responsible_role_id) == (None, None)

    expected = {
        "operator": set(),
        "manager": {"mine", "managers pool", "made by me"},
        "supervisor": {"mine", "colleague", "boss"},
        "dispatcher": set(leads),
        "admin": set(leads),
        "auditor": set(leads),
    }
    with db.session() as session:
        rows = session.scalars(select(Lead).where(Lead.id.in_(all_ids))).all()
        for who, names in expected.items():
            actor = office.actor(db, who)
            visible = set(
                session.scalars(select(Lead.id).where(lead_visibility_clause(actor), Lead.id.in_(all_ids)))
            )
            assert visible == {leads[n].id for n in names}, who
            assert visible == {x.id for x in rows if can_see_lead(actor, x)}, who
        assert set(session.scalars(select(Lead.id).where(lead_visibility_clause(Actor.system())))) >= all_ids
