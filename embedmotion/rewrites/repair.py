"""The ``repair`` family: the single-site mutations of automated program repair.

Each operator proposes every one-site variant of its kind, in source order
(``wrong-variable`` most plausible first):

``swap-comparison``  ``<``/``<=``, ``>``/``>=``, ``==``/``!=`` (``===``/``!==``, ``is``/``is not``,
                     ``in``/``not in``), then ``<``/``>``; also every like operator of one
                     statement at once
``swap-arithmetic``  ``+``/``-`` (and ``+=``/``-=``), then ``*``/``/``
``swap-boolean``     ``and``/``or``, ``&&``/``||``
``off-by-one``       integer literals +-1 in comparisons, indexes, slices and ranges; ``x - 1``
                     -> ``x``; ``a[i]`` -> ``a[i - 1]``; ``a * b`` -> ``(a - 1) * b``;
                     ``range(n)`` -> ``range(n + 1)``; ``a / b`` -> ``(a + b - 1) / b``
``swap-arguments``   two adjacent positional arguments (in one call, or in every call of
                     the same function)
``wrong-variable``   a variable read replaced by another local (similar names, a value
                     derived from it, or one assigned and never read rank first)
``missing-call``     ``x.lower`` -> ``x.lower()``; a discarded pure result ``sorted(x)`` ->
                     ``x = sorted(x)``
``missing-return``   ``expr`` -> ``return expr`` at the end of a function; ``return v`` for
                     the last variable a callback builds; Go ``return`` after ``http.Error``
``negate-condition`` ``if not c`` <-> ``if c`` (``!``, ``not``)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ._core import ALL_LANGUAGES, Node, Rewrite, Source, insert_after, operator
from ._syntax import (
    CALLS,
    FUNCTIONS,
    IDENT_TYPES,
    arguments,
    body_of,
    callee,
    edit_distance,
    enclosing,
    function_of,
    functions,
    go_results,
    statement_of,
    statements,
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
    {"integer", "number", "decimal_integer_literal", "int_literal", "integer_literal", "number_literal"}
)
_INDEXES = frozenset(
    {"subscript", "subscript_expression", "array_access", "index_expression", "element_reference"}
)
_SLICES = frozenset({"slice", "slice_expression", "range_expression"})
_RANGE_CALLS = frozenset(
    {"range", "substring", "substr", "slice", "subList", "subarray", "splice", "repeat", "min", "max"}
)


def _op_tokens(node: Node) -> Iterator[Node]:
    for child in node.children:
        if not child.is_named and child.type not in ("(", ")"):
            yield child


def _binary_ops(src: Source) -> Iterator[tuple[Node, Node]]:
    """(expression, operator token) for every binary/comparison/boolean operator."""
    for node in src.of_type(*_BINARY, "augmented_assignment", "compound_assignment_expr",
                            "augmented_assignment_expression", "assignment_expression"):
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
        yield Rewrite(((tok.start_byte, tok.end_byte, _PRIMARY_SWAPS[old]),), f"replace {old} with {_PRIMARY_SWAPS[old]}")
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
            yield Rewrite(((tok.start_byte, tok.end_byte, _ARITH[old]),), f"replace {old} with {_ARITH[old]}")
        elif old in _ARITH2 and node.type in ("binary_expression", "binary_operator"):
            later.append((tok, old))
    for tok, old in later:
        yield Rewrite(((tok.start_byte, tok.end_byte, _ARITH2[old]),), f"replace {old} with {_ARITH2[old]}")


@operator("swap-boolean", family=FAMILY, languages=ALL_LANGUAGES)
def swap_boolean(src: Source) -> Iterator[Rewrite]:
    """Flip one ``and``/``or`` (``&&``/``||``)."""
    for _, tok in _binary_ops(src):
        old = src.t(tok)
        if old in _BOOL:
            yield Rewrite(((tok.start_byte, tok.end_byte, _BOOL[old]),), f"replace {old} with {_BOOL[old]}")


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
    simple = node.type in IDENT_TYPES or node.type in _INT_TYPES or node.type in (
        "attribute", "member_expression", "field_expression", "selector_expression", "call",
        "call_expression", "method_invocation", "subscript", "subscript_expression",
    )
    return text if simple else f"({text})"


@operator("off-by-one", family=FAMILY, languages=ALL_LANGUAGES)
def off_by_one(src: Source) -> Iterator[Rewrite]:
    """Shift a bound by one: literals +-1, ``x - 1`` -> ``x``, ``a[i]`` -> ``a[i - 1]`` ..."""
    for node in src.nodes:
        value = _int_value(src, node)
        if value is not None and _int_context(src, node):
            for new in (value + 1, value - 1):
                if new >= 0:
                    yield Rewrite(((node.start_byte, node.end_byte, str(new)),), f"change {value} to {new}")
    for node in src.of_type("binary_expression", "binary_operator"):
        toks = [src.t(t) for t in _op_tokens(node)]
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None or not toks:
            continue
        op = toks[0]
        if op in ("+", "-") and _int_value(src, right) == 1:
            yield Rewrite(((node.start_byte, node.end_byte, src.t(left)),), f"drop the {op} 1 from {src.t(node)}")
        if op in ("*", "/", "//") and left.type in IDENT_TYPES | {"attribute", "member_expression"}:
            for d in ("-", "+"):
                yield Rewrite(((left.start_byte, left.end_byte, f"({src.t(left)} {d} 1)"),), f"use {src.t(left)} {d} 1")
        if op == "/" and src.language in ("rust", "c", "cpp", "go", "java") and all(
            n.type in IDENT_TYPES or n.type in ("field_expression", "selector_expression") for n in (left, right)
        ):
            a, b = src.t(left), src.t(right)
            yield Rewrite(((node.start_byte, node.end_byte, f"({a} + {b} - 1) / {b}"),), f"round {a} / {b} up")
    for node in src.of_type(*_INDEXES):
        idx = node.child_by_field_name("index") or node.child_by_field_name("subscript")
        if idx is None and len(node.named_children) == 2:
            idx = node.named_children[1]
        if idx is None or idx.type in _SLICES or _int_value(src, idx) is not None:
            continue
        if idx.type in ("unary_operator", "unary_expression", "string", "string_literal"):
            continue
        for d in ("-", "+"):
            yield Rewrite(((idx.start_byte, idx.end_byte, f"{src.t(idx)} {d} 1"),), f"index with {src.t(idx)} {d} 1")
    for node in src.of_type(*_SLICES):
        for bound in node.named_children:
            if bound.type in IDENT_TYPES or bound.type in ("call", "attribute", "call_expression"):
                for d in ("-", "+"):
                    yield Rewrite(((bound.start_byte, bound.end_byte, f"{src.t(bound)} {d} 1"),), f"slice to {src.t(bound)} {d} 1")
            if bound.type == "unary_operator" and src.t(bound) == "-1" and src.language == "python":
                text = src.t(node)
                new = text.replace("-1", "", 1)
                yield Rewrite(((node.start_byte, node.end_byte, new),), "drop the -1 slice bound")
    for call in src.of_type(*CALLS.get(src.language, ())):
        _, name = callee(src, call)
        args = arguments(call)
        if name == "range" and len(args) == 1 and args[0].type != "keyword_argument":
            a = _wrap(src, args[0])
            yield Rewrite(((args[0].start_byte, args[0].end_byte, f"{a} + 1"),), f"iterate to {a} inclusive")
            yield Rewrite(((args[0].start_byte, args[0].end_byte, f"1, {src.t(args[0])}"),), "start the range at 1")
        if name in ("len", "length", "size") or (src.language == "python" and name == "len"):
            parent = call.parent
            if parent is not None and parent.type in _BINARY and any(
                src.t(t) in ("<", "<=", ">", ">=", "==", "!=") for t in _op_tokens(parent)
            ):
                for d in ("-", "+"):
                    yield Rewrite(((call.start_byte, call.end_byte, f"{src.t(call)} {d} 1"),), f"compare with {src.t(call)} {d} 1")


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
            if any(x.type in ("keyword_argument", "spread_element", "list_splat", "dictionary_splat") for x in (a, b)):
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
                edits += [(a.start_byte, a.end_byte, src.t(b)), (b.start_byte, b.end_byte, src.t(a))]
            yield Rewrite(tuple(edits), f"swap arguments {i + 1} and {i + 2} of every {name} call")


# ------------------------------------------------------------------------- wrong variable
_DEF_FIELDS = {
    ("assignment", "left"),
    ("augmented_assignment", "left"),
    ("for_statement", "left"),
    ("for_in_clause", "left"),
    ("as_pattern_target", None),
    ("variable_declarator", "name"),
    ("for_in_statement", "left"),
    ("enhanced_for_statement", "name"),
    ("catch_formal_parameter", "name"),
    ("short_var_declaration", "left"),
    ("range_clause", "left"),
    ("var_spec", "name"),
    ("let_declaration", "pattern"),
    ("for_expression", "pattern"),
    ("init_declarator", "declarator"),
    ("declaration", "declarator"),
    ("parameter", "pattern"),
    ("required_parameter", "pattern"),
    ("optional_parameter", "pattern"),
    ("formal_parameter", "name"),
    ("parameter_declaration", "name"),
    ("parameter_declaration", "declarator"),
    ("typed_parameter", None),
    ("typed_default_parameter", "name"),
    ("default_parameter", "name"),
    ("parameters", None),
    ("formal_parameters", None),
    ("lambda_parameters", None),
    ("closure_parameters", None),
}
_DEF_WRAPPERS = frozenset(
    {
        "pattern_list",
        "tuple_pattern",
        "expression_list",
        "array_pattern",
        "object_pattern",
        "shorthand_property_identifier_pattern",
        "pointer_declarator",
        "reference_declarator",
        "list_pattern",
        "tuple",
        "tuple_struct_pattern",
        "mut_pattern",
        "ref_pattern",
    }
)
_NOT_USES = frozenset(
    {
        "keyword_argument",
        "decorator",
        "import_statement",
        "import_from_statement",
        "dotted_name",
        "aliased_import",
        "function_definition",
        "class_definition",
    }
)


def _is_definition(node: Node) -> bool:
    cur = node
    parent = node.parent
    while parent is not None and parent.type in _DEF_WRAPPERS:
        cur, parent = parent, parent.parent
    if parent is None:
        return False
    for ptype, field in _DEF_FIELDS:
        if parent.type != ptype:
            continue
        if field is None:
            return True
        target = parent.child_by_field_name(field)
        if target is not None and target.start_byte == cur.start_byte and target.end_byte == cur.end_byte:
            return True
    return False


def _is_use(src: Source, node: Node) -> bool:
    parent = node.parent
    if parent is None or parent.type in _NOT_USES:
        return False
    if parent.type == "attribute" and parent.child_by_field_name("attribute") == node:
        return False
    if parent.type in CALLS.get(src.language, ()) and parent.child_by_field_name("function") == node:
        return False
    if parent.type in ("method_invocation",) and parent.child_by_field_name("name") == node:
        return False
    return not _is_definition(node)


def _similar(a: str, b: str) -> bool:
    la, lb = a.lower(), b.lower()
    if edit_distance(la, lb, 2) <= 2 and min(len(a), len(b)) > 2:
        return True
    common = 0
    for x, y in zip(la, lb):
        if x != y:
            break
        common += 1
    suffix = 0
    for x, y in zip(reversed(la), reversed(lb)):
        if x != y:
            break
        suffix += 1
    return common >= 3 or suffix >= 3 or (min(len(a), len(b)) >= 4 and (la in lb or lb in la))


@operator("wrong-variable", family=FAMILY, languages=ALL_LANGUAGES)
def wrong_variable(src: Source) -> Iterator[Rewrite]:
    """Replace one variable read with another local of the same function, most plausible first."""
    scored: list[tuple[int, int, int, Rewrite]] = []
    fn_types = FUNCTIONS.get(src.language, frozenset())
    for fn in functions(src):
        if enclosing(fn, fn_types) is not None and fn.type not in ("lambda", "arrow_function", "closure_expression", "func_literal", "lambda_expression"):
            continue
        idents = src.of_type("identifier", within=fn)
        defs: dict[str, Node] = {}
        def_stmt: dict[str, str] = {}
        uses: dict[str, list[Node]] = {}
        for n in idents:
            name = src.t(n)
            if _is_definition(n):
                if name not in defs:
                    defs[name] = n
                    stmt = statement_of(src, n)
                    def_stmt[name] = src.t(stmt) if stmt is not None else ""
            elif _is_use(src, n):
                uses.setdefault(name, []).append(n)
        names = [d for d in defs if d not in ("self", "this", "_", "cls", "t")]
        for use_list in uses.values():
            for u in use_list:
                a = src.t(u)
                if a not in defs:
                    continue
                for b in names:
                    if b == a or defs[b].start_byte > u.start_byte:
                        continue
                    later_reads = [x for x in uses.get(b, []) if x.start_byte > defs[b].end_byte]
                    score = 0
                    if not later_reads:
                        score += 3
                    if _similar(a, b):
                        score += 2
                    if re.search(rf"\b{re.escape(a)}\b", def_stmt.get(b, "")):
                        score += 2
                    if score == 0:
                        continue
                    rw = Rewrite(((u.start_byte, u.end_byte, b),), f"read {b} instead of {a}")
                    scored.append((-score, u.start_byte, len(scored), rw))
        for member in src.of_type("member_expression", "attribute", "field_expression", "selector_expression", within=fn):
            prop = (member.child_by_field_name("property") or member.child_by_field_name("attribute")
                    or member.child_by_field_name("field"))
            if prop is None or (member.parent is not None and member.parent.type in CALLS.get(src.language, ())
                                and member.parent.child_by_field_name("function") == member):
                continue
            pname = src.t(prop).lower()
            for b in names:
                if len(b) >= 4 and b.lower() in pname and b.lower() != pname and defs[b].start_byte < member.start_byte:
                    rw = Rewrite(((member.start_byte, member.end_byte, b),), f"read {b} instead of {src.t(member)}")
                    scored.append((-3, member.start_byte, len(scored), rw))
    scored.sort(key=lambda s: (s[0], s[1], s[2]))
    for *_, rw in scored:
        yield rw


# ------------------------------------------------------------------------- missing call
_METHODS = frozenset(
    ["lower", "upper", "strip", "lstrip", "rstrip", "title", "capitalize", "casefold", "split", "splitlines", "keys", "values", "items", "copy", "read", "readline", "readlines", "close", "flush", "sort", "reverse", "pop", "clear", "isoformat", "timestamp", "date", "time", "today", "now", "json", "text", "decode", "encode", "hexdigest", "digest", "exists", "is_file", "is_dir", "resolve", "absolute", "count", "toUpperCase", "toLowerCase", "trim", "toString", "toISOString", "valueOf", "size", "length", "isEmpty", "get", "iterator", "stream", "build", "Close", "String", "Error", "Bytes", "Len"]
)
_PURE_CALLS = frozenset({"sorted", "reversed", "list", "tuple", "set", "dict", "round", "abs"})
_PURE_METHODS = frozenset(
    ["strip", "lstrip", "rstrip", "lower", "upper", "replace", "title", "capitalize", "casefold", "removeprefix", "removesuffix", "toUpperCase", "toLowerCase", "trim", "trimStart", "trimEnd", "concat", "slice", "map", "filter", "toSorted", "toReversed", "with_suffix", "with_name"]
)


@operator("missing-call", family=FAMILY, languages=ALL_LANGUAGES)
def missing_call(src: Source) -> Iterator[Rewrite]:
    """Call a method used as a value (``x.lower`` -> ``x.lower()``); keep a discarded pure result."""
    calls = CALLS.get(src.language, frozenset())
    for node in src.of_type("attribute", "member_expression", "field_expression", "selector_expression"):
        parent = node.parent
        prop = (node.child_by_field_name("attribute") or node.child_by_field_name("property")
                or node.child_by_field_name("field"))
        if prop is None or parent is None or src.t(prop) not in _METHODS:
            continue
        if parent.type in calls or parent.type in ("attribute", "member_expression", "field_expression", "selector_expression"):
            continue
        if parent.type in ("assignment", "assignment_expression") and parent.child_by_field_name("left") == node:
            continue
        yield Rewrite(((node.end_byte, node.end_byte, "()"),), f"call {src.t(node)}")
    for stmt in src.of_type("expression_statement"):
        expr = stmt.named_children[0] if stmt.named_children else None
        if expr is None or expr.type not in calls:
            continue
        recv, name = callee(src, expr)
        args = arguments(expr)
        target = None
        if name in _PURE_CALLS and args and args[0].type in IDENT_TYPES:
            target = src.t(args[0])
        elif name in _PURE_METHODS and recv is not None and recv.type in IDENT_TYPES:
            target = src.t(recv)
        if target is None:
            continue
        if src.language == "python" or src.language == "go":
            new = f"{target} = {src.t(expr)}"
        else:
            new = f"{target} = {src.t(expr)}"
        yield Rewrite(((expr.start_byte, expr.end_byte, new),), f"assign the result of {name} back to {target}")


# ------------------------------------------------------------------------ missing return
_RESPONSE_ENDERS = frozenset({"http.Error", "http.NotFound", "http.Redirect", "w.WriteHeader"})


@operator("missing-return", family=FAMILY, languages=ALL_LANGUAGES)
def missing_return(src: Source) -> Iterator[Rewrite]:
    """Return the value a function computes last but forgets to return."""
    for fn in functions(src):
        body = body_of(src, fn)
        stmts = statements(body)
        if not stmts:
            continue
        last = stmts[-1]
        returns_value = _returns_value(src, fn)
        if last.type == "expression_statement" and last.named_children:
            expr = last.named_children[0]
            if expr.type not in ("assignment", "assignment_expression", "augmented_assignment", "await",
                                 "update_expression", "yield", "string") and returns_value:
                text = src.t(expr)
                end = "" if src.language in ("python", "go") else ";"
                yield Rewrite(((last.start_byte, last.end_byte, f"return {text}{end}"),), "return the last expression")
        if src.language in ("javascript", "typescript", "tsx", "python", "java") and not _has_return(src, fn):
            declared = _last_declared(src, stmts)
            if declared and fn.type in ("arrow_function", "function_expression", "function", "lambda_expression"):
                end = ";" if src.language != "python" else ""
                yield Rewrite((insert_after(src, last, [f"return {declared}{end}"]),), f"return {declared}")
    if src.language == "go":
        for if_stmt in src.of_type("if_statement"):
            cons = if_stmt.child_by_field_name("consequence")
            inner = statements(cons)
            if not inner or inner[-1].type != "expression_statement":
                continue
            call = inner[-1].named_children[0] if inner[-1].named_children else None
            if call is None or call.type != "call_expression":
                continue
            fn = call.child_by_field_name("function")
            if src.t(fn) not in _RESPONSE_ENDERS:
                continue
            outer = function_of(src, if_stmt)
            if outer is not None and go_results(src, outer) == []:
                yield Rewrite((insert_after(src, inner[-1], ["return"]),), f"return after {src.t(fn)}")


def _has_return(src: Source, fn: Node) -> bool:
    fn_types = FUNCTIONS.get(src.language, frozenset())
    for r in src.of_type("return_statement", within=fn):
        if function_of(src, r) == fn and r.named_children:
            return True
    return False


def _returns_value(src: Source, fn: Node) -> bool:
    if src.language == "python":
        ret = fn.child_by_field_name("return_type")
        return (ret is not None and src.t(ret) not in ("None",)) or _has_return(src, fn)
    if src.language == "java":
        typ = fn.child_by_field_name("type")
        return typ is not None and src.t(typ) != "void"
    if src.language == "go":
        return bool(go_results(src, fn))
    if src.language in ("c", "cpp"):
        typ = fn.child_by_field_name("type")
        return typ is not None and src.t(typ) != "void"
    if src.language == "rust":
        return False
    ret = fn.child_by_field_name("return_type")
    return (ret is not None and "void" not in src.t(ret)) or _has_return(src, fn)


def _last_declared(src: Source, stmts: list[Node]) -> str:
    for stmt in reversed(stmts):
        if stmt.type in ("lexical_declaration", "variable_declaration", "local_variable_declaration"):
            decls = [c for c in stmt.named_children if c.type == "variable_declarator"]
            if decls:
                name = decls[-1].child_by_field_name("name")
                if name is not None and name.type == "identifier":
                    return src.t(name)
        if stmt.type == "expression_statement" and stmt.named_children and stmt.named_children[0].type == "assignment":
            left = stmt.named_children[0].child_by_field_name("left")
            if left is not None and left.type == "identifier":
                return src.t(left)
    return ""


# ---------------------------------------------------------------------- negate condition
@operator("negate-condition", family=FAMILY, languages=ALL_LANGUAGES)
def negate_condition(src: Source) -> Iterator[Rewrite]:
    """Add or remove the negation of an ``if``/``while`` condition."""
    for stmt in src.of_type("if_statement", "while_statement", "if_expression", "elif_clause"):
        cond = stmt.child_by_field_name("condition")
        if cond is None:
            continue
        inner = cond
        wrapped = False
        if inner.type in ("parenthesized_expression", "condition_clause") and inner.named_children:
            inner = inner.named_children[0]
            wrapped = True
        text = src.t(inner)
        if inner.type in ("not_operator", "unary_expression", "unary_operator") and text.startswith(("not ", "!")):
            arg = inner.child_by_field_name("argument") or inner.child_by_field_name("operand") or inner.named_children[-1]
            new = src.t(arg)
            if arg.type == "parenthesized_expression" and src.language != "python" and not wrapped:
                new = new
            elif arg.type == "parenthesized_expression" and wrapped:
                new = new[1:-1]
            yield Rewrite(((inner.start_byte, inner.end_byte, new),), "remove the negation of the condition")
            continue
        if src.language == "python":
            new = f"not {text}" if inner.type not in ("boolean_operator", "conditional_expression") else f"not ({text})"
        else:
            simple = inner.type in IDENT_TYPES or inner.type in ("call_expression", "method_invocation", "member_expression", "field_expression", "selector_expression")
            new = f"!{text}" if simple else f"!({text})"
        yield Rewrite(((inner.start_byte, inner.end_byte, new),), "negate the condition")

