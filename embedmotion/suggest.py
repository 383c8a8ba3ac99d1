"""Suggest: rank candidate changes for a piece of code along a direction.

Point at a fragment, name a direction, get concrete after-versions ranked by
where they move the code in embedding space::

    from embedmotion.suggest import suggest
    result = suggest(code, "less-flaky", language="python", k=5)
    for s in result.suggestions:
        print(s.score, s.parts, s.source, s.description)
        print(s.diff)

Candidates come from pluggable **sources**:

``rewrites``  tree-sitter rewrite operators (:mod:`embedmotion.rewrites`) — seed the
              RNG, wait instead of sleeping, add a timeout, narrow an except, ...;
              a built-in direction runs its own operator family by default
              (:func:`operator_families`), any other direction runs them all
``history``   edits of a corpus (default: the curated corpus) whose motion aligns
              with the direction and whose *before* resembles the target (two
              matrix-vector products over the corpus: milliseconds at 100k edits); each is
              shown as an exemplar, and where its diff transfers onto the target
              (a fuzzy, indentation-aware patch of the changed lines) the
              transferred version becomes a candidate
``user``      texts you supply (a directory of files, a patch set, JSONL from an
              LLM or an agent): embedmotion ranks what others generate

**Ranking.**  For a candidate *c* of target *t*, the motion ``m`` is the edit
vector of ``t → c`` in the direction's representation (``fragment``,
``embed(c) − embed(t)``, for the built-in directions; ``hunk`` or ``diff`` for a
direction fitted in those).  The score is::

    score = m · d  +  closeness_weight · cos(embed(c), embed(t))

— how far the candidate moves *along* the direction (the length of the
motion's projection on the unit vector ``d``, not merely its angle: a small
edit that happens to point the right way moves the code less than a real fix),
balanced against staying close to the original (a candidate that rewrites
everything moves a lot, in many directions at once).  ``closeness_weight``
(default :data:`DEFAULT_CLOSENESS`) is the documented trade-off.  The parts
reported with each suggestion are ``align`` (``m · d``), ``cosine``
(``cos(m, d)``), ``closeness`` and the *decoding* view ``decode`` — how close
the candidate lies to ``embed(t) + alpha·d`` (default :data:`DEFAULT_ALPHA`),
which breaks exact ties.  Ordering is deterministic: score, then decode, then
source order, then text.

The defaults were chosen on ``benchmarks/bench_suggest.py`` (held-out curated
edits, directions fitted without the edit's project; chosen on half of the
projects, read on the other half): the projection ranks the developer's fix
higher than the cosine does (MRR 0.61 vs 0.40 on the tuning half), the
``fragment`` representation beats ``hunk`` and ``diff``, ``mean`` directions
are at least as good as ``contrast``, and ``closeness_weight = 0.25`` costs a
little when every candidate is a small rewrite (0.61 vs 0.65 with no weight)
but keeps unrelated code that lies far along the direction from winning
(0.58 vs 0.41 when two such decoys are added).  For the fragment
representation ``decode`` with ``alpha = 1 / closeness_weight`` orders the
candidates exactly as the score does (``(embed(t) + alpha·d) · embed(c)`` is
``alpha·(m·d) + closeness`` plus a constant).
"""

from __future__ import annotations

import difflib
import re
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from .algebra import unit
from .errors import UsageError, check_param
from .geometry import Direction, EditSpace

if TYPE_CHECKING:
    from .embedding import Embedder

#: weight of ``cos(embed(c), embed(t))`` in the score (see the module docstring)
DEFAULT_CLOSENESS = 0.25
#: how far along the direction the decoding view looks (``1 / DEFAULT_CLOSENESS``: for the
#: fragment representation the decoding view then orders candidates exactly as the score)
DEFAULT_ALPHA = 4.0
#: the representation built-in directions are fitted and compared in by :func:`suggest`
SUGGEST_REPRESENTATION = "fragment"
SOURCES = ("rewrites", "history", "user")
MAX_CANDIDATES = 120


