"""The ``repair`` family: the single-site mutations of automated program repair.

(Wrong variables, missing calls and returns, and negations live in
:mod:`~embedmotion.rewrites.repair_logic`.)

Each operator proposes every one-site variant of its kind, in source order
("""

from __future__ import annotations

import re
from collections.abc import Iterator

from ._core import ALL_LANGUAGES, Node, Rewrite, Source, operator
from ._syntax import (
    CALLS,
    IDENT_TYPES,
    arguments,
    callee,
    statement_of,
)

FAMILY = "repair"
_BINARY = frozenset(
    {"binary_expression", "binary_operator", "comparison_operator", "boolean_operator"}
)
_PRIMARY_SWAPS = {
    "<": "<=",
    "<=": "<",
    ">": ">=",
    ">=": ">",
    "==": "!=",
    "!=": "==",
    "===": "!==",
    "!==": "===",
    "is": "is not",
    "is not": "is",
    "in": "not in",
    "not in": "in",
}
_SECONDARY_SWAPS = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}
_ARITH = {"+": "-", "-": "+", "+=": "-=", "-=": "+="}
_ARITH2 = {"*": "/", "/": "*"}
_BOOL = {"and": "or", "or": "and", "&&": "||", "||": "&&"}
_INT_TYPES = frozenset(
    {
        "integer",
        "number",
        "decimal_integer_literal",
        "int_literal",
        "integer_literal",
        "number_literal",
    }
)
_INDEXES = frozenset(
    {"subscript", "subscript_expression", "array_access", "index_expression", "element_reference"}
)
_SLICES = frozenset({"slice", "slice_expression", "range_expression"})
_RANGE_CALLS = frozenset(
    {
        "range",
        "substring",
        "substr",
        "slice",
        "subList",
        "subarray",
        "splice",
        "repeat",
        "min",
        "max",
    }
)


def _op_tokens(node: Node) -> Iterator[Node]:
    for child in node.children:
        if not child.is_named and child.type not in ("(", ")"):
            yield child


def _binary_ops(src: Source) -> Iterator[tuple[Node, Node]]:
    """(expression, operator token) for every binary/comparison/boolean operator."""
    for node in src.of_type(
        *_BINARY,
        "augmented_assignment",
        "compound_assignment_expr",
        "augmented_assignment_expression",
        "assignment_expression",
    ):
        for tok in _op_tokens(node):
            yield node, tok


def _is_stringy(src: Source, node: Node | None) -> bool:
    return node is not None and (
        "string" in node.type or "template" in node.type or src.t(node)[:1] in "\"'`"
    )


@operator("swap-comparison", family=FAMILY, languages=ALL_LANGUAGES)
def swap_comparison(src: Source) -> Iterator[Rewrite]:
    """Flip one comparison operator (``<`` <-> ``<=`` ...), or all alike in one statement."""
    sites = [(n, t) for n, t in _binary_ops(src) if src.t(t) in _PRIMARY_SWAPS]
    for _, tok in sites:
        old = src.t(tok)
        yield Rewrite(
            ((tok.start_byte, tok.end_byte, _PRIMARY_SWAPS[old]),),
            f"replace {old} with {_PRIMARY_SWAPS[old]}",
        )
    groups: dict[tuple[int, str], list[Node]] = {}
    for node, tok in sites:
        stmt = statement_of(src, node) or node
        groups.setdefault((stmt.start_byte, src.t(tok)), []).append(tok)
    for (_, old), toks in groups.items():
        if len(toks) > 1:
            new = _PRIMARY_SWAPS[old]
            edits = tuple((t.start_byte, t.end_byte, new) for t in toks)
            yield Rewrite(edits, f"replace every {old} of the statement with {new}")
    for _, tok in sites:
        old = src.t(tok)
        if old in _SECONDARY_SWAPS:
            new = _SECONDARY_SWAPS[old]
            yield Rewrite(((tok.start_byte, tok.end_byte, new),), f"replace {old} with {new}")


