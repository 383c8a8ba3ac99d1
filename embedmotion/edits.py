"""Edits: a fragment before and after one change, with the story of why.

An :class:`Edit` pairs the version of a function (method, class, test) before a
change with its version after it.  Either side may be missing: an ``"added"``
edit has no ``before``, a ``"removed"`` edit has no ``after``.  ``"renamed"``
means the fragment was matched across a change of name or path (by text
similarity), ``"modified"`` that the same qualified name changed text::

    >>> from embedmotion.fragments import Fragment
    >>> old = Fragment.from_text("def area(r):\\n    return 3.14 * r * r\\n",
    ...                          language="python", name="area", path="geo.py")
    >>> new = Fragment.from_text("def area(r):\\n    return math.pi * r * r\\n",
    ...                          language="python", name="area", path="geo.py")
    >>> edit = Edit(old, new, "modified", message="Use math.pi", source="geometry")
    >>> edit.name, edit.language, edit.path
    ('area', 'python', 'geo.py')
    >>> print(edit.hunk_texts(context=0)[1], end="")
        return math.pi * r * r

Edits come from :mod:`embedmotion.mining` (git history, patches, before/after
files) or from the curated data sets (``category``/``subkind``/``failure``).
They carry the commit ``message``, ``labels`` from a
:class:`~embedmotion.labels.Labeller`, the line ``hunks`` of the file diff that
fall inside the fragment, and a ``trivial`` tag (``"whitespace"``,
``"comment"``, ``"rename"``) so analyses can leave out changes that carry no
behaviour.

``source`` names the project an edit comes from (repository, patch or data set
name): split train/test sets on it, never on rows.

Tables: :func:`edits_to_frame` turns edits into one flat pandas DataFrame
(fragment fields prefixed ``before_`` / ``after_``) that round-trips through
Parquet; :func:`edits_from_frame` reads it back.
"""

from __future__ import annotations

import difflib
import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal

from embedmotion.errors import check_param
from embedmotion.fragments import Fragment, key_of

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas as pd

EditStatus = Literal["modified", "added", "removed", "renamed"]
EDIT_STATUSES: tuple[str, ...] = ("modified", "added", "removed", "renamed")
TRIVIAL_TAGS: tuple[str, ...] = ("", "whitespace", "comment", "rename")

Hunk = tuple[int, int, int, int]

_FRAGMENT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Fragment))
_FRAGMENT_INT_FIELDS = ("start_byte", "end_byte", "start_line", "end_line")


