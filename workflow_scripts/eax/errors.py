"""Errors a user can fix: shown as one clear line, never as a traceback."""


class UserInputError(Exception):
    """Bad config or data. The message names the field or file and says what to do."""
