"""What every window and workspace of the desktop client shares (built by ui/application.py)."""

from __future__ import annotations

from dataclasses import dataclass

from app.persistence.uow import Database
from app.services.dto import UserDTO
from app.services.permissions import Actor
from ui.live_updates import ChangeWatcher
from ui.tasks import TaskRunner


@dataclass
class AppContext:
    """The signed-in session of one desktop.

    Widgets never hold a Session or ORM object: they call services through ``tasks`` with
    ``db.uow()`` / ``db.session()`` on a pool thread and get DTOs back on the GUI thread.
    ``watcher.changed`` fires when this or another desktop changed the shared data.
    """

    db: Database
    actor: Actor
    user: UserDTO
    tasks: TaskRunner
    watcher: ChangeWatcher
