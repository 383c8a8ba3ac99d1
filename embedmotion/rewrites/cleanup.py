"""The ``resource-cleanup`` family: release what you acquire, on every path.

``with-statement``       Python ``f = open(...)`` ... ``f.close()`` -> ``with open(...) as f:``;
                         ``json.load(open(p))`` -> ``with open(p) as fh:``; ``lock.acquire()``
                         ... ``release()`` -> ``with lock:``; ``sqlite3.connect`` via ``closing``
``try-with-resources``   Java closeables -> ``try (T x = ...) { ... }``
``try-finally``          cleanup calls at the end of a block move into ``finally`` (Python,
                         JS/TS, Java)
``defer-close``          Go: ``defer f.Close()`` / ``defer resp.Body.Close()`` / ``defer
                         cancel()`` / ``defer ticker.Stop()`` / ``defer mu.Unlock()``
``release-on-return``    C/C++: release before early returns; ``lock()``/``unlock()`` ->
                         ``std::lock_guard``

Where a body could end in several places the operators propose each: at the
explicit ``close()``, after the last statement using the resource (directly, or
through values computed from it), or at the end of the block.
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
from ._syntax import arguments, call_text, callee, statement_of, statements

FAMILY = "resource-cleanup"
_CLEANUP = re.compile(
    r"\b(close|release|unlock|rmtree|remove|unlink|shutdown|stop|terminate|kill|cleanup|disconnect|quit"
    r"|wait_closed|LOCK_UN|clearInterval|clearTimeout|destroy|dispose|rm|free|cancel|end|fclose|closedir)\b"
)
_PY_WITH = frozenset(
    [
        "open",
        "io.open",
        "gzip.open",
        "bz2.open",
        "lzma.open",
        "tarfile.open",
        "zipfile.ZipFile",
        "ZipFile",
        "socket.socket",
        "socket.create_connection",
        "requests.Session",
        "httpx.Client",
        "tempfile.NamedTemporaryFile",
        "tempfile.TemporaryFile",
        "tempfile.TemporaryDirectory",
        "tempfile.SpooledTemporaryFile",
        "subprocess.Popen",
        "ThreadPoolExecutor",
        "ProcessPoolExecutor",
        "concurrent.futures.ThreadPoolExecutor",
        "urlopen",
        "urllib.request.urlopen",
        "os.fdopen",
        "ftplib.FTP",
        "smtplib.SMTP",
    ]
)
_PY_CLOSING = frozenset(
    {"sqlite3.connect", "psycopg2.connect", "pymysql.connect", "contextlib.closing"}
)
_JAVA_CLOSEABLE = re.compile(
    r"(Stream|Reader|Writer|Connection|Statement|ResultSet|Socket|Channel|ZipFile|JarFile|Scanner|"
    r"RandomAccessFile|Formatter|Closeable|Session|FileSystem|DirectoryStream)\b"
)


def _mentions(src: Source, node: Node, names: set[str]) -> bool:
    return any(src.t(i) in names for i in src.of_type("identifier", within=node))


def _derived(src: Source, stmts: list[Node], name: str) -> set[str]:
    """``name`` and every variable assigned from an expression mentioning it (transitively)."""
    names = {name}
    for s in stmts:
        for asg in src.of_type(
            "assignment",
            "variable_declarator",
            "short_var_declaration",
            "local_variable_declaration",
            within=s,
        ):
            left = (
                asg.child_by_field_name("left")
                or asg.child_by_field_name("name")
                or asg.child_by_field_name("declarator")
            )
            right = asg.child_by_field_name("right") or asg.child_by_field_name("value")
            if left is not None and right is not None and _mentions(src, right, names):
                names.update(src.t(i) for i in src.of_type("identifier", within=left))
                if left.type == "identifier":
                    names.add(src.t(left))
    return names


def _extents(src: Source, rest: list[Node], name: str, closers: list[Node]) -> list[int]:
    """Candidate numbers of statements (of ``rest``) the resource's block should hold."""
    ends: list[int] = []
    if closers:
        ends.append(rest.index(closers[0]))
    direct = [i for i, s in enumerate(rest) if _mentions(src, s, {name}) and s not in closers]
    if direct:
        ends.append(direct[-1] + 1)
    derived = _derived(src, rest, name)
    trans = [i for i, s in enumerate(rest) if _mentions(src, s, derived) and s not in closers]
    if trans:
        ends.append(trans[-1] + 1)
    tail = len(rest)
    if rest and rest[-1].type == "return_statement" and not _mentions(src, rest[-1], {name}):
        tail -= 1
    ends += [tail, 1]
    return [e for e in dict.fromkeys(ends) if e > 0]


