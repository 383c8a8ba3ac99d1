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
    use a seeded random.Random(42) instead of the global random module on line 2
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
from collections.abc import Iterable, Iterator

from tree_sitter import Tree

from ..errors import UsageError, check_param
from ..languages import get_language
from . import (  # noqa: F401  (importing a module registers its operators)
    cleanup,
    const,
    const_typed,
    error_handling,
    flaky,
    flaky_async,
    flaky_order,
    flaky_state,
    flaky_timeout,
    nulls,
    repair,
    repair_logic,
)
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


#: Curated category names (and short forms) accepted for the family they correspond to.
FAMILY_ALIASES: dict[str, str] = {
    "bugfix": "repair",
    "const-correctness": "const",
    "flaky": "less-flaky",
    "null": "null-safety",
    "errors": "error-handling",
    "cleanup": "resource-cleanup",
}


def _known_families() -> list[str]:
    extra = sorted({op.family for op in OPERATORS.values()} - set(FAMILIES))
    return [*FAMILIES, *extra]


def operators_for(language: str, families: Iterable[str] | None = None) -> list[Operator]:
    """The operators that handle ``language``, family by family, in registration order.

    ``families`` restricts them (an unknown family name is a :class:`UsageError`);
    curated category names are accepted too (``bugfix`` means ``repair``,
    ``const-correctness`` means ``const``: see :data:`FAMILY_ALIASES`).
    """
    lang = get_language(language).name
    order = _known_families()
    if families is not None:
        if isinstance(families, str):
            families = [families]
        wanted = list(dict.fromkeys(FAMILY_ALIASES.get(f, f) for f in families))
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


def _guarded(op: Operator, text: str, language: str, tree: Tree) -> Iterator[Candidate]:
    """``op``'s candidates; an operator that fails is logged and skipped, never raised."""
    try:
        yield from op.apply(text, language, tree)
    except Exception as exc:  # an operator bug must not break the caller
        logger.warning("rewrite operator %s failed on a %s fragment: %r", op.name, language, exc)


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
    streams = [_guarded(op, text, spec.name, tree) for op in ops]
    seen = {text}
    out: list[Candidate] = []
    while streams and len(out) < limit:
        alive = []
        for stream in streams:
            for cand in stream:
                if cand.text not in seen:
                    seen.add(cand.text)
                    out.append(cand)
                    alive.append(stream)
                    break
            if len(out) >= limit:
                break
        streams = alive
    return out


__all__ = [
    "Candidate",
    "FAMILIES",
    "FAMILY_ALIASES",
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
