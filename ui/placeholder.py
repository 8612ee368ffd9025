"""The plain "not set up yet" state of a workspace whose content comes with a later version.

No fake data: an icon, a title and a sentence saying what will be here and what to do meanwhile.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QIcon
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ui.icons import icon


class PlaceholderWorkspace(QWidget):
    """A centred icon, title and explanation; ``workspace`` names the workspace for tests and styling."""

    def __init__(
        self,
        workspace: str,
        title: str,
        explanation: str,
        icon_name: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"placeholder_{workspace}")
        self.workspace = workspace
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        layout.addStretch(2)

        self.icon_label = QLabel(self)
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        if icon_name:
            # Drawn in the disabled text colour: a quiet state, not an alarm.
            self.icon_label.setPixmap(icon(icon_name).pixmap(QSize(64, 64), QIcon.Mode.Disabled))
        layout.addWidget(self.icon_label)

        self.title_label = QLabel(title, self)
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.title_label.setWordWrap(True)
        layout.addWidget(self.title_label)

        self.text_label = QLabel(explanation, self)
        self.text_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # A readable column: as wide as the window allows, up to about 80 characters.
        self.text_label.setMaximumWidth(self.text_label.fontMetrics().averageCharWidth() * 80)
        self.text_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        column = QHBoxLayout()
        column.addStretch(1)
        column.addWidget(self.text_label, 6)
        column.addStretch(1)
        layout.addLayout(column)
        layout.addStretch(3)

    def title(self) -> str:
        """The title shown."""
        return self.title_label.text()

    def explanation(self) -> str:
        """The sentence shown under the title."""
        return self.text_label.text()
