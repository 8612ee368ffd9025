"""The filter bar of the Reports workspace: the period (presets or two dates) and multi-choice filters.

The choices (channels, managers, departments, advertising sources) are read once on a pool thread
by the workspace (:func:`read_choices`) and handed to :meth:`FilterBar.set_choices`; the bar itself
never touches the database.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QAction, QMouseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.domain.enums import ChannelKind, LeadQuality
from app.services import admin, catalogs
from app.services.reports import NO_SOURCE, PeriodPreset, ReportFilters, period_for_preset
from ui.my_sales import words as board_words
from ui.reports import words


@dataclass(frozen=True, slots=True)
class FilterChoices:
    """What the multi-choice filters offer: (id, name) pairs and source names."""

    channels: tuple[tuple[int, str], ...] = ()
    managers: tuple[tuple[int, str], ...] = ()
    departments: tuple[tuple[int, str], ...] = ()
    sources: tuple[str, ...] = ()


def read_choices(session: Session) -> FilterChoices:
    """The filters' choices from the catalogs (runs on a pool thread)."""
    channels = admin.list_channels(session)
    return FilterChoices(
        channels=tuple((c.id, c.name) for c in channels),
        managers=tuple((u.id, u.full_name) for u in catalogs.users(session, include_inactive=True)),
        departments=tuple((d.id, d.name) for d in catalogs.departments(session)),
        sources=tuple(sorted({c.ad_source for c in channels if c.ad_source}, key=str.casefold)),
    )


class _StayOpenMenu(QMenu):
    """A menu of check boxes that stays open while the user ticks several of them."""

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        action = self.activeAction()
        if action is not None and action.isCheckable() and action.isEnabled():
            action.trigger()
            return
        super().mouseReleaseEvent(event)


class ChoiceButton(QToolButton):
    """A multi-choice filter: "Channel: all" until some entries are ticked in its menu.

    Signals:
        changed(): the ticked set changed.
    """

    changed = Signal()

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self._menu = _StayOpenMenu(self)
        self.setMenu(self._menu)
        self._all = QAction(self.tr("All"), self)
        self._all.triggered.connect(self.clear)
        self._entries: list[QAction] = []
        self._rebuild_menu()
        self._update_text()

    def set_entries(self, entries: Sequence[tuple[Hashable, str]]) -> None:
        """Offer (value, text) entries; ticks of values still offered stay."""
        ticked = set(self.values())
        self._entries = []
        for value, text in entries:
            action = QAction(text, self)
            action.setCheckable(True)
            action.setData(value)
            action.setChecked(value in ticked)
            action.toggled.connect(self._on_toggled)
            self._entries.append(action)
        self._rebuild_menu()
        self._update_text()
        if set(self.values()) != ticked:
            self.changed.emit()

    def entries(self) -> list[tuple[Hashable, str]]:
        """The (value, text) entries offered."""
        return [(action.data(), action.text()) for action in self._entries]

    def values(self) -> tuple[Hashable, ...]:
        """The ticked values (empty: all)."""
        return tuple(action.data() for action in self._entries if action.isChecked())

    def set_values(self, values: Sequence[Hashable]) -> None:
        """Tick exactly these values (one ``changed`` at the end)."""
        wanted = set(values)
        before = self.values()
        for action in self._entries:
            action.blockSignals(True)
            action.setChecked(action.data() in wanted)
            action.blockSignals(False)
        self._update_text()
        if self.values() != before:
            self.changed.emit()

    def clear(self) -> None:
        """No choice: everything counts."""
        self.set_values(())

    def _rebuild_menu(self) -> None:
        self._menu.clear()
        self._menu.addAction(self._all)
        self._menu.addSeparator()
        for action in self._entries:
            self._menu.addAction(action)
        self.setEnabled(bool(self._entries))

    def _on_toggled(self, _checked: bool) -> None:
        self._update_text()
        self.changed.emit()

    def _update_text(self) -> None:
        ticked = [action.text() for action in self._entries if action.isChecked()]
        if not ticked:
            shown = self.tr("all")
        elif len(ticked) <= 2:
            shown = ", ".join(ticked)
        else:
            shown = self.tr("%n chosen", "", len(ticked))
        self.setText(self.tr("%1: %2").replace("%1", self.title).replace("%2", shown))
        self.setToolTip(
            self.tr("%1: %2").replace("%1", self.title).replace("%2", ", ".join(ticked) or self.tr("all"))
        )
        self._all.setEnabled(bool(ticked))