@dataclass
class Suggestion:
    """One ranked candidate: the new text, its diff, the score and the score's parts."""

    text: str
    source: str
    description: str
    score: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)
    diff: str = ""
    operator: str = ""
    exemplar: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "parts": self.parts,
            "source": self.source,
            "operator": self.operator,
            "description": self.description,
            "exemplar": self.exemplar,
            "diff": self.diff,
            "text": self.text,
        }


@dataclass
class Exemplar:
    """A corpus edit shown as evidence: "code like yours was changed like this"."""

    edit_id: str
    similarity: float
    alignment: float
    message: str
    diff: str
    language: str

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


@dataclass
class SuggestResult:
    target: str
    language: str
    direction: dict[str, Any]
    suggestions: list[Suggestion]
    exemplars: list[Exemplar]
    considered: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "direction": self.direction,
            "considered": self.considered,
            "suggestions": [s.to_dict() for s in self.suggestions],
            "exemplars": [e.to_dict() for e in self.exemplars],
        }


def unified(before: str, after: str, path: str = "fragment") -> str:
    """A unified diff of two fragment texts (each line ends with a newline)."""
    rel = path.lstrip("/")
    return "".join(
        difflib.unified_diff(
            [x + "\n" for x in before.splitlines()],
            [x + "\n" for x in after.splitlines()],
            fromfile=f"a/{rel}",
            tofile=f"b/{rel}",
            n=3,
        )
    )


# ---------------------------------------------------------------------------- transfer
def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def transfer_edit(exemplar_before: str, exemplar_after: str, target: str) -> str | None:
    """Apply the exemplar's line changes to ``target`` by fuzzy matching; None if they don't fit.

    Each changed block of the exemplar (removed lines → added lines) is located in
    the target by whitespace-insensitive similarity (≥ 0.75 per line, in order);
    the added lines are re-indented to the target's indentation at that point.
    Pure insertions are anchored on the exemplar's preceding context line.
    """
    a = exemplar_before.splitlines()
    b = exemplar_after.splitlines()
    t = target.splitlines()
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out = list(t)
    offset = 0
    changed = False
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        removed, added = a[i1:i2], b[j1:j2]
        if removed:
            pos = _find_block(out, removed, start=0)
            if pos is None:
                return None
            ref_indent = _indent(removed[0])
            tgt_indent = _indent(out[pos])
            new_lines = [_reindent(x, ref_indent, tgt_indent) for x in added]
            out[pos : pos + len(removed)] = new_lines
            changed = True
        else:
            anchor = a[i1 - 1] if i1 > 0 else None
            if anchor is None or not anchor.strip():
                return None
            pos = _find_block(out, [anchor], start=0)
            if pos is None:
                return None
            ref_indent = _indent(anchor)
            tgt_indent = _indent(out[pos])
            out[pos + 1 : pos + 1] = [_reindent(x, ref_indent, tgt_indent) for x in added]
            changed = True
        offset += 1
    if not changed:
        return None
    res = "\n".join(out) + ("\n" if target.endswith("\n") else "")
    return res if res.strip() != target.strip() else None


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.strip())


def _find_block(lines: list[str], block: list[str], start: int) -> int | None:
    nb = [_norm(x) for x in block]
    best, best_score = None, 0.0
    for pos in range(start, len(lines) - len(block) + 1):
        score = 0.0
        for k, want in enumerate(nb):
            got = _norm(lines[pos + k])
            if want == got:
                score += 1.0
            else:
                r = difflib.SequenceMatcher(None, want, got, autojunk=False).ratio()
                if r < 0.75:
                    score = -1.0
                    break
                score += r
        if score > best_score:
            best, best_score = pos, score
    return best


def _reindent(line: str, ref: str, tgt: str) -> str:
    if line.startswith(ref):
        return tgt + line[len(ref) :]
    return tgt + line.lstrip() if line.strip() else line


def _parses(text: str, language: str) -> bool:
    from .languages import get_language

    try:
        tree = get_language(language).parser().parse(text.encode("utf-8"))
    except Exception:
        return False
    return not tree.root_node.has_error


# ---------------------------------------------------------------------------- ranking
RANKER_REPRESENTATIONS = ("fragment", "hunk", "diff")