@dataclass(frozen=True)
class Edit:
    """One fragment before and after one change.

    ``hunks`` are ``(old_start, old_len, new_start, new_len)`` tuples in 1-based
    file lines, exactly as a zero-context ``git diff`` prints them (a pure
    insertion has ``old_len == 0`` and ``old_start`` is the line it follows).
    ``id`` is a content hash of both fragment ids, the commit and the source.
    """

    before: Fragment | None
    after: Fragment | None
    status: str
    message: str = ""
    labels: tuple[str, ...] = ()
    source: str = ""
    commit: str = ""
    date: str = ""
    hunks: tuple[Hunk, ...] = ()
    trivial: str = ""
    category: str = ""
    subkind: str = ""
    failure: str = ""
    failure_tool: str = ""
    id: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        check_param(
            self.status in EDIT_STATUSES, "status", "Edit", f"one of {EDIT_STATUSES}", self.status
        )
        check_param(
            self.before is not None or self.after is not None,
            "before",
            "Edit",
            "a Fragment when 'after' is None",
            self.before,
        )
        check_param(
            self.trivial in TRIVIAL_TAGS, "trivial", "Edit", f"one of {TRIVIAL_TAGS}", self.trivial
        )
        object.__setattr__(self, "labels", tuple(self.labels))
        object.__setattr__(self, "hunks", tuple(tuple(int(x) for x in h) for h in self.hunks))
        if not self.id:
            h = hashlib.sha256()
            for part in (
                self.before.id if self.before is not None else "",
                self.after.id if self.after is not None else "",
                self.commit,
                self.source,
            ):
                h.update(part.encode("utf-8", "surrogatepass"))
                h.update(b"\0")
            object.__setattr__(self, "id", h.hexdigest()[:16])

    # -- identity -------------------------------------------------------------------------------

    @property
    def key(self) -> int:
        """The 63-bit integer id used in a FAISS index of edits."""
        return key_of(self.id)

    @property
    def _side(self) -> Fragment:
        side = self.after if self.after is not None else self.before
        assert side is not None  # guaranteed by __post_init__
        return side

    @property
    def language(self) -> str:
        return self._side.language

    @property
    def name(self) -> str:
        """Qualified name after the change (before it, for removals)."""
        return self._side.name

    @property
    def path(self) -> str:
        """File path after the change (before it, for removals)."""
        return self._side.path

    @property
    def before_text(self) -> str:
        return self.before.text if self.before is not None else ""

    @property
    def after_text(self) -> str:
        return self.after.text if self.after is not None else ""

    # -- text views -----------------------------------------------------------------------------

    def diff(self, context: int = 3) -> str:
        """Unified diff of the fragment text, ``a/<path>`` → ``b/<path>``."""
        check_param(
            isinstance(context, int) and context >= 0,
            "context",
            "Edit.diff",
            "a non-negative integer",
            context,
        )
        before_path = self.before.path if self.before is not None else "/dev/null"
        after_path = self.after.path if self.after is not None else "/dev/null"
        lines = difflib.unified_diff(
            _lines(self.before_text),
            _lines(self.after_text),
            fromfile=f"a/{before_path}" if self.before is not None else before_path,
            tofile=f"b/{after_path}" if self.after is not None else after_path,
            n=context,
        )
        return "".join(lines)

    def hunk_texts(self, context: int = 2) -> tuple[str, str]:
        """The changed lines of each side plus ``context`` lines around every change.

        Computed with :mod:`difflib` on the fragment texts, so it works for edits
        that have no file hunks (curated pairs).  Separate change groups are
        concatenated in order.  An added fragment gives ``("", after.text)``.
        """
        check_param(
            isinstance(context, int) and context >= 0,
            "context",
            "Edit.hunk_texts",
            "a non-negative integer",
            context,
        )
        a, b = _lines(self.before_text), _lines(self.after_text)
        if not a or not b:
            return "".join(a), "".join(b)
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        before_parts: list[str] = []
        after_parts: list[str] = []
        for group in matcher.get_grouped_opcodes(context):
            i1, j1 = group[0][1], group[0][3]
            i2, j2 = group[-1][2], group[-1][4]
            before_parts.extend(a[i1:i2])
            after_parts.extend(b[j1:j2])
        return "".join(before_parts), "".join(after_parts)

    # -- records --------------------------------------------------------------------------------

    def to_record(self) -> dict[str, Any]:
        """A flat dict row: edit fields plus ``before_<field>`` / ``after_<field>``."""
        row: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "language": self.language,
            "name": self.name,
            "path": self.path,
            "message": self.message,
            "labels": list(self.labels),
            "source": self.source,
            "commit": self.commit,
            "date": self.date,
            "hunks": [list(h) for h in self.hunks],
            "trivial": self.trivial,
            "category": self.category,
            "subkind": self.subkind,
            "failure": self.failure,
            "failure_tool": self.failure_tool,
        }
        for prefix, frag in (("before_", self.before), ("after_", self.after)):
            for name in _FRAGMENT_FIELDS:
                row[prefix + name] = getattr(frag, name) if frag is not None else None
        return row

    @classmethod
    def from_record(cls, row: Mapping[str, Any]) -> Edit:
        """Inverse of :meth:`to_record`; tolerant of pandas/Arrow missing values."""
        frags: dict[str, Fragment | None] = {}
        for prefix in ("before_", "after_"):
            if _missing(row.get(prefix + "id")) and _missing(row.get(prefix + "text")):
                frags[prefix] = None
                continue
            values: dict[str, Any] = {}
            for name in _FRAGMENT_FIELDS:
                value: Any = row.get(prefix + name)
                if name in _FRAGMENT_INT_FIELDS:
                    value = 0 if _missing(value) else int(value)
                elif name == "has_error":
                    value = False if _missing(value) else bool(value)
                else:
                    value = "" if _missing(value) else str(value)
                values[name] = value
            frags[prefix] = Fragment(**values)
        raw_hunks: Any = row.get("hunks")
        hunks = () if _missing(raw_hunks) else tuple(tuple(int(x) for x in h) for h in raw_hunks)
        raw_labels: Any = row.get("labels")
        labels = () if _missing(raw_labels) else tuple(str(x) for x in raw_labels)

        def text(name: str) -> str:
            value = row.get(name)
            return "" if _missing(value) else str(value)

        return cls(
            frags["before_"],
            frags["after_"],
            text("status"),
            message=text("message"),
            labels=labels,
            source=text("source"),
            commit=text("commit"),
            date=text("date"),
            hunks=hunks,  # type: ignore[arg-type]
            trivial=text("trivial"),
            category=text("category"),
            subkind=text("subkind"),
            failure=text("failure"),
            failure_tool=text("failure_tool"),
            id=text("id"),
        )


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    return lines


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, (str, list, tuple)):
        return False
    try:
        import numpy as np
        import pandas as pd

        result = pd.isna(value)
        return bool(result) if isinstance(result, (bool, np.bool_)) else False
    except (ImportError, TypeError, ValueError):
        return False


def edits_to_frame(edits: Iterable[Edit]) -> pd.DataFrame:
    """One row per edit (see :meth:`Edit.to_record`), with nullable integer columns.

    The frame round-trips through ``DataFrame.to_parquet`` / ``pd.read_parquet``.
    """
    import pandas as pd

    rows = [e.to_record() for e in edits]
    columns = list(Edit(None, Fragment.from_text(""), "added").to_record())
    frame = pd.DataFrame(rows, columns=columns)
    for prefix in ("before_", "after_"):
        for name in _FRAGMENT_INT_FIELDS:
            frame[prefix + name] = frame[prefix + name].astype("Int64")
        frame[prefix + "has_error"] = frame[prefix + "has_error"].astype("boolean")
    return frame


def edits_from_frame(frame: pd.DataFrame) -> list[Edit]:
    """Inverse of :func:`edits_to_frame` (also accepts a frame read back from Parquet)."""
    return [
        Edit.from_record({str(k): v for k, v in row.items()})
        for row in frame.to_dict(orient="records")
    ]


__all__ = [
    "EDIT_STATUSES",
    "TRIVIAL_TAGS",
    "Edit",
    "EditStatus",
    "Hunk",
    "edits_from_frame",
    "edits_to_frame",
]