class FilterBar(QWidget):
    """Period presets (or two dates), channel, kind, manager, department, quality and source.

    Signals:
        changed(): some filter changed (the workspace runs the report again, debounced).
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("report_filters")
        self._today: date | None = None

        self.period_combo = QComboBox()
        self.period_combo.setObjectName("period_combo")
        for preset in PeriodPreset:
            self.period_combo.addItem(words.period_title(preset), preset.value)
        period_label = QLabel(self.tr("&Period:"))
        period_label.setBuddy(self.period_combo)
        self.from_edit = QDateEdit()
        self.from_edit.setObjectName("date_from")
        self.to_edit = QDateEdit()
        self.to_edit.setObjectName("date_to")
        for edit, name in ((self.from_edit, self.tr("From")), (self.to_edit, self.tr("To"))):
            edit.setCalendarPopup(True)
            edit.setAccessibleName(name)
        dash = QLabel("–")

        self.channel_button = ChoiceButton(self.tr("Channel"))
        self.channel_button.setObjectName("channel_filter")
        self.kind_button = ChoiceButton(self.tr("Kind"))
        self.kind_button.setObjectName("kind_filter")
        self.kind_button.set_entries(
            [(kind.value, board_words.kind_name(kind.value)) for kind in ChannelKind]
        )
        self.manager_button = ChoiceButton(self.tr("Manager"))
        self.manager_button.setObjectName("manager_filter")
        self.department_button = ChoiceButton(self.tr("Department"))
        self.department_button.setObjectName("department_filter")
        self.quality_button = ChoiceButton(self.tr("Quality"))
        self.quality_button.setObjectName("quality_filter")
        self.quality_button.set_entries(
            [(quality.value, board_words.quality_name(quality.value)) for quality in LeadQuality]
        )
        self.source_button = ChoiceButton(self.tr("Source"))
        self.source_button.setObjectName("source_filter")

        period_row = QHBoxLayout()
        period_row.setContentsMargins(0, 0, 0, 0)
        period_row.addWidget(period_label)
        period_row.addWidget(self.period_combo)
        period_row.addWidget(self.from_edit)
        period_row.addWidget(dash)
        period_row.addWidget(self.to_edit)
        period_row.addStretch(1)
        self.period_row = period_row
        choice_row = QHBoxLayout()
        choice_row.setContentsMargins(0, 0, 0, 0)
        for button in self.choice_buttons():
            choice_row.addWidget(button)
        choice_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(period_row)
        layout.addLayout(choice_row)

        self.set_preset(PeriodPreset.MONTH)
        self.period_combo.currentIndexChanged.connect(self._on_preset_changed)
        self.from_edit.dateChanged.connect(self._on_date_changed)
        self.to_edit.dateChanged.connect(self._on_date_changed)
        for button in self.choice_buttons():
            button.changed.connect(self.changed)

    def choice_buttons(self) -> list[ChoiceButton]:
        """The multi-choice filters, left to right."""
        return [
            self.channel_button,
            self.kind_button,
            self.manager_button,
            self.department_button,
            self.quality_button,
            self.source_button,
        ]

    def set_choices(self, choices: FilterChoices) -> None:
        """Offer the catalogs' entries (ticks of entries still offered stay)."""
        self.channel_button.set_entries(list(choices.channels))
        self.manager_button.set_entries(list(choices.managers))
        self.department_button.set_entries(list(choices.departments))
        self.source_button.set_entries(
            [(NO_SOURCE, self.tr("(no source)")), *((source, source) for source in choices.sources)]
        )

    def today(self) -> date:
        """The local date presets count from (tests may pin it with :meth:`set_today`)."""
        return self._today or date.today()

    def set_today(self, today: date | None) -> None:
        """Pin "today" (None: the clock's)."""
        self._today = today
        self._on_preset_changed()

    def preset(self) -> PeriodPreset:
        """The period preset chosen."""
        return PeriodPreset(self.period_combo.currentData())

    def set_preset(self, preset: PeriodPreset) -> None:
        """Choose a preset (as the combo does)."""
        self.period_combo.setCurrentIndex(self.period_combo.findData(preset.value))
        self._on_preset_changed()

    def set_period(self, date_from: date, date_to: date) -> None:
        """A custom period (inclusive local dates)."""
        self.period_combo.blockSignals(True)
        self.period_combo.setCurrentIndex(self.period_combo.findData(PeriodPreset.CUSTOM.value))
        self.period_combo.blockSignals(False)
        self._set_dates(date_from, date_to, editable=True)
        self.changed.emit()

    def period(self) -> tuple[date, date]:
        """The inclusive local dates of the period shown."""
        first = self.from_edit.date().toPython()
        last = self.to_edit.date().toPython()
        assert isinstance(first, date) and isinstance(last, date)
        return (first, last) if first <= last else (last, first)

    def filters(self, zone: tzinfo | None) -> ReportFilters:
        """The filters as the service takes them."""
        first, last = self.period()
        return ReportFilters(
            date_from=first,
            date_to=last,
            zone=zone,
            channel_ids=tuple(v for v in self.channel_button.values() if isinstance(v, int)),
            kinds=tuple(ChannelKind(str(v)) for v in self.kind_button.values()),
            manager_ids=tuple(v for v in self.manager_button.values() if isinstance(v, int)),
            department_ids=tuple(v for v in self.department_button.values() if isinstance(v, int)),
            qualities=tuple(LeadQuality(str(v)) for v in self.quality_button.values()),
            sources=tuple(str(v) for v in self.source_button.values()),
        )

    def _on_preset_changed(self, *_args: object) -> None:
        preset = self.preset()
        if preset is PeriodPreset.CUSTOM:
            self.from_edit.setEnabled(True)
            self.to_edit.setEnabled(True)
            self.from_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        first, last = period_for_preset(preset, self.today())
        self._set_dates(first, last, editable=False)
        self.changed.emit()

    def _on_date_changed(self, *_args: object) -> None:
        if self.preset() is PeriodPreset.CUSTOM:
            self.changed.emit()

    def _set_dates(self, first: date, last: date, *, editable: bool) -> None:
        for edit, day in ((self.from_edit, first), (self.to_edit, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.setEnabled(editable)
            edit.blockSignals(False)
