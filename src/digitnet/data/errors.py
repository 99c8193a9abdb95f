"""The data package's error type, kept apart so every data module can raise it without import cycles."""

from digitnet.errors import DigitnetError


class DataError(DigitnetError):
    """Data that is missing, damaged or could not be fetched; the message says what to do."""
