"""Domain errors. Their message is safe to show to a user as it is."""


class RoundupError(Exception):
    """Base of every error whose message a user may read."""


class InvalidInput(RoundupError):
    """The user gave something we cannot use (a bad week, date, name or file)."""


class NotFound(RoundupError):
    """The thing asked for does not exist in this server's archive."""


class ImportRejected(RoundupError):
    """An article could not be imported: nothing recognisable in it."""