def _closers(src: Source, stmts: list[Node], name: str) -> list[Node]:
    out = []
    for s in stmts:
        text = src.t(s).rstrip(";")
        if re.fullmatch(
            rf"(await )?{re.escape(name)}\.(close|release|quit|end|shutdown|disconnect)\(\)", text
        ):
            out.append(s)
    return out


# --------------------------------------------------------------------------------- Python
@operator("with-statement", family=FAMILY, languages={"python"})
def with_statement(src: Source) -> Iterator[Rewrite]:
    """Manage a resource with ``with`` so that it is closed on every path."""
    for stmt in src.of_type("expression_statement"):
        asg = stmt.named_children[0] if stmt.named_children else None
        if asg is None or stmt.parent is None or stmt.parent.type not in ("block", "module"):
            continue
        block = statements(stmt.parent)
        rest = block[block.index(stmt) + 1 :]
        if asg.type == "call" and callee(src, asg)[1] == "acquire" and not arguments(asg):
            lock = src.t(callee(src, asg)[0])
            releases = [
                s
                for s in src.of_type("expression_statement", within=stmt.parent)
                if src.t(s) == f"{lock}.release()" and s.start_byte > stmt.end_byte
            ]
            if rest and releases:
                body_nodes = [s for s in rest]
                body = src.reindent(
                    body_nodes[0].start_byte, body_nodes[-1].end_byte, add=src.unit, skip=releases
                )
                yield Rewrite(
                    ((stmt.start_byte, body_nodes[-1].end_byte, f"with {lock}:\n{body}"),),
                    f"hold {lock} in a with block",
                )
            continue
        if asg.type != "assignment":
            yield from _inline_open(src, stmt)
            continue
        left, right = asg.child_by_field_name("left"), asg.child_by_field_name("right")
        if left is None or right is None or left.type != "identifier" or right.type != "call":
            yield from _inline_open(src, stmt)
            continue
        name, ctor = src.t(left), call_text(src, right)
        if ctor in _PY_CLOSING:
            header = f"with closing({src.t(right)}) as {name}:"
        elif ctor in _PY_WITH or callee(src, right)[1] == "open":
            header = f"with {src.t(right)} as {name}:"
        else:
            yield from _inline_open(src, stmt)
            continue
        if not rest:
            continue
        closers = _closers(src, rest, name)
        for end in _extents(src, rest, name, closers):
            body_nodes = [s for s in rest[:end] if s not in closers]
            if not body_nodes:
                continue
            body = src.reindent(
                body_nodes[0].start_byte, body_nodes[-1].end_byte, add=src.unit, skip=closers
            )
            edits = [(stmt.start_byte, body_nodes[-1].end_byte, f"{header}\n{body}")]
            edits += [
                delete_statement(src, c) for c in closers if c.start_byte > body_nodes[-1].end_byte
            ]
            yield Rewrite(tuple(edits), f"open {name} in a with block")


def _inline_open(src: Source, stmt: Node) -> Iterator[Rewrite]:
    for call in src.of_type("call", within=stmt):
        if (
            call_text(src, call) != "open"
            or call.parent is None
            or call.parent.type != "argument_list"
        ):
            continue
        indent = src.indent(stmt)
        for var in ("fh", "f"):
            new_stmt = (
                src.slice(stmt.start_byte, call.start_byte)
                + var
                + src.slice(call.end_byte, stmt.end_byte)
            )
            new = block_text([f"with {src.t(call)} as {var}:", src.unit + new_stmt], indent)
            yield Rewrite(((stmt.start_byte, stmt.end_byte, new),), "close the file opened inline")


