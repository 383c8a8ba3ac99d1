"""The ``less-flaky`` family, state shared between tests.

``isolate-state``   tests that change the world put it back: ``monkeypatch``, ``tmp_path``,
                    ``setUp`` instead of ``setUpClass``, fresh fixtures in ``beforeEach`` /
                    ``@BeforeEach``, ``afterEach(jest.restoreAllMocks)``, Go ``t.Cleanup``,
                    ``t.Setenv``, ``t.TempDir()``, Rust ``tempfile``
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
    insert_after,
    insert_before,
    operator,
)
from ._syntax import (
    arguments,
    body_of,
    call_text,
    calls_in,
    functions,
    is_test,
    name_of,
    param_name,
    params,
    statement_of,
    statements,
)

FAMILY = "less-flaky"


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
        for call in calls_in(src):
            if src.t(call) == "std::env::temp_dir()" or src.t(call) == "env::temp_dir()":
                stmt = statement_of(src, call)
                if stmt is not None:
                    yield Rewrite(
                        (
                            insert_before(src, stmt, ["let dir = tempfile::tempdir().unwrap();"]),
                            (call.start_byte, call.end_byte, "dir.path()"),
                        ),
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
                env_edits.append(
                    (
                        stmt.start_byte,
                        stmt.end_byte,
                        f"monkeypatch.setenv({m.group(1)}, {src.t(right)})",
                    )
                )
            elif left is not None and right is not None and left.type == "attribute":
                obj = left.child_by_field_name("object")
                module_like = (
                    obj is not None
                    and obj.type == "identifier"
                    and src.t(obj) not in ("self", "cls")
                    and src.t(obj).islower()
                )
                if (
                    obj is not None
                    and module_like
                    and not re.search(rf"\b{re.escape(src.t(obj))}\s*=", src.t(fn))
                ):
                    attr = src.t(left.child_by_field_name("attribute"))
                    new = f'monkeypatch.setattr({src.t(obj)}, "{attr}", {src.t(right)})'
                    param = _add_param(src, fn, "monkeypatch")
                    yield Rewrite(
                        tuple(e for e in ((stmt.start_byte, stmt.end_byte, new), param) if e),
                        f"patch {src.t(left)} for this test only",
                    )
        if env_edits:
            param = _add_param(src, fn, "monkeypatch")
            yield Rewrite(
                tuple(env_edits) + ((param,) if param else ()),
                "set environment variables with monkeypatch",
            )
        tmp_edits = []
        for s in src.of_type("string", within=fn):
            text = src.t(s)
            m = re.fullmatch(r"""(["'])/tmp/(?:[^"']*/)?([^/"']+)\1""", text)
            if not m:
                continue
            parent = s.parent.parent if s.parent is not None else None
            if (
                parent is not None
                and parent.type == "call"
                and call_text(src, parent) in ("Path", "pathlib.Path")
                and len(arguments(parent)) == 1
            ):
                tmp_edits.append((parent.start_byte, parent.end_byte, f'tmp_path / "{m.group(2)}"'))
            else:
                tmp_edits.append((s.start_byte, s.end_byte, f'str(tmp_path / "{m.group(2)}")'))
        if tmp_edits:
            param = _add_param(src, fn, "tmp_path")
            yield Rewrite(
                tuple(tmp_edits) + ((param,) if param else ()), "write into pytest's tmp_path"
            )
    for fn in src.of_type("function_definition"):
        name = name_of(src, fn)
        if (
            name not in ("setUpClass", "tearDownClass")
            or fn.parent is None
            or fn.parent.type != "decorated_definition"
        ):
            continue
        deco = fn.parent
        new_name = name.replace("Class", "")
        edits = [
            (deco.start_byte, fn.start_byte, ""),
        ]
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
    for call in calls_in(src):
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
            hooks.append(
                ("restore the mocks after each test", "afterEach", "jest.restoreAllMocks();")
            )
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
        fresh = [
            s
            for s in lead
            if s.type == "lexical_declaration"
            and "= new " in src.t(s)
            and src.t(s).startswith("const ")
        ]
        if fresh:
            names, assigns = [], []
            for s in fresh:
                for d in s.named_children:
                    if (
                        d.type == "variable_declarator"
                        and d.child_by_field_name("value") is not None
                    ):
                        names.append(src.t(d.child_by_field_name("name")))
                        assigns.append(
                            f"{u}{src.t(d.child_by_field_name('name'))} = {src.t(d.child_by_field_name('value'))};"
                        )
            indent = src.indent(fresh[0])
            lines = [f"let {n};" for n in names] + ["", f"beforeEach({style} {{", *assigns, "});"]
            yield Rewrite(
                ((fresh[0].start_byte, fresh[-1].end_byte, block_text(lines, indent)),),
                "create fresh fixtures before each test",
            )


def _state_java(src: Source) -> Iterator[Rewrite]:
    for cls in src.of_type("class_declaration"):
        body = cls.child_by_field_name("body")
        if body is None or "@Test" not in src.t(body):
            continue
        run: list[Node] = []
        for member in body.named_children:
            text = src.t(member)
            if (
                member.type == "field_declaration"
                and re.search(r"\bstatic\s+final\b", text)
                and "= new " in text
            ):
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
            assigns.append(
                f"{src.unit}{src.t(decl.child_by_field_name('name'))} = {src.t(decl.child_by_field_name('value'))};"
            )
        lines = [*fields, "", "@BeforeEach", "void setUp() {", *assigns, "}"]
        yield Rewrite(
            ((run[0].start_byte, run[-1].end_byte, block_text(lines, indent)),),
            "create fresh fixtures before each test",
        )
    for call in src.of_type("method_invocation"):
        name = call_text(src, call)
        stmt = statement_of(src, call)
        if (
            name not in ("TimeZone.setDefault", "Locale.setDefault")
            or stmt is None
            or stmt.parent is None
        ):
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
        moved = src.reindent(rest[0].start_byte, rest[-1].end_byte, add=src.unit)
        new_rest = f"try {{\n{moved}\n{indent}}} finally {{\n{indent}{src.unit}{cls_name}.setDefault(original);\n{indent}}}"
        yield Rewrite(
            (
                insert_before(src, stmt, [f"{cls_name} original = {cls_name}.getDefault();"]),
                (src.line_start(rest[0].start_byte), rest[-1].end_byte, indent + new_rest),
            ),
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
            if (
                left is None
                or len(left.named_children) != 1
                or left.named_children[0].type != "identifier"
            ):
                continue
            var = src.t(left.named_children[0])
            op = next((c for c in asg.children if not c.is_named), None)
            if var in declared or var == "_" or op is None or src.t(op) != "=":
                continue
            yield Rewrite(
                (
                    insert_before(
                        src, asg, ["prev := " + var, f"t.Cleanup(func() {{ {var} = prev }})"]
                    ),
                ),
                f"restore {var} when the test ends",
            )
        for call in calls_in(src, fn):
            if call_text(src, call) == "os.Setenv":
                fnode = call.child_by_field_name("function")
                assert fnode is not None
                yield Rewrite(
                    ((fnode.start_byte, fnode.end_byte, "t.Setenv"),),
                    "set the variable for this test only",
                )
            for arg in arguments(call):
                m = re.fullmatch(r'"(?:[\w.-]+/)+([\w-]+\.\w+)"', src.t(arg))
                if m and arg.type == "interpreted_string_literal":
                    yield Rewrite(
                        (
                            (
                                arg.start_byte,
                                arg.end_byte,
                                f'filepath.Join(t.TempDir(), "{m.group(1)}")',
                            ),
                        ),
                        "use a per-test temporary directory",
                    )
