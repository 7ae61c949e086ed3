"""User-facing errors: one line, naming the file and the problem."""


class QualcodeError(Exception):
    """An error caused by the user's input; the CLI prints it as one line."""


class ManyErrors(QualcodeError):
    """Several problems found at once (a codebook, a codings file): `errors`
    lists them all, the message shows the first and how many more."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(errors[0] + more)


class StoreError(QualcodeError):
    """The database refused or failed (locked, server gone, permission denied):
    raised by `qualcode.store` for any driver error, with a one-line message."""


class QualcodeNotice(UserWarning):
    """Something the library repaired or noticed on its own (a file rolled forward
    after an interrupted edit...): the CLI prints it as one 'note:' line."""
