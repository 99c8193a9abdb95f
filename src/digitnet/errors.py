"""One exception type for every mistake a user can make.

The command line catches :class:`DigitnetError` and prints its message as a single line, so every
message should say what was wrong *and* what to do about it.
"""


class DigitnetError(Exception):
    """A problem the user can fix: bad input, a damaged file, missing data."""
