"""Errors a user can cause, carrying the field they belong to."""

from __future__ import annotations


class FieldError(ValueError):
    """Bad input for one field; str() is the message shown at that field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class CoachingError(ValueError):
    """A rule of the coaching model was broken; str() is a message for the manager.

    Lives here (not in coaching.py) so the command line can catch it without importing
    the coaching rules on every command.
    """
