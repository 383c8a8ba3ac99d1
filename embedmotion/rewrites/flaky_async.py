"""The ``less-flaky`` family: work the test must wait for.

``await-async``  calls whose completion the test relies on are awaited: ``await call()``,
                 ``await`` instead of ``create_task``/``ensure_future`` (or ``gather``),
                 ``for ... of`` instead of ``forEach(async ...)``, ``await expect(...)
                 .resolves``, async fake timers, Go ``sync.WaitGroup``, joined threads,
                 ``tokio::spawn`` handles and ``CompletableFuture`` s
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
    call_text,
    callee,
    calls_in,
    function_of,
    functions,
    is_async,
    is_test,
    params,
    statement_of,
    statements,
)

FAMILY = "less-flaky"


# ----------------------------------------------------------------------------- await async
_SYNC_HINTS = re.compile(
    r"^(expect|assert|console\.|log|print|jest\.|vi\.|self\.assert)|\.(append|push|add|extend|set|get|info|debug|warning|error)$"
)


@operator("await-async", family=FAMILY, languages={"python", "java", "go", "rust"} | JS_LIKE)
def await_async(src: Source) -> Iterator[Rewrite]:
    """Wait for asynchronous work the test depends on instead of racing it."""
    lang = src.language
    if lang == "python":
        yield from _await_python(src)
    elif lang in JS_LIKE:
        yield from _await_js(src)
    elif lang == "go":
        yield from _await_go(src)
    elif lang == "rust":
        for stmt in src.of_type("expression_statement"):
            call = stmt.named_children[0] if stmt.named_children else None
            if call is None or call.type != "call_expression":
                continue
            name = src.t(call.child_by_field_name("function"))
            if name in ("tokio::spawn", "task::spawn", "tokio::task::spawn"):
                yield Rewrite(
                    (
                        (stmt.start_byte, stmt.end_byte, f"let handle = {src.t(call)};"),
                        insert_after(src, stmt, ["handle.await.unwrap();"]),
                    ),
                    "await the spawned task",
                )
            elif name in ("thread::spawn", "std::thread::spawn"):
                yield Rewrite(
                    (
                        (stmt.start_byte, stmt.end_byte, f"let handle = {src.t(call)};"),
                        insert_after(src, stmt, ["handle.join().unwrap();"]),
                    ),
                    "join the spawned thread",
                )
    elif lang == "java":
        for stmt in src.of_type("expression_statement"):
            call = stmt.named_children[0] if stmt.named_children else None
            if (
                call is not None
                and call.type == "method_invocation"
                and call_text(src, call)
                in ("CompletableFuture.runAsync", "CompletableFuture.supplyAsync")
            ):
                yield Rewrite(
                    ((call.end_byte, call.end_byte, ".join()"),), "wait for the asynchronous task"
                )


def _await_python(src: Source) -> Iterator[Rewrite]:
    awaited = {
        callee(src, a.named_children[0])[1]
        for a in src.of_type("await")
        if a.named_children and a.named_children[0].type == "call"
    }
    for fn in functions(src):
        if not is_async(src, fn):
            continue
        later: list[Rewrite] = []
        for stmt in src.of_type("expression_statement", within=fn):
            if (
                function_of(src, stmt) != fn
                or not stmt.named_children
                or stmt.named_children[0].type != "call"
            ):
                continue
            call = stmt.named_children[0]
            name = call_text(src, call)
            method = callee(src, call)[1]
            if name in (
                "asyncio.create_task",
                "asyncio.ensure_future",
                "loop.create_task",
            ) and arguments(call):
                inner = src.t(arguments(call)[0])
                yield Rewrite(
                    ((call.start_byte, call.end_byte, f"await {inner}"),),
                    "await the coroutine instead of scheduling it",
                )
                nxt = stmt.next_named_sibling
                if nxt is not None and re.fullmatch(r"await asyncio\.sleep\([^)]*\)", src.t(nxt)):
                    yield Rewrite(
                        (
                            (call.start_byte, call.end_byte, f"await {inner}"),
                            delete_statement(src, nxt),
                        ),
                        "await the coroutine instead of scheduling it and sleeping",
                    )
                loop = stmt.parent.parent if stmt.parent is not None else None
                if (
                    loop is not None
                    and loop.type == "for_statement"
                    and len(statements(stmt.parent)) == 1
                ):
                    var, it = (
                        src.t(loop.child_by_field_name("left")),
                        src.t(loop.child_by_field_name("right")),
                    )
                    yield Rewrite(
                        (
                            (
                                loop.start_byte,
                                loop.end_byte,
                                f"await asyncio.gather(*({inner} for {var} in {it}))",
                            ),
                        ),
                        "gather the coroutines",
                    )
                continue
            rw = Rewrite(((call.start_byte, call.start_byte, "await "),), f"await {name}(...)")
            if method in awaited:
                yield rw
            elif not _SYNC_HINTS.search(name):
                later.append(rw)
        yield from later
    for call in calls_in(src):
        recv, method = callee(src, call)
        if method != "start" or recv is None or arguments(call):
            continue
        var = src.t(recv)
        start_stmt = statement_of(src, call)
        if (
            start_stmt is None
            or f"{var}.join" in src.text
            or not re.search(rf"\b{re.escape(var)}\s*=\s*(threading\.)?Thread\(", src.text)
        ):
            continue
        yield Rewrite(
            (insert_after(src, start_stmt, [f"{var}.join(timeout=10)"]),),
            f"join {var} before checking its results",
        )
        yield Rewrite(
            (
                insert_after(
                    src, start_stmt, [f"{var}.join(timeout=10)", f"assert not {var}.is_alive()"]
                ),
            ),
            f"join {var} before checking its results",
        )


def _async_keyword(src: Source, fn: Node) -> tuple[int, int, str] | None:
    if is_async(src, fn):
        return None
    return (fn.start_byte, fn.start_byte, "async ")


def _await_js(src: Source) -> Iterator[Rewrite]:
    awaited = set()
    for a in src.of_type("await_expression"):
        inner = a.named_children[0] if a.named_children else None
        if inner is not None and inner.type == "call_expression":
            awaited.add(callee(src, inner)[1])
    for stmt in src.of_type("expression_statement"):
        call = stmt.named_children[0] if stmt.named_children else None
        if call is None or call.type != "call_expression":
            continue
        recv, method = callee(src, call)
        args = arguments(call)
        if (
            method == "forEach"
            and recv is not None
            and len(args) == 1
            and args[0].type == "arrow_function"
            and is_async(src, args[0])
        ):
            cb = args[0]
            ps: list[Node | None] = [*params(src, cb)] or [cb.child_by_field_name("parameter")]
            body = cb.child_by_field_name("body")
            if (
                len(ps) == 1
                and ps[0] is not None
                and body is not None
                and body.type == "statement_block"
            ):
                yield Rewrite(
                    (
                        (
                            stmt.start_byte,
                            stmt.end_byte,
                            f"for (const {src.t(ps[0])} of {src.t(recv)}) {src.t(body)}",
                        ),
                    ),
                    "await each item in turn instead of forEach(async ...)",
                )
                continue
        fn = function_of(src, stmt)
        if fn is None:
            continue
        text = src.t(call)
        if re.match(r"expect\(.*\)\s*\.\s*(resolves|rejects)\b", text, re.S):
            edits = [(call.start_byte, call.start_byte, "await ")]
            kw = _async_keyword(src, fn)
            yield Rewrite(tuple(edits) + ((kw,) if kw else ()), "await the promise assertion")
            continue
        name = call_text(src, call)
        if (
            method in awaited
            or (not is_async(src, fn) and is_test(src, fn) and not _SYNC_HINTS.search(name))
            or (
                is_async(src, fn)
                and not _SYNC_HINTS.search(name)
                and name.split(".")[0] not in ("expect", "screen", "fireEvent")
            )
        ):
            kw = _async_keyword(src, fn)
            yield Rewrite(
                ((call.start_byte, call.start_byte, "await "),) + ((kw,) if kw else ()),
                f"await {name}(...)",
            )
    for fn in functions(src):
        if is_async(src, fn) or not is_test(src, fn):
            continue
        promised, timers = [], []
        for r in src.of_type("return_statement", "expression_statement", within=fn):
            if function_of(src, r) != fn:
                continue
            text = src.t(r)
            if re.match(r"(return )?expect\(.*\)\s*\.\s*(resolves|rejects)\b", text, re.S):
                start = r.start_byte
                end = start + (len("return ") if text.startswith("return ") else 0)
                promised.append((start, end, "await "))
            m = re.match(r"jest\.(advanceTimersByTime|runAllTimers|runOnlyPendingTimers)\(", text)
            if m:
                pos = r.start_byte + len("jest.") + len(m.group(1))
                timers.append((r.start_byte, r.start_byte, "await "))
                timers.append((pos, pos, "Async"))
        kw = _async_keyword(src, fn)
        if promised and kw:
            yield Rewrite(tuple(promised) + (kw,), "make the test async and await its promises")
            if timers:
                yield Rewrite(
                    tuple(promised + timers) + (kw,),
                    "make the test async and await its promises and timers",
                )


def _await_go(src: Source) -> Iterator[Rewrite]:
    for loop in src.of_type("for_statement"):
        body = loop.child_by_field_name("body")
        gos = [s for s in statements(body) if s.type == "go_statement"]
        if len(gos) != 1 or "WaitGroup" in src.text:
            continue
        go = gos[0]
        lits = src.of_type("func_literal", within=go)
        if not lits:
            continue
        inner = statements(body_of(src, lits[0]))
        if not inner:
            continue
        yield Rewrite(
            (
                insert_before(src, loop, ["var wg sync.WaitGroup"]),
                insert_before(src, go, ["wg.Add(1)"]),
                insert_before(src, inner[0], ["defer wg.Done()"]),
                insert_after(src, loop, ["wg.Wait()"]),
            ),
            "wait for the goroutines with a sync.WaitGroup",
        )
