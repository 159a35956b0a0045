"""The error of the matching services."""

from vrijstad.core import DomainError


class MatchingError(DomainError):
    """A matching action was refused; the message says why."""
