"""Who may see and do what (DOMAIN §8), enforced inside every service."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.orm import Session

from app.domain.enums import Visibility
from app.domain.errors import NotFound, PermissionDenied
from app.persistence.models import Lead, Role, User, user_roles

_VISIBILITY_RANK = {Visibility.OWN: 0, Visibility.DEPARTMENT: 1, Visibility.ALL: 2}


class Right(StrEnum):
    """Separate rights beyond visibility."""

    REASSIGN = "reassign"
    REJECT = "reject"
    DELETE = "delete"
    EXPORT = "export"
    CONFIGURE = "configure"


_RIGHT_TEXT = {
    Right.REASSIGN: "reassign leads",
    Right.REJECT: "reject leads",
    Right.DELETE: "delete records",
    Right.EXPORT: "export data",
    Right.CONFIGURE: "change the settings",
}


@dataclass(frozen=True, slots=True)
class Actor:
    """The user on whose behalf a service runs; ``user_id`` None is the program itself."""

    user_id: int | None
    login: str
    department_id: int | None = None
    role_ids: frozenset[int] = field(default_factory=frozenset)
    role_codes: frozenset[str] = field(default_factory=frozenset)
    visibility: Visibility = Visibility.OWN
    rights: frozenset[Right] = field(default_factory=frozenset)
    # user ids of the actor's department (for "own department" visibility)
    department_user_ids: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def system(cls) -> Actor:
        """The program acting for itself: channel intake, CLI administration, migrations."""
        return cls(
            user_id=None,
            login="system",
            visibility=Visibility.ALL,
            rights=frozenset(Right),
        )

    @property
    def is_system(self) -> bool:
        """Whether this is the program rather than a person."""
        return self.user_id is None

    def has(self, right: Right) -> bool:
        """Whether the actor holds a right."""
        return right in self.rights

    def require(self, right: Right) -> None:
        """Raise :class:`PermissionDenied` unless the actor holds the right."""
        if right not in self.rights:
            raise PermissionDenied(f"{self.login} has no right to {_RIGHT_TEXT[right]}.")


def load_actor(session: Session, user_id: int) -> Actor:
    """Build the actor of a signed-in user from the user's roles (rights are the union)."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotFound(f"There is no active user with id {user_id}.")
    return _actor_of(session, user)


def load_actor_by_login(session: Session, login: str) -> Actor:
    """Build the actor of a user given by login."""
    user = session.scalars(select(User).where(User.login == login)).one_or_none()
    if user is None or not user.active:
        raise NotFound(f"There is no active user '{login}'.")
    return _actor_of(session, user)


def _actor_of(session: Session, user: User) -> Actor:
    roles = list(
        session.scalars(select(Role).join(user_roles).where(user_roles.c.user_id == user.id))
    )
    visibility = Visibility.OWN
    rights: set[Right] = set()
    for role in roles:
        role_visibility = Visibility(role.visibility)
        if _VISIBILITY_RANK[role_visibility] > _VISIBILITY_RANK[visibility]:
            visibility = role_visibility
        for right, flag in (
            (Right.REASSIGN, role.can_reassign),
            (Right.REJECT, role.can_reject),
            (Right.DELETE, role.can_delete),
            (Right.EXPORT, role.can_export),
            (Right.CONFIGURE, role.can_configure),
        ):
            if flag:
                rights.add(right)
    department_users: frozenset[int] = frozenset()
    if user.department_id is not None:
        department_users = frozenset(
            session.scalars(select(User.id).where(User.department_id == user.department_id))
        )
    return Actor(
        user_id=user.id,
        login=user.login,
        department_id=user.department_id,
        role_ids=frozenset(role.id for role in roles),
        role_codes=frozenset(role.code for role in roles),
        visibility=visibility,
        rights=frozenset(rights),
        department_user_ids=department_users,
    )


def lead_visibility_clause(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause limiting leads to those the actor may see."""
    if actor.visibility is Visibility.ALL:
        return true()
    conditions: list[ColumnElement[bool]] = []
    if actor.user_id is not None:
        conditions.append(Lead.responsible_user_id == actor.user_id)
        conditions.append(Lead.created_by_id == actor.user_id)
    if actor.role_ids:
        # A lead of a role's pool is visible to every member of the role.
        conditions.append(Lead.responsible_role_id.in_(actor.role_ids))
    if actor.visibility is Visibility.DEPARTMENT and actor.department_user_ids:
        conditions.append(Lead.responsible_user_id.in_(actor.department_user_ids))
    return or_(*conditions) if conditions else false()


def can_see_lead(actor: Actor, lead: Lead) -> bool:
    """Whether the actor may see this lead (same rule as :func:`lead_visibility_clause`)."""
    if actor.visibility is Visibility.ALL:
        return True
    if actor.user_id is not None and actor.user_id in (lead.responsible_user_id, lead.created_by_id):
        return True
    if lead.responsible_role_id is not None and lead.responsible_role_id in actor.role_ids:
        return True
    return (
        actor.visibility is Visibility.DEPARTMENT
        and lead.responsible_user_id is not None
        and lead.responsible_user_id in actor.department_user_ids
    )


def require_lead_visible(actor: Actor, lead: Lead | None, lead_id: int) -> Lead:
    """The lead, or NotFound when it does not exist or the actor may not see it."""
    if lead is None or not can_see_lead(actor, lead):
        raise NotFound(f"Lead {lead_id} does not exist or is not visible to {actor.login}.")
    return lead


def client_visibility_clause(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause limiting clients to those the actor may see (unassigned clients are shared)."""
    from app.persistence.models import Client

    if actor.visibility is Visibility.ALL:
        return true()
    conditions: list[ColumnElement[bool]] = [Client.responsible_user_id.is_(None)]
    if actor.user_id is not None:
        conditions.append(Client.responsible_user_id == actor.user_id)
    if actor.visibility is Visibility.DEPARTMENT and actor.department_user_ids:
        conditions.append(Client.responsible_user_id.in_(actor.department_user_ids))
    return or_(*conditions)
