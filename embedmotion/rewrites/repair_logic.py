"""The ``repair`` family, part two: wrong names, missing calls and returns, negations.

``wrong-variable``   a variable read replaced by another local of the same function; the
                     most plausible first: a local assigned and never read, one computed
                     from the variable it replaces, one with a similar name
``missing-call``     ``x.lower`` -> ``x.lower()``; a discarded pure result ``sorted(x)`` ->
                     ``x = sorted(x)``
``missing-return``   ``expr`` -> ``return expr`` at the end of a function; ``return v`` for
                     the last variable a callback builds; Go ``return`` after ``http.Error``
``negate-condition`` ``if not c`` <-> ``if c`` (``!``, ``not``)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ._core import ALL_LANGUAGES, Node, Rewrite, Source, insert_after, insert_before, operator
from ._syntax import (
    CALLS,
    FUNCTIONS,
    IDENT_TYPES,
    arguments,
    body_of,
    callee,
    edit_distance,
    enclosing,
    first_body_statement,
    function_of,
    functions,
    go_results,
    go_zero,
    param_name,
    params,
    py_default_returns,
    statement_of,
    statements,
)

FAMILY = "repair"


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
        if (
            target is not None
            and target.start_byte == cur.start_byte
            and target.end_byte == cur.end_byte
        ):
            return True
    return False


def _is_use(src: Source, node: Node) -> bool:
    parent = node.parent
    if parent is None or parent.type in _NOT_USES:
        return False
    if parent.type == "attribute" and parent.child_by_field_name("attribute") == node:
        return False
    if (
        parent.type in CALLS.get(src.language, ())
        and parent.child_by_field_name("function") == node
    ):
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
        if enclosing(fn, fn_types) is not None and fn.type not in (
            "lambda",
            "arrow_function",
            "closure_expression",
            "func_literal",
            "lambda_expression",
        ):
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
        for member in src.of_type(
            "member_expression", "attribute", "field_expression", "selector_expression", within=fn
        ):
            prop = (
                member.child_by_field_name("property")
                or member.child_by_field_name("attribute")
                or member.child_by_field_name("field")
            )
            if prop is None or (
                member.parent is not None
                and member.parent.type in CALLS.get(src.language, ())
                and member.parent.child_by_field_name("function") == member
            ):
                continue
            pname = src.t(prop).lower()
            for b in names:
                if (
                    len(b) >= 4
                    and b.lower() in pname
                    and b.lower() != pname
                    and defs[b].start_byte < member.start_byte
                ):
                    rw = Rewrite(
                        ((member.start_byte, member.end_byte, b),),
                        f"read {b} instead of {src.t(member)}",
                    )
                    scored.append((-3, member.start_byte, len(scored), rw))
    scored.sort(key=lambda s: (s[0], s[1], s[2]))
    for *_, rw in scored:
        yield rw


# ------------------------------------------------------------------------- missing call
_METHODS = frozenset(
    [
        "lower",
        "upper",
        "strip",
        "lstrip",
        "rstrip",
        "title",
        "capitalize",
        "casefold",
        "split",
        "splitlines",
        "keys",
        "values",
        "items",
        "copy",
        "read",
        "readline",
        "readlines",
        "close",
        "flush",
        "sort",
        "reverse",
        "pop",
        "clear",
        "isoformat",
        "timestamp",
        "date",
        "time",
        "today",
        "now",
        "json",
        "text",
        "decode",
        "encode",
        "hexdigest",
        "digest",
        "exists",
        "is_file",
        "is_dir",
        "resolve",
        "absolute",
        "count",
        "toUpperCase",
        "toLowerCase",
        "trim",
        "toString",
        "toISOString",
        "valueOf",
        "size",
        "length",
        "isEmpty",
        "get",
        "iterator",
        "stream",
        "build",
        "Close",
        "String",
        "Error",
        "Bytes",
        "Len",
    ]
)
_PURE_CALLS = frozenset({"sorted", "reversed", "list", "tuple", "set", "dict", "round", "abs"})
_PURE_METHODS = frozenset(
    [
        "strip",
        "lstrip",
        "rstrip",
        "lower",
        "upper",
        "replace",
        "title",
        "capitalize",
        "casefold",
        "removeprefix",
        "removesuffix",
        "toUpperCase",
        "toLowerCase",
        "trim",
        "trimStart",
        "trimEnd",
        "concat",
        "slice",
        "map",
        "filter",
        "toSorted",
        "toReversed",
        "with_suffix",
        "with_name",
    ]
)


@operator("missing-call", family=FAMILY, languages=ALL_LANGUAGES)
def missing_call(src: Source) -> Iterator[Rewrite]:
    """Call a method used as a value (``x.lower`` -> ``x.lower()``); keep a discarded pure result."""
    calls = CALLS.get(src.language, frozenset())
    for node in src.of_type(
        "attribute", "member_expression", "field_expression", "selector_expression"
    ):
        parent = node.parent
        prop = (
            node.child_by_field_name("attribute")
            or node.child_by_field_name("property")
            or node.child_by_field_name("field")
        )
        if prop is None or parent is None or src.t(prop) not in _METHODS:
            continue
        if parent.type in calls or parent.type in (
            "attribute",
            "member_expression",
            "field_expression",
            "selector_expression",
        ):
            continue
        if (
            parent.type in ("assignment", "assignment_expression")
            and parent.child_by_field_name("left") == node
        ):
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
        yield Rewrite(
            ((expr.start_byte, expr.end_byte, new),),
            f"assign the result of {name} back to {target}",
        )


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
            if (
                expr.type
                not in (
                    "assignment",
                    "assignment_expression",
                    "augmented_assignment",
                    "await",
                    "update_expression",
                    "yield",
                    "string",
                )
                and returns_value
            ):
                text = src.t(expr)
                end = "" if src.language in ("python", "go") else ";"
                yield Rewrite(
                    ((last.start_byte, last.end_byte, f"return {text}{end}"),),
                    "return the last expression",
                )
        if src.language in (
            "javascript",
            "typescript",
            "tsx",
            "python",
            "java",
        ) and not _has_return(src, fn):
            declared = _last_declared(src, stmts)
            if declared and fn.type in (
                "arrow_function",
                "function_expression",
                "function",
                "lambda_expression",
            ):
                end = ";" if src.language != "python" else ""
                yield Rewrite(
                    (insert_after(src, last, [f"return {declared}{end}"]),), f"return {declared}"
                )
    if src.language == "go":
        for if_stmt in src.of_type("if_statement"):
            cons = if_stmt.child_by_field_name("consequence")
            inner = statements(cons)
            if not inner or inner[-1].type != "expression_statement":
                continue
            call = inner[-1].named_children[0] if inner[-1].named_children else None
            if call is None or call.type != "call_expression":
                continue
            fnode = call.child_by_field_name("function")
            if src.t(fnode) not in _RESPONSE_ENDERS:
                continue
            outer = function_of(src, if_stmt)
            if outer is not None and go_results(src, outer) == []:
                yield Rewrite(
                    (insert_after(src, inner[-1], ["return"]),), f"return after {src.t(fnode)}"
                )


def _has_return(src: Source, fn: Node) -> bool:
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
        if stmt.type in (
            "lexical_declaration",
            "variable_declaration",
            "local_variable_declaration",
        ):
            decls = [c for c in stmt.named_children if c.type == "variable_declarator"]
            if decls:
                name = decls[-1].child_by_field_name("name")
                if name is not None and name.type == "identifier":
                    return src.t(name)
        if (
            stmt.type == "expression_statement"
            and stmt.named_children
            and stmt.named_children[0].type == "assignment"
        ):
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
        if inner.type in ("not_operator", "unary_expression", "unary_operator") and text.startswith(
            ("not ", "!")
        ):
            arg = (
                inner.child_by_field_name("argument")
                or inner.child_by_field_name("operand")
                or inner.named_children[-1]
            )
            new = src.t(arg)
            if arg.type == "parenthesized_expression" and src.language != "python" and not wrapped:
                new = new
            elif arg.type == "parenthesized_expression" and wrapped:
                new = new[1:-1]
            yield Rewrite(
                ((inner.start_byte, inner.end_byte, new),), "remove the negation of the condition"
            )
            continue
        if src.language == "python":
            new = (
                f"not {text}"
                if inner.type not in ("boolean_operator", "conditional_expression")
                else f"not ({text})"
            )
        else:
            simple = inner.type in IDENT_TYPES or inner.type in (
                "call_expression",
                "method_invocation",
                "member_expression",
                "field_expression",
                "selector_expression",
            )
            new = f"!{text}" if simple else f"!({text})"
        yield Rewrite(((inner.start_byte, inner.end_byte, new),), "negate the condition")


# -------------------------------------------------------------------------- missing guard
@operator("guard-empty", family=FAMILY, languages={"python", "go"})
def guard_empty(src: Source) -> Iterator[Rewrite]:
    """Return early when a sequence parameter that the code indexes is empty."""
    for fn in src.of_type("function_definition", "function_declaration", "method_declaration"):
        body = body_of(src, fn)
        first = first_body_statement(src, body) if body is not None else None
        if first is None or body is None:
            continue
        text = src.t(body)
        for p in params(src, fn):
            name = param_name(src, p)
            typ = p.child_by_field_name("type")
            if not name or not re.search(
                rf"\b{re.escape(name)}\[(0|-1|len\({re.escape(name)}\) ?- ?1)\]", text
            ):
                continue
            if re.search(
                rf"len\({re.escape(name)}\)\s*(==|>|<|!=)|\bnot {re.escape(name)}\b", text
            ):
                continue
            if src.language == "go":
                if typ is None or not src.t(typ).startswith("[]"):
                    continue
                results = go_results(src, fn)
                if results is None:
                    continue
                ret = (
                    "return" if not results else "return " + ", ".join(go_zero(t) for t in results)
                )
                lines = [f"if len({name}) == 0 {{", f"\t{ret}", "}"]
                yield Rewrite(
                    (insert_before(src, first, lines),), f"return early when {name} is empty"
                )
            else:
                for ret in py_default_returns(src, fn):
                    lines = [f"if not {name}:", src.unit + ret]
                    yield Rewrite(
                        (insert_before(src, first, lines),), f"{ret} when {name} is empty"
                    )
