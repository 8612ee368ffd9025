"""Properties of intake for random Russian numbers in random spellings (hypothesis, SQLite).

One migrated SQLite file serves the module; every example uses fresh external ids, so examples
never see each other's keys (they may meet each other's phone numbers, which the assertions allow).
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.domain.enums import LeadState
from app.persistence.models import Lead
from app.persistence.uow import Database, open_database
from app.services.intake import IntakeOutcome, IntakeResult, LeadInput, register_leads
from tests.factories import make_channel

SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_keys = itertools.count(1)


def _fmt(template: str, n: str) -> str:
    """Fill a template whose letters a..j are the ten national digits."""
    return template.format(*n)


# The ways a Russian number reaches us: caller id, web forms, Excel exports, people typing.
TEMPLATES = [
    "+7 {}{}{} {}{}{}-{}{}-{}{}",
    "8 ({}{}{}) {}{}{}-{}{}-{}{}",
    "7{}{}{}{}{}{}{}{}{}{}",
    "8{}{}{}{}{}{}{}{}{}{}",
    "{}{}{}{}{}{}{}{}{}{}",
    "+7({}{}{}){}{}{}{}{}{}{}",
    "8-{}{}{}-{}{}{}-{}{}-{}{}",
    "+7 {}{}{} {}{}{} {}{} {}{}",
    "+7.{}{}{}.{}{}{}.{}{}.{}{}",
    "  8 {}{}{} {}{}{} {}{}{}{}  ",
    "tel:+7{}{}{}{}{}{}{}{}{}{}",
    "007 {}{}{} {}{}{}{}{}{}{}",
    "+7 ({}{}{}) {}{}{} {}{} {}{}",
]

# Russian geographic (3xx, 4xx, 8xx) and mobile (9xx) codes.
national = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("3489"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)
spelling = st.sampled_from(TEMPLATES)


@pytest.fixture(scope="module")
def props_db(tmp_path_factory: pytest.TempPathFactory, _sqlite_template: Path) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("intake-props") / "inflow.db"
    shutil.copyfile(_sqlite_template, path)
    db = open_database(f"sqlite:///{path}")
    try:
        yield db
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def channel_id(props_db: Database) -> int:
    with props_db.uow() as uow:
        return make_channel(uow.session, "Звонки (свойства)", kind="call").id


def _intake(db: Database, items: list[LeadInput]) -> list[IntakeResult]:
    with db.uow() as uow:
        return register_leads(uow, items)


@SETTINGS
@given(number=national, template=spelling, batches=st.lists(st.integers(1, 3), min_size=1, max_size=4))
def test_same_key_any_number_of_times_is_one_lead(
    props_db: Database, channel_id: int, number: str, template: str, batches: list[int]
) -> None:
    """The same (channel, external id), in batches of any size, any number of times: one lead."""
    key = f"call-{next(_keys)}"
    item = LeadInput(channel_id=channel_id, external_id=key, phone=_fmt(template, number))
    results = [r for size in batches for r in _intake(props_db, [item] * size)]

    assert results[0].outcome is IntakeOutcome.CREATED
    assert all(r.outcome is IntakeOutcome.EXISTING for r in results[1:])
    ids = {r.lead.id for r in results if r.lead}
    assert len(ids) == 1 and len(results) == sum(batches)
    with props_db.session() as session:
        stored = session.scalar(
            select(func.count())
            .select_from(Lead)
            .where(Lead.channel_id == channel_id, Lead.external_id == key)
        )
    assert stored == 1


@SETTINGS
@given(
    number=national,
    templates=st.lists(spelling, min_size=2, max_size=6, unique=True),
    one_batch=st.booleans(),
)
def test_every_spelling_of_a_number_gives_the_same_phone(
    props_db: Database, channel_id: int, number: str, templates: list[str], one_batch: bool
) -> None:
    """All spellings normalize to +7 and the ten digits, and each later one is a repeat."""
    items = [
        LeadInput(channel_id=channel_id, external_id=f"call-{next(_keys)}", phone=_fmt(t, number))
        for t in templates
    ]
    if one_batch:
        results = _intake(props_db, items)
    else:
        results = [r for item in items for r in _intake(props_db, [item])]

    assert all(r.outcome is IntakeOutcome.CREATED for r in results)
    ids = [r.lead.id for r in results if r.lead]
    with props_db.session() as session:
        leads = {x.id: x for x in session.scalars(select(Lead).where(Lead.id.in_(ids)))}
        phones = {leads[i].phone for i in ids}
        assert phones == {f"+7{number}"}, templates
        for current in ids[1:]:
            assert leads[current].state == LeadState.REPEAT.value
            earlier = leads[current].repeat_of_lead_id
            assert earlier is not None and earlier < current
            assert session.get_one(Lead, earlier).phone == f"+7{number}"
