"""Rewrites: concrete after-versions of a code fragment, from tree-sitter operators.

A *rewrite operator* reads one fragment's syntax tree and proposes edited
versions of it -- seed the random generator, replace a sleep by a wait, add
``const``, narrow an ``except``, close a file, or (the ``repair`` family) the
classic one-token mutations of automated program repair.  Every candidate is
re-parsed and kept only if it parses cleanly::

    >>> from embedmotion.rewrites import generate
    >>> src = '''def test_ids():
    ...     ids = [random.randint(0, 9) for _ in range(3)]
    ...     assert len(ids) == 3
    ... '''
    >>> cands = generate(src, "python", families=["less-flaky"])
    >>> print(cands[0].description)
    use a seeded random.Random(42) instead of the global random module on lines 2, 3
    >>> print(cands[0].text)
    def test_ids():
        rng = random.Random(42)
        ids = [rng.randint(0, 9) for _ in range(3)]
        assert len(ids) == 3
    <BLANKLINE>

Families (the curated edit categories they aim at):

==================  ==========================================================
``less-flaky``      seed RNGs, wait instead of sleep, compare unordered data as
                    such, freeze the clock, isolate shared state, await, timeouts
``const``           ``const``/``final``/``readonly``, drop ``mut``, ``const`` methods
``error-handling``  narrow ``except``/``catch``, chain causes, check ignored errors
``null-safety``     ``None``/``null``/``nil`` guards, ``?.``, ``?`` for ``unwrap()``
``resource-cleanup`` ``with``, try-with-resources, ``defer x.Close()``, ``finally``
``repair``          operator swaps, off-by-one, swapped arguments, wrong variable,
                    missing call or ``return``, negation
==================  ==========================================================

:func:`generate` runs the operators of a language (optionally only some
families or operators), deduplicates candidates by text, interleaves operators
round-robin so that a ``limit`` keeps every operator represented, and returns
them in a deterministic order.  :data:`OPERATORS` lists every operator;
:func:`register` adds your own (anything with ``name``, ``family``,
``languages`` and ``apply(fragment_text, language, tree)``).

:func:`same_code` compares two fragments up to layout (what the benchmark and
the tests use to decide whether a known fix was generated).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from ..errors import UsageError, check_param
from ..languages import get_language
from . import cleanup, const, error_handling, flaky, flaky_state, nulls, repair  # noqa: F401
from ._core import (
    OPERATORS,
    Candidate,
    Operator,
    Rewrite,
    RewriteOperator,
    Source,
    canonical_form,
    parse_strict,
    register,
    same_code,
)

logger = logging.getLogger(__name__)

#: The operator families, in the order :func:`generate` visits them.
FAMILIES: tuple[str, ...] = (
    "less-flaky",
    "null-safety",
    "error-handling",
    "resource-cleanup",
    "const",
    "repair",
)


def _known_families() -> list[str]:
    extra = sorted({op.family for op in OPERATORS.values()} - set(FAMILIES))
    return [*FAMILIES, *extra]


def operators_for(language: str, families: Iterable[str] | None = None) -> list[Operator]:
    """The operators that handle ``language``, family by family, in registration order.

    ``families`` restricts them (an unknown family name is a :class:`UsageError`).
    """
    lang = get_language(language).name
    order = _known_families()
    if families is not None:
        if isinstance(families, str):
            families = [families]
        wanted = list(dict.fromkeys(families))
        unknown = [f for f in wanted if f not in order]
        check_param(
            not unknown,
            "families",
            "operators_for",
            f"a list of operator families (some of: {', '.join(order)})",
            unknown,
        )
        order = [f for f in order if f in wanted]
    ops = [op for op in OPERATORS.values() if lang in op.languages]
    return [op for fam in order for op in ops if op.family == fam]


def _round_robin(lists: list[list[Candidate]]) -> Iterable[Candidate]:
    depth = max((len(x) for x in lists), default=0)
    for i in range(depth):
        for lst in lists:
            if i < len(lst):
                yield lst[i]


def generate(
    text: str,
    language: str,
    *,
    families: Iterable[str] | None = None,
    operators: Iterable[str] | None = None,
    limit: int = 200,
) -> list[Candidate]:
    """Candidate after-versions of ``text``, at most ``limit`` of them.

    Raises :class:`~embedmotion.errors.LanguageError` for an unknown language and
    :class:`~embedmotion.errors.ParseError` when ``text`` itself does not parse.
    The result never contains ``text`` itself, holds each distinct text once,
    and is the same list, in the same order, for the same input.
    """
    spec = get_language(language)
    check_param(isinstance(text, str), "text", "generate", "a str", type(text).__name__)
    check_param(
        isinstance(limit, int) and not isinstance(limit, bool) and limit > 0,
        "limit",
        "generate",
        "a positive integer",
        limit,
    )
    ops = operators_for(spec.name, families)
    if operators is not None:
        if isinstance(operators, str):
            operators = [operators]
        names = list(dict.fromkeys(operators))
        unknown = [n for n in names if n not in OPERATORS]
        if unknown:
            raise UsageError(
                f"The 'operators' parameter of generate must name registered operators. "
                f"Got {unknown!r} instead.",
                fix=f"Use some of: {', '.join(OPERATORS)}.",
            )
        ops = [op for op in ops if op.name in names]
    tree = parse_strict(text, spec.name)
    per_op: list[list[Candidate]] = []
    for op in ops:
        got: list[Candidate] = []
        try:
            for cand in op.apply(text, spec.name, tree):
                got.append(cand)
                if len(got) >= limit:
                    break
        except Exception as exc:  # an operator bug must not break the caller
            logger.warning("rewrite operator %s failed on a %s fragment: %r", op.name, spec.name, exc)
        per_op.append(got)
    seen = {text}
    out: list[Candidate] = []
    for cand in _round_robin(per_op):
        if cand.text in seen:
            continue
        seen.add(cand.text)
        out.append(cand)
        if len(out) >= limit:
            break
    return out


__all__ = [
    "Candidate",
    "FAMILIES",
    "OPERATORS",
    "Operator",
    "Rewrite",
    "RewriteOperator",
    "Source",
    "canonical_form",
    "generate",
    "operators_for",
    "register",
    "same_code",
]
