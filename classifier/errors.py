"""The package's own exceptions: every documented failure is one of these."""
from __future__ import annotations


class ClassifierError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(ClassifierError, ValueError):
    """A page or block list that cannot be scored (wrong type, undecodable, over a limit)."""


class DatasetError(ClassifierError, ValueError):
    """A labelled block table that is malformed (missing column, unknown label, bad row)."""


class ModelFileError(ClassifierError):
    """A model file that cannot be loaded (missing, corrupt, foreign, or unsafe)."""


class OutputError(ClassifierError):
    """An output that cannot be written (disk full, no permission); the message names the file."""
