"""First-run set-up of a new database: company name, the administrator, optional demo data.

The desktop's first-run dialog calls :func:`initial_setup` when the users table is empty. It is
one transaction: either the company, the administrator (and the demo data) are all there
afterwards, or nothing is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.enums import SystemRole
from app.domain.errors import ValidationError
from app.persistence.models import Role, User
from app.persistence.uow import UnitOfWork
from app.services.admin import create_user, get_user_by_login
from app.services.auth import hash_password
from app.services.dto import UserDTO
from app.services.permissions import Actor, load_actor
from app.services.settings import COMPANY_NAME, set_setting

DEFAULT_DEMO_LEADS = 1000


@dataclass(frozen=True, slots=True)
class SetupInput:
    """What the person setting up a new database told us."""

    company_name: str
    login: str
    full_name: str
    password: str
    demo: bool = False
    demo_leads: int = DEFAULT_DEMO_LEADS
    demo_seed: int = 1


@dataclass(frozen=True, slots=True)
class SetupResult:
    """The administrator who is signed in afterwards, and how many demo leads were made."""

    user: UserDTO
    actor: Actor
    demo_leads: int


def needs_setup(session: Session) -> bool:
    """Whether the database has no users at all (a database made by the CLI has some)."""
    return not session.scalar(select(func.count()).select_from(User))


def initial_setup(
    uow: UnitOfWork, data: SetupInput, progress: Callable[[str], None] | None = None
) -> SetupResult:
    """Name the company, create the administrator and (optionally) fill in demo data."""
    session = uow.session
    if not needs_setup(session):
        raise ValidationError("This database is already set up: it has users. Sign in instead.")
    company = " ".join(data.company_name.split())
    if not company:
        raise ValidationError("Give the company's name.")
    if len(company) > 200:
        raise ValidationError("The company name is at most 200 characters long.")
    if not data.password:
        raise ValidationError("The administrator needs a password.")
    system = Actor.system()
    demo_leads = 0
    if data.demo:
        # The generator wants an empty database, so it runs first; its own "admin" may then be
        # the administrator being set up (same login): that account takes the name and password given.
        from app.services.demo import generate_demo

        summary = generate_demo(uow, system, leads=data.demo_leads, seed=data.demo_seed, progress=progress)
        demo_leads = summary.leads
    login = data.login.strip()
    existing = session.scalars(select(User).where(func.lower(User.login) == login.lower())).one_or_none()
    if existing is None:
        user = create_user(
            uow, system, login, data.full_name, [SystemRole.ADMIN.value], password=data.password
        )
        user_id = user.id
    else:
        full_name = " ".join(data.full_name.split())
        if not full_name:
            raise ValidationError("A user needs a full name.")
        existing.full_name = full_name
        existing.password_hash = hash_password(data.password)
        existing.active = True
        admin_role = session.scalars(select(Role).where(Role.code == SystemRole.ADMIN.value)).one()
        if admin_role not in existing.roles:
            existing.roles.append(admin_role)
        session.flush()
        user_id = existing.id
    set_setting(session, COMPANY_NAME, company)
    session.flush()
    dto = get_user_by_login(session, login if existing is None else existing.login)
    return SetupResult(user=dto, actor=load_actor(session, user_id), demo_leads=demo_leads)
