"""One exception tree for everything embedmotion raises on purpose.

Every error says *what* went wrong and *how to fix it*, in one template::

    EmbedmotionError
     ├── UsageError                 a parameter has the wrong value or type
     ├── InputError                 a file, log, patch or repository cannot be used
     │    ├── LanguageError         unknown language / extension, or grammar not installed
     │    ├── ParseError            a source file or a failure log could not be parsed at all
     │    └── RepositoryError       not a git repository, bad revision range
     ├── ModelError                 an embedding model cannot be loaded or fails its checksum
     ├── CorpusError                a corpus directory cannot be used
     │    ├── CorpusNotFoundError   no corpus at that path
     │    ├── CorruptCorpusError    manifest or tables unreadable, counts disagree
     │    └── ModelMismatchError    the corpus was built with another model
     ├── IndexError_                a FAISS index cannot be used (dimension, corrupt file)
     └── NotFittedError             a Direction / reducer used before ``fit``

The CLI turns any ``EmbedmotionError`` into a one-paragraph message and exit code 2
(never a traceback).  Library users can catch ``EmbedmotionError`` to catch them all.
"""

from __future__ import annotations


class EmbedmotionError(Exception):
    """Base class: every error embedmotion raises deliberately."""

    def __init__(self, message: str, *, fix: str | None = None) -> None:
        self.problem = message
        self.fix = fix
        super().__init__(message if fix is None else f"{message} {fix}")


class UsageError(EmbedmotionError, ValueError):
    """A parameter has a wrong value or type."""


class InputError(EmbedmotionError):
    """An input (file, log, patch, repository) cannot be used."""


class LanguageError(InputError):
    """Unknown language or extension, or its grammar wheel is missing."""


class ParseError(InputError):
    """Nothing could be parsed from the input."""


class RepositoryError(InputError):
    """A git repository or revision range cannot be used."""


class ModelError(EmbedmotionError):
    """An embedding model cannot be loaded or fails its integrity check."""


class CorpusError(EmbedmotionError):
    """A corpus directory cannot be used."""


class CorpusNotFoundError(CorpusError):
    """There is no corpus at the given path."""


class CorruptCorpusError(CorpusError):
    """The corpus is damaged: unreadable manifest, missing tables, disagreeing counts."""


class ModelMismatchError(CorpusError):
    """The corpus was built with a different embedding model than the one asked for."""


class IndexError_(EmbedmotionError):  # noqa: N801 - avoid shadowing the builtin IndexError
    """A vector index cannot be used (wrong dimension, corrupt file)."""


class NotFittedError(EmbedmotionError, AttributeError):
    """An estimator (Direction, reducer) was used before ``fit``."""


def check_param(ok: bool, name: str, owner: str, expected: str, got: object) -> None:
    """Raise a :class:`UsageError` in the project-wide template unless ``ok``.

    >>> check_param(False, "k", "suggest", "a positive integer", -1)
    Traceback (most recent call last):
    ...
    embedmotion.errors.UsageError: The 'k' parameter of suggest must be a positive integer. Got -1 instead.
    """
    if not ok:
        raise UsageError(
            f"The {name!r} parameter of {owner} must be {expected}. Got {got!r} instead."
        )


__all__ = [
    "EmbedmotionError",
    "UsageError",
    "InputError",
    "LanguageError",
    "ParseError",
    "RepositoryError",
    "ModelError",
    "CorpusError",
    "CorpusNotFoundError",
    "CorruptCorpusError",
    "ModelMismatchError",
    "IndexError_",
    "NotFittedError",
    "check_param",
]
