"""The ``less-flaky`` family, randomness and sleeps.

``seed-random``          ``random.X`` -> a seeded ``random.Random``; numpy ``default_rng``; JS
                         ``Math.random()`` -> a seeded generator; Java ``new Random()`` ->
                         ``new Random(42L)``; Go ``rand.X`` -> ``rand.New(rand.NewSource(42))``
``sleep-to-wait``        a fixed sleep followed by a check -> poll until the check holds
                         (``wait_until``, ``findBy``/``waitFor``, Awaitility, Mockito ``timeout``,
                         ``require.Eventually``)
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
    arguments,
    body_of,
    by_function,
    call_text,
    callee,
    calls_in,
    first_body_statement,
    function_of,
    functions,
    statement_of,
    statements,
)

FAMILY = "less-flaky"
SEED = 42
_PY_RANDOM = frozenset(
    [
        "random",
        "randint",
        "randrange",
        "choice",
        "choices",
        "shuffle",
        "sample",
        "uniform",
        "gauss",
        "normalvariate",
        "lognormvariate",
        "expovariate",
        "paretovariate",
        "betavariate",
        "gammavariate",
        "triangular",
        "getrandbits",
        "vonmisesvariate",
        "weibullvariate",
        "randbytes",
    ]
)
_NUMPY_RENAMES = {
    "rand": "random",
    "random_sample": "random",
    "randn": "standard_normal",
    "randint": "integers",
}
_GO_RANDOM = frozenset(
    [
        "Intn",
        "Int",
        "Int31",
        "Int31n",
        "Int63",
        "Int63n",
        "Float64",
        "Float32",
        "Shuffle",
        "Perm",
        "Uint32",
        "Uint64",
        "ExpFloat64",
        "NormFloat64",
    ]
)


# --------------------------------------------------------------------------- seed random
@operator("seed-random", family=FAMILY, languages={"python", "java", "go", "rust"} | JS_LIKE)
def seed_random(src: Source) -> Iterator[Rewrite]:
    """Replace unseeded randomness with a generator seeded by a constant."""
    lang = src.language
    if lang == "python":
        yield from _seed_python(src)
    elif lang in JS_LIKE:
        sites = [c for c in calls_in(src) if call_text(src, c) == "Math.random"]
        for fn, calls in by_function(src, sites).values():
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
                yield Rewrite(
                    ((argnode.start_byte, argnode.end_byte, f"({SEED}L)"),),
                    f"seed new Random with {SEED}L",
                )
        for call in src.of_type("method_invocation"):
            if call_text(src, call) == "Collections.shuffle" and len(arguments(call)) == 1:
                arg = arguments(call)[0]
                yield Rewrite(
                    ((arg.end_byte, arg.end_byte, f", new Random({SEED}L)"),),
                    "shuffle with a seeded Random",
                )
            if call_text(src, call) == "ThreadLocalRandom.current":
                yield Rewrite(
                    ((call.start_byte, call.end_byte, f"new Random({SEED}L)"),),
                    "use a seeded Random",
                )
    elif lang == "go":
        sites = []
        for call in calls_in(src):
            sel = call.child_by_field_name("function")
            if sel is not None and sel.type == "selector_expression":
                operand = sel.child_by_field_name("operand")
                if (
                    operand is not None
                    and src.t(operand) == "rand"
                    and src.t(sel.child_by_field_name("field")) in _GO_RANDOM
                ):
                    sites.append(operand)
        for fn, operands in by_function(src, sites).values():
            first = first_body_statement(src, body_of(src, fn))  # type: ignore[arg-type]
            if first is None:
                continue
            edits = [insert_before(src, first, [f"rng := rand.New(rand.NewSource({SEED}))"])]
            edits += [(o.start_byte, o.end_byte, "rng") for o in operands]
            yield Rewrite(tuple(edits), f"draw from rand.New(rand.NewSource({SEED}))")
    elif lang == "rust":
        for call in calls_in(src):
            if src.t(call.child_by_field_name("function")) in (
                "rand::thread_rng",
                "thread_rng",
                "rand::rng",
            ):
                yield Rewrite(
                    ((call.start_byte, call.end_byte, f"StdRng::seed_from_u64({SEED})"),),
                    "use a seeded StdRng",
                )


def _seed_python(src: Source) -> Iterator[Rewrite]:
    plain, numpy = [], []
    for call in calls_in(src):
        fn = call.child_by_field_name("function")
        if fn is None or fn.type != "attribute":
            continue
        obj = fn.child_by_field_name("object")
        attr = src.t(fn.child_by_field_name("attribute"))
        if src.t(obj) == "random" and attr in _PY_RANDOM:
            plain.append(fn)
        elif src.t(obj) in ("np.random", "numpy.random") and attr != "seed":
            numpy.append(fn)
    for fn_node, attrs in by_function(src, plain).values():
        first = first_body_statement(src, body_of(src, fn_node))  # type: ignore[arg-type]
        if first is None:
            continue
        for seed in (SEED, 1234):
            edits = [insert_before(src, first, [f"rng = random.Random({seed})"])]
            for a in attrs:
                obj = a.child_by_field_name("object")
                assert obj is not None
                edits.append((obj.start_byte, obj.end_byte, "rng"))
            yield Rewrite(
                tuple(edits),
                f"use a seeded random.Random({seed}) instead of the global random module",
            )
        yield Rewrite(
            (insert_before(src, first, ["random.seed(0)"]),), "seed the global random module"
        )
    for fn_node, attrs in by_function(src, numpy).values():
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
                yield Rewrite(
                    (insert_after(src, stmt, [f"{src.t(left)}.seed_instance({SEED})"]),),
                    "seed the Faker instance",
                )


# -------------------------------------------------------------------------- sleep to wait
_SLEEPS = frozenset(
    {
        "time.sleep",
        "sleep",
        "asyncio.sleep",
        "Thread.sleep",
        "time.Sleep",
        "delay",
        "page.waitForTimeout",
    }
)


def _is_sleep(src: Source, stmt: Node) -> tuple[Node, str] | None:
    """(the sleep call, its duration text) when ``stmt`` only sleeps."""
    calls = calls_in(src, stmt)
    if not calls:
        return None
    text = src.t(stmt).strip().rstrip(";").removeprefix("await ").strip()
    call = calls[0]
    name = call_text(src, call)
    args = arguments(call)
    if name in _SLEEPS and args and src.t(call) == text:
        return call, src.t(args[-1])
    m = re.fullmatch(r"new Promise\(\(?(\w+)\)?\s*=>\s*setTimeout\(\1,\s*([^)]+)\)\)", text)
    if m:
        return call, m.group(2)
    return None


def _py_condition(src: Source, stmt: Node) -> str | None:
    if stmt.type == "assert_statement" and stmt.named_children:
        return src.t(stmt.named_children[0])
    if (
        stmt.type == "expression_statement"
        and stmt.named_children
        and stmt.named_children[0].type == "call"
    ):
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
                if len(block) == 1:
                    yield from _poll_loop(src, stmt, duration)


def _negated(src: Source, cond: Node) -> str:
    text = src.t(cond)
    if src.language == "python":
        if cond.type == "not_operator":
            return src.t(cond.named_children[-1])
        return f"not {text}" if cond.type != "boolean_operator" else f"not ({text})"
    if cond.type == "unary_expression" and text.startswith("!"):
        return text[1:].strip()
    simple = cond.type in ("identifier", "method_invocation", "call_expression", "field_access")
    return f"!{text}" if simple else f"!({text})"


def _poll_loop(src: Source, sleep: Node, duration: str) -> Iterator[Rewrite]:
    """``while not ready: sleep(n)`` -> a bounded wait for ``ready``."""
    block = sleep.parent
    if block is not None and block.type == "statement_list":
        block = block.parent
    loop = block.parent if block is not None else None
    if loop is None or loop.type not in ("while_statement", "for_statement"):
        return
    cond = loop.child_by_field_name("condition")
    if cond is None and loop.type == "for_statement":
        clauses = [c for c in loop.named_children if c not in (block,)]
        cond = clauses[0] if len(clauses) == 1 and clauses[0].type != "for_clause" else None
    if cond is None:
        return
    if cond.type == "parenthesized_expression" and cond.named_children:
        cond = cond.named_children[0]
    until = _negated(src, cond)
    if src.language == "python":
        new = f"wait_until(lambda: {until}, timeout=10.0, interval={duration})"
        yield Rewrite(
            ((loop.start_byte, loop.end_byte, new),),
            "wait with a deadline instead of polling forever",
        )
    elif src.language == "java":
        for seconds in (10, 5):
            new = (
                f"await().atMost(Duration.ofSeconds({seconds})).pollInterval(Duration.ofMillis({duration}))"
                f".until(() -> {until});"
            )
            yield Rewrite(
                ((loop.start_byte, loop.end_byte, new),), "poll with Awaitility and a deadline"
            )
    elif src.language == "go":
        indent = src.indent(loop)
        lines = [
            "require.Eventually(t, func() bool {",
            f"\treturn {until}",
            f"}}, 2*time.Second, {duration})",
        ]
        yield Rewrite(
            ((loop.start_byte, loop.end_byte, block_text(lines, indent)),),
            "poll with require.Eventually and a deadline",
        )


def _nested_blocks(src: Source, fn: Node) -> list[Node]:
    body = body_of(src, fn)
    kinds = ("block", "statement_block", "statement_list")
    return [b for b in src.of_type(*kinds, within=fn) if b != body and function_of(src, b) == fn]


def _number(text: str) -> float | None:
    try:
        return float(text.replace("_", ""))
    except ValueError:
        return None


def _wait_python(
    src: Source, stmt: Node, duration: str, rest: list[Node], before: Node | None
) -> Iterator[Rewrite]:
    assigns: list[tuple[str, str]] = []
    for nxt in rest[:4]:
        cond = _py_condition(src, nxt)
        if cond is not None:
            cond = _inline(cond, assigns)
            new = f"wait_until(lambda: {cond}, timeout=10.0, interval=0.05)"
            yield Rewrite(
                ((stmt.start_byte, stmt.end_byte, new),),
                "poll for the asserted condition instead of sleeping",
            )
            seconds = _number(duration)
            if seconds is not None:
                new = f"wait_until(lambda: {cond}, timeout={seconds * 5:g})"
                yield Rewrite(
                    ((stmt.start_byte, stmt.end_byte, new),),
                    "poll for the asserted condition instead of sleeping",
                )
            break
        if (
            nxt.type == "expression_statement"
            and nxt.named_children
            and nxt.named_children[0].type == "assignment"
        ):
            asg = nxt.named_children[0]
            left, right = asg.child_by_field_name("left"), asg.child_by_field_name("right")
            if left is not None and right is not None and left.type == "identifier":
                assigns.append((src.t(left), src.t(right)))
                continue
        break
    if before is not None and before.type == "expression_statement" and before.named_children:
        call = before.named_children[0]
        if call.type == "call" and callee(src, call)[1] in (
            "submit",
            "apply_async",
            "run_in_executor",
        ):
            yield Rewrite(
                (
                    (call.start_byte, call.start_byte, "future = "),
                    (stmt.start_byte, stmt.end_byte, "future.result(timeout=10)"),
                ),
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
        yield Rewrite(
            (delete, (nxt.start_byte, nxt.end_byte, new)),
            "use an auto-waiting assertion instead of sleeping",
        )
    expects = []
    for s in rest:
        if src.t(s).startswith("expect("):
            expects.append(s)
        else:
            break
    if expects:
        first = src.t(expects[0]).rstrip(";")
        yield Rewrite(
            (
                delete,
                (expects[0].start_byte, expects[0].end_byte, f"await waitFor(() => {first});"),
            ),
            "wait for the expectation instead of sleeping",
        )
        if len(expects) > 1:
            indent = src.indent(expects[0])
            inner = [src.t(e) for e in expects]
            new = block_text(
                ["await waitFor(() => {", *[src.unit + x for x in inner], "});"], indent
            )
            yield Rewrite(
                (delete, (expects[0].start_byte, expects[-1].end_byte, new)),
                "wait for the expectations instead of sleeping",
            )


def _wait_java(
    src: Source, fn: Node, stmt: Node, duration: str, rest: list[Node]
) -> Iterator[Rewrite]:
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
            (
                delete,
                (
                    rest[0].start_byte,
                    rest[0].end_byte,
                    f"await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {single});",
                ),
            )
            + extra,
            "retry the assertion with Awaitility instead of sleeping",
        )
    millis = _number(duration)
    timeout = max(2000, int(millis * 10)) if millis is not None else 2000
    for s in rest[:3]:
        m = re.match(r"verify\((\w+)\)", src.t(s))
        if m:
            pos = s.start_byte + m.end(1)
            yield Rewrite(
                (delete, (pos, pos, f", timeout({timeout})")) + extra,
                "verify with a Mockito timeout instead of sleeping",
            )
            break


_GO_CHECKS = {
    "Equal": "{a} == {e}",
    "True": "{e}",
    "False": "!{e}",
    "NotEqual": "{a} != {e}",
    "Nil": "{e} == nil",
    "NotNil": "{e} != nil",
    "Len": "len({e}) == {a}",
}


def _wait_go(src: Source, stmt: Node, rest: list[Node]) -> Iterator[Rewrite]:
    conds = []
    for s in rest:
        calls = calls_in(src, s)
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
    new = block_text(
        [
            "require.Eventually(t, func() bool {",
            f"\treturn {cond}",
            "}, 2*time.Second, 10*time.Millisecond)",
        ],
        indent,
    )
    yield Rewrite(
        ((stmt.start_byte, stmt.end_byte, new),), "poll with require.Eventually instead of sleeping"
    )
