"""The open-lead counters kept by triggers (least-loaded rule) never drift from a real count."""

from __future__ import annotations

from sqlalchemy import func, select

from app.domain.enums import OPEN_STATES, ClientKind
from app.persistence.models import Lead, UserWorkload
from app.persistence.uow import Database
from app.services.permissions import Actor
from app.services.processing import (
    ConversionInput,
    NewClient,
    NewInterest,
    assign_lead,
    convert_lead,
    redirect_lead,
    reject_lead,
    return_to_work,
    take_in_progress,
)
from tests.factories import make_channel, make_role, make_user, new_lead


def _counters(db: Database) -> tuple[dict[int, int], dict[int, int]]:
    with db.session() as session:
        kept = {
            user_id: count
            for user_id, count in session.execute(select(UserWorkload.user_id, UserWorkload.open_leads))
            if count
        }
        real = {
            user_id: count
            for user_id, count in session.execute(
                select(Lead.responsible_user_id, func.count())
                .where(Lead.responsible_user_id.is_not(None), Lead.state.in_([s.value for s in OPEN_STATES]))
                .group_by(Lead.responsible_user_id)
            )
        }
    return kept, real


def test_counters_follow_every_change_of_a_lead(db: Database) -> None:
    with db.uow() as uow:
        role = make_role(uow.session, "load-pool")
        first = make_user(uow.session, roles=[role])
        second = make_user(uow.session, roles=[role])
        channel = make_channel(uow.session, rule="least-loaded", role=role)
        first_id, second_id, role_id = first.id, second.id, role.id
    leads = [new_lead(db, channel, phone=f"+7 916 700-00-{i:02d}") for i in range(6)]
    kept, real = _counters(db)
    assert kept == real and sum(real.values()) == 6
    # least-loaded spreads them evenly
    assert real == {first_id: 3, second_id: 3}

    system = Actor.system()
    with db.uow() as uow:
        reject_lead(uow, system, leads[0].id, reason_code="spam")
    with db.uow() as uow:
        assign_lead(uow, system, leads[1].id, second_id)
    with db.uow() as uow:
        redirect_lead(uow, system, leads[2].id, role_id)
    with db.uow() as uow:
        take_in_progress(uow, system, leads[3].id)
    with db.uow() as uow:
        convert_lead(
            uow,
            system,
            leads[4].id,
            ConversionInput(new_client=NewClient(ClientKind.PERSON, "Анна"), interest=NewInterest("Окна")),
        )
    with db.uow() as uow:
        return_to_work(uow, system, leads[0].id)
    kept, real = _counters(db)
    assert kept == real

    # the next lead goes to whoever has fewer open leads now
    fewer = min(real, key=lambda user: (real[user], user))
    assert new_lead(db, channel, phone="+7 916 700-01-00").responsible_user_id == fewer
