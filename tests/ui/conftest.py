"""Fixtures for pytest-qt tests on real widgets: a signed-in desktop context on a real database."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from app.persistence.uow import Database
from app.services.admin import create_user
from app.services.permissions import Actor, load_actor
from ui.context import AppContext
from ui.live_updates import ChangeWatcher
from ui.tasks import TaskRunner


def make_context(db: Database, login: str = "admin", role: str = "admin") -> AppContext:
    """Create (or reuse) a user with the role and build the desktop context signed in as them."""
    from sqlalchemy import select

    from app.persistence.models import User
    from app.services.catalogs import users

    with db.uow() as uow:
        existing = uow.session.scalar(select(User.id).where(User.login == login))
        if existing is None:
            create_user(uow, Actor.system(), login, login.title(), [role], password="secret")
    with db.session() as session:
        user = next(u for u in users(session) if u.login == login)
        actor = load_actor(session, user.id)
    tasks = TaskRunner()
    watcher = ChangeWatcher(db, interval_ms=100)
    return AppContext(db=db, actor=actor, user=user, tasks=tasks, watcher=watcher)


@pytest.fixture(autouse=True)
def _garbage_collected_on_the_gui_thread() -> Iterator[None]:
    """As in the app (ui/gc_guard.py): no collection in pool threads; dead widgets of this test
    are collected here, on the GUI thread, after every other fixture has closed them."""
    gc.collect()
    gc.disable()
    yield
    gc.collect()
    gc.enable()


@pytest.fixture
def app_context(db: Database, qtbot: QtBot) -> Iterator[AppContext]:
    """A desktop signed in as an administrator (sees everything, may configure)."""
    context = make_context(db)
    context.watcher.start()
    yield context
    context.watcher.stop()
    context.tasks.wait()
