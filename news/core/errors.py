"""Domain errors. Each carries a code and its parameters; the message catalogues
(``locales/``) hold its text in every language under ``errors.<code>``.

``str(error)`` is the English text, for logs and the command line; ``message_in`` is the
text in a reader's language. Both are safe to show to a user as they are (the adapters
escape Markdown). A test holds every code raised in the code base to both catalogues.
"""

from __future__ import annotations

from typing import Any

from locales import ENGLISH, t


class RoundupError(Exception):
    """Base of every error whose message a user may read."""

    def __init__(self, code: str, /, **params: object) -> None:
        self.code = code
        self.params: dict[str, object] = params
        super().__init__(self.message_in(ENGLISH))

    def message_in(self, language: str) -> str:
        """The message in ``language`` (English for a language without a catalogue)."""
        return t(language, f"errors.{self.code}", **self.params)

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross process boundaries (imports are parsed in a worker process). Pickle's
        # default would call the class with the English message as its code.
        return (_rebuild, (type(self), self.code, self.params), self.__dict__)


def _rebuild(cls: type[RoundupError], code: str, params: dict[str, object]) -> RoundupError:
    error = cls.__new__(cls)
    RoundupError.__init__(error, code, **params)
    return error


class InvalidInput(RoundupError):
    """The user gave something we cannot use (a bad week, date, name or file)."""


class NotFound(RoundupError):
    """The thing asked for does not exist in this server's archive."""


class ImportRejected(RoundupError):
    """An article could not be imported: nothing recognisable in it."""
