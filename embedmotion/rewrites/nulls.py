"""The ``null-safety`` family: guard values that can be missing before using them.

``none-check``         Python: ``x = d.get(k)`` (``re.match``, ``shutil.which``, ``os.environ.get``
                       ...) then ``x.attr`` -> ``if x is None: return ...`` (the value the
                       function's annotation suggests, or ``continue`` in a loop)
``optional-chaining``  JS/TS ``a.b.c`` -> ``a.b?.c`` (``?? null``); values from ``find``/``get``/
                       ``querySelector`` -> ``?.`` on every use
``null-guard``         Java: ``if (x == null) return ...``; ``Objects.requireNonNull`` for
                       parameters; ``map.get(k)`` unboxed -> ``getOrDefault(k, 0)``;
                       ``x != null &&`` in conditions
``nil-check``          Go: ``if p == nil { return <zero values> }`` before the first
                       dereference of a pointer parameter, local or field
``unwrap``             Rust: ``.unwrap()`` -> ``?`` (making the function return ``Option`` when
                       needed), ``match`` with ``None => break``/``continue``,
                       ``unwrap_or_default()``
``null-pointer``       C/C++: ``if (p == NULL) return ...;`` after a call that can fail
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ._core import JS_LIKE, Node, Rewrite, Source, block_text, insert_after, insert_before, operator
from ._syntax import (
    arguments,
    body_of,
    call_text,
    callee,
    enclosing,
    first_body_statement,
    function_of,
    go_results,
    go_zero,
    param_name,
    params,
    py_default_returns,
    statement_of,
    statements,
)

FAMILY = "null-safety"
_PY_OPTIONAL = re.compile(
    r"(\.get|^re\.(match|search|fullmatch)|\.(match|search|fullmatch)|^shutil\.which|^os\.getenv|"
    r"\.(latest|find|first|lookup|find_one|one_or_none|get_or_none|pop)|^next)$"
)
_LOOPS = frozenset(
    {
        "for_statement",
        "while_statement",
        "for_in_statement",
        "enhanced_for_statement",
        "for_expression",
        "while_expression",
        "loop_expression",
    }
)


def _in_loop(src: Source, node: Node, fn: Node) -> bool:
    cur = node.parent
    while cur is not None and cur != fn:
        if cur.type in _LOOPS:
            return True
        cur = cur.parent
    return False


@operator("none-check", family=FAMILY, languages={"python"})
def none_check(src: Source) -> Iterator[Rewrite]:
    """Return early when a value that may be ``None`` is ``None``."""
    for asg in src.of_type("assignment"):
        left, right = asg.child_by_field_name("left"), asg.child_by_field_name("right")
        if left is None or right is None or left.type != "identifier" or right.type != "call":
            continue
        name = call_text(src, right)
        if not _PY_OPTIONAL.search(name) or (name.endswith(".get") and len(arguments(right)) > 1):
            continue
        stmt = statement_of(src, asg)
        fn = function_of(src, asg)
        if stmt is None or fn is None:
            continue
        var = src.t(left)
        after = src.slice(stmt.end_byte, fn.end_byte)
        if not re.search(rf"\b{re.escape(var)}(\.|\[)", after) or re.search(
            rf"\b{re.escape(var)} is (not )?None|if (not )?{re.escape(var)}\b", after
        ):
            continue
        actions = ["continue"] if _in_loop(src, stmt, fn) else []
        actions += py_default_returns(src, fn)
        for action in actions:
            yield Rewrite(
                (insert_after(src, stmt, [f"if {var} is None:", src.unit + action]),),
                f"{action} when {var} is None",
            )


# ---------------------------------------------------------------------------------- JS/TS
_JS_NULLABLE = re.compile(
    r"\.(find|get|querySelector|getElementById|closest|match|exec|pop|shift|at)$"
)


def _member_chain(node: Node) -> list[Node]:
    """``a.b.c`` -> [a.b.c, a.b] (member expressions from the outside in)."""
    out = []
    cur: Node | None = node
    while cur is not None and cur.type == "member_expression":
        out.append(cur)
        cur = cur.child_by_field_name("object")
    return out


def _dot(node: Node) -> Node | None:
    return next((c for c in node.children if c.type in (".", "optional_chain")), None)


@operator("optional-chaining", family=FAMILY, languages=JS_LIKE)
def optional_chaining(src: Source) -> Iterator[Rewrite]:
    """Use ``?.`` where a property may be missing."""
    nullable: dict[str, Node] = {}
    for d in src.of_type("variable_declarator"):
        value = d.child_by_field_name("value")
        name = d.child_by_field_name("name")
        if value is not None and value.type == "await_expression" and value.named_children:
            value = value.named_children[0]
        if (
            value is not None
            and name is not None
            and name.type == "identifier"
            and value.type == "call_expression"
            and _JS_NULLABLE.search(call_text(src, value))
        ):
            nullable[src.t(name)] = d
    for var, d in nullable.items():
        edits = []
        for m in src.of_type("member_expression"):
            obj = m.child_by_field_name("object")
            dot = _dot(m)
            if (
                obj is not None
                and dot is not None
                and dot.type == "."
                and src.t(obj) == var
                and m.start_byte > d.end_byte
            ):
                parent = m.parent
                if (
                    parent is not None
                    and parent.type == "assignment_expression"
                    and parent.child_by_field_name("left") == m
                ):
                    continue
                edits.append((dot.start_byte, dot.end_byte, "?."))
        if edits:
            yield Rewrite(tuple(edits), f"use ?. on {var}, which may be undefined")
    outer = [
        m
        for m in src.of_type("member_expression")
        if m.parent is None or m.parent.type != "member_expression"
    ]
    groups: dict[int, list[tuple[int, int, str]]] = {}
    for m in outer:
        chain = _member_chain(m)
        if len(chain) < 2 or any(_dot(c) is None or _dot(c).type != "." for c in chain):  # type: ignore[union-attr]
            continue
        parent = m.parent
        if (
            parent is not None
            and parent.type
            in ("assignment_expression", "augmented_assignment_expression", "update_expression")
            and parent.child_by_field_name("left") == m
        ):
            continue
        is_callee = (
            parent is not None
            and parent.type == "call_expression"
            and parent.child_by_field_name("function") == m
        )
        last = _dot(chain[0])
        assert last is not None
        value_ctx = parent is not None and parent.type in (
            "pair",
            "variable_declarator",
            "arguments",
            "return_statement",
        )
        yield Rewrite(
            ((last.start_byte, last.end_byte, "?."),),
            f"use ?. before .{src.t(chain[0].child_by_field_name('property'))}",
        )
        if value_ctx and not is_callee:
            yield Rewrite(
                ((last.start_byte, last.end_byte, "?."), (m.end_byte, m.end_byte, " ?? null")),
                "use ?. and default to null",
            )
            stmt = statement_of(src, m)
            if stmt is not None:
                groups.setdefault(stmt.start_byte, []).extend(
                    [(last.start_byte, last.end_byte, "?."), (m.end_byte, m.end_byte, " ?? null")]
                )
        if len(chain) > 2:
            dots = [_dot(c) for c in chain[:-1]]
            chain_edits = tuple((d.start_byte, d.end_byte, "?.") for d in dots if d is not None)
            yield Rewrite(chain_edits, "use ?. along the whole chain")
    for edits in groups.values():
        if len(edits) > 2:
            yield Rewrite(
                tuple(edits), "use ?. and default to null for every possibly missing property"
            )
    for m in src.of_type("member_expression"):
        obj = m.child_by_field_name("object")
        dot = _dot(m)
        if (
            obj is None
            or dot is None
            or dot.type != "."
            or obj.type != "call_expression"
            or not _JS_NULLABLE.search(call_text(src, obj))
        ):
            continue
        yield Rewrite(
            ((dot.start_byte, dot.end_byte, "?."),), f"use ?. after {call_text(src, obj)}(...)"
        )
        parent = m.parent
        if parent is not None and parent.type == "binary_expression":
            yield Rewrite(
                (
                    (
                        m.start_byte,
                        m.end_byte,
                        f"({src.slice(m.start_byte, dot.start_byte)}?.{src.slice(dot.end_byte, m.end_byte)} ?? 0)",
                    ),
                ),
                "default a missing number to 0",
            )


# ------------------------------------------------------------------------------------ Java
_JAVA_NULLABLE = re.compile(
    r"(^|\.)(get|find\w*|lookup|header|getHeader|getParameter|getenv|getProperty|get\w+)$"
)
_PRIMITIVE_DEFAULTS = {
    "long": "0L",
    "int": "0",
    "double": "0.0",
    "float": "0f",
    "short": "(short) 0",
    "boolean": "false",
}


def _java_default(src: Source, fn: Node) -> str:
    typ = fn.child_by_field_name("type")
    text = src.t(typ) if typ is not None else "void"
    if text == "void" or fn.type == "constructor_declaration":
        return "return;"
    if text == "boolean":
        return "return false;"
    if text in ("int", "long", "short", "byte", "double", "float"):
        return "return 0;"
    if text.startswith(("List", "Collection")):
        return "return List.of();"
    if text.startswith("Optional"):
        return "return Optional.empty();"
    return "return null;"


@operator("null-guard", family=FAMILY, languages={"java"})
def null_guard(src: Source) -> Iterator[Rewrite]:
    """Check Java references that may be null before dereferencing them."""
    unboxed = []
    for decl in src.of_type("local_variable_declaration"):
        typ = decl.child_by_field_name("type")
        d = next((c for c in decl.named_children if c.type == "variable_declarator"), None)
        value = d.child_by_field_name("value") if d is not None else None
        fn = function_of(src, decl)
        if (
            typ is None
            or d is None
            or value is None
            or value.type != "method_invocation"
            or fn is None
        ):
            continue
        var = src.t(d.child_by_field_name("name"))
        _, method = callee(src, value)
        if src.t(typ) in _PRIMITIVE_DEFAULTS and method == "get" and len(arguments(value)) == 1:
            name_node = value.child_by_field_name("name")
            arg = arguments(value)[0]
            assert name_node is not None
            unboxed.append(
                [
                    (name_node.start_byte, name_node.end_byte, "getOrDefault"),
                    (arg.end_byte, arg.end_byte, f", {_PRIMITIVE_DEFAULTS[src.t(typ)]}"),
                ]
            )
            continue
        if not _JAVA_NULLABLE.search(method):
            continue
        after = src.slice(decl.end_byte, fn.end_byte)
        if not re.search(rf"\b{re.escape(var)}\.", after) or re.search(
            rf"\b{re.escape(var)}\s*[!=]=\s*null", after
        ):
            continue
        default = _java_default(src, fn)
        yield Rewrite(
            (insert_after(src, decl, [f"if ({var} == null) {{", src.unit + default, "}"]),),
            f"return early when {var} is null",
        )
    if len(unboxed) > 1:
        yield Rewrite(
            tuple(e for u in unboxed for e in u),
            "default missing map entries instead of unboxing null",
        )
    for u in unboxed:
        yield Rewrite(tuple(u), "default a missing map entry instead of unboxing null")
    for fn in src.of_type("constructor_declaration", "method_declaration"):
        body = fn.child_by_field_name("body")
        first = first_body_statement(src, body) if body is not None else None
        if first is None:
            continue
        checks = []
        for p in params(src, fn):
            typ = p.child_by_field_name("type")
            name = param_name(src, p)
            if (
                typ is None
                or typ.type in ("integral_type", "floating_point_type", "boolean_type")
                or f"requireNonNull({name}" in src.t(body)
            ):
                continue
            checks.append(f'Objects.requireNonNull({name}, "{name}");')
        if checks and (fn.type == "constructor_declaration" or "public" in src.t(fn).split("(")[0]):
            yield Rewrite((insert_before(src, first, checks),), "reject null arguments up front")
    for cond in src.of_type("parenthesized_expression"):
        if cond.parent is None or cond.parent.type not in ("if_statement", "while_statement"):
            continue
        for call in src.of_type("method_invocation", within=cond):
            obj = call.child_by_field_name("object")
            if (
                obj is None
                or obj.type not in ("identifier", "method_invocation")
                or src.t(obj)[:1].isupper()
            ):
                continue
            inner = cond.named_children[0]
            if f"{src.t(obj)} != null" in src.t(cond):
                continue
            yield Rewrite(
                ((inner.start_byte, inner.start_byte, f"{src.t(obj)} != null && "),),
                f"check {src.t(obj)} for null first",
            )
            break


# -------------------------------------------------------------------------------------- Go
def _go_guard(src: Source, fn: Node, expr: str) -> list[str] | None:
    results = go_results(src, fn)
    if results is None:
        return None
    ret = "return" if not results else "return " + ", ".join(go_zero(t) for t in results)
    return [f"if {expr} == nil {{", f"\t{ret}", "}"]


@operator("nil-check", family=FAMILY, languages={"go"})
def nil_check(src: Source) -> Iterator[Rewrite]:
    """Return early when a Go pointer is nil, before its first dereference."""
    for fn in src.of_type("function_declaration", "method_declaration"):
        body = body_of(src, fn)
        stmts = statements(body)
        if not stmts:
            continue
        targets: list[tuple[str, Node | None]] = []
        for p in params(src, fn):
            typ = p.child_by_field_name("type")
            if typ is not None and typ.type == "pointer_type":
                targets += [(src.t(c), None) for c in p.named_children if c.type == "identifier"]
        for decl in src.of_type("short_var_declaration", within=fn):
            left, right = decl.child_by_field_name("left"), decl.child_by_field_name("right")
            if (
                left is None
                or right is None
                or len(left.named_children) != 1
                or decl.parent != body
            ):
                continue
            if right.named_children and right.named_children[0].type in (
                "selector_expression",
                "index_expression",
                "call_expression",
            ):
                targets.append((src.t(left.named_children[0]), decl))
        fields = {
            m.group(1)
            for m in re.finditer(r"\b(\w+\.\w+)\.\w+", src.t(body))
            if not m.group(1).split(".")[1][0].isupper()
        }
        for fexpr in sorted(fields):
            if fexpr.split(".")[1] in ("mu", "Body", "Header", "URL"):
                continue
            targets.append((fexpr, None))
        assert body is not None
        for expr, defined_by in targets:
            if f"{expr} == nil" in src.t(fn) or f"{expr} != nil" in src.t(fn):
                continue
            pattern = re.compile(rf"(?<![\w.]){re.escape(expr)}\.\w")
            start = defined_by.end_byte if defined_by is not None else body.start_byte
            first_use = next(
                (s for s in stmts if s.start_byte >= start and pattern.search(src.t(s))), None
            )
            guard = _go_guard(src, fn, expr)
            if first_use is None or guard is None or first_use.type == "defer_statement":
                continue
            anchor = defined_by if defined_by is not None and "." not in expr else None
            edit = (
                insert_after(src, anchor, guard)
                if anchor is not None
                else insert_before(src, first_use, guard)
            )
            yield Rewrite((edit,), f"return early when {expr} is nil")


# ------------------------------------------------------------------------------------ Rust
_RUST_OPTION_METHODS = re.compile(
    r"\.(get|get_mut|next|next_back|first|last|pop|pop_front|pop_back|find|find_map|position|max|min|"
    r"max_by|min_by|max_by_key|min_by_key|split_once|rsplit_once|checked_\w+|strip_prefix|strip_suffix|nth|peek|"
    r"parent|file_name|extension|to_str|as_deref|take|and_then|or|ok|err)\("
)


def _unwraps(src: Source, within: Node) -> list[Node]:
    out = []
    for call in src.of_type("call_expression", within=within):
        fn = call.child_by_field_name("function")
        if (
            fn is not None
            and fn.type == "field_expression"
            and src.t(fn.child_by_field_name("field")) == "unwrap"
            and not arguments(call)
        ):
            out.append(call)
    return out


def _question(src: Source, call: Node) -> tuple[int, int, str]:
    fn = call.child_by_field_name("function")
    assert fn is not None
    value = fn.child_by_field_name("value")
    assert value is not None
    return (value.end_byte, call.end_byte, "?")


@operator("unwrap", family=FAMILY, languages={"rust"})
def unwrap(src: Source) -> Iterator[Rewrite]:
    """Handle Rust ``Option``/``Result`` values instead of ``unwrap()``-ing them."""
    for fn in src.of_type("function_item"):
        body = fn.child_by_field_name("body")
        if body is None:
            continue
        calls = [
            c
            for c in _unwraps(src, body)
            if enclosing(c, {"closure_expression", "function_item"}) == fn
        ]
        if not calls:
            continue
        ret = fn.child_by_field_name("return_type")
        rtext = src.t(ret) if ret is not None else ""
        if rtext.startswith(("Option", "Result", "io::Result", "anyhow::Result")):
            if len(calls) > 1:
                yield Rewrite(
                    tuple(_question(src, c) for c in calls), "propagate with ? instead of unwrap()"
                )
            for c in calls:
                yield Rewrite((_question(src, c),), "propagate with ? instead of unwrap()")
        elif ret is not None and all(_RUST_OPTION_METHODS.search(src.t(c)) for c in calls):
            edits = [(ret.start_byte, ret.end_byte, f"Option<{rtext}>")] + [
                _question(src, c) for c in calls
            ]
            tail = body.named_children[-1] if body.named_children else None
            if tail is not None and tail.type not in (
                "expression_statement",
                "let_declaration",
                "line_comment",
                "block_comment",
            ):
                edits.append((tail.start_byte, tail.end_byte, f"Some({src.t(tail)})"))
                for r in src.of_type("return_expression", within=body):
                    if r.named_children:
                        v = r.named_children[0]
                        edits.append((v.start_byte, v.end_byte, f"Some({src.t(v)})"))
                yield Rewrite(tuple(edits), f"return Option<{rtext}> and propagate None with ?")
        for c in calls:
            fnode = c.child_by_field_name("function")
            value = fnode.child_by_field_name("value") if fnode is not None else None
            if value is None:
                continue
            if re.search(r"\.partial_cmp\(", src.t(value)):
                yield Rewrite(
                    ((value.end_byte, c.end_byte, ".unwrap_or(std::cmp::Ordering::Equal)"),),
                    "treat incomparable values as equal",
                )
            stmt = c.parent
            if (
                stmt is not None
                and stmt.type == "let_declaration"
                and stmt.child_by_field_name("value") == c
            ):
                pat = src.t(stmt.child_by_field_name("pattern"))
                indent = src.indent(stmt)
                exits = ["break", "continue"] if _in_loop(src, stmt, fn) else []
                if not rtext:
                    exits.append("return")
                for exit_ in exits:
                    lines = [
                        f"match {src.t(value)} {{",
                        f"{src.unit}Some({pat}) => {pat},",
                        f"{src.unit}None => {exit_},",
                        "};",
                    ]
                    yield Rewrite(
                        ((c.start_byte, stmt.end_byte, block_text(lines, indent)),),
                        f"{exit_} when there is no value",
                    )


# ----------------------------------------------------------------------------------- C/C++
_C_FALLIBLE = re.compile(
    r"(^|::|->|\.)(malloc|calloc|realloc|strdup|fopen|opendir|getenv|strchr|strrchr|strstr|find\w*|lookup\w*|get\w*|\w*_find|\w*_lookup|\w*_get|dynamic_cast)"
)


def _c_default(src: Source, fn: Node) -> str:
    typ = fn.child_by_field_name("type")
    decl = fn.child_by_field_name("declarator")
    text = src.t(typ) if typ is not None else "int"
    pointer = decl is not None and decl.type == "pointer_declarator"
    null = "nullptr" if src.language == "cpp" else "NULL"
    if pointer:
        return f"return {null};"
    if text == "void":
        return "return;"
    if text == "bool":
        return "return false;"
    if text.startswith("std::optional"):
        return "return std::nullopt;"
    if src.language == "cpp" and not re.fullmatch(
        r"(unsigned )?(int|long|short|size_t|ssize_t|char|double|float)", text
    ):
        return "return {};"
    return "return -1;"


@operator("null-pointer", family=FAMILY, languages={"c", "cpp"})
def null_pointer(src: Source) -> Iterator[Rewrite]:
    """Return early when a C/C++ call returned a null pointer."""
    for decl in src.of_type("declaration"):
        init = next((c for c in decl.named_children if c.type == "init_declarator"), None)
        if init is None:
            continue
        d = init.child_by_field_name("declarator")
        value = init.child_by_field_name("value")
        if (
            d is None
            or value is None
            or d.type != "pointer_declarator"
            and "auto*" not in src.t(decl).replace(" ", "")
        ):
            continue
        while d is not None and d.type == "pointer_declarator":
            d = d.child_by_field_name("declarator")
        if d is None or d.type != "identifier":
            continue
        call = value
        while call.type in ("cast_expression", "parenthesized_expression") and call.named_children:
            call = call.named_children[-1]
        if call.type != "call_expression" and not src.t(value).startswith("dynamic_cast"):
            continue
        if not _C_FALLIBLE.search(
            call_text(src, call) if call.type == "call_expression" else src.t(value)
        ):
            continue
        var = src.t(d)
        fn = function_of(src, decl)
        if fn is None or re.search(
            rf"\b{re.escape(var)}\s*[!=]=\s*(NULL|nullptr)|!{re.escape(var)}\b", src.t(fn)
        ):
            continue
        default = _c_default(src, fn)
        null = "nullptr" if src.language == "cpp" else "NULL"
        if src.language == "cpp":
            lines = [f"if ({var} == {null}) {{", src.unit + default, "}"]
        else:
            lines = [f"if ({var} == {null})", src.unit + default]
        yield Rewrite((insert_after(src, decl, lines),), f"return early when {var} is {null}")