@dataclass
class Motions:
    """The vectors one ranking is computed from (row ``i`` is candidate ``i``).

    ``motion``: the edit vectors ``target → candidate`` in the ranker's
    representation (not normalised); ``candidates``: unit embeddings of the
    candidate texts; ``target``: the unit embedding of the target.
    """

    motion: np.ndarray
    candidates: np.ndarray
    target: np.ndarray

    @property
    def closeness(self) -> np.ndarray:
        """``cos(embed(c), embed(t))`` per candidate."""
        return np.asarray(self.candidates @ self.target, dtype=np.float64)

    def alignment(self, direction: np.ndarray) -> np.ndarray:
        """``cos(m, d)`` per candidate (0 for a zero motion)."""
        n = np.linalg.norm(self.motion, axis=1)
        return np.asarray((self.motion @ direction) / np.where(n > 0, n, 1.0), dtype=np.float64)

    def projection(self, direction: np.ndarray) -> np.ndarray:
        """``m · d`` per candidate: how far the motion goes along the (unit) direction."""
        return np.asarray(self.motion @ direction, dtype=np.float64)

    def decode(self, direction: np.ndarray, alpha: float) -> np.ndarray:
        """``cos(embed(c), embed(t) + alpha·d)`` per candidate: the decoding view."""
        q = unit(self.target + alpha * direction)
        return np.asarray(self.candidates @ q, dtype=np.float64)


class Ranker:
    """Scores candidates for one target along one direction (see the module docstring).

    ``representation`` defaults to the one the direction was fitted in (a hunk
    direction is compared with hunk motions), else ``fragment`` (a direction
    from text or from a vector lives among fragment embeddings).
    """

    def __init__(
        self,
        embedder: Embedder,
        direction: Direction,
        *,
        representation: str | None = None,
        closeness_weight: float = DEFAULT_CLOSENESS,
        alpha: float = DEFAULT_ALPHA,
    ) -> None:
        self.embedder = embedder
        self.direction = direction
        rep = representation or direction.provenance_.get("representation") or "fragment"
        self.representation = rep if rep in RANKER_REPRESENTATIONS else "fragment"
        self.closeness_weight = closeness_weight
        self.alpha = alpha

    def motions(self, target: str, candidates: Sequence[str]) -> Motions:
        """Embed ``target`` and the candidates (one batch, each distinct text once)."""
        return candidate_motions(self.embedder, target, candidates, self.representation)

    def parts(self, motions: Motions) -> dict[str, np.ndarray]:
        """The score and its parts for every candidate of ``motions`` (arrays)."""
        d = self.direction.vector_
        align = motions.projection(d)
        close = motions.closeness
        return {
            "align": align,
            "cosine": motions.alignment(d),
            "closeness": close,
            "decode": motions.decode(d, self.alpha),
            "score": align + self.closeness_weight * close,
        }

    def score(self, target: str, candidates: Sequence[str]) -> list[dict[str, float]]:
        """``score``, ``align``, ``cosine``, ``closeness`` and ``decode`` per candidate, in order."""
        if not candidates:
            return []
        parts = self.parts(self.motions(target, candidates))
        return [{k: float(v[i]) for k, v in parts.items()} for i in range(len(candidates))]


