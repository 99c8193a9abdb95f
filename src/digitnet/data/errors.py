"""The data package's error type, kept apart so every data module can raise it without import cycles."""

from digitnet.errors import DigitnetError


class DataError(DigitnetError):
    """Data that is missing, damaged or could not be fetched; the message says what to do."""


class DataNote(UserWarning):
    """Something worth knowing about the data that is not an error: it is not the official MNIST, a
    damaged cached file was removed. Issued through :mod:`warnings`; the command line prints it as a note."""
