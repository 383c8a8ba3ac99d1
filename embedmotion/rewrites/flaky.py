"""The ``less-flaky`` family, part one: randomness, sleeps, ordering and clocks.

``seed-random``          ``random.X`` -> a seeded ``random.Random``; numpy ``default_rng``; JS
                         ``Math.random()`` -> a seeded generator; Java ``new Random()`` ->
                         ``new Random(42L)``; Go ``rand.X`` -> ``rand.New(rand.NewSource(42))``
``sleep-to-wait``        a fixed sleep followed by a check -> poll until the check holds
                         (``wait_until``, ``findBy``/``waitFor``, Awaitility, Mockito ``timeout``,
                         ``require.Eventually``)
``sort-before-compare``  an order-sensitive assertion on unordered data -> sort both sides or
                         compare as sets (``sorted``, ``.sort()``, ``containsExactlyInAnyOrder``,
                         ``ElementsMatch``, ``any_order=True``)
``freeze-clock``         ``now()``/``today()`` in tests -> a frozen clock; in code -> an injected
                         ``now``/``Clock``
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ._core import (
    JS_LIKE,
    Node,
    Rewrite,
    Source,
    block_text,
    delete_statement,
    insert_after,
    insert_before,
    operator,
)
from ._syntax import (
    CALLS,
    arguments,
    body_of,
    call_text,
    callee,
    first_body_statement,
    function_of,
    functions,
    is_test,
    name_of,
    statement_of,
    statements,
)

FAMILY = "less-flaky"
SEED = 42
_PY_RANDOM = frozenset(
    ["random", "randint", "randrange", "choice", "choices", "shuffle", "sample", "uniform", "gauss", "normalvariate", "lognormvariate", "expovariate", "paretovariate", "betavariate", "gammavariate", "triangular", "getrandbits", "vonmisesvariate", "weibullvariate", "randbytes"]
)
_NUMPY_RENAMES = {"rand": "random", "random_sample": "random", "randn": "standard_normal", "randint": "integers"}
_GO_RANDOM = frozenset(
    ["Intn", "Int", "Int31", "Int31n", "Int63", "Int63n", "Float64", "Float32", "Shuffle", "Perm", "Uint32", "Uint64", "ExpFloat64", "NormFloat64"]
)


def _calls(src: Source, within: Node | None = None) -> list[Node]:
    return src.of_type(*CALLS.get(src.language, ()), within=within)


def _by_function(src: Source, nodes: list[Node]) -> dict[int, tuple[Node, list[Node]]]:
    out: dict[int, tuple[Node, list[Node]]] = {}
    for n in nodes:
        fn = function_of(src, n)
        while fn is not None and body_of(src, fn) is None:
            fn = function_of(src, fn)
        if fn is None:
            continue
        out.setdefault(fn.start_byte, (fn, []))[1].append(n)
    return out


# --------------------------------------------------------------------------- seed random
@operator("seed-random", family=FAMILY, languages={"python", "java", "go", "rust"} | JS_LIKE)
def seed_random(src: Source) -> Iterator[Rewrite]:
    """Replace unseeded randomness with a generator seeded by a constant."""
    lang = src.language
    if lang == "python":
        yield from _seed_python(src)
    elif lang in JS_LIKE:
        sites = [c for c in _calls(src) if call_text(src, c) == "Math.random"]
        for fn, calls in _by_function(src, sites).values():
            first = first_body_statement(src, body_of(src, fn))  # type: ignore[arg-type]
            if first is None:
                continue
            edits = [insert_before(src, first, [f"const random = seededRandom({SEED});"])]
            edits += [(c.start_byte, c.end_byte, "random()") for c in calls]
            yield Rewrite(tuple(edits), f"draw from a seeded generator seededRandom({SEED})")
    elif lang == "java":
        for node in src.of_type("object_creation_expression"):
            typ = src.t(node.child_by_field_name("type"))
            args = arguments(node)
            if typ in ("Random", "java.util.Random") and not args:
                argnode = node.child_by_field_name("arguments")
                assert argnode is not None
                yield Rewrite(((argnode.start_byte, argnode.end_byte, f"({SEED}L)"),), f"seed new Random with {SEED}L")
        for call in src.of_type("method_invocation"):
            if call_text(src, call) == "Collections.shuffle" and len(arguments(call)) == 1:
                arg = arguments(call)[0]
                yield Rewrite(((arg.end_byte, arg.end_byte, f", new Random({SEED}L)"),), "shuffle with a seeded Random")
            if call_text(src, call) == "ThreadLocalRandom.current":
                yield Rewrite(((call.start_byte, call.end_byte, f"new Random({SEED}L)"),), "use a seeded Random")
    elif lang == "go":
        sites = []
        for call in _calls(src):
            fn = call.child_by_field_name("function")
            if fn is not None and fn.type == "selector_expression":
                operand = fn.child_by_field_name("operand")
                if src.t(operand) == "rand" and src.t(fn.child_by_field_name("field")) in _GO_RANDOM:
                    sites.append(operand)
        for fn, operands in _by_function(src, sites).values():
            first = first_body_statement(src, body_of(src, fn))  # type: ignore[arg-type]
            if first is None:
                continue
            edits = [insert_before(src, first, [f"rng := rand.New(rand.NewSource({SEED}))"])]
            edits += [(o.start_byte, o.end_byte, "rng") for o in operands]
            yield Rewrite(tuple(edits), f"draw from rand.New(rand.NewSource({SEED}))")
    elif lang == "rust":
        for call in _calls(src):
            if src.t(call.child_by_field_name("function")) in ("rand::thread_rng", "thread_rng", "rand::rng"):
                yield Rewrite(((call.start_byte, call.end_byte, f"StdRng::seed_from_u64({SEED})"),), "use a seeded StdRng")


def _seed_python(src: Source) -> Iterator[Rewrite]:
    plain, numpy = [], []
    for call in _calls(src):
        fn = call.child_by_field_name("function")
        if fn is None or fn.type != "attribute":
            continue
        obj = fn.child_by_field_name("object")
        attr = src.t(fn.child_by_field_name("attribute"))
        if src.t(obj) == "random" and attr in _PY_RANDOM:
            plain.append(fn)
        elif src.t(obj) in ("np.random", "numpy.random") and attr != "seed":
            numpy.append(fn)
    for fn_node, attrs in _by_function(src, plain).values():
        first = first_body_statement(src, body_of(src, fn_node))  # type: ignore[arg-type]
        if first is None:
            continue
        for seed in (SEED, 1234):
            edits = [insert_before(src, first, [f"rng = random.Random({seed})"])]
            for a in attrs:
                obj = a.child_by_field_name("object")
                assert obj is not None
                edits.append((obj.start_byte, obj.end_byte, "rng"))
            yield Rewrite(tuple(edits), f"use a seeded random.Random({seed}) instead of the global random module")
        yield Rewrite((insert_before(src, first, ["random.seed(0)"]),), "seed the global random module")
    for fn_node, attrs in _by_function(src, numpy).values():
        first = first_body_statement(src, body_of(src, fn_node))  # type: ignore[arg-type]
        if first is None:
            continue
        prefix = src.t(attrs[0].child_by_field_name("object")).split(".")[0]
        edits = [insert_before(src, first, [f"rng = {prefix}.random.default_rng({SEED})"])]
        for a in attrs:
            name = src.t(a.child_by_field_name("attribute"))
            edits.append((a.start_byte, a.end_byte, "rng." + _NUMPY_RENAMES.get(name, name)))
        yield Rewrite(tuple(edits), f"draw from a seeded numpy Generator ({SEED})")
    for asg in src.of_type("assignment"):
        right = asg.child_by_field_name("right")
        left = asg.child_by_field_name("left")
        if right is not None and left is not None and src.t(right) == "Faker()":
            stmt = statement_of(src, asg)
            if stmt is not None:
                yield Rewrite((insert_after(src, stmt, [f"{src.t(left)}.seed_instance({SEED})"]),), "seed the Faker instance")


# -------------------------------------------------------------------------- sleep to wait
def _is_sleep(src: Source, stmt: Node) -> tuple[Node, str] | None:
    """(the sleep call, its duration text) when ``stmt`` only sleeps."""
    calls = _calls(src, stmt)
    if not calls:
        return None
    text = src.t(stmt).strip().rstrip(";").removeprefix("await ").strip()
    call = calls[0]
    name = call_text(src, call)
    args = arguments(call)
    if name in ("time.sleep", "sleep", "asyncio.sleep", "Thread.sleep", "time.Sleep", "delay", "page.waitForTimeout") and args:
        if src.t(call) == text:
            return call, src.t(args[-1])
    m = re.fullmatch(r"new Promise\(\(?(\w+)\)?\s*=>\s*setTimeout\(\1,\s*([^)]+)\)\)", text)
    if m:
        return call, m.group(2)
    return None


def _py_condition(src: Source, stmt: Node) -> str | None:
    if stmt.type == "assert_statement" and stmt.named_children:
        return src.t(stmt.named_children[0])
    if stmt.type == "expression_statement" and stmt.named_children and stmt.named_children[0].type == "call":
        call = stmt.named_children[0]
        name = call_text(src, call)
        args = [src.t(a) for a in arguments(call)]
        if name.endswith("assertEqual") and len(args) >= 2:
            return f"{args[0]} == {args[1]}"
        if name.endswith("assertTrue") and args:
            return args[0]
        if name.endswith("assertIn") and len(args) >= 2:
            return f"{args[0]} in {args[1]}"
    return None


def _inline(cond: str, assigns: list[tuple[str, str]]) -> str:
    for name, value in reversed(assigns):
        cond = re.sub(rf"\b{re.escape(name)}\b", value, cond)
    return cond


@operator("sleep-to-wait", family=FAMILY, languages={"python", "java", "go"} | JS_LIKE)
def sleep_to_wait(src: Source) -> Iterator[Rewrite]:
    """Replace a fixed sleep by waiting for the condition the test checks next."""
    for fn in functions(src):
        stmts = statements(body_of(src, fn))
        for block in [stmts] + [statements(b) for b in _nested_blocks(src, fn)]:
            for i, stmt in enumerate(block):
                found = _is_sleep(src, stmt)
                if found is None:
                    continue
                call, duration = found
                rest = block[i + 1 :]
                before = block[i - 1] if i else None
                if src.language == "python":
                    yield from _wait_python(src, stmt, duration, rest, before)
                elif src.language in JS_LIKE:
                    yield from _wait_js(src, stmt, rest)
                elif src.language == "java":
                    yield from _wait_java(src, fn, stmt, duration, rest)
                elif src.language == "go":
                    yield from _wait_go(src, stmt, rest)


def _nested_blocks(src: Source, fn: Node) -> list[Node]:
    body = body_of(src, fn)
    kinds = ("block", "statement_block", "statement_list")
    return [b for b in src.of_type(*kinds, within=fn) if b != body and function_of(src, b) == fn]


def _number(text: str) -> float | None:
    try:
        return float(text.replace("_", ""))
    except ValueError:
        return None


def _wait_python(src: Source, stmt: Node, duration: str, rest: list[Node], before: Node | None) -> Iterator[Rewrite]:
    assigns: list[tuple[str, str]] = []
    for nxt in rest[:4]:
        cond = _py_condition(src, nxt)
        if cond is not None:
            cond = _inline(cond, assigns)
            new = f"wait_until(lambda: {cond}, timeout=10.0, interval=0.05)"
            yield Rewrite(((stmt.start_byte, stmt.end_byte, new),), "poll for the asserted condition instead of sleeping")
            seconds = _number(duration)
            if seconds is not None:
                new = f"wait_until(lambda: {cond}, timeout={seconds * 5:g})"
                yield Rewrite(((stmt.start_byte, stmt.end_byte, new),), "poll for the asserted condition instead of sleeping")
            break
        if nxt.type == "expression_statement" and nxt.named_children and nxt.named_children[0].type == "assignment":
            asg = nxt.named_children[0]
            left, right = asg.child_by_field_name("left"), asg.child_by_field_name("right")
            if left is not None and right is not None and left.type == "identifier":
                assigns.append((src.t(left), src.t(right)))
                continue
        break
    if before is not None and before.type == "expression_statement" and before.named_children:
        call = before.named_children[0]
        if call.type == "call" and callee(src, call)[1] in ("submit", "apply_async", "run_in_executor"):
            yield Rewrite(
                ((call.start_byte, call.start_byte, "future = "), (stmt.start_byte, stmt.end_byte, "future.result(timeout=10)")),
                "wait for the submitted future instead of sleeping",
            )


def _wait_js(src: Source, stmt: Node, rest: list[Node]) -> Iterator[Rewrite]:
    if not rest:
        return
    nxt = rest[0]
    text = src.t(nxt)
    delete = delete_statement(src, stmt)
    m = re.search(r"\bscreen\.(get|query)(All)?By", text)
    if m:
        pos = nxt.start_byte + len(text[: m.start()].encode())
        kind = "findAllBy" if m.group(2) else "findBy"
        new_call = f"await screen.{kind}"
        edit = (pos, pos + len(m.group(0).encode()), new_call)
        yield Rewrite((delete, edit), "wait with findBy instead of sleeping")
    m2 = re.fullmatch(r"expect\(await (.+)\.textContent\(\)\)\.toBe\((.+)\);?", text, re.S)
    if m2:
        new = f"await expect({m2.group(1)}).toHaveText({m2.group(2)});"
        yield Rewrite((delete, (nxt.start_byte, nxt.end_byte, new)), "use an auto-waiting assertion instead of sleeping")
    expects = []
    for s in rest:
        if src.t(s).startswith("expect("):
            expects.append(s)
        else:
            break
    if expects:
        first = src.t(expects[0]).rstrip(";")
        yield Rewrite(
            (delete, (expects[0].start_byte, expects[0].end_byte, f"await waitFor(() => {first});")),
            "wait for the expectation instead of sleeping",
        )
        if len(expects) > 1:
            indent = src.indent(expects[0])
            inner = [src.t(e) for e in expects]
            new = block_text(["await waitFor(() => {", *[src.unit + x for x in inner], "});"], indent)
            yield Rewrite(
                (delete, (expects[0].start_byte, expects[-1].end_byte, new)),
                "wait for the expectations instead of sleeping",
            )


def _wait_java(src: Source, fn: Node, stmt: Node, duration: str, rest: list[Node]) -> Iterator[Rewrite]:
    if not rest:
        return
    delete = delete_statement(src, stmt)
    throws = next((c for c in fn.children if c.type == "throws"), None)
    extra: tuple[tuple[int, int, str], ...] = ()
    if throws is not None and src.t(throws).split()[1:] == ["InterruptedException"]:
        extra = ((throws.start_byte - 1, throws.end_byte, ""),)
    indent = src.indent(rest[0])
    body = src.reindent(rest[0].start_byte, rest[-1].end_byte, add=src.unit)
    new = f"await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {{\n{body}\n{indent}}});"
    yield Rewrite(
        (delete, (src.line_start(rest[0].start_byte), rest[-1].end_byte, indent + new)) + extra,
        "retry the assertions with Awaitility instead of sleeping",
    )
    if len(rest) >= 1 and src.t(rest[0]).startswith("assert"):
        single = src.t(rest[0]).rstrip(";")
        yield Rewrite(
            (delete, (rest[0].start_byte, rest[0].end_byte, f"await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {single});")) + extra,
            "retry the assertion with Awaitility instead of sleeping",
        )
    millis = _number(duration)
    timeout = max(2000, int(millis * 10)) if millis is not None else 2000
    for s in rest[:3]:
        m = re.match(r"verify\((\w+)\)", src.t(s))
        if m:
            pos = s.start_byte + m.end(1)
            yield Rewrite((delete, (pos, pos, f", timeout({timeout})")) + extra, "verify with a Mockito timeout instead of sleeping")
            break


_GO_CHECKS = {"Equal": "{a} == {e}", "True": "{e}", "False": "!{e}", "NotEqual": "{a} != {e}", "Nil": "{e} == nil", "NotNil": "{e} != nil", "Len": "len({e}) == {a}"}


def _wait_go(src: Source, stmt: Node, rest: list[Node]) -> Iterator[Rewrite]:
    conds = []
    for s in rest:
        calls = _calls(src, s)
        if not calls or s.type != "expression_statement":
            break
        call = calls[0]
        recv, name = callee(src, call)
        if recv is None or src.t(recv) not in ("require", "assert") or name not in _GO_CHECKS:
            break
        args = [src.t(a) for a in arguments(call)][1:]
        if not args:
            break
        conds.append(_GO_CHECKS[name].format(e=args[0], a=args[1] if len(args) > 1 else ""))
    if not conds:
        return
    indent = src.indent(stmt)
    cond = " && ".join(conds)
    new = block_text(["require.Eventually(t, func() bool {", f"\treturn {cond}", "}, 2*time.Second, 10*time.Millisecond)"], indent)
    yield Rewrite(((stmt.start_byte, stmt.end_byte, new),), "poll with require.Eventually instead of sleeping")


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
        for x, y in ((left, right), (right, left)):
            if x.type == "identifier":
                compared.add(src.t(x))
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
            yield Rewrite(((cmp.start_byte, cmp.end_byte, new),), "compare without depending on order")
    for asg in src.of_type("assignment"):
        left, right = asg.child_by_field_name("left"), asg.child_by_field_name("right")
        if left is None or right is None or src.t(left) not in compared:
            continue
        if right.type == "list_comprehension":
            new = f"sorted({src.t(right)[1:-1]})"
        elif right.type == "call" and call_text(src, right) == "list" and len(arguments(right)) == 1:
            new = f"sorted({src.t(arguments(right)[0])})"
        else:
            continue
        yield Rewrite(((right.start_byte, right.end_byte, new),), f"sort {src.t(left)} when it is built")
    for call in _calls(src):
        name = call_text(src, call)
        args = arguments(call)
        if name.endswith("assert_has_calls") and args and not any("any_order" in src.t(a) for a in args):
            yield Rewrite(((args[-1].end_byte, args[-1].end_byte, ", any_order=True"),), "accept the calls in any order")
        if name.endswith(("assertEqual", "assertListEqual")) and len(args) >= 2:
            fn = call.child_by_field_name("function")
            attr = fn.child_by_field_name("attribute") if fn is not None else None
            if attr is not None:
                yield Rewrite(((attr.start_byte, attr.end_byte, "assertCountEqual"),), "compare the elements in any order")


def _unordered_js(src: Source) -> Iterator[Rewrite]:
    for call in _calls(src):
        fn = call.child_by_field_name("function")
        if fn is None or fn.type != "member_expression":
            continue
        matcher = src.t(fn.child_by_field_name("property"))
        target = fn.child_by_field_name("object")
        if matcher not in ("toEqual", "toStrictEqual") or target is None or target.type != "call_expression":
            continue
        if call_text(src, target) != "expect" or len(arguments(target)) != 1:
            continue
        actual = arguments(target)[0]
        expected = arguments(call)
        at = src.t(actual)
        if at.endswith(".sort()"):
            continue
        yield Rewrite(((actual.end_byte, actual.end_byte, ".sort()"),), "sort the actual values before comparing")
        if expected:
            et = src.t(expected[0])
            yield Rewrite(((expected[0].start_byte, expected[0].end_byte, f"expect.arrayContaining({et})"),), "accept the values in any order")
            yield Rewrite(
                ((actual.start_byte, actual.end_byte, f"new Set({at})"), (expected[0].start_byte, expected[0].end_byte, f"new Set({et})")),
                "compare as sets",
            )


def _unordered_java(src: Source) -> Iterator[Rewrite]:
    for call in src.of_type("method_invocation"):
        if call_text(src, call) not in ("assertEquals", "Assertions.assertEquals", "Assert.assertEquals"):
            continue
        args = arguments(call)
        if len(args) < 2:
            continue
        expected, actual = args[0], args[1]
        et, at = src.t(expected), src.t(actual)
        stmt = statement_of(src, call)
        if expected.type == "method_invocation" and call_text(src, expected) in ("List.of", "Arrays.asList"):
            items = ", ".join(src.t(a) for a in arguments(expected))
            if stmt is not None:
                yield Rewrite(((stmt.start_byte, stmt.end_byte, f"assertThat({at}).containsExactlyInAnyOrder({items});"),), "assert the elements in any order")
            yield Rewrite(
                ((expected.start_byte, expected.end_byte, f"new HashSet<>({et})"), (actual.start_byte, actual.end_byte, f"new HashSet<>({at})")),
                "compare as sets",
            )
        if expected.type == "string_literal" and re.match(r'"\s*[\[{]', et):
            mapper = re.search(r"\b(\w*[mM]apper)\.(?:writeValueAsString|readValue|readTree)\b", src.text)
            name = mapper.group(1) if mapper else "mapper"
            yield Rewrite(
                ((expected.start_byte, expected.end_byte, f"{name}.readTree({et})"), (actual.start_byte, actual.end_byte, f"{name}.readTree({at})")),
                "compare the JSON documents, not their key order",
            )


def _unordered_go(src: Source) -> Iterator[Rewrite]:
    for call in _calls(src):
        recv, name = callee(src, call)
        args = arguments(call)
        if recv is not None and src.t(recv) in ("assert", "require") and name == "Equal" and len(args) >= 3:
            if any(a.type == "composite_literal" and src.t(a).startswith("[]") for a in args[1:3]):
                fn = call.child_by_field_name("function")
                field = fn.child_by_field_name("field") if fn is not None else None
                if field is not None:
                    yield Rewrite(((field.start_byte, field.end_byte, "ElementsMatch"),), "compare the elements in any order")
        if call_text(src, call) in ("reflect.DeepEqual", "slices.Equal") and len(args) == 2:
            stmt = statement_of(src, call)
            actual = args[0]
            if stmt is None or actual.type != "identifier":
                continue
            name_a = src.t(actual)
            definition = _go_definition(src, stmt, name_a)
            for sorter in (f"sort.Strings({name_a})", f"slices.Sort({name_a})"):
                if definition is not None:
                    yield Rewrite((insert_after(src, definition, [sorter]),), f"sort {name_a} before comparing")
                yield Rewrite((insert_before(src, stmt, [sorter]),), f"sort {name_a} before comparing")
                lit = _go_sorted_literal(src, stmt)
                if lit is not None:
                    yield Rewrite((insert_before(src, stmt, [sorter]), lit), f"sort {name_a} and the expected values")


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
        if items and all(i.named_children and i.named_children[0].type == "interpreted_string_literal" for i in items):
            texts = [src.t(i) for i in items]
            if texts != sorted(texts):
                return (lit.start_byte, lit.end_byte, "{" + ", ".join(sorted(texts)) + "}")
    return None


# ----------------------------------------------------------------------------- the clock
_PY_NOW = {"datetime.now": "now", "datetime.utcnow": "now", "datetime.datetime.now": "now", "date.today": "today", "time.time": "now"}
_PY_NOW_TYPES = {"now": "datetime", "today": "date"}
_JAVA_NOW = frozenset({"LocalDate", "LocalDateTime", "LocalTime", "Instant", "ZonedDateTime", "OffsetDateTime"})
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
    sites = [c for c in _calls(src) if call_text(src, c) in _PY_NOW]
    for fn, calls in _by_function(src, sites).values():
        if is_test(src, fn):
            top = fn.parent if fn.parent is not None and fn.parent.type == "decorated_definition" else fn
            yield Rewrite(((top.start_byte, top.start_byte, f'@freeze_time("2024-01-01 12:00:00")\n{src.indent(top)}'),), "freeze the clock in the test")
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
    uses_clock = [n for n in src.of_type("call_expression", "new_expression")
                  if src.t(n) in ("Date.now()", "new Date()")]
    if not uses_clock:
        return
    for call in _calls(src):
        if call_text(src, call) != "describe":
            continue
        args = arguments(call)
        body = body_of(src, args[-1]) if args and args[-1].type in ("arrow_function", "function_expression", "function") else None
        first = statements(body)[0] if statements(body) else None
        if first is None:
            continue
        style = "() =>" if args[-1].type == "arrow_function" else "function ()"
        u = src.unit
        for lib, setup in (("jest", f"jest.useFakeTimers().setSystemTime(new Date('{_FROZEN}'));"), ("vi", f"vi.useFakeTimers();\n{u}vi.setSystemTime(new Date('{_FROZEN}'));")):
            lines = [f"beforeEach({style} {{", *[u + x.strip() for x in setup.split("\n")], "});", "",
                     f"afterEach({style} {{", f"{u}{lib}.useRealTimers();", "});", ""]
            yield Rewrite((insert_before(src, first, lines[:-1]),), f"freeze the clock with {lib} fake timers")
    for fn in functions(src):
        if is_test(src, fn):
            continue
        for stmt in statements(body_of(src, fn)):
            m = re.fullmatch(r"(?:const|let) (\w+) = (new Date\(\)|Date\.now\(\));?", src.t(stmt))
            plist = fn.child_by_field_name("parameters")
            if m and plist is not None:
                sep = "" if src.t(plist) == "()" else ", "
                yield Rewrite(
                    ((plist.end_byte - 1, plist.end_byte - 1, f"{sep}{m.group(1)} = {m.group(2)}"), delete_statement(src, stmt)),
                    f"let callers pass {m.group(1)}",
                )


def _clock_java(src: Source) -> Iterator[Rewrite]:
    sites = []
    for call in src.of_type("method_invocation"):
        obj, name = callee(src, call)
        if name == "now" and obj is not None and src.t(obj) in _JAVA_NOW and len(arguments(call)) <= 1:
            sites.append(call)
    for fn, calls in _by_function(src, sites).values():
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
    sites = [c for c in _calls(src) if src.t(c) == "time.Now()"]
    for fn, calls in _by_function(src, sites).values():
        recv = fn.child_by_field_name("receiver")
        if recv is not None and recv.named_children:
            rname = name_of(src, recv.named_children[0]) if recv.named_children[0].child_by_field_name("name") else ""
            if rname:
                for repl in (f"{rname}.now()", f"{rname}.clock.Now()"):
                    yield Rewrite(tuple((c.start_byte, c.end_byte, repl) for c in calls), f"read the time from {repl}")
        elif is_test(src, fn):
            first = first_body_statement(src, body_of(src, fn))  # type: ignore[arg-type]
            if first is None:
                continue
            edits = [insert_before(src, first, ["now := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)"])]
            edits += [(c.start_byte, c.end_byte, "now") for c in calls]
            yield Rewrite(tuple(edits), "use a fixed time instead of time.Now()")

