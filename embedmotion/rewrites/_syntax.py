"""Language tables and tree helpers shared by the operators.

The grammars name the same ideas differently (a Python ``call`` is a Java
``method_invocation``; a Go block keeps its statements in a ``statement_list``);
the helpers here hide that, so that operators can ask for "the statements of this
function", "the callee of this call" or "the function around this node" in any
language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ._core import Node, Source

FUNCTIONS: dict[str, frozenset[str]] = {
    "python": frozenset({"function_definition"}),
    "javascript": frozenset(
        {
            "function_declaration",
            "function_expression",
            "function",
            "arrow_function",
            "method_definition",
            "generator_function_declaration",
        }
    ),
    "java": frozenset({"method_declaration", "constructor_declaration", "lambda_expression"}),
    "go": frozenset({"function_declaration", "method_declaration", "func_literal"}),
    "rust": frozenset({"function_item", "closure_expression"}),
    "c": frozenset({"function_definition"}),
    "cpp": frozenset({"function_definition", "lambda_expression"}),
}
FUNCTIONS["typescript"] = FUNCTIONS["tsx"] = FUNCTIONS["javascript"]

CONTAINERS: dict[str, frozenset[str]] = {
    "python": frozenset({"block", "module"}),
    "javascript": frozenset({"statement_block", "program", "switch_case", "switch_default"}),
    "java": frozenset(
        {"block", "program", "constructor_body", "switch_block_statement_group", "class_body"}
    ),
    "go": frozenset({"statement_list", "source_file"}),
    "rust": frozenset({"block", "source_file", "declaration_list"}),
    "c": frozenset({"compound_statement", "translation_unit"}),
    "cpp": frozenset({"compound_statement", "translation_unit", "field_declaration_list"}),
}
CONTAINERS["typescript"] = CONTAINERS["tsx"] = CONTAINERS["javascript"]

CALLS: dict[str, frozenset[str]] = {
    "python": frozenset({"call"}),
    "javascript": frozenset({"call_expression", "new_expression"}),
    "java": frozenset({"method_invocation", "object_creation_expression"}),
    "go": frozenset({"call_expression"}),
    "rust": frozenset({"call_expression", "macro_invocation"}),
    "c": frozenset({"call_expression"}),
    "cpp": frozenset({"call_expression"}),
}
CALLS["typescript"] = CALLS["tsx"] = CALLS["javascript"]

COMMENTS = frozenset({"comment", "line_comment", "block_comment"})
_PUNCT = frozenset({"{", "}", "(", ")", ";", ":", ","})
IDENT_TYPES = frozenset({"identifier", "shorthand_property_identifier"})


def functions(src: Source) -> list[Node]:
    return src.of_type(*FUNCTIONS.get(src.language, ()))


def enclosing(node: Node, types: frozenset[str] | set[str]) -> Node | None:
    cur = node.parent
    while cur is not None:
        if cur.type in types:
            return cur
        cur = cur.parent
    return None


def function_of(src: Source, node: Node) -> Node | None:
    return enclosing(node, FUNCTIONS.get(src.language, frozenset()))


def body_of(src: Source, fn: Node) -> Node | None:
    """The node holding the statements of function ``fn`` (``None`` for expression bodies)."""
    body = fn.child_by_field_name("body")
    if body is None:
        return None
    if src.language == "go" and body.type == "block":
        for child in body.named_children:
            if child.type == "statement_list":
                return child
        return None
    if body.type not in CONTAINERS.get(src.language, frozenset()):
        return None
    return body


def statements(container: Node | None) -> list[Node]:
    """The statements directly inside a block (no comments, no braces)."""
    if container is None:
        return []
    if container.type == "block":
        for child in container.named_children:
            if child.type == "statement_list":
                container = child
                break
    return [c for c in container.named_children if c.type not in COMMENTS and c.type not in _PUNCT]


def statement_of(src: Source, node: Node) -> Node | None:
    """The statement (a direct child of a block) holding ``node``."""
    containers = CONTAINERS.get(src.language, frozenset())
    cur: Node | None = node
    while cur is not None and cur.parent is not None:
        if cur.parent.type in containers:
            return cur
        cur = cur.parent
    return None


def inner_blocks(src: Source, node: Node) -> Iterator[Node]:
    """Every statement container inside ``node`` (including ``node`` itself)."""
    containers = CONTAINERS.get(src.language, frozenset())
    stack = [node]
    while stack:
        cur = stack.pop()
        if cur.type in containers:
            yield cur
        stack.extend(reversed(cur.named_children))


def name_of(src: Source, fn: Node) -> str:
    name = fn.child_by_field_name("name")
    if name is not None:
        return src.t(name)
    decl = fn.child_by_field_name("declarator")
    while decl is not None:
        inner = decl.child_by_field_name("declarator")
        if inner is None:
            return src.t(decl).split("(")[0].split("::")[-1]
        decl = inner
    parent = fn.parent
    if parent is not None and parent.type == "variable_declarator":
        return src.t(parent.child_by_field_name("name"))
    return ""


def callee(src: Source, call: Node) -> tuple[Node | None, str]:
    """(receiver, name) of a call: ``a.b.c(x)`` -> (``a.b``, ``"c"``); ``f(x)`` -> (None, ``"f"``)."""
    lang = src.language
    if lang == "java":
        if call.type == "object_creation_expression":
            typ = call.child_by_field_name("type")
            return None, src.t(typ).split("<")[0]
        return call.child_by_field_name("object"), src.t(call.child_by_field_name("name"))
    if call.type == "macro_invocation":
        return None, src.t(call.child_by_field_name("macro")) + "!"
    fn = call.child_by_field_name("function") or call.child_by_field_name("constructor")
    if fn is None:
        return None, ""
    if fn.type in ("attribute", "member_expression", "selector_expression", "field_expression"):
        obj = (
            fn.child_by_field_name("object")
            or fn.child_by_field_name("operand")
            or fn.child_by_field_name("value")
            or fn.child_by_field_name("argument")
        )
        prop = (
            fn.child_by_field_name("attribute")
            or fn.child_by_field_name("property")
            or fn.child_by_field_name("field")
        )
        return obj, src.t(prop)
    if fn.type in ("scoped_identifier", "qualified_identifier"):
        path = fn.child_by_field_name("path") or fn.child_by_field_name("scope")
        name = fn.child_by_field_name("name")
        return path, src.t(name)
    return None, src.t(fn)


def arguments(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    if args is None:
        return []
    return [a for a in args.named_children if a.type not in COMMENTS]


def call_text(src: Source, call: Node) -> str:
    """The callee as written, e.g. ``time.sleep`` or ``Thread.sleep``."""
    if src.language == "java" and call.type == "method_invocation":
        obj, name = callee(src, call)
        return f"{src.t(obj)}.{name}" if obj is not None else name
    fn = call.child_by_field_name("function") or call.child_by_field_name("macro")
    return src.t(fn)


def identifiers(src: Source, node: Node) -> list[str]:
    return [src.t(n) for n in src.of_type(*IDENT_TYPES, within=node)]


def root_identifier(src: Source, node: Node | None) -> str:
    """The leftmost identifier of an access path: ``a.b[c].d`` -> ``"a"``."""
    cur = node
    while cur is not None:
        if cur.type in ("identifier", "self", "this", "field_identifier"):
            return src.t(cur)
        if cur.type in ("parenthesized_expression",):
            cur = cur.named_children[0] if cur.named_children else None
            continue
        nxt = (
            cur.child_by_field_name("object")
            or cur.child_by_field_name("value")
            or cur.child_by_field_name("operand")
            or cur.child_by_field_name("argument")
            or cur.child_by_field_name("array")
            or cur.child_by_field_name("function")
        )
        if nxt is None and cur.named_children:
            nxt = cur.named_children[0]
        if nxt is None or nxt == cur:
            return ""
        cur = nxt
    return ""


def is_async(src: Source, fn: Node) -> bool:
    return any(c.type == "async" for c in fn.children) or src.t(fn).startswith("async ")


_TEST_NAME = re.compile(r"^(test|Test)")
_TEST_CALLS = frozenset({"it", "test", "beforeEach", "afterEach", "beforeAll", "afterAll"})


def is_test(src: Source, fn: Node) -> bool:
    """Whether ``fn`` is a test: ``test_*``/``Test*`` names, ``@Test``, ``#[test]``, jest callbacks."""
    name = name_of(src, fn)
    if _TEST_NAME.match(name):
        return True
    head = src.slice(src.line_start(fn.start_byte), fn.start_byte)
    prev = fn.prev_named_sibling
    if src.language == "java":
        mods = [c for c in fn.children if c.type == "modifiers"]
        if mods and "@Test" in src.t(mods[0]):
            return True
    if src.language == "rust" and prev is not None and prev.type == "attribute_item":
        return "test" in src.t(prev)
    if (
        src.language == "python"
        and fn.parent is not None
        and fn.parent.type == "decorated_definition"
    ):
        return "pytest" in src.t(fn.parent).split("def ", 1)[0]
    if src.language in ("javascript", "typescript", "tsx") and fn.parent is not None:
        call = fn.parent.parent
        if call is not None and call.type == "call_expression":
            _, cname = callee(src, call)
            return cname in _TEST_CALLS
    return "@Test" in head