@operator("swap-arithmetic", family=FAMILY, languages=ALL_LANGUAGES)
def swap_arithmetic(src: Source) -> Iterator[Rewrite]:
    """Flip one ``+``/``-`` (then ``*``/``/``), skipping string concatenation."""
    later = []
    for node, tok in _binary_ops(src):
        old = src.t(tok)
        if old in _ARITH:
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            if old == "+" and (_is_stringy(src, left) or _is_stringy(src, right)):
                continue
            yield Rewrite(
                ((tok.start_byte, tok.end_byte, _ARITH[old]),), f"replace {old} with {_ARITH[old]}"
            )
        elif old in _ARITH2 and node.type in ("binary_expression", "binary_operator"):
            later.append((tok, old))
    for tok, old in later:
        yield Rewrite(
            ((tok.start_byte, tok.end_byte, _ARITH2[old]),), f"replace {old} with {_ARITH2[old]}"
        )


@operator("swap-boolean", family=FAMILY, languages=ALL_LANGUAGES)
def swap_boolean(src: Source) -> Iterator[Rewrite]:
    """Flip one ``and``/``or`` (``&&``/``||``)."""
    for _, tok in _binary_ops(src):
        old = src.t(tok)
        if old in _BOOL:
            yield Rewrite(
                ((tok.start_byte, tok.end_byte, _BOOL[old]),), f"replace {old} with {_BOOL[old]}"
            )


# ------------------------------------------------------------------------------ off by one
def _int_value(src: Source, node: Node) -> int | None:
    if node.type not in _INT_TYPES:
        return None
    text = src.t(node).replace("_", "")
    m = re.fullmatch(r"(\d+)([uUlLiszf0-9]*)", text)
    if m is None or (m.group(1).startswith("0") and len(m.group(1)) > 1):
        return None
    return int(m.group(1))


