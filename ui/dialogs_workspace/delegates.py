"""Painting the Dialogs workspace: a conversation in the list, a message bubble in the thread.

Delegates read everything from model roles and the palette (light and dark themes both work).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ui.dialogs_workspace.conversation_list_model import ConversationRole
from ui.dialogs_workspace.message_list_model import MessageRole

_Index = QModelIndex | QPersistentModelIndex

PAD = 8
WAITING = QColor("#c62828")
FAILED = QColor("#c62828")
STATE_COLORS = {
    "new": QColor("#1565c0"),
    "repeat": QColor("#6a1b9a"),
    "in_progress": QColor("#ef6c00"),
    "converted": QColor("#2e7d32"),
    "repeat_processed": QColor("#2e7d32"),
    "rejected": QColor("#757575"),
}


def _dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def _muted(palette: QPalette) -> QColor:
    # The text colour, faded: readable on the plain and on the selected background alike.
    color = QColor(palette.color(QPalette.ColorRole.Text))
    color.setAlpha(150)
    return color


class ConversationDelegate(QStyledItemDelegate):
    """A conversation: name and waiting time (red) or last time; channel and lead badge; preview."""

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        line = QFontMetrics(option.font).lineSpacing()
        return QSize(280, 3 * line + 2 * PAD + 2)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        painter.save()
        try:
            self._paint(painter, option, index)
        finally:
            painter.restore()

    def _paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        palette: QPalette = option.palette
        rect: QRect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        unanswered = bool(index.data(ConversationRole.UNANSWERED))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if selected:
            background = palette.color(QPalette.ColorRole.Highlight)
            background = background.darker(200) if _dark(palette) else background.lighter(180)
            painter.fillRect(rect, background)
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Midlight), 1))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        if unanswered:
            painter.fillRect(QRect(rect.left(), rect.top(), 4, rect.height()), WAITING)

        font = QFont(option.font)
        metrics = QFontMetrics(font)
        line = metrics.lineSpacing()
        content = rect.adjusted(PAD + 4, PAD, -PAD, -PAD)
        text = palette.color(QPalette.ColorRole.Text)

        # Line 1: the name, and on the right the waiting time (red) or the last message's time.
        waiting = str(index.data(ConversationRole.WAITING) or "")
        right = waiting or str(index.data(ConversationRole.TIME) or "")
        right_width = metrics.horizontalAdvance(right) + 4
        painter.setFont(font)
        painter.setPen(WAITING if waiting else _muted(palette))
        painter.drawText(
            QRect(content.right() - right_width, content.top(), right_width, line),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            right,
        )
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text)
        width = content.width() - right_width - 8
        painter.drawText(
            QRect(content.left(), content.top(), width, line),
            int(Qt.AlignmentFlag.AlignVCenter),
            QFontMetrics(bold).elidedText(str(index.data() or ""), Qt.TextElideMode.ElideRight, width),
        )

        # Line 2: the channel, and the lead's state as a badge.
        painter.setFont(font)
        top = content.top() + line
        state = str(index.data(ConversationRole.STATE) or "")
        badge_width = 0
        if state:
            small = QFont(font)
            small.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
            small_metrics = QFontMetrics(small)
            badge_width = small_metrics.horizontalAdvance(state) + 12
            badge = QRectF(content.right() - badge_width, top + 2, badge_width, line - 3)
            color = STATE_COLORS.get(str(index.data(ConversationRole.STATE_CODE) or ""), _muted(palette))
            painter.setPen(Qt.PenStyle.NoPen)
            fill = QColor(color)
            fill.setAlpha(40)
            painter.setBrush(fill)
            painter.drawRoundedRect(badge, 4, 4)
            painter.setFont(small)
            painter.setPen(color)
            painter.drawText(badge, int(Qt.AlignmentFlag.AlignCenter), state)
            painter.setFont(font)
        painter.setPen(_muted(palette))
        width = content.width() - badge_width - 8
        painter.drawText(
            QRect(content.left(), top, width, line),
            int(Qt.AlignmentFlag.AlignVCenter),
            metrics.elidedText(
                str(index.data(ConversationRole.CHANNEL) or ""), Qt.TextElideMode.ElideRight, width
            ),
        )

        # Line 3: the last message.
        painter.setPen(text)
        painter.drawText(
            QRect(content.left(), top + line, content.width(), line),
            int(Qt.AlignmentFlag.AlignVCenter),
            metrics.elidedText(
                str(index.data(ConversationRole.PREVIEW) or ""), Qt.TextElideMode.ElideRight, content.width()
            ),
        )


class BubbleDelegate(QStyledItemDelegate):
    """A message bubble: inbound on the left, replies on the right; files listed; a failed reply red.

    The bubble is as wide as its text needs, up to 70 % of the view; its height follows the
    wrapped text, so the view must lay items out again when it is resized (``ResizeMode.Adjust``).
    """

    def __init__(self, view: QAbstractItemView, parent: QWidget | None = None) -> None:
        super().__init__(parent or view)
        self._view = view

    def _max_width(self) -> int:
        return max(160, int(self._view.viewport().width() * 0.7))

    def _blocks(self, option: QStyleOptionViewItem, index: _Index) -> tuple[str, str, str]:
        return (
            str(index.data() or ""),
            str(index.data(MessageRole.ATTACHMENTS) or ""),
            str(index.data(MessageRole.FOOTER) or ""),
        )

    def _layout(self, option: QStyleOptionViewItem, index: _Index) -> tuple[int, list[QRect]]:
        """The bubble's inner width and the rectangles of text, files and footer (at origin)."""
        font = QFont(option.font)
        metrics = QFontMetrics(font)
        small = QFont(font)
        small.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
        small_metrics = QFontMetrics(small)
        inner = self._max_width() - 2 * PAD
        text, files, footer = self._blocks(option, index)
        flags = int(Qt.TextFlag.TextWordWrap)
        rects = [
            metrics.boundingRect(QRect(0, 0, inner, 100_000), flags, text) if text else QRect(),
            metrics.boundingRect(QRect(0, 0, inner, 100_000), flags, files) if files else QRect(),
            small_metrics.boundingRect(QRect(0, 0, inner, 100_000), flags, footer),
        ]
        width = max(rect.width() for rect in rects)
        return min(inner, max(width, 40)), rects

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        _width, rects = self._layout(option, index)
        height = (
            sum(rect.height() for rect in rects) + 2 * PAD + 4 * (len([r for r in rects if r.height()]) - 1)
        )
        return QSize(self._max_width(), height + 8)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        painter.save()
        try:
            self._paint(painter, option, index)
        finally:
            painter.restore()

    def _paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        palette: QPalette = option.palette
        rect: QRect = option.rect
        inbound = bool(index.data(MessageRole.INBOUND))
        failed = bool(index.data(MessageRole.FAILED))
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        width, rects = self._layout(option, index)
        bubble_width = width + 2 * PAD
        height = rect.height() - 8
        left = rect.left() + 6 if inbound else rect.right() - 6 - bubble_width
        bubble = QRectF(left, rect.top() + 4, bubble_width, height)

        dark = _dark(palette)
        if inbound:
            fill = palette.color(QPalette.ColorRole.AlternateBase)
            if fill == palette.color(QPalette.ColorRole.Base):
                fill = fill.darker(108) if not dark else fill.lighter(130)
        else:
            fill = QColor("#1e3a5f") if dark else QColor("#dcebfb")
        if failed:
            fill = QColor("#4a1f1f") if dark else QColor("#fde2e2")
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        border = (
            palette.color(QPalette.ColorRole.Highlight)
            if selected
            else (FAILED if failed else fill.darker(115))
        )
        painter.setPen(QPen(border, 2 if selected else 1))
        painter.setBrush(fill)
        painter.drawRoundedRect(bubble, 8, 8)

        font = QFont(option.font)
        small = QFont(font)
        small.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
        text, files, footer = self._blocks(option, index)
        x = int(bubble.left()) + PAD
        y = int(bubble.top()) + PAD
        flags = int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft)
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        for block, block_rect, role in (
            (text, rects[0], QPalette.ColorRole.Text),
            (files, rects[1], QPalette.ColorRole.Link),
        ):
            if not block:
                continue
            painter.setPen(palette.color(role))
            painter.drawText(QRect(x, y, width, block_rect.height()), flags, block)
            y += block_rect.height() + 4
        painter.setFont(small)
        painter.setPen(FAILED if failed else _muted(palette))
        align = Qt.AlignmentFlag.AlignLeft if inbound else Qt.AlignmentFlag.AlignRight
        painter.drawText(QRect(x, y, width, rects[2].height()), int(Qt.TextFlag.TextWordWrap | align), footer)
