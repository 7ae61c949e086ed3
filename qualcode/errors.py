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


def did_you_mean(name: str, known, n: int = 3) -> str:
    """' (did you mean X?)' for `name` among `known`: a case-insensitive match
    first (u07 -> U07), else the closest spellings; '' when nothing is close."""
    known = list(known)
    same = [k for k in known if k.casefold() == str(name).casefold() and k != name]
    if not same:
        from difflib import get_close_matches

        folded = {k.casefold(): k for k in known}
        same = [folded[m] for m in get_close_matches(str(name).casefold(), list(folded), n=n, cutoff=0.75)]
    return f" (did you mean {', '.join(same)}?)" if same else ""


def listing(known, limit: int = 20) -> str:
    """Known names for an error line: the first `limit`, then how many in all."""
    known = list(known)
    return (", ".join(known[:limit]) + (f", … ({len(known)} in all)" if len(known) > limit else "")) or "none"


def require_known(what: str, names, known, known_word: str = "known") -> None:
    """Refuse `names` that are not in `known`: "<what> 'x' (did you mean X?) (known: ...)".
    A filter that matches nothing must fail loudly, not print an empty table."""
    known = list(known)
    unknown = [n for n in dict.fromkeys(names or []) if n not in set(known)]
    if unknown:
        raise QualcodeError(f"{what} {', '.join(unknown)}{did_you_mean(unknown[0], known)} "
                            f"({known_word}: {listing(known)})")