def candidate_motions(
    embedder: Embedder, target: str, candidates: Sequence[str], representation: str = "hunk"
) -> Motions:
    """The :class:`Motions` of ``target → c`` for each candidate ``c`` under a representation.

    ``hunk``: embed(changed lines of c ± 2) − embed(changed lines of t ± 2);
    ``fragment``: embed(c) − embed(t); ``diff``: embed(the unified diff t → c).
    """
    from .edits import Edit
    from .fragments import Fragment

    check_param(
        representation in RANKER_REPRESENTATIONS,
        "representation",
        "Ranker",
        f"one of {RANKER_REPRESENTATIONS}",
        representation,
    )
    texts: dict[str, int] = {}

    def slot(text: str) -> int:
        return texts.setdefault(text, len(texts))

    t_slot = slot(target)
    plan: list[tuple[int, int, int]] = []
    for c in candidates:
        e = Edit(Fragment.from_text(target), Fragment.from_text(c), "modified")
        if representation == "hunk":
            hunk_b, hunk_a = e.hunk_texts(context=2)
            plan.append((slot(hunk_b), slot(hunk_a), slot(c)))
        elif representation == "diff":
            plan.append((-1, slot(e.diff(context=2)), slot(c)))
        else:
            plan.append((t_slot, slot(c), slot(c)))
    order = sorted(texts, key=texts.__getitem__)
    V = np.asarray(embedder.encode(order, normalize=True), dtype=np.float32)
    dim = V.shape[1]
    if not plan:
        empty = np.zeros((0, dim), dtype=np.float32)
        return Motions(empty, empty, V[t_slot])
    idx = np.asarray(plan, dtype=np.int64)
    after = V[idx[:, 1]]
    before = np.where(idx[:, :1] >= 0, V[np.maximum(idx[:, 0], 0)], 0.0)
    return Motions((after - before).astype(np.float32), V[idx[:, 2]], V[t_slot])


# ---------------------------------------------------------------------------- named directions
_CURATED: dict[tuple[str, str], EditSpace] = {}


def _curated(embedder: Embedder, representation: str = "hunk") -> EditSpace:
    """The curated space for ``embedder``, built once per process (the default history)."""
    key = (embedder.fingerprint, representation)
    if key not in _CURATED:
        from .directions import curated_space

        _CURATED[key] = curated_space(embedder=embedder, representation=representation)
    return _CURATED[key]


def named_direction(
    name: str, *, embedder: Embedder, representation: str = SUGGEST_REPRESENTATION
) -> Direction:
    """A direction by name as :func:`suggest` uses it: a saved one, else the built-in one.

    The built-in direction of a curated category is fitted with
    :data:`embedmotion.directions.BUILTIN_METHOD` in ``representation``, on a
    curated space kept for the process (so repeated calls cost nothing).
    """
    from .directions import BUILTIN_METHOD, DirectionStore, builtin_names, get_direction

    store = DirectionStore()
    if name in store or name not in builtin_names():
        return get_direction(name, store=store, embedder=embedder)  # saved, or a clear error
    d = Direction(
        BUILTIN_METHOD,  # type: ignore[arg-type]
        representation=representation,  # type: ignore[arg-type]
        name=name,
    ).fit(_curated(embedder), label=name)
    d.provenance_.update({"source": "curated", "name": name})
    return d


def operator_families(direction: Direction | str) -> list[str] | None:
    """The rewrite operator family of a built-in direction (by name), else None (all).

    ``less-flaky``, ``null-safety``, ``error-handling`` and ``resource-cleanup``
    have a family of the same name; ``const-correctness`` runs ``const`` and
    ``bugfix`` runs ``repair`` (:data:`embedmotion.rewrites.FAMILY_ALIASES`).
    A :class:`Direction` is looked up by its provenance ``name``.
    """
    from .rewrites import FAMILIES, FAMILY_ALIASES

    name = direction if isinstance(direction, str) else direction.provenance_.get("name")
    if not isinstance(name, str):
        return None
    family = FAMILY_ALIASES.get(name, name)
    return [family] if family in FAMILIES else None