# ------------------------------------------------------------------------------------ Java
@operator("try-with-resources", family=FAMILY, languages={"java"})
def try_with_resources(src: Source) -> Iterator[Rewrite]:
    """Declare Java closeables in ``try (...)`` so that they are closed on every path."""
    for decl in src.of_type("local_variable_declaration"):
        typ = decl.child_by_field_name("type")
        declarators = [c for c in decl.named_children if c.type == "variable_declarator"]
        if typ is None or len(declarators) != 1 or decl.parent is None:
            continue
        value = declarators[0].child_by_field_name("value")
        name = src.t(declarators[0].child_by_field_name("name"))
        if value is None or value.type == "null_literal" or src.t(value).endswith(".stream()"):
            continue
        if not (
            _JAVA_CLOSEABLE.search(src.t(typ))
            or re.match(r"new \w*(Stream|Reader|Writer|Socket)\b", src.t(value))
        ):
            continue
        resource = src.t(decl).rstrip(";").rstrip()
        block = statements(decl.parent)
        idx = block.index(decl)
        rest = block[idx + 1 :]
        parent_try = decl.parent.parent
        if idx == 0 and parent_try is not None and parent_try.type == "try_statement":
            body = decl.parent
            yield Rewrite(
                (
                    (parent_try.start_byte, body.start_byte, f"try ({resource}) "),
                    delete_statement(src, decl),
                ),
                f"declare {name} as a try resource",
            )
        if not rest:
            continue
        closers = _closers(src, rest, name)
        for end in _extents(src, rest, name, closers):
            body_nodes = [s for s in rest[:end] if s not in closers]
            if not body_nodes:
                continue
            indent = src.indent(decl)
            moved = src.reindent(
                body_nodes[0].start_byte, body_nodes[-1].end_byte, add=src.unit, skip=closers
            )
            edits = [
                (
                    decl.start_byte,
                    body_nodes[-1].end_byte,
                    f"try ({resource}) {{\n{moved}\n{indent}}}",
                )
            ]
            edits += [
                delete_statement(src, c) for c in closers if c.start_byte > body_nodes[-1].end_byte
            ]
            yield Rewrite(tuple(edits), f"declare {name} as a try resource")
    for ret in src.of_type("return_statement"):
        m = re.match(
            r"return (Files\.(lines|list|walk|find|newDirectoryStream)\((?:[^()]|\([^()]*\))*\))",
            src.t(ret),
        )
        if not m:
            continue
        var = {"lines": "lines"}.get(m.group(2), "paths")
        stream = "Stream<String>" if m.group(2) == "lines" else "Stream<Path>"
        indent = src.indent(ret)
        new_ret = src.reindent(ret.start_byte, ret.end_byte, add=src.unit)
        new_ret = new_ret.replace(m.group(1), var, 1)
        yield Rewrite(
            (
                (
                    src.line_start(ret.start_byte),
                    ret.end_byte,
                    f"{indent}try ({stream} {var} = {m.group(1)}) {{\n{new_ret}\n{indent}}}",
                ),
            ),
            f"close the stream {m.group(1).split('(')[0]} returns",
        )


# --------------------------------------------------------------------------------- finally
def _is_cleanup(src: Source, stmt: Node, names: set[str]) -> bool:
    return bool(_CLEANUP.search(src.t(stmt))) and _mentions(src, stmt, names)


