"""Domain errors: each carries a sentence a person can read."""

from __future__ import annotations


class InflowError(Exception):
    """Base of every error the product reports to a person in words."""


class NotFound(InflowError):
    """The object asked for does not exist (or is not visible to the user)."""


class PermissionDenied(InflowError):
    """The user has no right to do this."""


class ValidationError(InflowError):
    """Input was rejected; the message says why."""


class ReasonRequired(ValidationError):
    """The channel demands a rejection reason and none was given."""


class LeadAlreadyConverted(InflowError):
    """A converted lead cannot be converted again."""


class LeadClosed(InflowError):
    """The lead already has a result; return it to work first."""


class ConcurrentModification(InflowError):
    """Somebody else changed the same object first; reload and try again."""


class DatabaseUnavailable(InflowError):
    """The database cannot be reached right now."""


class ReportCancelled(InflowError):
    """A report was stopped by the person who started it (the Reports workspace's Cancel)."""
