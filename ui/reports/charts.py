"""Charts of the Reports workspace (Qt Charts): stacked bars, the funnel, the trend line.

Each builder takes plain values (never a session) and returns a ``QChart`` the panel shows; the
values on the bars are the same figures as in the table, so the picture never says something the
table does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QDateTimeAxis,
    QHorizontalBarSeries,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QDateTime, QLocale, QMargins, Qt, QTime
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QWidget

# Colours of the lead states (the board's stage colours' family): new blue, repeat violet,
# converted green, repeat processed teal, rejected red; anything else grey.
STATE_COLORS = {
    "new": "#4a90d9",
    "in_progress": "#f0a030",
    "repeat": "#9b6bd1",
    "converted": "#43a047",
    "repeat_processed": "#26a69a",
    "rejected": "#e53935",
}
_FALLBACK = ("#5c6bc0", "#8d6e63", "#78909c", "#ffa726", "#ab47bc", "#26c6da")


def _chart(title: str) -> QChart:
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)  # a report is read, not watched
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def _nice_max(value: float) -> float:
    """An axis end a little above the largest value (never 0: an empty chart still has a scale)."""
    if value <= 0:
        return 1.0
    return float(int(value * 1.1) + 1)


def stacked_bars(
    title: str, categories: Sequence[str], sets: Sequence[tuple[str, str, Sequence[float]]]
) -> QChart:
    """Vertical stacked bars: one bar per category, one coloured part per set (key, label, values)."""
    chart = _chart(title)
    series = QStackedBarSeries()
    for n, (key, label, values) in enumerate(sets):
        bar_set = QBarSet(label)
        bar_set.append([float(v) for v in values])
        bar_set.setColor(QColor(STATE_COLORS.get(key, _FALLBACK[n % len(_FALLBACK)])))
        series.append(bar_set)
    chart.addSeries(series)
    axis_x = QBarCategoryAxis()
    axis_x.append(list(categories))
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)
    heights = [sum(float(values[i]) for _k, _l, values in sets) for i in range(len(categories))]
    axis_y = QValueAxis()
    axis_y.setLabelFormat("%d")
    axis_y.setRange(0, _nice_max(max(heights, default=0)))
    axis_y.applyNiceNumbers()
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    return chart


def horizontal_bars(title: str, label: str, categories: Sequence[str], values: Sequence[float]) -> QChart:
    """Horizontal bars, the first category on top (the funnel: stages from the first to the last)."""
    chart = _chart(title)
    series = QHorizontalBarSeries()
    bar_set = QBarSet(label)
    # A bar category axis counts from the bottom: reversed, the first stage is on top.
    bar_set.append([float(v) for v in reversed(values)])
    bar_set.setColor(QColor("#4a90d9"))
    series.append(bar_set)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsInsideEnd)
    chart.addSeries(series)
    axis_y = QBarCategoryAxis()
    axis_y.append(list(reversed(categories)))
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    axis_x = QValueAxis()
    axis_x.setLabelFormat("%d")
    axis_x.setRange(0, _nice_max(max((float(v) for v in values), default=0)))
    axis_x.applyNiceNumbers()
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)
    chart.legend().hide()
    return chart


def trend_line(title: str, label: str, points: Sequence[tuple[date, int]]) -> QChart:
    """Leads per local day: a line over the period's days."""
    chart = _chart(title)
    series = QLineSeries()
    series.setName(label)
    series.setPointsVisible(len(points) <= 62)
    for day, count in points:
        moment = QDateTime(_qdate(day), QTime(12, 0))  # noon: a day's point sits in the middle of its day
        series.append(float(moment.toMSecsSinceEpoch()), float(count))
    chart.addSeries(series)
    axis_x = QDateTimeAxis()
    axis_x.setFormat(_short_date_format())
    axis_x.setTickCount(max(2, min(6, len(points))))  # room for each date label
    if points:
        axis_x.setRange(
            QDateTime(_qdate(points[0][0]), QTime(0, 0)), QDateTime(_qdate(points[-1][0]), QTime(23, 59))
        )
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(axis_x)
    axis_y = QValueAxis()
    axis_y.setLabelFormat("%d")
    axis_y.setRange(0, _nice_max(max((c for _d, c in points), default=0)))
    axis_y.applyNiceNumbers()
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis_y)
    chart.legend().hide()
    return chart


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _short_date_format() -> str:
    """The locale's short date without the year ("dd.MM", "M/d")."""
    text = QLocale().dateFormat(QLocale.FormatType.ShortFormat)
    for year in ("yyyy", "yy"):
        text = text.replace(year, "")
    return text.strip("./- ") or "dd.MM"


class ChartPanel(QWidget):
    """Up to a few charts side by side; hidden while the report has none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("report_charts")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.views: list[QChartView] = []
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_charts(self, charts: Sequence[QChart]) -> None:
        """Replace the charts shown (the old ones are deleted with their views)."""
        for view in self.views:
            self._layout.removeWidget(view)
            view.deleteLater()  # the view owns its chart
        self.views = []
        for n, chart in enumerate(charts):
            view = QChartView(chart)
            view.setRenderHint(QPainter.RenderHint.Antialiasing)
            view.setAccessibleName(chart.title())
            # The first chart (bars with a legend) gets more room than a trend line beside it.
            self._layout.addWidget(view, 3 if n == 0 and len(charts) > 1 else 2)
            self.views.append(view)
        self.setVisible(bool(self.views))

    def titles(self) -> list[str]:
        """The titles of the charts shown."""
        return [view.chart().title() for view in self.views]