def params(src: Source, fn: Node) -> list[Node]:
    """The parameter nodes of a function (language-specific node types)."""
    plist = fn.child_by_field_name("parameters")
    if plist is None:
        decl = fn.child_by_field_name("declarator")
        while decl is not None and plist is None:
            plist = decl.child_by_field_name("parameters")
            decl = decl.child_by_field_name("declarator")
    if plist is None:
        return []
    return [p for p in plist.named_children if p.type not in COMMENTS]


def param_name(src: Source, p: Node) -> str:
    if p.type == "identifier":
        return src.t(p)
    for field in ("name", "pattern", "declarator"):
        sub = p.child_by_field_name(field)
        if sub is not None:
            if sub.type in ("identifier", "field_identifier"):
                return src.t(sub)
            return param_name(src, sub)
    ids = [c for c in p.named_children if c.type == "identifier"]
    return src.t(ids[0]) if ids else ""


def first_body_statement(src: Source, body: Node) -> Node | None:
    """The first statement of a body, after a Python docstring."""
    stmts = statements(body)
    if not stmts:
        return None
    first = stmts[0]
    if (
        src.language == "python"
        and first.type == "expression_statement"
        and first.named_children
        and first.named_children[0].type == "string"
        and len(stmts) > 1
    ):
        return stmts[1]
    return first


