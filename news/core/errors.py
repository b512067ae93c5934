"""Domain errors. Their message is safe to show to a user as it is.

A message may carry its Korean form too; ``message_in`` picks the reader's language.
"""

from __future__ import annotations


class RoundupError(Exception):
    """Base of every error whose message a user may read."""

    def __init__(self, message: str, *, ko: str | None = None) -> None:
        super().__init__(message)
        self.ko = ko

    def message_in(self, language: str) -> str:
        """The message in Korean when asked and known, else in English."""
        return self.ko if language == "ko" and self.ko else str(self)


class InvalidInput(RoundupError):
    """The user gave something we cannot use (a bad week, date, name or file)."""


class NotFound(RoundupError):
    """The thing asked for does not exist in this server's archive."""


class ImportRejected(RoundupError):
    """An article could not be imported: nothing recognisable in it."""
