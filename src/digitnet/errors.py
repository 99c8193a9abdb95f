"""One exception type for every mistake a user can make.

The command line catches :class:`DigitnetError` and prints its message as a single line, so every
message should say what was wrong *and* what to do about it. The library speaks of its own parameters,
written in backquotes (```lr```, ```batch_size```): a Python user reads the name they typed, and the
command line shows the flag instead (``--lr``; see ``digitnet.cli``). ``parameter`` names the one
the error is about, for code that wants to know.
"""


class DigitnetError(Exception):
    """A problem the user can fix: bad input, a damaged file, missing data."""

    def __init__(self, message: str = "", parameter: str | None = None):
        super().__init__(message)
        self.parameter = parameter
