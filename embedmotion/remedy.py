"""From a failure to a direction: which way should the code move to make it go away?

The fourth part of the pair-programming machine: a fitness failure becomes a
requirement — a direction in edit space that :func:`embedmotion.suggest.suggest`
(and the fitness loop) can follow.  Three documented methods, compared in
``benchmarks/bench_remedy.py``:

``nearest``  embed the failure; find the most similar failures in a corpus of
             (failure, fixing edit) pairs (the curated corpus by default); the
             direction is the similarity-weighted mean motion of their fixing edits.
``ridge``    a learned linear map from failure embeddings to fix-edit vectors
             (ridge regression fitted on the pairs; split by project in the
             benchmark); the direction is the map applied to the failure.
``kind``     the failure's kind, tool, rule and message are read with documented
             rules (:data:`KIND_RULES`: a flaky outcome → ``less-flaky``, a
             ``NoneType``/``NullPointerException``/nil dereference → ``null-safety``,
             a type checker → ``type-annotations``, ...) and the category's built-in
             direction (:data:`embedmotion.directions.BUILTIN_METHOD`) is used,
             fitted on the training edits only (``fit(mask=...)``).

Directions live in the ``fragment`` representation by default, like
:func:`~embedmotion.suggest.suggest`'s built-in ones.  On 80 held-out curated
failures (``benchmarks/bench_remedy.py``: candidates = the rewrites of the
failing code + the developer's fix, ranked with suggest's score) the fix's MRR is
0.51 (``nearest``), 0.58 (``ridge``), 0.58 (``kind``) against 0.51 for one
generic fix direction (no failure read at all), 0.07 for closeness alone and
0.14 for a random order when the project is held out; 0.47 / 0.52 / 0.50 vs
0.49 when the whole category × language is.  The failure text adds little over
"this needs a fix" yet (the intervals overlap); the true category's direction
(0.65) is the ceiling for ``kind``, whose rules name the right category for 56%
of the curated failures (a flaky test's assertion often looks like a bug).
``k`` and ``alpha`` were picked on the same sample (k ∈ 1..32, alpha ∈ 0.1..100).

Usage::

    from embedmotion.failures import parse_failures
    from embedmotion.remedy import RemedyModel
    model = RemedyModel(method="nearest").fit()          # on the curated pairs
    report = parse_failures("pytest.log")
    d = model.direction(report.failures[0])              # a fitted Direction
    model.explain(report.failures[0])                    # the neighbours / the rule used
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .algebra import unit
from .errors import NotFittedError, UsageError, check_param
from .geometry import Direction, EditSpace

if TYPE_CHECKING:
    from .embedding import Embedder

RemedyMethod = Literal["nearest", "ridge", "kind"]
METHODS = ("nearest", "ridge", "kind")
#: the defaults below were chosen on ``benchmarks/bench_remedy.py`` (see the module docstring)
REMEDY_REPRESENTATION = "fragment"
DEFAULT_K = 16
DEFAULT_RIDGE_ALPHA = 10.0

#: (regex on "tool kind rule exception message + output", category) — first match wins,
#: case-insensitive.  Tool-specific codes come first (a type checker's message that
#: mentions a ``timeout`` parameter is still a typing problem), then runtime symptoms,
#: then the softer signs of flakiness (timeouts, sleeps, the network), and a failed
#: assertion with nothing more specific is a ``bugfix``.
KIND_RULES: list[tuple[str, str]] = [
    (  # nullability reported by a type checker is fixed with a null check
        r"Item \"None\" of|\[union-attr\]|possibly '?(None|null|undefined)|Object is possibly"
        r"|\bTS(2531|2532|2533|18047|18048)\b|\bNP_NULL|NullAway",
        "null-safety",
    ),
    (
        r"\bmypy\b|\bpyright\b|\btsc\b|\bTS\d{4}\b|\bANN\d{3}\b|no-explicit-any"
        r"|no-unsafe-(assignment|member-access|call|return|argument)|implicit Optional"
        r"|\[(arg-type|assignment|return-value|no-untyped-def|no-untyped-call|var-annotated"
        r"|type-arg|attr-defined|override|call-arg|no-any-return|typeddict-item)\]"
        r"|Dynamically typed expressions|unchecked (call|conversion|cast)|raw type",
        "type-annotations",
    ),
    (
        r"\bbandit\b|\bgosec\b|semgrep|spotbugs|find-?sec-?bugs|\bS[1-7]\d\d\b|\bB[1-7]\d\d\b"
        r"|\bG[1-6]0\d\b|security/detect-|CWE-\d+|injection|path traversal|format-security"
        r"|buffer-overflow|buffer overflow|stack-buffer|heap-buffer|stringop-overflow"
        r"|hard-?coded (password|secret|credential|key)|insecure|unsafe deserializ",
        "security",
    ),
    (
        r"ResourceWarning|unclosed|too many open files|EMFILE|\bleak(s|ed|ing)?\b|LeakSanitizer"
        r"|open handles?\b|bodyclose|fd leak|still running|not closed|never closed"
        r"|resource leak|did not exit",
        "resource-cleanup",
    ),
    (
        r"NoneType|NullPointer|null pointer|nil pointer|Cannot read propert(y|ies) of (undefined|null)"
        r"|Option::unwrap\(\)|on a `None` value|is not an object|undefined is not|\bSEGV\b"
        r"|segmentation fault|null reference|is (null|undefined)\b",
        "null-safety",
    ),
    (
        r"\bflaky\b|intermittent|nondetermin|\brerun|passed on retry|DATA RACE|race condition"
        r"|EADDRINUSE|address already in use|ECONNREFUSED|connection refused|connect timed out"
        r"|ConnectTimeout|UnknownHost|getaddrinfo|dial tcp|timed? ?out|timeout|was never awaited"
        r"|not wrapped in act|after (the )?tests? (are|is) done|time\.sleep|Thread\.sleep"
        r"|time\.Sleep|setTimeout",
        "less-flaky",
    ),
    (
        r"prefer-const|never reassigned|does not need to be mutable|unused_mut"
        r"|discards .?const|read-only (variable|location)|could be (declared )?const"
        r"|const-correctness|FinalLocalVariable|FinalParameters|should be (declared )?final"
        r"|prefer-readonly|\bconst\b.*qualifier",
        "const-correctness",
    ),
    (
        r"bare.?except|\bE722\b|\bW0702\b|\bW0718\b|broad-except|\bBLE001\b|\bTRY\d{3}\b"
        r"|\bB904\b|unchecked error|errcheck|unused_must_use|unused `Result`|unhandled.*rejection"
        r"|Error return value|is not checked|DID NOT RAISE|printStackTrace"
        r"|`Result::unwrap\(\)` on an `Err`",
        "error-handling",
    ),
    (
        r"\bT20[13]\b|\bG00[1-4]\b|\bG010\b|print found|no-console|print_stdout"
        r"|logging-fstring|\bW1203\b|logging",
        "logging",
    ),
    (r"\bUP\d{3}\b|pyupgrade|no-var\b|prefer-template|deprecat", "modernisation"),
    (r"too slow|quadratic|N\+1|\bPERF\d{3}\b|performance budget", "performance"),
    (
        r"assert|expected|got .* want|left == right|but was|to(Be|Equal)\(|mismatch",
        "bugfix",
    ),
]


def failure_text(failure: Any) -> str:
    """The text embedded for a failure: tool, kind, rule, exception and message, then raw lines."""
    if isinstance(failure, str):
        return failure
    parts = [
        getattr(failure, "tool", ""),
        getattr(failure, "kind", ""),
        getattr(failure, "rule", "") or "",
        getattr(failure, "exception", "") or "",
        getattr(failure, "message", ""),
    ]
    head = " ".join(p for p in parts if p)
    raw = getattr(failure, "raw", "") or ""
    return (head + "\n" + "\n".join(raw.splitlines()[:40])).strip()


def pair_failure_text(tool: str, text: str) -> str:
    """How a curated pair's failure is read: the tool's name, then its output."""
    return f"{tool} {text}" if tool else text


def kind_category(failure: Any) -> str | None:
    """The curated category :data:`KIND_RULES` assign to a failure (None if no rule fires)."""
    if not isinstance(failure, str) and getattr(failure, "kind", "") == "flaky":
        return "less-flaky"
    text = failure_text(failure)
    for pattern, cat in KIND_RULES:
        if re.search(pattern, text, flags=re.IGNORECASE):
            return cat
    return None


class RemedyModel:
    """Failure → direction, by one of :data:`METHODS` (see the module docstring).

    Fitted attributes: ``failure_vectors_`` (embedded failure texts),
    ``fix_vectors_`` (their fixing edits' vectors), ``categories_``,
    ``coef_`` (``ridge``), ``space_`` (the pairs' :class:`EditSpace`),
    ``train_mask_`` (the edits ``kind`` may fit its category direction on).
    """

    def __init__(
        self,
        method: RemedyMethod = "nearest",
        *,
        k: int = DEFAULT_K,
        alpha: float = DEFAULT_RIDGE_ALPHA,
        representation: str = REMEDY_REPRESENTATION,
    ) -> None:
        self.method = method
        self.k = k
        self.alpha = alpha
        self.representation = representation

    def fit(
        self,
        space: EditSpace | None = None,
        *,
        embedder: Embedder | None = None,
        mask: np.ndarray | None = None,
    ) -> RemedyModel:
        """Fit on the (failure, fix) pairs of ``space`` (default: the curated corpus).

        ``mask`` restricts the pairs used (e.g. a training split by project).
        """
        check_param(
            self.method in METHODS, "method", "RemedyModel", f"one of {METHODS}", self.method
        )
        check_param(
            isinstance(self.k, int) and self.k > 0, "k", "RemedyModel", "a positive integer", self.k
        )
        check_param(self.alpha > 0, "alpha", "RemedyModel", "a positive number", self.alpha)
        reps = ("fragment", "hunk", "diff")
        check_param(
            self.representation in reps,
            "representation",
            "RemedyModel",
            f"one of {reps}",
            self.representation,
        )
        if space is None:
            from .directions import curated_space

            space = curated_space(embedder=embedder, representation=self.representation)
        emb = embedder or space.embedder
        if emb is None:
            raise UsageError("RemedyModel.fit needs an embedder.", fix="Pass embedder=.")
        fails = (
            space.frame["failure"].fillna("").astype(str).to_numpy()
            if "failure" in space.frame
            else np.array([""] * len(space))
        )
        keep = fails != ""
        if mask is not None:
            check_param(
                np.shape(mask) == (len(space),),
                "mask",
                "RemedyModel.fit",
                f"a boolean array with one entry per edit ({len(space)})",
                f"shape {np.shape(mask)}",
            )
            keep &= np.asarray(mask, dtype=bool)
        if keep.sum() < 2:
            raise UsageError(
                "RemedyModel.fit needs at least two edits that carry a failure.",
                fix="Use the curated corpus, or edits with a 'failure' text.",
            )
        tools = (
            space.frame["failure_tool"].fillna("").astype(str).to_numpy()
            if "failure_tool" in space.frame
            else np.array([""] * len(space))
        )
        texts = [pair_failure_text(tools[i], fails[i]) for i in np.flatnonzero(keep)]
        self.embedder_ = emb
        self.space_ = space
        self.train_mask_ = (
            np.ones(len(space), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
        )
        self.rows_ = np.flatnonzero(keep)
        self.failure_vectors_ = emb.encode([failure_text(t) for t in texts], normalize=True)
        self.fix_vectors_ = space.vectors(self.representation)[keep]  # type: ignore[arg-type]
        self.categories_ = space.labels()[keep]
        self._kind_directions: dict[str, Direction] = {}
        if self.method == "ridge":
            from sklearn.linear_model import Ridge

            self.coef_ = Ridge(alpha=self.alpha, fit_intercept=True).fit(
                self.failure_vectors_, self.fix_vectors_
            )
        return self

    def _kind_direction(self, category: str) -> Direction:
        """The category's built-in direction, fitted on the training edits only."""
        if category not in self._kind_directions:
            from .directions import BUILTIN_METHOD

            X = self.space_.vectors(self.representation)[self.train_mask_]  # type: ignore[arg-type]
            y = self.space_.has_label(category)[self.train_mask_]
            d = Direction(
                BUILTIN_METHOD,  # type: ignore[arg-type]
                representation=self.representation,  # type: ignore[arg-type]
                name=category,
            ).fit(X, y, label=category, model_id=self.space_.model_id)
            self._kind_directions[category] = d
        return self._kind_directions[category]

    def _check(self) -> None:
        if not hasattr(self, "failure_vectors_"):
            raise NotFittedError("This RemedyModel is not fitted yet.", fix="Call fit() first.")

    def direction(self, failure: Any) -> Direction:
        """The direction that should make ``failure`` (a Failure or its text) go away."""
        self._check()
        text = failure_text(failure)
        if self.method == "kind":
            rule_cat = kind_category(failure)
            cats = set(self.space_.labels()[self.train_mask_].tolist())
            cat = rule_cat or "bugfix"
            if cat not in cats:
                cat = "bugfix" if "bugfix" in cats else sorted(cats)[0]
            base = self._kind_direction(cat)
            kind_prov: dict[str, Any] = dict(base.provenance_)
            kind_prov.update(
                {
                    "method": "remedy:kind",
                    "direction_method": base.method,
                    "label": cat,
                    "rule_fired": rule_cat is not None,
                    "failure": text[:200],
                }
            )
            return Direction.from_vector(base.vector_, provenance=kind_prov, name=cat)
        f = self.embedder_.encode([text], normalize=True)[0]
        prov: dict[str, Any]
        if self.method == "ridge":
            v = self.coef_.predict(f[None, :])[0]
            prov = {"method": "remedy:ridge", "alpha": self.alpha, "n_pairs": len(self.rows_)}
        else:
            sims = self.failure_vectors_ @ f
            top = np.argsort(-sims, kind="stable")[: self.k]
            w = np.clip(sims[top], 1e-6, None)
            v = (w[:, None] * self.fix_vectors_[top]).sum(axis=0) / w.sum()
            labels, counts = np.unique(self.categories_[top], return_counts=True)
            prov = {
                "method": "remedy:nearest",
                "k": self.k,
                "neighbours": [str(self.space_.frame["id"].iat[self.rows_[i]]) for i in top],
                "label": str(labels[np.argmax(counts)]),
            }
        prov.update({"representation": self.representation, "failure": text[:200]})
        return Direction.from_vector(unit(np.asarray(v, dtype=np.float32)), provenance=prov)

    def explain(self, failure: Any, *, topn: int = 3) -> list[dict[str, Any]]:
        """The nearest known failures and how their code was fixed (evidence for the direction)."""
        self._check()
        f = self.embedder_.encode([failure_text(failure)], normalize=True)[0]
        sims = self.failure_vectors_ @ f
        out = []
        for i in np.argsort(-sims, kind="stable")[:topn]:
            row = self.space_.frame.iloc[int(self.rows_[i])]
            out.append(
                {
                    "id": str(row["id"]),
                    "similarity": float(sims[i]),
                    "category": str(self.categories_[i]),
                    "message": str(row.get("message") or "").splitlines()[0]
                    if row.get("message")
                    else "",
                }
            )
        return out


def direction_for_failures(
    failures: Sequence[Any],
    *,
    method: RemedyMethod = "nearest",
    embedder: Embedder | None = None,
    model: RemedyModel | None = None,
) -> Direction:
    """One direction for several failures: the normalised mean of their directions."""
    if not failures:
        raise UsageError(
            "direction_for_failures needs at least one failure.",
            fix="Check that the log contains failures (`embedmotion failures LOG`).",
        )
    model = model or RemedyModel(method=method).fit(embedder=embedder)
    ds = [model.direction(f) for f in failures]
    if len(ds) == 1:
        return ds[0]
    v = unit(np.mean([d.vector_ for d in ds], axis=0))
    prov = dict(ds[0].provenance_)
    prov["n_failures"] = len(ds)
    return Direction.from_vector(v, provenance=prov)