def _int_context(src: Source, node: Node) -> bool:
    """Whether an integer literal sits where off-by-one bugs live."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type in ("unary_operator", "unary_expression"):
        parent = parent.parent
        if parent is None:
            return False
    if parent.type in _INDEXES or parent.type in _SLICES:
        return True
    if parent.type in ("comparison_operator", "for_clause", "for_statement"):
        return True
    if parent.type in _BINARY:
        ops = {src.t(t) for t in _op_tokens(parent)}
        return bool(ops & {"<", "<=", ">", ">=", "==", "!=", "===", "!==", "+", "-", "%"})
    if parent.type in ("argument_list", "arguments"):
        call = parent.parent
        if call is not None and call.type in CALLS.get(src.language, ()):
            _, name = callee(src, call)
            return name in _RANGE_CALLS
    return False


def _wrap(src: Source, node: Node) -> str:
    text = src.t(node)
    simple = (
        node.type in IDENT_TYPES
        or node.type in _INT_TYPES
        or node.type
        in (
            "attribute",
            "member_expression",
            "field_expression",
            "selector_expression",
            "call",
            "call_expression",
            "method_invocation",
            "subscript",
            "subscript_expression",
        )
    )
    return text if simple else f"({text})"


@operator("off-by-one", family=FAMILY, languages=ALL_LANGUAGES)
def off_by_one(src: Source) -> Iterator[Rewrite]:
    """Shift a bound by one: literals +-1, ``x - 1`` -> ``x``, ``a[i]`` -> ``a[i - 1]`` ..."""
    for node in src.nodes:
        value = _int_value(src, node)
        if value is not None and _int_context(src, node):
            for shifted in (value + 1, value - 1):
                if shifted >= 0:
                    yield Rewrite(
                        ((node.start_byte, node.end_byte, str(shifted)),),
                        f"change {value} to {shifted}",
                    )
    for node in src.of_type("binary_expression", "binary_operator"):
        toks = [src.t(t) for t in _op_tokens(node)]
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None or not toks:
            continue
        op = toks[0]
        if op in ("+", "-") and _int_value(src, right) == 1:
            yield Rewrite(
                ((node.start_byte, node.end_byte, src.t(left)),),
                f"drop the {op} 1 from {src.t(node)}",
            )
        if op in ("*", "/", "//") and left.type in IDENT_TYPES | {"attribute", "member_expression"}:
            for d in ("-", "+"):
                yield Rewrite(
                    ((left.start_byte, left.end_byte, f"({src.t(left)} {d} 1)"),),
                    f"use {src.t(left)} {d} 1",
                )
        if (
            op == "/"
            and src.language in ("rust", "c", "cpp", "go", "java")
            and all(
                n.type in IDENT_TYPES or n.type in ("field_expression", "selector_expression")
                for n in (left, right)
            )
        ):
            a, b = src.t(left), src.t(right)
            yield Rewrite(
                ((node.start_byte, node.end_byte, f"({a} + {b} - 1) / {b}"),), f"round {a} / {b} up"
            )
    for node in src.of_type(*_INDEXES):
        idx = node.child_by_field_name("index") or node.child_by_field_name("subscript")
        if idx is None and len(node.named_children) == 2:
            idx = node.named_children[1]
        if idx is None or idx.type in _SLICES or _int_value(src, idx) is not None:
            continue
        if idx.type in ("unary_operator", "unary_expression", "string", "string_literal"):
            continue
        for d in ("-", "+"):
            yield Rewrite(
                ((idx.start_byte, idx.end_byte, f"{src.t(idx)} {d} 1"),),
                f"index with {src.t(idx)} {d} 1",
            )
    for node in src.of_type(*_SLICES):
        for bound in node.named_children:
            if bound.type in IDENT_TYPES or bound.type in ("call", "attribute", "call_expression"):
                for d in ("-", "+"):
                    yield Rewrite(
                        ((bound.start_byte, bound.end_byte, f"{src.t(bound)} {d} 1"),),
                        f"slice to {src.t(bound)} {d} 1",
                    )
            if bound.type == "unary_operator" and src.t(bound) == "-1" and src.language == "python":
                text = src.t(node)
                new = text.replace("-1", "", 1)
                yield Rewrite(((node.start_byte, node.end_byte, new),), "drop the -1 slice bound")
    for call in src.of_type(*CALLS.get(src.language, ())):
        _, name = callee(src, call)
        args = arguments(call)
        if name == "range" and len(args) == 1 and args[0].type != "keyword_argument":
            a = _wrap(src, args[0])
            yield Rewrite(
                ((args[0].start_byte, args[0].end_byte, f"{a} + 1"),), f"iterate to {a} inclusive"
            )
            yield Rewrite(
                ((args[0].start_byte, args[0].end_byte, f"1, {src.t(args[0])}"),),
                "start the range at 1",
            )
        if name in ("len", "length", "size") or (src.language == "python" and name == "len"):
            parent = call.parent
            if (
                parent is not None
                and parent.type in _BINARY
                and any(src.t(t) in ("<", "<=", ">", ">=", "==", "!=") for t in _op_tokens(parent))
            ):
                for d in ("-", "+"):
                    yield Rewrite(
                        ((call.start_byte, call.end_byte, f"{src.t(call)} {d} 1"),),
                        f"compare with {src.t(call)} {d} 1",
                    )


# ------------------------------------------------------------------------- swap arguments
@operator("swap-arguments", family=FAMILY, languages=ALL_LANGUAGES)
def swap_arguments(src: Source) -> Iterator[Rewrite]:
    """Swap two adjacent positional arguments of a call (or of every call to the same callee)."""
    by_callee: dict[tuple[str, int], list[tuple[Node, Node]]] = {}
    for call in src.of_type(*CALLS.get(src.language, ())):
        if call.type == "macro_invocation":
            continue
        args = arguments(call)
        _, name = callee(src, call)
        for i in range(len(args) - 1):
            a, b = args[i], args[i + 1]
            if any(
                x.type in ("keyword_argument", "spread_element", "list_splat", "dictionary_splat")
                for x in (a, b)
            ):
                continue
            if src.t(a) == src.t(b):
                continue
            by_callee.setdefault((name, i), []).append((a, b))
            yield Rewrite(
                ((a.start_byte, a.end_byte, src.t(b)), (b.start_byte, b.end_byte, src.t(a))),
                f"swap arguments {src.t(a)!s:.30} and {src.t(b)!s:.30} of {name}",
            )
    for (name, i), pairs in by_callee.items():
        if len(pairs) > 1:
            edits = []
            for a, b in pairs:
                edits += [
                    (a.start_byte, a.end_byte, src.t(b)),
                    (b.start_byte, b.end_byte, src.t(a)),
                ]
            yield Rewrite(tuple(edits), f"swap arguments {i + 1} and {i + 2} of every {name} call")
