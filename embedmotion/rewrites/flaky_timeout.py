"""The ``less-flaky`` family: calls that can wait forever, and fixed ports.

``add-timeout``     blocking calls get a timeout: HTTP clients (``requests``, ``httpx``,
                    ``urlopen``, Go ``http.Client``), ``queue.get``, ``join``, ``result``,
                    ``wait``, ``subprocess``, Java latches and futures, Rust channels, mocha
                    ``this.timeout(0)``
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
    operator,
)
from ._syntax import (
    arguments,
    call_text,
    callee,
    calls_in,
)

FAMILY = "less-flaky"


# ------------------------------------------------------------------------------- timeouts
_PY_HTTP = re.compile(
    r"^(requests|httpx|session|client|self\.session|self\.client|self\._session|self\._client|http)\.(get|post|put|patch|delete|head|options|request)$"
)
_PY_SUBPROCESS = frozenset(
    {"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output"}
)
_TIMEOUTS = (10, 5)


def _has_kw(src: Source, call: Node, name: str) -> bool:
    return any(
        a.type == "keyword_argument" and src.t(a).startswith(name + "=") for a in arguments(call)
    )


@operator("add-timeout", family=FAMILY, languages={"python", "java", "go", "rust"} | JS_LIKE)
def add_timeout(src: Source) -> Iterator[Rewrite]:
    """Give blocking calls a timeout so that a hang fails fast instead of stalling the suite."""
    lang = src.language
    if lang == "python":
        yield from _timeout_python(src)
    elif lang in JS_LIKE:
        for call in calls_in(src):
            if src.t(call) == "this.timeout(0)":
                args = call.child_by_field_name("arguments")
                assert args is not None
                yield Rewrite(
                    ((args.start_byte, args.end_byte, "(10000)"),), "bound the test's running time"
                )
    elif lang == "java":
        yield from _timeout_java(src)
    elif lang == "go":
        for call in calls_in(src):
            if call_text(src, call) == "http.Get":
                fn = call.child_by_field_name("function")
                assert fn is not None
                yield Rewrite(
                    (
                        (
                            fn.start_byte,
                            fn.end_byte,
                            "(&http.Client{Timeout: 10 * time.Second}).Get",
                        ),
                    ),
                    "use an HTTP client with a timeout",
                )
        for lit in src.of_type("composite_literal"):
            typ = lit.child_by_field_name("type")
            body = lit.child_by_field_name("body")
            if (
                typ is not None
                and body is not None
                and src.t(typ) == "http.Client"
                and "Timeout" not in src.t(body)
            ):
                inner = src.t(body)[1:-1].strip()
                new = (
                    "{Timeout: 10 * time.Second}"
                    if not inner
                    else "{Timeout: 10 * time.Second, " + inner + "}"
                )
                yield Rewrite(
                    ((body.start_byte, body.end_byte, new),), "give the HTTP client a timeout"
                )
    elif lang == "rust":
        for call in calls_in(src):
            fn = call.child_by_field_name("function")
            if (
                fn is not None
                and fn.type == "field_expression"
                and src.t(fn.child_by_field_name("field")) == "recv"
                and not arguments(call)
            ):
                field = fn.child_by_field_name("field")
                args = call.child_by_field_name("arguments")
                assert field is not None and args is not None
                yield Rewrite(
                    ((field.start_byte, args.end_byte, "recv_timeout(Duration::from_secs(10))"),),
                    "stop waiting after ten seconds",
                )


def _timeout_python(src: Source) -> Iterator[Rewrite]:
    queues = set(
        re.findall(
            r"\b(\w+)\s*=\s*(?:queue\.|asyncio\.)?(?:Simple|Priority|Lifo)?Queue\(", src.text
        )
    )
    threads = set(re.findall(r"\b(\w+)\s*=\s*(?:threading\.)?Thread\(", src.text))
    for call in calls_in(src):
        name = call_text(src, call)
        args = call.child_by_field_name("arguments")
        if args is None:
            continue
        recv, method = callee(src, call)
        rname = src.t(recv) if recv is not None else ""
        close = args.end_byte - 1
        sep = ", " if arguments(call) else ""
        if (_PY_HTTP.match(name) or name in ("urlopen", "urllib.request.urlopen")) and not _has_kw(
            src, call, "timeout"
        ):
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
                yield Rewrite(
                    ((close, close, f"timeout={value}"),),
                    f"stop waiting on {rname}.{method}() after {value}s",
                )
        elif method == "wait" and not arguments(call) and call.parent is not None:
            if call.parent.type == "await":
                for value in _TIMEOUTS:
                    yield Rewrite(
                        (
                            (
                                call.start_byte,
                                call.end_byte,
                                f"asyncio.wait_for({src.t(call)}, timeout={value})",
                            ),
                        ),
                        f"stop waiting after {value}s",
                    )
            else:
                for value in _TIMEOUTS:
                    yield Rewrite(
                        ((close, close, f"timeout={value}"),), f"stop waiting after {value}s"
                    )


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
                    yield Rewrite(
                        (
                            (
                                call.start_byte,
                                call.end_byte,
                                f"assertTrue({rname}.await({value}, TimeUnit.SECONDS))",
                            ),
                        ),
                        f"fail after {value}s instead of waiting forever",
                    )
            yield Rewrite(
                ((args.start_byte, args.end_byte, "(10, TimeUnit.SECONDS)"),),
                "stop waiting after ten seconds",
            )
        elif (
            method == "get"
            and not arguments(call)
            and re.search(r"future|Future|pending|result", rname)
        ):
            yield Rewrite(
                ((args.start_byte, args.end_byte, "(10, TimeUnit.SECONDS)"),),
                "stop waiting after ten seconds",
            )
        elif (
            method == "join"
            and not arguments(call)
            and re.search(r"thread|Thread|worker|sender", rname)
        ):
            yield Rewrite(
                ((args.start_byte, args.end_byte, "(10_000)"),), "stop waiting after ten seconds"
            )
        elif src.t(call) == "HttpClient.newHttpClient()":
            yield Rewrite(
                (
                    (
                        call.start_byte,
                        call.end_byte,
                        "HttpClient.newBuilder()\n"
                        + src.indent(call)
                        + 2 * src.unit
                        + ".connectTimeout(Duration.ofSeconds(10))\n"
                        + src.indent(call)
                        + 2 * src.unit
                        + ".build()",
                    ),
                ),
                "give the HTTP client a connect timeout",
            )


# ------------------------------------------------------------------------- ephemeral ports
@operator("ephemeral-port", family=FAMILY, languages={"java", "go", "rust", "python"})
def ephemeral_port(src: Source) -> Iterator[Rewrite]:
    """Listen on port 0 (any free port) instead of a fixed one that another test may hold."""
    if src.language == "java":
        for node in src.of_type("object_creation_expression"):
            args = arguments(node)
            if (
                src.t(node.child_by_field_name("type")) != "ServerSocket"
                or len(args) != 1
                or args[0].type != "decimal_integer_literal"
            ):
                continue
            port = src.t(args[0])
            decl = node.parent
            var = (
                src.t(decl.child_by_field_name("name"))
                if decl is not None and decl.type in ("variable_declarator", "resource")
                else ""
            )
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
                yield Rewrite(
                    ((lit.start_byte, lit.end_byte, f"{m.group(1)}{host}:0{m.group(1)}"),),
                    "listen on a free port",
                )
