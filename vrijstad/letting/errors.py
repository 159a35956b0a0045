"""The error of the letting feature, shared by its modules."""

from vrijstad.core import DomainError


class LettingError(DomainError):
    """A collective-letting action was refused; field names the form field, if any."""
