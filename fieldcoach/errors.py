"""Errors a user can cause, carrying the field they belong to."""

from __future__ import annotations


class FieldError(ValueError):
    """Bad input for one field; str() is the message shown at that field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
