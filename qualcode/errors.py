"""User-facing errors: one line, naming the file and the problem."""


class QualcodeError(Exception):
    """An error caused by the user's input; the CLI prints it as one line."""
