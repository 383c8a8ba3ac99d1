"""The ``less-flaky`` family, part two: shared state, concurrency and waiting forever.

``isolate-state``   tests that change the world put it back: ``monkeypatch``, ``tmp_path``,
                    ``setUp`` instead of ``setUpClass``, fresh fixtures in ``beforeEach`` /
                    ``@BeforeEach``, ``afterEach(jest.restoreAllMocks)``, Go ``t.Cleanup``,
                    ``t.Setenv``, ``t.TempDir()``, Rust ``tempfile``
``await-async``     calls whose completion the test relies on are awaited: ``await call()``,
                    ``await`` instead of ``create_task``, ``for ... of`` instead of
                    ``forEach(async ...)``, ``await expect(...).resolves``, Go ``WaitGroup``,
                    joined ``tokio::spawn``/``CompletableFuture``
``add-timeout``     blocking calls get a timeout: HTTP clients, ``queue.get``, ``join``,
                    ``result``, ``wait``, ``subprocess``, latches, futures, channels
``ephemeral-port``  fixed ports -> port 0, asking the socket which port it got
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
    function_of,
    functions,
    is_async,
    is_test,
    name_of,
    params,
    param_name,
    statement_of,
    statements,
)

FAMILY = "less-flaky"


def _calls(src: Source, within: Node | None = None) -> list[Node]:
    return src.of_type(*CALLS.get(src.language, ()), within=within)


def _add_param(src: Source, fn: Node, name: str) -> tuple[int, int, str] | None:
    plist = fn.child_by_field_name("parameters")
    if plist is None or name in [param_name(src, p) for p in params(src, fn)]:
        return None
    sep = "" if src.t(plist).replace(" ", "") == "()" else ", "
    return (plist.end_byte - 1, plist.end_byte - 1, f"{sep}{name}")


# ---------------------------------------------------------------------------- shared state
@operator("isolate-state", family=FAMILY, languages={"python", "java", "go", "rust"} | JS_LIKE)
def isolate_state(src: Source) -> Iterator[Rewrite]:
    """Undo what a test changes in the environment, the filesystem or shared fixtures."""
    lang = src.language
    if lang == "python":
        yield from _state_python(src)
    elif lang in JS_LIKE:
        yield from _state_js(src)
    elif lang == "java":
        yield from _state_java(src)
    elif lang == "go":
        yield from _state_go(src)
    elif lang == "rust":
        for call in _calls(src):
            if src.t(call) == "std::env::temp_dir()" or src.t(call) == "env::temp_dir()":
                stmt = statement_of(src, call)
                if stmt is not None:
                    yield Rewrite(
                        (insert_before(src, stmt, ["let dir = tempfile::tempdir().unwrap();"]), (call.start_byte, call.end_byte, "dir.path()")),
                        "write into a temporary directory owned by the test",
                    )


def _state_python(src: Source) -> Iterator[Rewrite]:
    for fn in functions(src):
        if not is_test(src, fn):
            continue
        env_edits = []
        for stmt in src.of_type("expression_statement", within=fn):
            asg = stmt.named_children[0] if stmt.named_children else None
            if asg is None or asg.type != "assignment":
                continue
            left, right = asg.child_by_field_name("left"), asg.child_by_field_name("right")
            m = re.fullmatch(r"os\.environ\[(.+)\]", src.t(left)) if left is not None else None
            if m and right is not None:
                env_edits.append((stmt.start_byte, stmt.end_byte, f"monkeypatch.setenv({m.group(1)}, {src.t(right)})"))
            elif left is not None and right is not None and left.type == "attribute":
                obj = left.child_by_field_name("object")
                if obj is not None and obj.type == "identifier" and src.t(obj) not in ("self", "cls") and src.t(obj).islower():
                    if not re.search(rf"\b{re.escape(src.t(obj))}\s*=", src.t(fn)):
                        attr = src.t(left.child_by_field_name("attribute"))
                        new = f'monkeypatch.setattr({src.t(obj)}, "{attr}", {src.t(right)})'
                        param = _add_param(src, fn, "monkeypatch")
                        yield Rewrite(tuple(e for e in ((stmt.start_byte, stmt.end_byte, new), param) if e), f"patch {src.t(left)} for this test only")
        if env_edits:
            param = _add_param(src, fn, "monkeypatch")
            yield Rewrite(tuple(env_edits) + ((param,) if param else ()), "set environment variables with monkeypatch")
        tmp_edits = []
        for s in src.of_type("string", within=fn):
            text = src.t(s)
            m = re.fullmatch(r"""(["'])/tmp/(?:[^"']*/)?([^/"']+)\1""", text)
            if not m:
                continue
            parent = s.parent.parent if s.parent is not None else None
            if parent is not None and parent.type == "call" and call_text(src, parent) in ("Path", "pathlib.Path") and len(arguments(parent)) == 1:
                tmp_edits.append((parent.start_byte, parent.end_byte, f'tmp_path / "{m.group(2)}"'))
            else:
                tmp_edits.append((s.start_byte, s.end_byte, f'str(tmp_path / "{m.group(2)}")'))
        if tmp_edits:
            param = _add_param(src, fn, "tmp_path")
            yield Rewrite(tuple(tmp_edits) + ((param,) if param else ()), "write into pytest's tmp_path")
    for fn in src.of_type("function_definition"):
        name = name_of(src, fn)
        if name not in ("setUpClass", "tearDownClass") or fn.parent is None or fn.parent.type != "decorated_definition":
            continue
        deco = fn.parent
        new_name = name.replace("Class", "")
        edits = [(deco.start_byte, fn.start_byte, ""), ]
        name_node = fn.child_by_field_name("name")
        plist = fn.child_by_field_name("parameters")
        if name_node is None or plist is None:
            continue
        edits.append((name_node.start_byte, name_node.end_byte, new_name))
        edits.append((plist.start_byte, plist.end_byte, src.t(plist).replace("cls", "self")))
        for ident in src.of_type("identifier", within=fn.child_by_field_name("body") or fn):
            if src.t(ident) == "cls":
                edits.append((ident.start_byte, ident.end_byte, "self"))
        yield Rewrite(tuple(edits), f"rebuild the fixtures for every test ({new_name})")


def _describe_bodies(src: Source) -> Iterator[tuple[Node, Node]]:
    """(callback, body) of every ``describe(..., callback)``."""
    for call in _calls(src):
        if call_text(src, call) != "describe":
            continue
        args = arguments(call)
        if args and args[-1].type in ("arrow_function", "function_expression", "function"):
            body = body_of(src, args[-1])
            if body is not None:
                yield args[-1], body


def _state_js(src: Source) -> Iterator[Rewrite]:
    for cb, body in _describe_bodies(src):
        stmts = statements(body)
        lead = []
        for s in stmts:
            if s.type in ("lexical_declaration", "variable_declaration"):
                lead.append(s)
            else:
                break
        style = "() =>" if cb.type == "arrow_function" else "function ()"
        anchor = lead[-1] if lead else None
        u = src.unit
        inner = src.t(body)
        hooks = []
        if "spyOn" in inner or "mockReturnValue" in inner or "mockImplementation" in inner:
            hooks.append(("restore the mocks after each test", "afterEach", "jest.restoreAllMocks();"))
        if "require(" in inner or "process.env" in inner:
            hooks.append(("reload modules for each test", "beforeEach", "jest.resetModules();"))
        for label, hook, call in hooks:
            lines = [f"{hook}({style} {{", f"{u}{call}", "});"]
            if anchor is not None:
                edit = insert_after(src, anchor, ["", *lines])
            elif stmts:
                edit = insert_before(src, stmts[0], [*lines, ""])
            else:
                continue
            yield Rewrite((edit,), label)
        fresh = [s for s in lead if s.type == "lexical_declaration" and "= new " in src.t(s) and src.t(s).startswith("const ")]
        if fresh:
            names, assigns = [], []
            for s in fresh:
                for d in s.named_children:
                    if d.type == "variable_declarator" and d.child_by_field_name("value") is not None:
                        names.append(src.t(d.child_by_field_name("name")))
                        assigns.append(f"{u}{src.t(d.child_by_field_name('name'))} = {src.t(d.child_by_field_name('value'))};")
            indent = src.indent(fresh[0])
            lines = [f"let {n};" for n in names] + ["", f"beforeEach({style} {{", *assigns, "});"]
            yield Rewrite(((fresh[0].start_byte, fresh[-1].end_byte, block_text(lines, indent)),), "create fresh fixtures before each test")


def _state_java(src: Source) -> Iterator[Rewrite]:
    for cls in src.of_type("class_declaration"):
        body = cls.child_by_field_name("body")
        if body is None or "@Test" not in src.t(body):
            continue
        run: list[Node] = []
        for member in body.named_children:
            text = src.t(member)
            if member.type == "field_declaration" and re.search(r"\bstatic\s+final\b", text) and "= new " in text:
                run.append(member)
            elif run:
                break
        if not run:
            continue
        indent = src.indent(run[0])
        fields, assigns = [], []
        for f in run:
            typ = f.child_by_field_name("type")
            decl = next(c for c in f.named_children if c.type == "variable_declarator")
            vis = "private " if src.t(f).startswith("private") else ""
            fields.append(f"{vis}{src.t(typ)} {src.t(decl.child_by_field_name('name'))};")
            assigns.append(f"{src.unit}{src.t(decl.child_by_field_name('name'))} = {src.t(decl.child_by_field_name('value'))};")
        lines = [*fields, "", "@BeforeEach", "void setUp() {", *assigns, "}"]
        yield Rewrite(((run[0].start_byte, run[-1].end_byte, block_text(lines, indent)),), "create fresh fixtures before each test")
    for call in src.of_type("method_invocation"):
        name = call_text(src, call)
        stmt = statement_of(src, call)
        if name not in ("TimeZone.setDefault", "Locale.setDefault") or stmt is None or stmt.parent is None:
            continue
        cls_name = name.split(".")[0]
        rest = []
        sib = stmt.next_named_sibling
        while sib is not None:
            if sib.type not in ("line_comment", "block_comment"):
                rest.append(sib)
            sib = sib.next_named_sibling
        if not rest:
            continue
        indent = src.indent(stmt)
        body = src.reindent(rest[0].start_byte, rest[-1].end_byte, add=src.unit)
        new_rest = f"try {{\n{body}\n{indent}}} finally {{\n{indent}{src.unit}{cls_name}.setDefault(original);\n{indent}}}"
        yield Rewrite(
            (insert_before(src, stmt, [f"{cls_name} original = {cls_name}.getDefault();"]),
             (src.line_start(rest[0].start_byte), rest[-1].end_byte, indent + new_rest)),
            f"restore the default {cls_name} after the test",
        )


def _state_go(src: Source) -> Iterator[Rewrite]:
    for fn in functions(src):
        if not is_test(src, fn) or fn.type != "function_declaration":
            continue
        declared = {param_name(src, p) for p in params(src, fn)}
        for node in src.of_type("short_var_declaration", "var_spec", "range_clause", within=fn):
            left = node.child_by_field_name("left") or node.child_by_field_name("name")
            if left is not None:
                declared.update(src.t(c) for c in left.named_children if c.type == "identifier")
                if left.type == "identifier":
                    declared.add(src.t(left))
        for asg in src.of_type("assignment_statement", within=fn):
            left = asg.child_by_field_name("left")
            if left is None or len(left.named_children) != 1 or left.named_children[0].type != "identifier":
                continue
            var = src.t(left.named_children[0])
            op = next((c for c in asg.children if not c.is_named), None)
            if var in declared or var == "_" or op is None or src.t(op) != "=":
                continue
            yield Rewrite(
                (insert_before(src, asg, ["prev := " + var, f"t.Cleanup(func() {{ {var} = prev }})"]),),
                f"restore {var} when the test ends",
            )
        for call in _calls(src, fn):
            if call_text(src, call) == "os.Setenv":
                fnode = call.child_by_field_name("function")
                assert fnode is not None
                yield Rewrite(((fnode.start_byte, fnode.end_byte, "t.Setenv"),), "set the variable for this test only")
            for arg in arguments(call):
                m = re.fullmatch(r'"(?:[\w.-]+/)+([\w-]+\.\w+)"', src.t(arg))
                if m and arg.type == "interpreted_string_literal":
                    yield Rewrite(((arg.start_byte, arg.end_byte, f'filepath.Join(t.TempDir(), "{m.group(1)}")'),), "use a per-test temporary directory")


# ----------------------------------------------------------------------------- await async
_SYNC_HINTS = re.compile(r"^(expect|assert|console\.|log|print|jest\.|vi\.|self\.assert)|\.(append|push|add|extend|set|get|info|debug|warning|error)$")


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
                    ((stmt.start_byte, stmt.end_byte, f"let handle = {src.t(call)};"), insert_after(src, stmt, ["handle.await.unwrap();"])),
                    "await the spawned task",
                )
            elif name in ("thread::spawn", "std::thread::spawn"):
                yield Rewrite(
                    ((stmt.start_byte, stmt.end_byte, f"let handle = {src.t(call)};"), insert_after(src, stmt, ["handle.join().unwrap();"])),
                    "join the spawned thread",
                )
    elif lang == "java":
        for stmt in src.of_type("expression_statement"):
            call = stmt.named_children[0] if stmt.named_children else None
            if call is not None and call.type == "method_invocation" and call_text(src, call) in (
                "CompletableFuture.runAsync", "CompletableFuture.supplyAsync"
            ):
                yield Rewrite(((call.end_byte, call.end_byte, ".join()"),), "wait for the asynchronous task")


def _await_python(src: Source) -> Iterator[Rewrite]:
    awaited = {callee(src, a.named_children[0])[1] for a in src.of_type("await") if a.named_children and a.named_children[0].type == "call"}
    for fn in functions(src):
        if not is_async(src, fn):
            continue
        later: list[Rewrite] = []
        for stmt in src.of_type("expression_statement", within=fn):
            if function_of(src, stmt) != fn or not stmt.named_children or stmt.named_children[0].type != "call":
                continue
            call = stmt.named_children[0]
            name = call_text(src, call)
            method = callee(src, call)[1]
            if name in ("asyncio.create_task", "asyncio.ensure_future", "loop.create_task") and arguments(call):
                inner = src.t(arguments(call)[0])
                yield Rewrite(((call.start_byte, call.end_byte, f"await {inner}"),), "await the coroutine instead of scheduling it")
                nxt = stmt.next_named_sibling
                if nxt is not None and re.fullmatch(r"await asyncio\.sleep\([^)]*\)", src.t(nxt)):
                    yield Rewrite(((call.start_byte, call.end_byte, f"await {inner}"), delete_statement(src, nxt)), "await the coroutine instead of scheduling it and sleeping")
                loop = stmt.parent.parent if stmt.parent is not None else None
                if loop is not None and loop.type == "for_statement" and len(statements(stmt.parent)) == 1:
                    var, it = src.t(loop.child_by_field_name("left")), src.t(loop.child_by_field_name("right"))
                    yield Rewrite(((loop.start_byte, loop.end_byte, f"await asyncio.gather(*({inner} for {var} in {it}))"),), "gather the coroutines")
                continue
            rw = Rewrite(((call.start_byte, call.start_byte, "await "),), f"await {name}(...)")
            if method in awaited:
                yield rw
            elif not _SYNC_HINTS.search(name):
                later.append(rw)
        yield from later
    for call in _calls(src):
        recv, method = callee(src, call)
        if method != "start" or recv is None or arguments(call):
            continue
        var = src.t(recv)
        stmt = statement_of(src, call)
        if stmt is None or f"{var}.join" in src.text or not re.search(rf"\b{re.escape(var)}\s*=\s*(threading\.)?Thread\(", src.text):
            continue
        yield Rewrite((insert_after(src, stmt, [f"{var}.join(timeout=10)"]),), f"join {var} before checking its results")
        yield Rewrite((insert_after(src, stmt, [f"{var}.join(timeout=10)", f"assert not {var}.is_alive()"]),), f"join {var} before checking its results")


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
        if method == "forEach" and recv is not None and len(args) == 1 and args[0].type == "arrow_function" and is_async(src, args[0]):
            cb = args[0]
            ps = params(src, cb) or [cb.child_by_field_name("parameter")]
            body = cb.child_by_field_name("body")
            if len(ps) == 1 and ps[0] is not None and body is not None and body.type == "statement_block":
                yield Rewrite(((stmt.start_byte, stmt.end_byte, f"for (const {src.t(ps[0])} of {src.t(recv)}) {src.t(body)}"),), "await each item in turn instead of forEach(async ...)")
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
        if method in awaited or (not is_async(src, fn) and is_test(src, fn) and not _SYNC_HINTS.search(name)) or (
            is_async(src, fn) and not _SYNC_HINTS.search(name) and name.split(".")[0] not in ("expect", "screen", "fireEvent")
        ):
            kw = _async_keyword(src, fn)
            yield Rewrite(((call.start_byte, call.start_byte, "await "),) + ((kw,) if kw else ()), f"await {name}(...)")
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
                yield Rewrite(tuple(promised + timers) + (kw,), "make the test async and await its promises and timers")


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


# ------------------------------------------------------------------------------- timeouts
_PY_HTTP = re.compile(r"^(requests|httpx|session|client|self\.session|self\.client|self\._session|self\._client|http)\.(get|post|put|patch|delete|head|options|request)$")
_PY_SUBPROCESS = frozenset({"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output"})
_TIMEOUTS = (10, 5)


def _has_kw(src: Source, call: Node, name: str) -> bool:
    return any(a.type == "keyword_argument" and src.t(a).startswith(name + "=") for a in arguments(call))


@operator("add-timeout", family=FAMILY, languages={"python", "java", "go", "rust"} | JS_LIKE)
def add_timeout(src: Source) -> Iterator[Rewrite]:
    """Give blocking calls a timeout so that a hang fails fast instead of stalling the suite."""
    lang = src.language
    if lang == "python":
        yield from _timeout_python(src)
    elif lang in JS_LIKE:
        for call in _calls(src):
            if src.t(call) == "this.timeout(0)":
                args = call.child_by_field_name("arguments")
                assert args is not None
                yield Rewrite(((args.start_byte, args.end_byte, "(10000)"),), "bound the test's running time")
    elif lang == "java":
        yield from _timeout_java(src)
    elif lang == "go":
        for call in _calls(src):
            if call_text(src, call) == "http.Get":
                fn = call.child_by_field_name("function")
                assert fn is not None
                yield Rewrite(((fn.start_byte, fn.end_byte, "(&http.Client{Timeout: 10 * time.Second}).Get"),), "use an HTTP client with a timeout")
        for lit in src.of_type("composite_literal"):
            typ = lit.child_by_field_name("type")
            body = lit.child_by_field_name("body")
            if typ is not None and body is not None and src.t(typ) == "http.Client" and "Timeout" not in src.t(body):
                inner = src.t(body)[1:-1].strip()
                new = "{Timeout: 10 * time.Second}" if not inner else "{Timeout: 10 * time.Second, " + inner + "}"
                yield Rewrite(((body.start_byte, body.end_byte, new),), "give the HTTP client a timeout")
    elif lang == "rust":
        for call in _calls(src):
            fn = call.child_by_field_name("function")
            if fn is not None and fn.type == "field_expression" and src.t(fn.child_by_field_name("field")) == "recv" and not arguments(call):
                field = fn.child_by_field_name("field")
                args = call.child_by_field_name("arguments")
                assert field is not None and args is not None
                yield Rewrite(((field.start_byte, args.end_byte, "recv_timeout(Duration::from_secs(10))"),), "stop waiting after ten seconds")


def _timeout_python(src: Source) -> Iterator[Rewrite]:
    queues = set(re.findall(r"\b(\w+)\s*=\s*(?:queue\.|asyncio\.)?(?:Simple|Priority|Lifo)?Queue\(", src.text))
    threads = set(re.findall(r"\b(\w+)\s*=\s*(?:threading\.)?Thread\(", src.text))
    for call in _calls(src):
        name = call_text(src, call)
        args = call.child_by_field_name("arguments")
        if args is None:
            continue
        recv, method = callee(src, call)
        rname = src.t(recv) if recv is not None else ""
        close = args.end_byte - 1
        sep = ", " if arguments(call) else ""
        if (_PY_HTTP.match(name) or name in ("urlopen", "urllib.request.urlopen")) and not _has_kw(src, call, "timeout"):
            for value in _TIMEOUTS:
                yield Rewrite(((close, close, f"{sep}timeout={value}"),), f"give {name} a timeout")
        elif name in _PY_SUBPROCESS and not _has_kw(src, call, "timeout"):
            yield Rewrite(((close, close, f"{sep}timeout=60"),), f"give {name} a timeout")
        elif not arguments(call) and (
            (method == "get" and (rname in queues or re.search(r"queue|results|jobs|^q$", rname)))
            or (method == "join" and (rname in threads or re.search(r"thread|worker|proc", rname)))
            or method == "result"
        ):
            for value in _TIMEOUTS:
                yield Rewrite(((close, close, f"timeout={value}"),), f"stop waiting on {rname}.{method}() after {value}s")
        elif method == "wait" and not arguments(call) and call.parent is not None:
            if call.parent.type == "await":
                for value in _TIMEOUTS:
                    yield Rewrite(((call.start_byte, call.end_byte, f"asyncio.wait_for({src.t(call)}, timeout={value})"),), f"stop waiting after {value}s")
            else:
                for value in _TIMEOUTS:
                    yield Rewrite(((close, close, f"timeout={value}"),), f"stop waiting after {value}s")


def _timeout_java(src: Source) -> Iterator[Rewrite]:
    for call in src.of_type("method_invocation"):
        recv, method = callee(src, call)
        args = call.child_by_field_name("arguments")
        if recv is None or args is None:
            continue
        rname = src.t(recv)
        if method == "await" and not arguments(call):
            stmt = call.parent
            if stmt is not None and stmt.type == "expression_statement":
                for value in _TIMEOUTS:
                    yield Rewrite(((call.start_byte, call.end_byte, f"assertTrue({rname}.await({value}, TimeUnit.SECONDS))"),), f"fail after {value}s instead of waiting forever")
            yield Rewrite(((args.start_byte, args.end_byte, "(10, TimeUnit.SECONDS)"),), "stop waiting after ten seconds")
        elif method == "get" and not arguments(call) and re.search(r"future|Future|pending|result", rname):
            yield Rewrite(((args.start_byte, args.end_byte, "(10, TimeUnit.SECONDS)"),), "stop waiting after ten seconds")
        elif method == "join" and not arguments(call) and re.search(r"thread|Thread|worker|sender", rname):
            yield Rewrite(((args.start_byte, args.end_byte, "(10_000)"),), "stop waiting after ten seconds")
        elif src.t(call) == "HttpClient.newHttpClient()":
            yield Rewrite(((call.start_byte, call.end_byte, "HttpClient.newBuilder()\n" + src.indent(call) + 2 * src.unit + ".connectTimeout(Duration.ofSeconds(10))\n" + src.indent(call) + 2 * src.unit + ".build()"),), "give the HTTP client a connect timeout")


# ------------------------------------------------------------------------- ephemeral ports
@operator("ephemeral-port", family=FAMILY, languages={"java", "go", "rust", "python"})
def ephemeral_port(src: Source) -> Iterator[Rewrite]:
    """Listen on port 0 (any free port) instead of a fixed one that another test may hold."""
    if src.language == "java":
        for node in src.of_type("object_creation_expression"):
            args = arguments(node)
            if src.t(node.child_by_field_name("type")) != "ServerSocket" or len(args) != 1 or args[0].type != "decimal_integer_literal":
                continue
            port = src.t(args[0])
            decl = node.parent
            var = src.t(decl.child_by_field_name("name")) if decl is not None and decl.type in ("variable_declarator", "resource") else ""
            edits = [(args[0].start_byte, args[0].end_byte, "0")]
            if var:
                for lit in src.of_type("decimal_integer_literal"):
                    if src.t(lit) == port and lit != args[0]:
                        edits.append((lit.start_byte, lit.end_byte, f"{var}.getLocalPort()"))
            yield Rewrite(tuple(edits), "listen on a free port")
    else:
        for lit in src.of_type("interpreted_string_literal", "string_literal", "string"):
            m = re.fullmatch(r"""(["'])((?:127\.0\.0\.1|localhost)?):(\d{2,5})\1""", src.t(lit))
            if m:
                host = m.group(2) or "127.0.0.1"
                yield Rewrite(((lit.start_byte, lit.end_byte, f"{m.group(1)}{host}:0{m.group(1)}"),), "listen on a free port")