@operator("try-finally", family=FAMILY, languages={"python", "java"} | JS_LIKE)
def try_finally(src: Source) -> Iterator[Rewrite]:
    """Move the cleanup at the end of a block into ``finally`` so that it also runs on errors."""
    kinds = (
        "expression_statement",
        "lexical_declaration",
        "variable_declaration",
        "local_variable_declaration",
    )
    for acq in src.of_type(*kinds):
        if acq.parent is None or acq.parent.type not in (
            "block",
            "module",
            "statement_block",
            "program",
        ):
            continue
        names = {src.t(n) for n in _defined(src, acq)}
        if not names:
            continue
        block = statements(acq.parent)
        rest = block[block.index(acq) + 1 :]
        first = next((i for i, s in enumerate(rest) if _is_cleanup(src, s, names)), None)
        if not first:
            continue
        j = first
        while j < len(rest) and _mentions(src, rest[j], names) and _CLEANUP.search(src.t(rest[j])):
            j += 1
        cleanup, after = rest[first:j], rest[j:]
        body = rest[:first]
        if after and body:
            yield Rewrite(
                (_wrap_finally(src, body + after, cleanup),), "clean up in a finally block"
            )
        if src.language != "python":
            used_after = {
                src.t(i)
                for s in after
                for i in src.of_type("identifier", "shorthand_property_identifier", within=s)
            }
            while (
                body
                and _defined(src, body[0])
                and {src.t(n) for n in _defined(src, body[0])} & used_after
            ):
                body = body[1:]
            if any({src.t(n) for n in _defined(src, s)} & used_after for s in body):
                continue
        if body:
            yield Rewrite((_wrap_finally(src, body, cleanup),), "clean up in a finally block")


def _defined(src: Source, stmt: Node) -> list[Node]:
    if (
        stmt.type == "expression_statement"
        and stmt.named_children
        and stmt.named_children[0].type == "assignment"
    ):
        left = stmt.named_children[0].child_by_field_name("left")
        if left is not None:
            return src.of_type("identifier", within=left)
    out = []
    for d in stmt.named_children:
        if d.type == "variable_declarator":
            name = d.child_by_field_name("name")
            if name is not None:
                out += (
                    [name]
                    if name.type == "identifier"
                    else src.of_type(
                        "identifier", "shorthand_property_identifier_pattern", within=name
                    )
                )
    return out


def _wrap_finally(src: Source, body: list[Node], cleanup: list[Node]) -> tuple[int, int, str]:
    """Replace ``body`` and ``cleanup`` (and what lies between) by try/finally."""
    indent = src.indent(body[0])
    u = src.unit
    inner = src.reindent(body[0].start_byte, body[-1].end_byte, add=u, skip=cleanup)
    fin = src.reindent(cleanup[0].start_byte, cleanup[-1].end_byte, add=u)
    if src.language == "python":
        text = f"try:\n{inner}\n{indent}finally:\n{fin}"
    else:
        text = f"try {{\n{inner}\n{indent}}} finally {{\n{fin}\n{indent}}}"
    end = max(body[-1].end_byte, cleanup[-1].end_byte)
    return (body[0].start_byte, end, text)


# -------------------------------------------------------------------------------------- Go
_GO_OPENERS = {
    "Open": "Close",
    "Create": "Close",
    "OpenFile": "Close",
    "CreateTemp": "Close",
    "Dial": "Close",
    "DialContext": "Close",
    "DialTimeout": "Close",
    "Listen": "Close",
    "Accept": "Close",
    "Query": "Close",
    "QueryContext": "Close",
    "NewReader": "Close",
    "NewWriter": "Close",
    "Prepare": "Close",
    "PrepareContext": "Close",
    "BeginTx": "Rollback",
    "Begin": "Rollback",
    "NewTicker": "Stop",
    "NewTimer": "Stop",
}
_GO_RESPONSE = frozenset({"Do", "Get", "Post", "PostForm", "Head"})


