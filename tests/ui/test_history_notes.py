"""The lead card translates every fixed note intake writes into a lead's first history entry."""

from __future__ import annotations

import re
from pathlib import Path

import app.services.intake as intake
from ui.lead_card import INTAKE_NOTES, history_note


def test_every_fixed_intake_note_is_known_to_the_card() -> None:
    source = Path(intake.__file__).read_text(encoding="utf-8")
    fixed = set(re.findall(r'(?<!f)"(responsible: [^"{]+)"', source))
    assert fixed, "intake writes no fixed notes any more: update ui/lead_card.py"
    assert fixed <= set(INTAKE_NOTES)


def test_unknown_and_zone_notes() -> None:
    assert history_note("to manager1") == "to manager1"
    assert history_note("responsible: zone source=Яндекс").endswith("source=Яндекс")
