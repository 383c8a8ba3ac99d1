"""The ``less-flaky`` family: unordered results and the wall clock.

``sort-before-compare``  an order-sensitive assertion on unordered data -> sort it, or compare
                         as sets (``sorted``, ``.sort()``, ``containsExactlyInAnyOrder``,
                         ``ElementsMatch``, ``any_order=True``, ``assertCountEqual``, JSON trees)
``freeze-clock``         ``now()``/``today()`` in tests -> a frozen clock (``freeze_time``, fake
                         timers, ``Clock.fixed``); in code -> an injected ``now``/``Clock``
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ._core import (
    JS_LIKE,
    Node,
    Rewrite,
    Source,
    delete_statement,
    insert_after,
    insert_before,
    operator,
)
from ._syntax import (
    arguments,
    body_of,
    by_function,
    call_text,
    callee,
    calls_in,
    first_body_statement,
    functions,
    is_test,
    name_of,
    params,
    statement_of,
    statements,
)

FAMILY = "less-flaky"


# ------------------------------------------------------------------ sort before comparing
def _py_sorted_literal(src: Source, node: Node) -> str | None:
    if node.type != "list" or not node.named_children:
        return None
    items = [src.t(c) for c in node.named_children]
    if not all(c.type in ("string", "integer", "float") for c in node.named_children):
        return None
    return "[" + ", ".join(sorted(items)) + "]"


@operator("sort-before-compare", family=FAMILY, languages={"python", "java", "go"} | JS_LIKE)
def sort_before_compare(src: Source) -> Iterator[Rewrite]:
    """Make an assertion insensitive to the order of unordered results."""
    if src.language == "python":
        yield from _unordered_python(src)
    elif src.language in JS_LIKE:
        yield from _unordered_js(src)
    elif src.language == "java":
        yield from _unordered_java(src)
    elif src.language == "go":
        yield from _unordered_go(src)


def _unordered_python(src: Source) -> Iterator[Rewrite]:
    compared: set[str] = set()
    for stmt in src.of_type("assert_statement"):
        cmp = stmt.named_children[0] if stmt.named_children else None
        if cmp is None or cmp.type != "comparison_operator" or len(cmp.named_children) != 2:
            continue
        if [src.t(t) for t in cmp.children if not t.is_named] != ["=="]:
            continue
        left, right = cmp.named_children
        for side in (left, right):
            if side.type == "identifier":
                compared.add(src.t(side))
        x, y = (right, left) if left.type in ("list", "set") else (left, right)
        xt, yt = src.t(x), src.t(y)
        if xt.startswith(("sorted(", "set(")):
            continue
        out: list[str] = []
        if x.type == "call" and call_text(src, x) == "list" and len(arguments(x)) == 1:
            inner = src.t(arguments(x)[0])
            out += [f"sorted({inner}) == {yt}"]
            if y.type == "list":
                out += [f"{inner} == {{{yt[1:-1]}}}", f"set({inner}) == {{{yt[1:-1]}}}"]
        elif x.type == "list_comprehension":
            gen = xt[1:-1]
            out += [f"sorted({gen}) == {yt}", f"sorted({gen}) == sorted({yt})"]
        else:
            out += [f"sorted({xt}) == {yt}", f"sorted({xt}) == sorted({yt})"]
            if y.type == "list":
                out.append(f"set({xt}) == {{{yt[1:-1]}}}")
        lit = _py_sorted_literal(src, y)
        if lit is not None and lit != yt:
            out.append(f"sorted({xt}) == {lit}")
        for new in out:
            yield Rewrite(
                ((cmp.start_byte, cmp.end_byte, new),), "compare without depending on order"
            )
    for asg in src.of_type("assignment"):
        target, value = asg.child_by_field_name("left"), asg.child_by_field_name("right")
        if target is None or value is None or src.t(target) not in compared:
            continue
        if value.type == "list_comprehension":
            new = f"sorted({src.t(value)[1:-1]})"
        elif (
            value.type == "call" and call_text(src, value) == "list" and len(arguments(value)) == 1
        ):
            new = f"sorted({src.t(arguments(value)[0])})"
        else:
            continue
        yield Rewrite(
            ((value.start_byte, value.end_byte, new),), f"sort {src.t(target)} when it is built"
        )
    for call in calls_in(src):
        name = call_text(src, call)
        args = arguments(call)
        if (
            name.endswith("assert_has_calls")
            and args
            and not any("any_order" in src.t(a) for a in args)
        ):
            yield Rewrite(
                ((args[-1].end_byte, args[-1].end_byte, ", any_order=True"),),
                "accept the calls in any order",
            )
        if name.endswith(("assertEqual", "assertListEqual")) and len(args) >= 2:
            fn = call.child_by_field_name("function")
            attr = fn.child_by_field_name("attribute") if fn is not None else None
            if attr is not None:
                yield Rewrite(
                    ((attr.start_byte, attr.end_byte, "assertCountEqual"),),
                    "compare the elements in any order",
                )


def _unordered_js(src: Source) -> Iterator[Rewrite]:
    for call in calls_in(src):
        fn = call.child_by_field_name("function")
        if fn is None or fn.type != "member_expression":
            continue
        matcher = src.t(fn.child_by_field_name("property"))
        target = fn.child_by_field_name("object")
        if (
            matcher not in ("toEqual", "toStrictEqual")
            or target is None
            or target.type != "call_expression"
        ):
            continue
        if call_text(src, target) != "expect" or len(arguments(target)) != 1:
            continue
        actual = arguments(target)[0]
        expected = arguments(call)
        at = src.t(actual)
        if at.endswith(".sort()"):
            continue
        yield Rewrite(
            ((actual.end_byte, actual.end_byte, ".sort()"),),
            "sort the actual values before comparing",
        )
        if expected:
            et = src.t(expected[0])
            yield Rewrite(
                ((expected[0].start_byte, expected[0].end_byte, f"expect.arrayContaining({et})"),),
                "accept the values in any order",
            )
            yield Rewrite(
                (
                    (actual.start_byte, actual.end_byte, f"new Set({at})"),
                    (expected[0].start_byte, expected[0].end_byte, f"new Set({et})"),
                ),
                "compare as sets",
            )


def _unordered_java(src: Source) -> Iterator[Rewrite]:
    for call in src.of_type("method_invocation"):
        if call_text(src, call) not in (
            "assertEquals",
            "Assertions.assertEquals",
            "Assert.assertEquals",
        ):
            continue
        args = arguments(call)
        if len(args) < 2:
            continue
        expected, actual = args[0], args[1]
        et, at = src.t(expected), src.t(actual)
        stmt = statement_of(src, call)
        if expected.type == "method_invocation" and call_text(src, expected) in (
            "List.of",
            "Arrays.asList",
        ):
            items = ", ".join(src.t(a) for a in arguments(expected))
            if stmt is not None:
                yield Rewrite(
                    (
                        (
                            stmt.start_byte,
                            stmt.end_byte,
                            f"assertThat({at}).containsExactlyInAnyOrder({items});",
                        ),
                    ),
                    "assert the elements in any order",
                )
            yield Rewrite(
                (
                    (expected.start_byte, expected.end_byte, f"new HashSet<>({et})"),
                    (actual.start_byte, actual.end_byte, f"new HashSet<>({at})"),
                ),
                "compare as sets",
            )
        if expected.type == "string_literal" and re.match(r'"\s*[\[{]', et):
            mapper = re.search(
                r"\b(\w*[mM]apper)\.(?:writeValueAsString|readValue|readTree)\b", src.text
            )
            name = mapper.group(1) if mapper else "mapper"
            yield Rewrite(
                (
                    (expected.start_byte, expected.end_byte, f"{name}.readTree({et})"),
                    (actual.start_byte, actual.end_byte, f"{name}.readTree({at})"),
                ),
                "compare the JSON documents, not their key order",
            )


def _unordered_go(src: Source) -> Iterator[Rewrite]:
    for call in calls_in(src):
        recv, name = callee(src, call)
        args = arguments(call)
        is_equal = recv is not None and src.t(recv) in ("assert", "require") and name == "Equal"
        if (
            is_equal
            and len(args) >= 3
            and any(a.type == "composite_literal" and src.t(a).startswith("[]") for a in args[1:3])
        ):
            fn = call.child_by_field_name("function")
            field = fn.child_by_field_name("field") if fn is not None else None
            if field is not None:
                yield Rewrite(
                    ((field.start_byte, field.end_byte, "ElementsMatch"),),
                    "compare the elements in any order",
                )
        if call_text(src, call) in ("reflect.DeepEqual", "slices.Equal") and len(args) == 2:
            stmt = statement_of(src, call)
            actual = args[0]
            if stmt is None or actual.type != "identifier":
                continue
            name_a = src.t(actual)
            definition = _go_definition(src, stmt, name_a)
            for sorter in (f"sort.Strings({name_a})", f"slices.Sort({name_a})"):
                if definition is not None:
                    yield Rewrite(
                        (insert_after(src, definition, [sorter]),),
                        f"sort {name_a} before comparing",
                    )
                yield Rewrite(
                    (insert_before(src, stmt, [sorter]),), f"sort {name_a} before comparing"
                )
                lit = _go_sorted_literal(src, stmt)
                if lit is not None:
                    yield Rewrite(
                        (insert_before(src, stmt, [sorter]), lit),
                        f"sort {name_a} and the expected values",
                    )


def _go_definition(src: Source, stmt: Node, name: str) -> Node | None:
    sib = stmt.prev_named_sibling
    while sib is not None:
        if sib.type == "short_var_declaration":
            left = sib.child_by_field_name("left")
            if left is not None and name in [src.t(c) for c in left.named_children]:
                return sib
        sib = sib.prev_named_sibling
    return None


def _go_sorted_literal(src: Source, stmt: Node) -> tuple[int, int, str] | None:
    for lit in src.of_type("literal_value", within=stmt):
        items = [c for c in lit.named_children if c.type == "literal_element"]
        if items and all(
            i.named_children and i.named_children[0].type == "interpreted_string_literal"
            for i in items
        ):
            texts = [src.t(i) for i in items]
            if texts != sorted(texts):
                return (lit.start_byte, lit.end_byte, "{" + ", ".join(sorted(texts)) + "}")
    return None


# ----------------------------------------------------------------------------- the clock
_PY_NOW = {
    "datetime.now": "now",
    "datetime.utcnow": "now",
    "datetime.datetime.now": "now",
    "date.today": "today",
    "time.time": "now",
}
_PY_NOW_TYPES = {"now": "datetime", "today": "date"}
_JAVA_NOW = frozenset(
    {"LocalDate", "LocalDateTime", "LocalTime", "Instant", "ZonedDateTime", "OffsetDateTime"}
)
_FROZEN = "2024-01-01T12:00:00Z"


@operator("freeze-clock", family=FAMILY, languages={"python", "java", "go"} | JS_LIKE)
def freeze_clock(src: Source) -> Iterator[Rewrite]:
    """Stop depending on the wall clock: freeze it in tests, inject it in code."""
    if src.language == "python":
        yield from _clock_python(src)
    elif src.language in JS_LIKE:
        yield from _clock_js(src)
    elif src.language == "java":
        yield from _clock_java(src)
    elif src.language == "go":
        yield from _clock_go(src)


def _clock_python(src: Source) -> Iterator[Rewrite]:
    sites = [c for c in calls_in(src) if call_text(src, c) in _PY_NOW]
    for fn, calls in by_function(src, sites).values():
        if is_test(src, fn):
            top = (
                fn.parent
                if fn.parent is not None and fn.parent.type == "decorated_definition"
                else fn
            )
            yield Rewrite(
                (
                    (
                        top.start_byte,
                        top.start_byte,
                        f'@freeze_time("2024-01-01 12:00:00")\n{src.indent(top)}',
                    ),
                ),
                "freeze the clock in the test",
            )
            continue
        kind = _PY_NOW[call_text(src, calls[0])]
        if kind == "now" and call_text(src, calls[0]) == "time.time":
            typ = "float"
        else:
            typ = _PY_NOW_TYPES[kind]
        plist = fn.child_by_field_name("parameters")
        if plist is None:
            continue
        ptext = src.t(plist)
        star = "*" in ptext.replace("**", "")
        sep = "" if ptext == "()" else ", "
        new_param = f"{sep}{'' if star else '*, '}{kind}: {typ} | None = None"
        edits = [(plist.end_byte - 1, plist.end_byte - 1, new_param)]
        for c in calls:
            parent = c.parent
            bare = parent is not None and parent.type in ("assignment", "expression_statement")
            expr = f"{kind} if {kind} is not None else {src.t(c)}"
            edits.append((c.start_byte, c.end_byte, expr if bare else f"({expr})"))
        yield Rewrite(tuple(edits), f"let callers pass {kind}")


def _clock_js(src: Source) -> Iterator[Rewrite]:
    uses_clock = [
        n
        for n in src.of_type("call_expression", "new_expression")
        if src.t(n) in ("Date.now()", "new Date()")
    ]
    if not uses_clock:
        return
    yield from _inject_clock_ts(src, [n for n in uses_clock if src.t(n) == "Date.now()"])
    for call in calls_in(src):
        if call_text(src, call) != "describe":
            continue
        args = arguments(call)
        body = (
            body_of(src, args[-1])
            if args and args[-1].type in ("arrow_function", "function_expression", "function")
            else None
        )
        first = statements(body)[0] if statements(body) else None
        if first is None:
            continue
        style = "() =>" if args[-1].type == "arrow_function" else "function ()"
        u = src.unit
        for lib, setup in (
            ("jest", f"jest.useFakeTimers().setSystemTime(new Date('{_FROZEN}'));"),
            ("vi", f"vi.useFakeTimers();\n{u}vi.setSystemTime(new Date('{_FROZEN}'));"),
        ):
            lines = [
                f"beforeEach({style} {{",
                *[u + x.strip() for x in setup.split("\n")],
                "});",
                "",
                f"afterEach({style} {{",
                f"{u}{lib}.useRealTimers();",
                "});",
                "",
            ]
            yield Rewrite(
                (insert_before(src, first, lines[:-1]),), f"freeze the clock with {lib} fake timers"
            )
    for fn in functions(src):
        if is_test(src, fn):
            continue
        for stmt in statements(body_of(src, fn)):
            m = re.fullmatch(r"(?:const|let) (\w+) = (new Date\(\)|Date\.now\(\));?", src.t(stmt))
            plist = fn.child_by_field_name("parameters")
            if m and plist is not None:
                sep = "" if src.t(plist) == "()" else ", "
                yield Rewrite(
                    (
                        (
                            plist.end_byte - 1,
                            plist.end_byte - 1,
                            f"{sep}{m.group(1)} = {m.group(2)}",
                        ),
                        delete_statement(src, stmt),
                    ),
                    f"let callers pass {m.group(1)}",
                )


def _clock_java(src: Source) -> Iterator[Rewrite]:
    sites = []
    for call in src.of_type("method_invocation"):
        obj, name = callee(src, call)
        if (
            name == "now"
            and obj is not None
            and src.t(obj) in _JAVA_NOW
            and len(arguments(call)) <= 1
        ):
            sites.append(call)
    for _fn, calls in by_function(src, sites).values():
        first_stmt = statement_of(src, calls[0])
        if first_stmt is None:
            continue
        args = arguments(calls[0])
        zone = src.t(args[0]) if args else "ZoneOffset.UTC"
        clock = f'Clock clock = Clock.fixed(Instant.parse("{_FROZEN}"), {zone});'
        edits = [insert_before(src, first_stmt, [clock])]
        for c in calls:
            argnode = c.child_by_field_name("arguments")
            assert argnode is not None
            edits.append((argnode.start_byte, argnode.end_byte, "(clock)"))
        yield Rewrite(tuple(edits), "read the time from a fixed Clock")


def _clock_go(src: Source) -> Iterator[Rewrite]:
    sites = [c for c in calls_in(src) if src.t(c) == "time.Now()"]
    for fn, calls in by_function(src, sites).values():
        recv = fn.child_by_field_name("receiver")
        if recv is not None and recv.named_children:
            rname = (
                name_of(src, recv.named_children[0])
                if recv.named_children[0].child_by_field_name("name")
                else ""
            )
            if rname:
                for repl in (f"{rname}.now()", f"{rname}.clock.Now()"):
                    yield Rewrite(
                        tuple((c.start_byte, c.end_byte, repl) for c in calls),
                        f"read the time from {repl}",
                    )
        elif is_test(src, fn):
            first = first_body_statement(src, body_of(src, fn))  # type: ignore[arg-type]
            if first is None:
                continue
            edits = [
                insert_before(src, first, ["now := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)"])
            ]
            edits += [(c.start_byte, c.end_byte, "now") for c in calls]
            yield Rewrite(tuple(edits), "use a fixed time instead of time.Now()")


def _inject_clock_ts(src: Source, calls: list[Node]) -> Iterator[Rewrite]:
    """A TS class reading ``Date.now()`` takes a ``now`` function in its constructor."""
    if src.language == "javascript":
        return
    for cls in src.of_type("class_declaration", "class"):
        inside = [c for c in calls if cls.start_byte <= c.start_byte < cls.end_byte]
        ctor = next(
            (
                m
                for m in src.of_type("method_definition", within=cls)
                if name_of(src, m) == "constructor"
            ),
            None,
        )
        plist = ctor.child_by_field_name("parameters") if ctor is not None else None
        if not inside or plist is None:
            continue
        prop = "private readonly now: () => number = Date.now"
        ps = params(src, ctor)  # type: ignore[arg-type]
        tail = src.slice(ps[-1].end_byte, plist.end_byte) if ps else ""
        if ps and tail.startswith(",") and "\n" in tail:
            edit = (ps[-1].end_byte + 1, ps[-1].end_byte + 1, f"\n{src.indent(ps[-1])}{prop},")
        else:
            edit = (plist.end_byte - 1, plist.end_byte - 1, (", " if ps else "") + prop)
        edits = [edit] + [(c.start_byte, c.end_byte, "this.now()") for c in inside]
        yield Rewrite(tuple(edits), "let the constructor take the clock (now)")