@operator("defer-close", family=FAMILY, languages={"go"})
def defer_close(src: Source) -> Iterator[Rewrite]:
    """Release Go resources with ``defer`` right after acquiring them."""
    for decl in src.of_type("short_var_declaration"):
        left, right = decl.child_by_field_name("left"), decl.child_by_field_name("right")
        if left is None or right is None or not right.named_children or decl.parent is None:
            continue
        call = right.named_children[0]
        if call.type != "call_expression":
            continue
        names = [src.t(c) for c in left.named_children]
        recv, method = callee(src, call)
        fname = call_text(src, call)
        var = names[0]
        defers: list[str] = []
        if fname.startswith("context.With") and len(names) == 2:
            defers.append(f"{names[1]}()")
        elif method in _GO_RESPONSE and recv is not None and src.t(recv) not in ("os", "r", "req"):
            defers.append(f"{var}.Body.Close()")
        elif method in _GO_OPENERS and fname not in (
            "bufio.NewReader",
            "bufio.NewWriter",
            "strings.NewReader",
            "bytes.NewReader",
        ):
            defers.append(f"{var}.{_GO_OPENERS[method]}()")
            if method == "CreateTemp":
                defers.insert(0, f"os.Remove({var}.Name())")
        for d in defers:
            if f"defer {d}" in src.text:
                continue
            block = statements(decl.parent)
            idx = block.index(decl)
            anchor = decl
            if (
                idx + 1 < len(block)
                and block[idx + 1].type == "if_statement"
                and "err != nil" in src.t(block[idx + 1].child_by_field_name("condition"))
            ):
                anchor = block[idx + 1]
            explicit = [
                s for s in src.of_type("expression_statement", within=decl.parent) if src.t(s) == d
            ]
            edits = (insert_after(src, anchor, [f"defer {d}"]),) + tuple(
                delete_statement(src, s) for s in explicit
            )
            yield Rewrite(edits, f"defer {d}")
    for stmt in src.of_type("expression_statement"):
        m = re.fullmatch(r"(.+)\.(R?)Lock\(\)", src.t(stmt))
        if not m:
            continue
        unlock = f"{m.group(1)}.{m.group(2)}Unlock()"
        if f"defer {unlock}" in src.text:
            continue
        explicit = [s for s in src.of_type("expression_statement") if src.t(s) == unlock]
        yield Rewrite(
            (insert_after(src, stmt, [f"defer {unlock}"]),)
            + tuple(delete_statement(src, s) for s in explicit),
            f"defer {unlock}",
        )


# ------------------------------------------------------------------------------------ C/C++
_C_ACQUIRE = {
    "fopen": "fclose",
    "opendir": "closedir",
    "malloc": "free",
    "calloc": "free",
    "realloc": "free",
    "strdup": "free",
    "socket": "close",
    "open": "close",
    "::open": "close",
    "popen": "pclose",
}


@operator("release-on-return", family=FAMILY, languages={"c", "cpp"})
def release_on_return(src: Source) -> Iterator[Rewrite]:
    """Release C resources before early returns; C++ ``lock()``/``unlock()`` -> ``lock_guard``."""
    for call in src.of_type("call_expression"):
        fname = call_text(src, call)
        release = _C_ACQUIRE.get(fname)
        if release is None:
            continue
        stmt = statement_of(src, call)
        var = _c_assigned(src, call)
        if stmt is None or not var or stmt.parent is None:
            continue
        body = stmt.parent
        released = f"{release}({var})"
        late = [
            s
            for s in src.of_type("expression_statement", within=body)
            if src.t(s).rstrip(";") == released and s.start_byte > stmt.end_byte
        ]
        guard_end = stmt.end_byte
        nxt = stmt.next_named_sibling
        if (
            nxt is not None
            and nxt.type == "if_statement"
            and var in src.t(nxt.child_by_field_name("condition"))
        ):
            guard_end = nxt.end_byte
        edits = []
        for ret in src.of_type("return_statement", within=body):
            if (
                late
                and guard_end < ret.start_byte < late[0].start_byte
                and released not in src.t(ret.parent)
            ):
                edits.append(insert_before(src, ret, [f"{released};"]))
        for asg in src.of_type("expression_statement", within=body):
            if (
                re.fullmatch(rf"{re.escape(var)}\s*=\s*(-1|NULL|nullptr|0);", src.t(asg))
                and asg.start_byte > guard_end
            ):
                prev = asg.prev_named_sibling
                if prev is None or released not in src.t(prev):
                    edits.append(insert_before(src, asg, [f"{released};"]))
        if edits:
            yield Rewrite(tuple(edits), f"call {release}({var}) on every path")
            for e in edits[:4] if len(edits) > 1 else []:
                yield Rewrite((e,), f"call {release}({var}) before returning")
    if src.language != "cpp":
        return
    for stmt in src.of_type("expression_statement"):
        m = re.fullmatch(r"(.+)\.lock\(\);", src.t(stmt))
        if not m or stmt.parent is None:
            continue
        block = statements(stmt.parent)
        rest = block[block.index(stmt) + 1 :]
        unlocks = [s for s in rest if src.t(s) == f"{m.group(1)}.unlock();"]
        guard = f"std::lock_guard<std::mutex> lock({m.group(1)});"
        yield Rewrite(
            ((stmt.start_byte, stmt.end_byte, guard),)
            + tuple(delete_statement(src, s) for s in unlocks),
            "hold the mutex with a lock_guard",
        )
        if unlocks and rest.index(unlocks[0]) > 0:
            inner = rest[: rest.index(unlocks[0])]
            indent = src.indent(stmt)
            held = src.reindent(inner[0].start_byte, inner[-1].end_byte, add=src.unit)
            new = f"{{\n{indent}{src.unit}{guard}\n{held}\n{indent}}}"
            yield Rewrite(
                ((stmt.start_byte, unlocks[0].end_byte, new),),
                "hold the mutex with a scoped lock_guard",
            )


