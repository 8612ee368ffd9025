"""A letter's body shown safely: no remote content, no scripts, links only on an explicit click.

QTextBrowser has no script engine at all (``<script>`` is neither run nor shown), and every image,
style sheet or other resource the document asks for goes through :meth:`SafeTextBrowser.loadResource`:
only ``cid:`` parts of the letter itself (and ``data:`` images, which are in the letter too) are
served; http, https, ftp, file and relative addresses are refused and remembered, so a letter
can neither track its reader with a remote pixel nor read a local file. A link is never followed
by the browser: ``link_clicked`` hands the address to the owner, who shows it and opens it in the
system's browser only when asked.

Signals:
    link_clicked(QUrl): the reader clicked a link.
    link_hovered(str): the address under the mouse ("" when it left the link).
    remote_content_blocked(int): how many remote resources this letter asked for and did not get.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QByteArray, QTimer, QUrl, Signal
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

# Schemes whose content is part of the letter (never fetched from anywhere).
_LOCAL_SCHEMES = frozenset({"cid", "data"})

InlinePart = Callable[[str], bytes | None]


def _blocked_image() -> QImage:
    """What a refused image shows: a transparent pixel (the layout keeps the image's declared size)."""
    image = QImage(1, 1, QImage.Format.Format_ARGB32)
    image.fill(0)
    return image


class SafeTextBrowser(QTextBrowser):
    """A read-only rich text view that fetches nothing from outside the letter it shows."""

    link_clicked = Signal(QUrl)
    link_hovered = Signal(str)
    remote_content_blocked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenExternalLinks(False)
        self.setOpenLinks(False)  # a click never navigates the browser (nor loads a "source")
        self.setReadOnly(True)
        self.refused_urls: list[str] = []
        self._inline: InlinePart = lambda _cid: None
        self._blocked = _blocked_image()
        # Pictures are asked for while the document is laid out (also after setHtml returned):
        # refusals are counted as they come and announced once the event loop is back.
        self._announce = QTimer(self)
        self._announce.setSingleShot(True)
        self._announce.setInterval(0)
        self._announce.timeout.connect(lambda: self.remote_content_blocked.emit(len(self.refused_urls)))
        self.anchorClicked.connect(self.link_clicked.emit)
        self.highlighted.connect(lambda url: self.link_hovered.emit(url.toString()))

    def show_html(self, html: str, inline: InlinePart | None = None) -> None:
        """Show a letter's HTML; ``inline(content_id)`` gives the bytes of a ``cid:`` part or None."""
        self._reset(inline)
        self.setHtml(html)

    def show_text(self, text: str) -> None:
        """Show plain text as text (never interpreted as HTML)."""
        self._reset(None)
        self.setPlainText(text)

    def _reset(self, inline: InlinePart | None) -> None:
        self.refused_urls = []
        self._announce.stop()
        self._inline = inline or (lambda _cid: None)
        # A fresh document: resources the previous letter resolved (its cid:image001) must not be
        # served from the document's cache to the next letter with the same name.
        # (The old document, owned by the browser, is deleted by setDocument.)
        document = QTextDocument(self)
        document.setDocumentMargin(8)
        self.setDocument(document)

    def loadResource(self, kind: int, url: QUrl | str) -> object:
        """Serve ``cid:`` parts of the letter and ``data:`` images; refuse everything else."""
        url = QUrl(url) if isinstance(url, str) else url
        scheme = url.scheme().lower()
        if scheme == "cid":
            content_id = url.path(QUrl.ComponentFormattingOption.FullyDecoded).strip("<>")
            data = self._inline(content_id)
            if data is not None and kind == QTextDocument.ResourceType.ImageResource.value:
                image = QImage.fromData(QByteArray(data))
                if not image.isNull():
                    return image
            return self._blocked if kind == QTextDocument.ResourceType.ImageResource.value else None
        if scheme == "data":
            return super().loadResource(kind, url)
        text = url.toString()
        if text not in self.refused_urls:
            self.refused_urls.append(text)
            self._announce.start()
        # A valid value is cached by the document, so the refusal is not asked again on every paint.
        return self._blocked if kind == QTextDocument.ResourceType.ImageResource.value else ""
