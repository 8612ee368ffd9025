"""The intake wizard (DOMAIN §5): ``from ui.intake_wizard import IntakeWizard``."""

from ui.intake_wizard.wizard import IntakeWizard

__all__ = ["IntakeWizard"]