def _c_assigned(src: Source, call: Node) -> str:
    parent = call.parent
    while parent is not None and parent.type in ("cast_expression", "parenthesized_expression"):
        parent = parent.parent
    if parent is None:
        return ""
    if parent.type == "init_declarator":
        decl = parent.child_by_field_name("declarator")
        while decl is not None and decl.type == "pointer_declarator":
            decl = decl.child_by_field_name("declarator")
        return src.t(decl) if decl is not None and decl.type == "identifier" else ""
    if parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        return src.t(left) if left is not None and left.type == "identifier" else ""
    return ""


# ---------------------------------------------------------------------------- React effects
_EFFECT_RELEASE = {
    "EventSource": "{v}.close()",
    "WebSocket": "{v}.close()",
    "IntersectionObserver": "{v}.disconnect()",
    "ResizeObserver": "{v}.disconnect()",
    "MutationObserver": "{v}.disconnect()",
    "AbortController": "{v}.abort()",
    "setInterval": "clearInterval({v})",
    "setTimeout": "clearTimeout({v})",
}


@operator("effect-cleanup", family=FAMILY, languages=JS_LIKE)
def effect_cleanup(src: Source) -> Iterator[Rewrite]:
    """A React effect that opens something returns the function that closes it."""
    for call in src.of_type("call_expression"):
        if call_text(src, call) not in ("useEffect", "React.useEffect", "useLayoutEffect"):
            continue
        args = arguments(call)
        body = args[0].child_by_field_name("body") if args else None
        if body is None or body.type != "statement_block":
            continue
        stmts = statements(body)
        if not stmts or any(s.type == "return_statement" for s in stmts):
            continue
        releases = []
        for s in stmts:
            m = re.match(r"(?:const|let) (\w+) = (?:new )?(\w+)\(", src.t(s))
            if m and m.group(2) in _EFFECT_RELEASE:
                releases.append(_EFFECT_RELEASE[m.group(2)].format(v=m.group(1)))
            m = re.match(r"((?:window|document|\w+)\.)addEventListener\(([^,]+), (\w+)\)", src.t(s))
            if m:
                releases.append(f"{m.group(1)}removeEventListener({m.group(2)}, {m.group(3)})")
        if len(releases) == 1:
            line = f"return () => {releases[0]};"
        elif releases:
            line = "return () => { " + "; ".join(releases) + "; };"
        else:
            continue
        yield Rewrite((insert_after(src, stmts[-1], [line]),), "release what the effect opened")
