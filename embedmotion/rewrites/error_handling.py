"""The ``error-handling`` family: catch what you mean, keep causes, check errors.

``narrow-except``    ``except:`` / ``except Exception:`` / ``catch (Exception e)`` -> the
                     exceptions the ``try`` body can actually raise (read off its calls:
                     ``open`` -> ``OSError``, ``json.loads`` -> ``json.JSONDecodeError``,
                     ``Long.parseLong`` -> ``NumberFormatException`` ...), all together and
                     one at a time; common guesses when nothing is recognised
``chain-cause``      ``raise X(...)`` in an ``except`` -> ``raise X(...) from exc``; Java
                     ``throw new X(msg)`` in a ``catch`` -> ``throw new X(msg, e)``; Go
                     ``%v`` -> ``%w`` for the error in ``fmt.Errorf``
``check-error``      Go ``x, _ := f()`` and ignored error results -> ``if err != nil``;
                     Rust ignored ``Result`` -> ``?``; Python ``raise_for_status()`` after
                     an HTTP call; Java ``printStackTrace()`` -> rethrow
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ._core import Node, Rewrite, Source, block_text, insert_after, operator
from ._syntax import arguments, call_text, callee, function_of, go_results, go_zero, statement_of

FAMILY = "error-handling"

_PY_RAISES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(json\.loads?|simplejson\.loads?)$"), "json.JSONDecodeError"),
    (re.compile(r"^yaml\."), "yaml.YAMLError"),
    (re.compile(r"^(tomllib|tomli|toml)\.loads?$"), "tomllib.TOMLDecodeError"),
    (re.compile(r"^(int|float)$"), "ValueError"),
    (re.compile(r"^(Decimal|decimal\.Decimal)$"), "InvalidOperation"),
    (re.compile(r"(strptime|fromisoformat|\.index|\.json)$"), "ValueError"),
    (
        re.compile(
            r"^(open|io\.open|os\.\w+|shutil\.\w+)$|\.(open|read_text|write_text|read_bytes|write_bytes|mkdir|unlink|rename|stat|iterdir|connect|recv|send|sendall)$"
        ),
        "OSError",
    ),
    (re.compile(r"^subprocess\.(run|check_call|check_output)$"), "subprocess.CalledProcessError"),
    (re.compile(r"^(base64\.\w*decode)$"), "binascii.Error"),
    (re.compile(r"\.decode$"), "UnicodeDecodeError"),
    (re.compile(r"^pickle\.loads?$"), "pickle.UnpicklingError"),
    (re.compile(r"^getattr$"), "AttributeError"),
    (re.compile(r"^next$"), "StopIteration"),
]
_PY_GUESSES = (
    "(ValueError, OSError)",
    "ValueError",
    "OSError",
    "(KeyError, ValueError)",
    "(TypeError, ValueError)",
)
_JAVA_RAISES: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(
            r"(parseInt|parseLong|parseDouble|parseFloat|parseShort|parseByte|Integer\.valueOf|Long\.valueOf|new BigDecimal)$"
        ),
        "NumberFormatException",
    ),
    (
        re.compile(
            r"^(LocalDate|LocalDateTime|LocalTime|ZonedDateTime|OffsetDateTime|Instant|Duration|Period)\.parse$"
        ),
        "DateTimeParseException",
    ),
    (
        re.compile(r"(readValue|readTree|writeValueAsString|writeValueAsBytes)$"),
        "JsonProcessingException",
    ),
    (
        re.compile(
            r"^(Files\.\w+|new File\w*|new \w*(Stream|Reader|Writer))$|\.(readLine|readAllBytes|transferTo|getInputStream|getOutputStream|openConnection|openStream)$"
        ),
        "IOException",
    ),
    (re.compile(r"(Thread\.sleep|\.await|\.join)$"), "InterruptedException"),
    (
        re.compile(r"(getConnection|prepareStatement|executeQuery|executeUpdate|createStatement)$"),
        "SQLException",
    ),
    (
        re.compile(r"^(URI\.create|UUID\.fromString|Enum\.valueOf|\w+\.valueOf)$"),
        "IllegalArgumentException",
    ),
    (re.compile(r"^new URL$"), "MalformedURLException"),
    (re.compile(r"^Class\.forName$"), "ClassNotFoundException"),
]


def _python_exceptions(src: Source, body: Node) -> list[str]:
    found: list[tuple[int, str]] = []
    http = "httpx" if "httpx" in src.text else "requests"
    for call in src.of_type("call", within=body):
        name = call_text(src, call)
        method = callee(src, call)[1]
        exc = next((e for pat, e in _PY_RAISES if pat.search(name)), None)
        if (
            re.match(
                r"^(requests|httpx)\.|\b(session|client)\.(get|post|put|patch|delete|request|send)$",
                name,
            )
            or method == "raise_for_status"
        ):
            exc = "httpx.HTTPError" if http == "httpx" else "requests.RequestException"
        if exc is not None:
            found.append((call.end_byte, exc))
    for sub in src.of_type("subscript", within=body):
        key = sub.child_by_field_name("subscript")
        if key is not None and key.type == "string":
            found.append((sub.end_byte, "KeyError"))
    found.sort()
    return list(dict.fromkeys(e for _, e in found))


def _java_exceptions(src: Source, body: Node) -> list[str]:
    found: list[tuple[int, str]] = []
    for call in src.of_type("method_invocation", "object_creation_expression", within=body):
        name = call_text(src, call)
        if call.type == "object_creation_expression":
            name = "new " + name
        else:
            obj, method = callee(src, call)
            name = f"{src.t(obj)}.{method}" if obj is not None else method
        exc = next((e for pat, e in _JAVA_RAISES if pat.search(name)), None)
        if exc is not None:
            found.append((call.end_byte, exc))
    found.sort()
    return list(dict.fromkeys(e for _, e in found))


@operator("narrow-except", family=FAMILY, languages={"python", "java"})
def narrow_except(src: Source) -> Iterator[Rewrite]:
    """Catch the exceptions the ``try`` body can raise instead of everything."""
    sites: list[list[tuple[int, int, str]]] = []
    if src.language == "python":
        for clause in src.of_type("except_clause"):
            try_stmt = clause.parent
            body = try_stmt.child_by_field_name("body") if try_stmt is not None else None
            value = clause.child_by_field_name("value")
            if body is None:
                continue
            if value is None:
                caught = None
                start = end = clause.start_byte + len("except")
            else:
                caught = value.named_children[0] if value.type == "as_pattern" else value
                if src.t(caught) not in ("Exception", "BaseException"):
                    continue
                start, end = caught.start_byte, caught.end_byte
            excs = _python_exceptions(src, body)
            options = []
            if excs:
                options.append(excs[0] if len(excs) == 1 else "(" + ", ".join(excs) + ")")
                options += excs if len(excs) > 1 else []
            else:
                options += list(_PY_GUESSES)
            pad = " " if caught is None else ""
            site = [(start, end, pad + o) for o in options]
            sites.append(site)
    else:
        for clause in src.of_type("catch_clause"):
            param = next(
                (c for c in clause.named_children if c.type == "catch_formal_parameter"), None
            )
            ctype = (
                next((c for c in param.named_children if c.type == "catch_type"), None)
                if param
                else None
            )
            try_stmt = clause.parent
            body = try_stmt.child_by_field_name("body") if try_stmt is not None else None
            if (
                ctype is None
                or body is None
                or src.t(ctype) not in ("Exception", "Throwable", "RuntimeException")
            ):
                continue
            excs = _java_exceptions(src, body)
            if not excs:
                continue
            options = [" | ".join(excs)] + (excs if len(excs) > 1 else [])
            sites.append([(ctype.start_byte, ctype.end_byte, o) for o in options])
    if len(sites) > 1:
        yield Rewrite(
            tuple(s[0] for s in sites),
            f"narrow {len(sites)} handlers to the exceptions their bodies raise",
        )
    for site in sites:
        for edit in site:
            yield Rewrite((edit,), f"catch {edit[2].strip()} only")


@operator("chain-cause", family=FAMILY, languages={"python", "java", "go"})
def chain_cause(src: Source) -> Iterator[Rewrite]:
    """Keep the original error as the cause of the one raised in its place."""
    if src.language == "python":
        for clause in src.of_type("except_clause"):
            value = clause.child_by_field_name("value")
            alias_node = None
            if value is not None and value.type == "as_pattern":
                alias_node = value.child_by_field_name("alias")
            name = src.t(alias_node) if alias_node is not None else "exc"
            edits: list[tuple[int, int, str]] = []
            for r in src.of_type("raise_statement", within=clause):
                if r.child_by_field_name("cause") is not None or not r.named_children:
                    continue
                edits.append((r.end_byte, r.end_byte, f" from {name}"))
            if not edits:
                continue
            if alias_node is None and value is not None:
                edits.append((value.end_byte, value.end_byte, " as exc"))
            elif value is None:
                continue
            yield Rewrite(tuple(edits), f"chain the new exception to {name}")
    elif src.language == "java":
        for clause in src.of_type("catch_clause"):
            param = next(
                (c for c in clause.named_children if c.type == "catch_formal_parameter"), None
            )
            if param is None:
                continue
            var = src.t(param.child_by_field_name("name"))
            for t in src.of_type("throw_statement", within=clause):
                new = next(
                    (c for c in t.named_children if c.type == "object_creation_expression"), None
                )
                args = new.child_by_field_name("arguments") if new is not None else None
                if args is None or re.search(rf"\b{re.escape(var)}\b", src.t(args)):
                    continue
                sep = ", " if arguments(new) else ""  # type: ignore[arg-type]
                yield Rewrite(
                    ((args.end_byte - 1, args.end_byte - 1, f"{sep}{var}"),),
                    f"pass {var} as the cause",
                )
    else:
        for call in src.of_type("call_expression"):
            if call_text(src, call) != "fmt.Errorf":
                continue
            fargs = arguments(call)
            if len(fargs) < 2 or not re.search(r"\berr\w*$", src.t(fargs[-1])):
                continue
            fmt = fargs[0]
            text = src.t(fmt)
            idx = text.rfind("%v")
            if idx >= 0 and "%w" not in text:
                pos = fmt.start_byte + len(text[:idx].encode())
                yield Rewrite(
                    ((pos, pos + 2, "%w"),), "wrap the error with %w so callers can unwrap it"
                )


_GO_ERR_CALLS = frozenset(
    [
        "Close",
        "Unmarshal",
        "Encode",
        "Decode",
        "Write",
        "WriteString",
        "Flush",
        "Sync",
        "Remove",
        "RemoveAll",
        "MkdirAll",
        "Mkdir",
        "WriteFile",
        "Rename",
        "Chmod",
        "Chdir",
        "Scan",
        "Shutdown",
        "Commit",
        "Rollback",
        "Ping",
        "Set",
        "SetDeadline",
        "SetReadDeadline",
        "SetWriteDeadline",
        "Truncate",
        "Seek",
    ]
)
_RUST_RESULT_METHODS = frozenset(
    [
        "flush",
        "write_all",
        "sync_all",
        "sync_data",
        "set_len",
        "set_nonblocking",
        "set_read_timeout",
        "shutdown",
        "send",
    ]
)


@operator("check-error", family=FAMILY, languages={"go", "rust", "python", "java"})
def check_error(src: Source) -> Iterator[Rewrite]:
    """Handle the errors a call reports instead of dropping them."""
    lang = src.language
    if lang == "go":
        yield from _check_go(src)
    elif lang == "rust":
        for stmt in src.of_type("expression_statement"):
            call = stmt.named_children[0] if stmt.named_children else None
            if call is None or call.type != "call_expression":
                continue
            fn = function_of(src, stmt)
            ret = fn.child_by_field_name("return_type") if fn is not None else None
            if ret is None or "Result" not in src.t(ret):
                continue
            _, method = callee(src, call)
            if method in _RUST_RESULT_METHODS:
                yield Rewrite(
                    ((call.end_byte, call.end_byte, "?"),), f"propagate the error of {method}"
                )
    elif lang == "python":
        for asg in src.of_type("assignment"):
            left, right = asg.child_by_field_name("left"), asg.child_by_field_name("right")
            if left is None or right is None or right.type != "call" or left.type != "identifier":
                continue
            name = call_text(src, right)
            if not re.match(
                r"^(requests|httpx|session|client|self\.session|self\.client)\.(get|post|put|patch|delete|request)$",
                name,
            ):
                continue
            var = src.t(left)
            asg_stmt = statement_of(src, asg)
            if (
                asg_stmt is None
                or f"{var}.raise_for_status()" in src.text
                or f"{var}.status_code" in src.text
            ):
                continue
            yield Rewrite(
                (insert_after(src, asg_stmt, [f"{var}.raise_for_status()"]),),
                "fail on HTTP error statuses",
            )
    elif lang == "java":
        for stmt in src.of_type("expression_statement"):
            m = re.fullmatch(r"(\w+)\.printStackTrace\(\);", src.t(stmt))
            if not m:
                continue
            clause = stmt.parent.parent if stmt.parent is not None else None
            io = clause is not None and "IOException" in src.t(clause).split(")")[0]
            wrapper = "UncheckedIOException" if io else "RuntimeException"
            yield Rewrite(
                ((stmt.start_byte, stmt.end_byte, f"throw new {wrapper}({m.group(1)});"),),
                "rethrow instead of printing the stack trace",
            )


def _go_return(src: Source, fn: Node, err: str) -> str | None:
    results = go_results(src, fn)
    if not results or results[-1] != "error":
        return None
    zeros = [go_zero(t) for t in results[:-1]]
    return "return " + ", ".join([*zeros, err])


def _check_go(src: Source) -> Iterator[Rewrite]:
    for decl in src.of_type("short_var_declaration"):
        left = decl.child_by_field_name("left")
        fn = function_of(src, decl)
        if left is None or fn is None:
            continue
        names = [c for c in left.named_children]
        if len(names) < 2 or src.t(names[-1]) != "_":
            continue
        ret = _go_return(src, fn, "err")
        if ret is None:
            continue
        blank = names[-1]
        indent = src.indent(decl)
        check = block_text(["if err != nil {", f"\t{ret}", "}"], indent)
        yield Rewrite(
            (
                (blank.start_byte, blank.end_byte, "err"),
                (decl.end_byte, decl.end_byte, "\n" + indent + check),
            ),
            "check the error instead of discarding it",
        )
    for stmt in src.of_type("expression_statement"):
        call = stmt.named_children[0] if stmt.named_children else None
        if (
            call is None
            or call.type != "call_expression"
            or stmt.parent is None
            or stmt.parent.type == "defer_statement"
        ):
            continue
        _, method = callee(src, call)
        fn = function_of(src, stmt)
        if method not in _GO_ERR_CALLS or fn is None:
            continue
        ret = _go_return(src, fn, "err")
        if ret is None:
            continue
        indent = src.indent(stmt)
        new = block_text([f"if err := {src.t(call)}; err != nil {{", f"\t{ret}", "}"], indent)
        yield Rewrite(((stmt.start_byte, stmt.end_byte, new),), f"check the error {method} returns")