# ---------------------------------------------------------------------------- main entry
def suggest(
    target: str,
    direction: Direction | str,
    *,
    language: str,
    k: int = 5,
    sources: Iterable[str] = ("rewrites", "history"),
    candidates: Sequence[str] | None = None,
    space: EditSpace | None = None,
    embedder: Embedder | None = None,
    families: Iterable[str] | None = None,
    closeness_weight: float = DEFAULT_CLOSENESS,
    alpha: float = DEFAULT_ALPHA,
    n_exemplars: int = 3,
    path: str = "fragment",
) -> SuggestResult:
    """Rank candidate after-versions of ``target`` along ``direction``.

    ``direction``: a fitted :class:`~embedmotion.geometry.Direction` or a name
    (:func:`named_direction`).  ``sources``: any of ``rewrites``, ``history``,
    ``user`` (``user`` needs ``candidates``).  ``space``: the edits used as
    history (default: the curated corpus).  ``families``: the rewrite operator
    families to run; by default the family of a built-in direction
    (:func:`operator_families`: ``less-flaky`` runs the less-flaky operators,
    ``bugfix`` the repair mutations, ...), every operator for other directions;
    pass :data:`embedmotion.rewrites.FAMILIES` to run them all.
    """
    check_param(isinstance(k, int) and k > 0, "k", "suggest", "a positive integer", k)
    srcs = list(dict.fromkeys(sources))
    if candidates is not None and "user" not in srcs:
        srcs.append("user")
    for src in srcs:
        check_param(src in SOURCES, "sources", "suggest", f"a subset of {SOURCES}", src)
    if "user" in srcs and not candidates:
        raise UsageError(
            "The 'user' source needs candidates.",
            fix="Pass candidates=[...] (or --source DIR / a JSONL file on the CLI).",
        )
    if not target.strip():
        raise UsageError("suggest needs a non-empty target fragment.")
    from .languages import get_language

    get_language(language)  # clear LanguageError for an unknown language
    if embedder is None:
        from .embedding import load_embedder

        embedder = load_embedder()
    if isinstance(direction, str):
        direction = named_direction(direction, embedder=embedder)
    pool: list[Suggestion] = []
    exemplars: list[Exemplar] = []
    if families is None:
        families = operator_families(direction)
    if "rewrites" in srcs:
        from .rewrites import generate

        for cand in generate(target, language, families=families, limit=MAX_CANDIDATES):
            pool.append(Suggestion(cand.text, "rewrites", cand.description, operator=cand.operator))
    if "history" in srcs:
        if space is None:
            space = _curated(embedder)
        exemplars, transferred = _history(
            target, language, direction, space, embedder, n_exemplars=n_exemplars
        )
        pool.extend(transferred)
        exemplars = exemplars[:n_exemplars]
    for n, text in enumerate(candidates or []):
        pool.append(Suggestion(text, "user", f"user candidate #{n + 1}", operator="user"))
    seen: set[str] = set()
    unique: list[Suggestion] = []
    for sug in pool:
        key = sug.text.strip()
        if key and key not in seen and key != target.strip():
            seen.add(key)
            unique.append(sug)
    ranker = Ranker(embedder, direction, closeness_weight=closeness_weight, alpha=alpha)
    scores = ranker.score(target, [s.text for s in unique])
    for sug, sc in zip(unique, scores):
        sug.score = sc["score"]
        sug.parts = {k: v for k, v in sc.items() if k != "score"}
        sug.diff = unified(target, sug.text, path)
    order = sorted(
        range(len(unique)),
        key=lambda i: (
            -round(unique[i].score, 6),
            -round(unique[i].parts["decode"], 6),
            i,
            unique[i].text,
        ),
    )
    ranked = [unique[i] for i in order][:k]
    prov = dict(direction.provenance_)
    return SuggestResult(target, language, prov, ranked, exemplars, len(unique))


class _HistoryIndex:
    """Per-space arrays for the history scan, computed once per :class:`EditSpace`.

    The scan is two matrix-vector products over the corpus (similarity of the
    target to every edit's *before*, alignment of every edit with the
    direction) and a partial sort: a few milliseconds at 100k edits.
    """

    def __init__(self, space: EditSpace) -> None:
        frame = space.frame
        self.before = np.ascontiguousarray(space.arrays["edit_before"], dtype=np.float32)
        self.vectors: dict[str, np.ndarray] = {}
        self.space = weakref.ref(space)

        def col(name: str) -> np.ndarray:
            if name not in frame:
                return np.full(len(frame), "", dtype=object)
            return frame[name].fillna("").astype(str).to_numpy(dtype=object)

        lang = col("after_language")
        fallback = col("before_language")
        self.language = np.where(lang != "", lang, fallback)
        self.ids = col("id")
        self.before_text = col("before_text")
        self.after_text = col("after_text")
        self.message = col("message")
        self.path = col("after_path")

    def unit_vectors(self, representation: str) -> np.ndarray:
        if representation not in self.vectors:
            space = self.space()
            if space is None:  # pragma: no cover - the cache is keyed on the live space
                raise UsageError("The edit space of this history index is gone.")
            X = np.asarray(space.vectors(representation), dtype=np.float32)  # type: ignore[arg-type]
            n = np.linalg.norm(X, axis=1, keepdims=True)
            self.vectors[representation] = np.ascontiguousarray(
                np.divide(X, n, out=np.zeros_like(X), where=n > 0)
            )
        return self.vectors[representation]


