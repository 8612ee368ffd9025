"""The product's own SVG icons (resources/icons/<name>.svg), drawn for 24×24 and sharp at any DPI.

Line icons are drawn with ``stroke="currentColor"``; :func:`icon` paints them in the palette's
text colour for the mode asked (normal, disabled, selected, active), read at paint time — so they
follow the system's light or dark palette and a palette change needs no reload. Icons with their
own colours (the application icon, the red "overdue" clock) keep them.
"""

from __future__ import annotations

import functools
from pathlib import Path

from PySide6.QtCore import QByteArray, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

ICONS_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"

# The names of the contract (docs/UI_CONVENTIONS.md) plus a few the shell uses itself.
NAMES = (
    "call",
    "email",
    "dialog",
    "request",
    "my_sales",
    "mail",
    "dialogs",
    "reports",
    "settings",
    "search",
    "accept",
    "inflow",
    "repeat",
    "overdue",
    "client",
    "company",
    "contact",
    "lead",
    "attachment",
)

_CURRENT = b"currentColor"


def _palette_colour(mode: QIcon.Mode) -> QColor:
    palette = QGuiApplication.palette()
    if mode == QIcon.Mode.Disabled:
        return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
    if mode == QIcon.Mode.Selected:
        return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText)
    return palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText)


class _SvgIconEngine(QIconEngine):
    """Renders one SVG, substituting ``currentColor`` with the palette colour of the mode."""

    def __init__(self, name: str, svg: bytes) -> None:
        super().__init__()
        self._name = name
        self._svg = svg
        self._renderers: dict[str, QSvgRenderer] = {}

    def _renderer(self, mode: QIcon.Mode) -> QSvgRenderer:
        colour = _palette_colour(mode).name(QColor.NameFormat.HexArgb) if _CURRENT in self._svg else ""
        renderer = self._renderers.get(colour)
        if renderer is None:
            data = self._svg.replace(_CURRENT, _rgb(colour).encode("ascii")) if colour else self._svg
            renderer = QSvgRenderer(QByteArray(data))
            renderer.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
            self._renderers[colour] = renderer
        return renderer

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        """Draw the icon into ``rect`` (vector: crisp on any screen)."""
        self._renderer(mode).render(painter, rect.toRectF())

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        """A pixmap of exactly ``size`` device pixels."""
        return self._render(size, mode, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        """A pixmap for a high-DPI screen: ``size`` logical pixels at ``scale`` device pixels each."""
        return self._render(size, mode, scale)

    def _render(self, size: QSize, mode: QIcon.Mode, scale: float) -> QPixmap:
        device = QSize(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)))
        image = QImage(device, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        try:
            self._renderer(mode).render(painter, QRect(QPoint(0, 0), device).toRectF())
        finally:
            painter.end()
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        """Square icons: the largest square that fits."""
        side = min(size.width(), size.height())
        return QSize(side, side)

    def clone(self) -> QIconEngine:
        """A copy for QIcon's copy-on-write."""
        return _SvgIconEngine(self._name, self._svg)

    def key(self) -> str:
        """The engine's name for QIcon's bookkeeping."""
        return "InflowSvgIconEngine"

    def iconName(self) -> str:
        """The icon's name in resources/icons."""
        return self._name

    def isNull(self) -> bool:
        """An engine with an SVG is never null."""
        return not self._svg


def _rgb(hex_argb: str) -> str:
    # SVG colours have no alpha in #AARRGGBB form: write an rgba()-free #RRGGBB and keep
    # translucency out of icons (palette text colours are opaque anyway).
    return "#" + hex_argb[-6:]


def icon_path(name: str) -> Path:
    """The SVG file of an icon."""
    return ICONS_DIR / f"{name}.svg"


@functools.cache
def icon(name: str) -> QIcon:
    """The icon ``name`` (see :data:`NAMES`); a null icon for an unknown name."""
    path = icon_path(name)
    try:
        svg = path.read_bytes()
    except OSError:
        return QIcon()
    return QIcon(_SvgIconEngine(name, svg))
