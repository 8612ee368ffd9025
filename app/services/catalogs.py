"""Read access to the catalogs every screen needs: reasons, pipelines and stages, users, roles.

Writes to these catalogs (the Settings workspace) live in ``configuration.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.enums import StageKind
from app.persistence.models import (
    Department,
    Pipeline,
    ProgressStatus,
    RejectionReason,
    Role,
    Stage,
    User,
    user_roles,
)
from app.services.dto import UserDTO


@dataclass(frozen=True, slots=True)
class RejectionReasonDTO:
    """A rejection reason of the catalog."""

    id: int
    code: str
    name: str
    position: int
    active: bool


@dataclass(frozen=True, slots=True)
class StageDTO:
    """A pipeline stage."""

    id: int
    pipeline_id: int
    name: str
    position: int
    color: str
    kind: StageKind


@dataclass(frozen=True, slots=True)
class PipelineDTO:
    """A pipeline with its stages in order."""

    id: int
    name: str
    is_default: bool
    stages: tuple[StageDTO, ...]


@dataclass(frozen=True, slots=True)
class RoleDTO:
    """A role and its rights."""

    id: int
    code: str
    name: str
    visibility: str
    can_reassign: bool
    can_reject: bool
    can_delete: bool
    can_export: bool
    can_configure: bool
    is_system: bool
    member_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DepartmentDTO:
    """A department."""

    id: int
    name: str
    parent_id: int | None


@dataclass(frozen=True, slots=True)
class ProgressStatusDTO:
    """An intermediate "in progress" status."""

    id: int
    name: str
    position: int
    color: str


def rejection_reasons(session: Session, *, include_inactive: bool = False) -> list[RejectionReasonDTO]:
    """The rejection reasons in catalog order."""
    statement = select(RejectionReason).order_by(RejectionReason.position, RejectionReason.id)
    if not include_inactive:
        statement = statement.where(RejectionReason.active.is_(True))
    return [
        RejectionReasonDTO(r.id, r.code, r.name, r.position, r.active) for r in session.scalars(statement)
    ]


def pipelines(session: Session) -> list[PipelineDTO]:
    """Every pipeline (the default first) with its stages in order."""
    stages_by_pipeline: dict[int, list[StageDTO]] = {}
    for stage in session.scalars(select(Stage).order_by(Stage.pipeline_id, Stage.position, Stage.id)):
        stages_by_pipeline.setdefault(stage.pipeline_id, []).append(
            StageDTO(
                stage.id, stage.pipeline_id, stage.name, stage.position, stage.color, StageKind(stage.kind)
            )
        )
    return [
        PipelineDTO(p.id, p.name, p.is_default, tuple(stages_by_pipeline.get(p.id, ())))
        for p in session.scalars(select(Pipeline).order_by(Pipeline.is_default.desc(), Pipeline.id))
    ]


def default_pipeline(session: Session) -> PipelineDTO | None:
    """The default pipeline (or the first one)."""
    found = pipelines(session)
    return found[0] if found else None


def users(session: Session, *, include_inactive: bool = False) -> list[UserDTO]:
    """Users with their role codes, by name."""
    role_codes: dict[int, list[str]] = {}
    for user_id, code in session.execute(
        select(user_roles.c.user_id, Role.code).join(Role, Role.id == user_roles.c.role_id)
    ):
        role_codes.setdefault(user_id, []).append(code)
    statement = select(User).order_by(User.full_name, User.id)
    if not include_inactive:
        statement = statement.where(User.active.is_(True))
    return [
        UserDTO(
            id=u.id,
            login=u.login,
            full_name=u.full_name,
            department_id=u.department_id,
            extension=u.extension,
            active=u.active,
            role_codes=tuple(sorted(role_codes.get(u.id, ()))),
        )
        for u in session.scalars(statement)
    ]


def roles(session: Session) -> list[RoleDTO]:
    """Roles with their rights and members."""
    members: dict[int, list[int]] = {}
    for user_id, role_id in session.execute(select(user_roles.c.user_id, user_roles.c.role_id)):
        members.setdefault(role_id, []).append(user_id)
    return [
        RoleDTO(
            id=r.id,
            code=r.code,
            name=r.name,
            visibility=r.visibility,
            can_reassign=r.can_reassign,
            can_reject=r.can_reject,
            can_delete=r.can_delete,
            can_export=r.can_export,
            can_configure=r.can_configure,
            is_system=r.is_system,
            member_ids=tuple(sorted(members.get(r.id, ()))),
        )
        for r in session.scalars(select(Role).order_by(Role.id))
    ]


def departments(session: Session) -> list[DepartmentDTO]:
    """Departments by name."""
    return [
        DepartmentDTO(d.id, d.name, d.parent_id)
        for d in session.scalars(select(Department).order_by(Department.name))
    ]


def progress_statuses(session: Session) -> list[ProgressStatusDTO]:
    """The optional "in progress" statuses in order."""
    return [
        ProgressStatusDTO(s.id, s.name, s.position, s.color)
        for s in session.scalars(select(ProgressStatus).order_by(ProgressStatus.position, ProgressStatus.id))
    ]
