"""Painting the board's cards: a lead in the Inquiries column, an interest on a stage.

Delegates read everything from model roles (no DTO digging) and the palette (so light and dark
themes both work); icons come from ``ui.icons`` when the shell ships it.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ui.my_sales.inquiry_list_model import InquiryRole
from ui.my_sales.stage_interest_model import InterestRole

_Index = QModelIndex | QPersistentModelIndex

PAD = 8
ICON = 20
OVERDUE = QColor("#c62828")


def kind_icon(name: str) -> QIcon:
    """The icon of a channel kind (or any shell icon); a null icon when the shell has none yet."""
    try:
        from ui.icons import icon
    except ImportError:
        return QIcon()
    return icon(name)


def _card_frame(painter: QPainter, option: QStyleOptionViewItem, accent: QColor | None = None) -> QRect:
    """Paint the card's background and border; returns the content rectangle."""
    palette = option.palette  # type: ignore[attr-defined]
    rect = option.rect.adjusted(4, 3, -4, -3)  # type: ignore[attr-defined]
    selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
    focused = bool(option.state & QStyle.StateFlag.State_HasFocus)  # type: ignore[attr-defined]
    background = palette.color(QPalette.ColorRole.Base)
    border = palette.color(QPalette.ColorRole.Mid)
    if selected:
        background = palette.color(QPalette.ColorRole.Highlight).lighter(180)
        if palette.color(QPalette.ColorRole.Base).lightness() < 128:  # dark theme
            background = palette.color(QPalette.ColorRole.Highlight).darker(200)
        border = palette.color(QPalette.ColorRole.Highlight)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(border, 2 if focused else 1))
    painter.setBrush(background)
    painter.drawRoundedRect(QRectF(rect), 6, 6)
    if accent is not None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(accent)
        painter.drawRoundedRect(QRectF(rect.left(), rect.top(), 4, rect.height()), 2, 2)
    return rect.adjusted(PAD, PAD // 2 + 2, -PAD, -PAD // 2 - 2)


def _text_color(option: QStyleOptionViewItem, *, muted: bool = False) -> QColor:
    palette = option.palette  # type: ignore[attr-defined]
    if muted:
        return palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
    return palette.color(QPalette.ColorRole.Text)


class InquiryCardDelegate(QStyledItemDelegate):
    """A lead card: kind icon, contact, live age (red when the SLA is overdue), first line, badge."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._icons: dict[str, QIcon] = {}

    def _icon(self, kind: str) -> QIcon:
        if kind not in self._icons:
            self._icons[kind] = kind_icon(kind)
        return self._icons[kind]

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        line = QFontMetrics(option.font).lineSpacing()  # type: ignore[attr-defined]
        return QSize(260, 3 * line + PAD + 12)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        painter.save()
        try:
            self._paint(painter, option, index)
        finally:
            painter.restore()

    def _paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        overdue = bool(index.data(InquiryRole.OVERDUE))
        content = _card_frame(painter, option, OVERDUE if overdue else None)
        font: QFont = QFont(option.font)  # type: ignore[attr-defined]
        metrics = QFontMetrics(font)
        line = metrics.lineSpacing()

        icon = self._icon(str(index.data(InquiryRole.KIND) or ""))
        if not icon.isNull():
            icon.paint(painter, QRect(content.left(), content.top(), ICON, ICON))
        left = content.left() + ICON + 6

        age = str(index.data(InquiryRole.AGE) or "")
        age_width = metrics.horizontalAdvance(age) + 4
        painter.setPen(OVERDUE if overdue else _text_color(option, muted=True))
        if overdue:
            overdue_icon = self._icon("overdue")
            if not overdue_icon.isNull():
                size = line - 4
                overdue_icon.paint(
                    painter, QRect(content.right() - age_width - size - 2, content.top() + 2, size, size)
                )
        painter.drawText(
            QRect(content.right() - age_width, content.top(), age_width, line),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            age,
        )

        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(_text_color(option))
        title_width = content.right() - age_width - left - 24
        contact = QFontMetrics(bold).elidedText(
            str(index.data() or ""), Qt.TextElideMode.ElideRight, title_width
        )
        painter.drawText(
            QRect(left, content.top(), title_width, line), int(Qt.AlignmentFlag.AlignVCenter), contact
        )

        painter.setFont(font)
        first = metrics.elidedText(
            str(index.data(InquiryRole.FIRST_LINE) or ""), Qt.TextElideMode.ElideRight, content.right() - left
        )
        painter.drawText(
            QRect(left, content.top() + line, content.right() - left, line),
            int(Qt.AlignmentFlag.AlignVCenter),
            first,
        )

        badge = str(index.data(InquiryRole.BADGE) or "")
        badge_width = 0
        if badge:
            small = QFont(font)
            small.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
            small_metrics = QFontMetrics(small)
            badge_width = small_metrics.horizontalAdvance(badge) + 10
            box = QRect(content.right() - badge_width, content.top() + 2 * line + 1, badge_width, line - 2)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(option.palette.color(QPalette.ColorRole.Highlight))  # type: ignore[attr-defined]
            painter.drawRoundedRect(QRectF(box), 4, 4)
            painter.setFont(small)
            painter.setPen(option.palette.color(QPalette.ColorRole.HighlightedText))  # type: ignore[attr-defined]
            painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), badge)
            painter.setFont(font)
        painter.setPen(_text_color(option, muted=True))
        details = metrics.elidedText(
            str(index.data(InquiryRole.DETAILS) or ""),
            Qt.TextElideMode.ElideRight,
            content.right() - left - badge_width - 6,
        )
        painter.drawText(
            QRect(left, content.top() + 2 * line, content.right() - left - badge_width - 6, line),
            int(Qt.AlignmentFlag.AlignVCenter),
            details,
        )


class InterestCardDelegate(QStyledItemDelegate):
    """An interest card: title, client, amount, responsible; a colour strip of the stage."""

    def __init__(self, color: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._accent = QColor(color) if color else None

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        line = QFontMetrics(option.font).lineSpacing()  # type: ignore[attr-defined]
        return QSize(200, 3 * line + PAD + 12)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        painter.save()
        try:
            self._paint(painter, option, index)
        finally:
            painter.restore()

    def _paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        content = _card_frame(painter, option, self._accent).adjusted(4, 0, 0, 0)
        font = QFont(option.font)  # type: ignore[attr-defined]
        metrics = QFontMetrics(font)
        line = metrics.lineSpacing()
        amount = str(index.data(InterestRole.AMOUNT) or "")
        amount_width = metrics.horizontalAdvance(amount) + 4 if amount else 0

        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(_text_color(option))
        title = QFontMetrics(bold).elidedText(
            str(index.data() or ""), Qt.TextElideMode.ElideRight, content.width()
        )
        painter.drawText(
            QRect(content.left(), content.top(), content.width(), line),
            int(Qt.AlignmentFlag.AlignVCenter),
            title,
        )

        painter.setFont(font)
        client = metrics.elidedText(
            str(index.data(InterestRole.CLIENT) or ""),
            Qt.TextElideMode.ElideRight,
            content.width() - amount_width - 6,
        )
        painter.drawText(
            QRect(content.left(), content.top() + line, content.width() - amount_width - 6, line),
            int(Qt.AlignmentFlag.AlignVCenter),
            client,
        )
        if amount:
            painter.drawText(
                QRect(content.right() - amount_width, content.top() + line, amount_width, line),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                amount,
            )
        painter.setPen(_text_color(option, muted=True))
        owner = metrics.elidedText(
            str(index.data(InterestRole.RESPONSIBLE) or ""), Qt.TextElideMode.ElideRight, content.width()
        )
        painter.drawText(
            QRect(content.left(), content.top() + 2 * line, content.width(), line),
            int(Qt.AlignmentFlag.AlignVCenter),
            owner,
        )