_HISTORY: weakref.WeakKeyDictionary[EditSpace, _HistoryIndex] = weakref.WeakKeyDictionary()


def _history_index(space: EditSpace) -> _HistoryIndex:
    index = _HISTORY.get(space)
    if index is None or len(index.before) != len(space):
        index = _HISTORY[space] = _HistoryIndex(space)
    return index


def _top(score: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` largest scores, best first (ties: lower index first)."""
    if n <= 0 or not len(score):
        return np.zeros(0, dtype=np.int64)
    if n < len(score):
        part = np.argpartition(-score, n - 1)[:n]
    else:
        part = np.arange(len(score))
    return part[np.lexsort((part, -score[part]))]


def _history(
    target: str,
    language: str,
    direction: Direction,
    space: EditSpace,
    embedder: Embedder,
    *,
    n_exemplars: int,
    n_transfer: int = 24,
) -> tuple[list[Exemplar], list[Suggestion]]:
    """Corpus edits that resemble the target and move along the direction; transfer them.

    An edit's history score is ``cos(embed(its before), embed(target)) +
    cos(its edit vector, d)`` (+0.1 in the target's language).  The best
    ``n_exemplars`` are shown as exemplars; the diffs of the best
    ``n_transfer`` edits *in the target's language* are transferred onto the
    target (:func:`transfer_edit`) and kept when the result parses.
    """
    if not len(space):
        return [], []
    index = _history_index(space)
    vt = np.asarray(embedder.encode([target], normalize=True)[0], dtype=np.float32)
    d = np.asarray(direction.vector_, dtype=np.float32)
    rep = direction.provenance_.get("representation") or space.representation
    if rep not in RANKER_REPRESENTATIONS:
        rep = space.representation
    X = index.unit_vectors(str(rep))
    if X.shape[1] != d.shape[0]:
        X = index.unit_vectors(space.representation)
    if index.before.shape[1] != vt.shape[0] or X.shape[1] != d.shape[0]:
        raise UsageError(
            "The history edit space and the direction come from different models "
            f"(dimensions {index.before.shape[1]}, {X.shape[1]} and {d.shape[0]}).",
            fix="Use a space and a direction built with the same embedder.",
        )
    sim = index.before @ vt
    align = X @ d
    same = index.language == language
    score = sim + align + 0.1 * same
    exemplars: list[Exemplar] = []
    for i in _top(score, n_exemplars * 4):
        if len(exemplars) >= n_exemplars:
            break
        bt, at = index.before_text[i], index.after_text[i]
        if not bt or not at:
            continue
        msg = index.message[i].splitlines()[0] if index.message[i] else ""
        exemplars.append(
            Exemplar(
                index.ids[i],
                float(sim[i]),
                float(align[i]),
                msg,
                unified(bt, at, index.path[i] or "exemplar"),
                str(index.language[i]),
            )
        )
    transferred: list[Suggestion] = []
    local = np.flatnonzero(same)
    for j in _top(score[local], n_transfer):
        i = int(local[j])
        bt, at = index.before_text[i], index.after_text[i]
        if not bt or not at:
            continue
        new = transfer_edit(bt, at, target)
        if new is not None and _parses(new, language):
            msg = (index.message[i].splitlines() or [""])[0]
            transferred.append(
                Suggestion(
                    new,
                    "history",
                    f"transferred from edit {index.ids[i][:10]}: {msg}",
                    operator="transfer",
                    exemplar=index.ids[i],
                )
            )
    return exemplars, transferred