def edit_distance(a: str, b: str, cap: int = 3) -> int:
    """Levenshtein distance, stopping early once it exceeds ``cap``."""
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > cap:
            return cap + 1
        prev = cur
    return prev[-1]


def go_zero(type_text: str) -> str:
    """Go's zero value for a type, as source text."""
    t = type_text.strip()
    if t in ("string",):
        return '""'
    if t == "bool":
        return "false"
    if (
        t == "error"
        or t.startswith(("*", "[]", "map[", "chan ", "func", "interface"))
        or t == "any"
    ):
        return "nil"
    if re.fullmatch(r"u?int\d*|float\d+|complex\d+|byte|rune|uintptr", t) or t.endswith("Duration"):
        return "0"
    return t + "{}"


def go_results(src: Source, fn: Node) -> list[str] | None:
    """The result types of a Go function, ``[]`` for none, ``None`` if unknown."""
    res = fn.child_by_field_name("result")
    if res is None:
        return []
    if res.type == "parameter_list":
        out = []
        for p in res.named_children:
            if p.type != "parameter_declaration":
                continue
            typ = p.child_by_field_name("type")
            names = [c for c in p.named_children if c.type == "identifier"]
            out.extend([src.t(typ)] * max(1, len(names)))
        return out
    return [src.t(res)]


def calls_in(src: Source, within: Node | None = None) -> list[Node]:
    """Every call node of the fragment (or inside ``within``)."""
    return src.of_type(*CALLS.get(src.language, ()), within=within)


def by_function(src: Source, nodes: list[Node]) -> dict[int, tuple[Node, list[Node]]]:
    """``nodes`` grouped by the innermost function with a statement body around them."""
    out: dict[int, tuple[Node, list[Node]]] = {}
    for n in nodes:
        fn = function_of(src, n)
        while fn is not None and body_of(src, fn) is None:
            fn = function_of(src, fn)
        if fn is None:
            continue
        out.setdefault(fn.start_byte, (fn, []))[1].append(n)
    return out


def py_default_returns(src: Source, fn: Node) -> list[str]:
    """``return`` statements a Python function could exit early with, judged by its annotation."""
    ret = fn.child_by_field_name("return_type")
    text = src.t(ret) if ret is not None else ""
    if re.search(r"\bNone\b|Optional", text):
        return ["return None"]
    if text == "bool":
        return ["return False"]
    if text in ("int", "float"):
        return ["return 0"]
    if text.startswith(("list", "List", "Sequence")):
        return ["return []"]
    if text.startswith(("dict", "Dict", "Mapping")):
        return ["return {}"]
    if text == "str":
        return ['return ""']
    if not text:
        return ["return None", "return"]
    return ["return None"]
