"""The ``const`` family: say that what is never changed cannot change.

(C, C++ and Java live in :mod:`~embedmotion.rewrites.const_typed`.)

Every operator proposes first the change applied to *all* eligible places of
one kind at once (what a developer usually commits), then each place alone.

``let-to-const``   JS/TS ``let`` never reassigned -> ``const`` (``for (let x of ...)`` too)
``readonly``       TS fields and parameter properties assigned only in the constructor
                   -> ``readonly``; array parameters never mutated -> ``readonly T[]`` /
                   ``ReadonlyArray<T>``; Python ``@dataclass`` -> ``frozen=True``,
                   constants and ``__init__`` attributes -> ``Final``
``remove-mut``     Rust ``let mut``/``for mut``/``&mut self``/``&mut T`` never mutated
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ._core import JS_LIKE, Node, Rewrite, Source, all_then_each, operator
from ._syntax import (
    callee,
    enclosing,
    functions,
    name_of,
    params,
    root_identifier,
)

FAMILY = "const"


# ------------------------------------------------------------------------ JS/TS let -> const
def _pattern_names(src: Source, node: Node | None) -> list[str]:
    if node is None:
        return []
    if node.type in ("identifier", "shorthand_property_identifier_pattern"):
        return [src.t(node)]
    out: list[str] = []
    for child in node.named_children:
        if node.type == "pair_pattern" and child == node.child_by_field_name("key"):
            continue
        if node.type == "assignment_pattern" and child == node.child_by_field_name("right"):
            continue
        out += _pattern_names(src, child)
    return out


def _js_assigned(src: Source) -> set[str]:
    assigned: set[str] = set()
    for node in src.of_type("assignment_expression", "augmented_assignment_expression"):
        left = node.child_by_field_name("left")
        if left is not None and left.type in ("identifier", "array_pattern", "object_pattern"):
            assigned.update(_pattern_names(src, left))
    for node in src.of_type("update_expression"):
        arg = node.child_by_field_name("argument")
        if arg is not None and arg.type == "identifier":
            assigned.add(src.t(arg))
    for node in src.of_type("for_in_statement"):
        if node.child_by_field_name("kind") is None:
            assigned.update(_pattern_names(src, node.child_by_field_name("left")))
    return assigned


@operator("let-to-const", family=FAMILY, languages=JS_LIKE)
def let_to_const(src: Source) -> Iterator[Rewrite]:
    """``let`` bindings that are never reassigned become ``const``."""
    assigned = _js_assigned(src)
    sites = []
    for decl in src.of_type("lexical_declaration", "for_in_statement"):
        kind = (
            decl.child_by_field_name("kind")
            if decl.type == "for_in_statement"
            else decl.children[0]
        )
        if kind is None or kind.type != "let":
            continue
        if decl.type == "for_in_statement":
            names = _pattern_names(src, decl.child_by_field_name("left"))
        else:
            declarators = [c for c in decl.named_children if c.type == "variable_declarator"]
            if any(d.child_by_field_name("value") is None for d in declarators):
                continue
            names = [
                n for d in declarators for n in _pattern_names(src, d.child_by_field_name("name"))
            ]
        if names and not (set(names) & assigned):
            sites.append(
                (f"declare {', '.join(names)} const", ((kind.start_byte, kind.end_byte, "const"),))
            )
    yield from all_then_each(sites, "declare {n} let bindings const")


# ------------------------------------------------------------------------------ readonly
_ARRAY_MUTATORS = frozenset(
    {"push", "pop", "shift", "unshift", "splice", "sort", "reverse", "fill", "copyWithin"}
)


def _this_assignments(src: Source, cls: Node) -> dict[str, list[Node]]:
    """``this.x`` assignments in a class, by field name (the node is the assignment)."""
    out: dict[str, list[Node]] = {}
    for node in src.of_type(
        "assignment_expression", "augmented_assignment_expression", "update_expression", within=cls
    ):
        target = node.child_by_field_name("left") or node.child_by_field_name("argument")
        if (
            target is not None
            and target.type == "member_expression"
            and src.t(target.child_by_field_name("object")) == "this"
        ):
            out.setdefault(src.t(target.child_by_field_name("property")), []).append(node)
    return out


def _in_constructor(src: Source, node: Node) -> bool:
    fn = enclosing(node, {"method_definition"})
    return fn is not None and name_of(src, fn) == "constructor"


def _param_mutated(src: Source, fn: Node, name: str) -> bool:
    for call in src.of_type("call_expression", within=fn):
        recv, method = callee(src, call)
        if recv is not None and src.t(recv) == name and method in _ARRAY_MUTATORS:
            return True
    for node in src.of_type("assignment_expression", "augmented_assignment_expression", within=fn):
        left = node.child_by_field_name("left")
        if (
            left is not None
            and left.type == "subscript_expression"
            and root_identifier(src, left) == name
        ):
            return True
    return False


@operator("readonly", family=FAMILY, languages=JS_LIKE | {"python"})
def readonly(src: Source) -> Iterator[Rewrite]:
    """TS ``readonly`` fields and arrays; Python frozen dataclasses and ``Final``."""
    if src.language == "python":
        yield from _python_final(src)
        return
    if src.language == "javascript":
        return
    for cls in src.of_type("class_declaration", "class", "abstract_class_declaration"):
        assigned = _this_assignments(src, cls)
        fields = []
        for fld in src.of_type("public_field_definition", within=cls):
            if any(c.type == "readonly" for c in fld.children):
                continue
            name = fld.child_by_field_name("name")
            if name is None:
                continue
            writes = assigned.get(src.t(name), [])
            if all(_in_constructor(src, w) and w.type == "assignment_expression" for w in writes):
                fields.append(
                    (
                        f"make {src.t(name)} readonly",
                        ((name.start_byte, name.start_byte, "readonly "),),
                    )
                )
        yield from all_then_each(fields, "make {n} fields readonly")
        props = []
        for ctor in src.of_type("method_definition", within=cls):
            if name_of(src, ctor) != "constructor":
                continue
            for p in params(src, ctor):
                mods = [c.type for c in p.children]
                pat = p.child_by_field_name("pattern")
                if (
                    "accessibility_modifier" in mods
                    and "readonly" not in mods
                    and pat is not None
                    and not assigned.get(src.t(pat))
                ):
                    props.append(
                        (
                            f"make {src.t(pat)} readonly",
                            ((pat.start_byte, pat.start_byte, "readonly "),),
                        )
                    )
        yield from all_then_each(props, "make {n} parameter properties readonly")
    arrays: list[tuple[str, tuple[tuple[int, int, str], ...]]] = []
    alt: list[tuple[str, tuple[tuple[int, int, str], ...]]] = []
    for fn in functions(src):
        for p in params(src, fn):
            ann = p.child_by_field_name("type")
            pat = p.child_by_field_name("pattern")
            if ann is None or pat is None or not ann.named_children:
                continue
            typ = ann.named_children[0]
            if _param_mutated(src, fn, src.t(pat)):
                continue
            if typ.type == "array_type":
                elem = src.t(typ)[:-2]
                arrays.append(
                    (
                        f"make {src.t(pat)} readonly",
                        ((typ.start_byte, typ.start_byte, "readonly "),),
                    )
                )
                alt.append(
                    (
                        f"make {src.t(pat)} a ReadonlyArray",
                        ((typ.start_byte, typ.end_byte, f"ReadonlyArray<{elem}>"),),
                    )
                )
            elif typ.type == "generic_type" and src.t(typ).startswith("Array<"):
                arrays.append(
                    (
                        f"make {src.t(pat)} a ReadonlyArray",
                        ((typ.start_byte, typ.start_byte, "Readonly"),),
                    )
                )
    yield from all_then_each(arrays, "make {n} array parameters readonly")
    yield from all_then_each(alt, "make {n} array parameters ReadonlyArray")


def _python_final(src: Source) -> Iterator[Rewrite]:
    for cls in src.of_type("class_definition"):
        body = cls.child_by_field_name("body")
        if body is None:
            continue
        self_writes: dict[str, list[Node]] = {}
        for node in src.of_type("assignment", "augmented_assignment", within=cls):
            left = node.child_by_field_name("left")
            if (
                left is not None
                and left.type == "attribute"
                and src.t(left.child_by_field_name("object")) == "self"
            ):
                self_writes.setdefault(src.t(left.child_by_field_name("attribute")), []).append(
                    node
                )
        parent = cls.parent
        if parent is not None and parent.type == "decorated_definition" and not self_writes:
            for dec in parent.children:
                if dec.type != "decorator":
                    continue
                text = src.t(dec)
                if text in ("@dataclass", "@dataclasses.dataclass"):
                    yield Rewrite(
                        ((dec.end_byte, dec.end_byte, "(frozen=True)"),), "freeze the dataclass"
                    )
                elif (
                    text.startswith(("@dataclass(", "@dataclasses.dataclass("))
                    and "frozen" not in text
                ):
                    inner = text[text.index("(") + 1 : -1].strip()
                    new = "frozen=True" if not inner else ", frozen=True"
                    yield Rewrite(
                        ((dec.end_byte - 1, dec.end_byte - 1, new),), "freeze the dataclass"
                    )
        consts = []
        for stmt in body.named_children:
            if stmt.type != "expression_statement" or not stmt.named_children:
                continue
            asg = stmt.named_children[0]
            left = asg.child_by_field_name("left") if asg.type == "assignment" else None
            if (
                left is None
                or left.type != "identifier"
                or asg.child_by_field_name("type") is not None
            ):
                continue
            if (
                re.fullmatch(r"_?[A-Z][A-Z0-9_]*", src.t(left))
                and asg.child_by_field_name("right") is not None
            ):
                consts.append(
                    (
                        f"annotate {src.t(left)} as Final",
                        ((left.end_byte, left.end_byte, ": Final"),),
                    )
                )
        yield from all_then_each(consts, "annotate {n} class constants as Final")
        attrs = []
        for fn in src.of_type("function_definition", within=body):
            if name_of(src, fn) != "__init__":
                continue
            for asg in src.of_type("assignment", within=fn):
                left = asg.child_by_field_name("left")
                if (
                    left is None
                    or left.type != "attribute"
                    or asg.child_by_field_name("type") is not None
                ):
                    continue
                if src.t(left.child_by_field_name("object")) != "self":
                    continue
                attr = src.t(left.child_by_field_name("attribute"))
                if len(self_writes.get(attr, [])) == 1:
                    attrs.append(
                        (
                            f"annotate self.{attr} as Final",
                            ((left.end_byte, left.end_byte, ": Final"),),
                        )
                    )
        yield from all_then_each(attrs, "annotate {n} attributes as Final")


# ------------------------------------------------------------------------------ Rust mut
_RUST_MUT_METHODS = frozenset(
    [
        "push",
        "push_str",
        "push_back",
        "push_front",
        "pop",
        "pop_front",
        "pop_back",
        "insert",
        "remove",
        "clear",
        "extend",
        "append",
        "truncate",
        "retain",
        "sort",
        "sort_by",
        "sort_by_key",
        "sort_unstable",
        "sort_unstable_by",
        "dedup",
        "reverse",
        "swap",
        "drain",
        "entry",
        "resize",
        "fill",
        "take",
        "replace",
        "next",
        "next_back",
        "nth",
        "by_ref",
        "read",
        "read_exact",
        "read_line",
        "read_to_string",
        "read_to_end",
        "write",
        "write_all",
        "write_fmt",
        "flush",
        "seek",
        "set",
        "shrink_to_fit",
        "split_off",
        "rotate_left",
        "rotate_right",
        "get_or_insert",
        "get_or_insert_with",
        "extend_from_slice",
    ]
)


def _rust_place_root(src: Source, node: Node | None) -> str:
    """The variable a place expression (``x``, ``x.f``, ``x[i]``, ``*x``) names, or ``""``."""
    cur = node
    while cur is not None:
        if cur.type in ("identifier", "self"):
            return src.t(cur)
        if cur.type == "field_expression":
            cur = cur.child_by_field_name("value")
        elif cur.type == "index_expression":
            cur = cur.named_children[0] if cur.named_children else None
        elif cur.type in ("unary_expression", "parenthesized_expression"):
            cur = cur.named_children[-1] if cur.named_children else None
        else:
            return ""
    return ""


def _rust_mutated(src: Source, scope: Node) -> set[str]:
    out: set[str] = set()
    for node in src.of_type("assignment_expression", "compound_assignment_expr", within=scope):
        out.add(_rust_place_root(src, node.child_by_field_name("left")))
    for node in src.of_type("reference_expression", within=scope):
        if any(c.type == "mutable_specifier" for c in node.children):
            out.add(
                _rust_place_root(src, node.child_by_field_name("value") or node.named_children[-1])
            )
    for call in src.of_type("call_expression", within=scope):
        fn = call.child_by_field_name("function")
        if fn is None or fn.type != "field_expression":
            continue
        method = src.t(fn.child_by_field_name("field"))
        if (
            method in _RUST_MUT_METHODS
            or method.endswith("_mut")
            or method.startswith(("set_", "write", "read_"))
        ):
            out.add(_rust_place_root(src, fn.child_by_field_name("value")))
    for mac in src.of_type("macro_invocation", within=scope):
        name = src.t(mac.child_by_field_name("macro"))
        if name in ("write", "writeln"):
            args = src.t(mac).split("!", 1)[1].lstrip("( [{")
            out.add(re.split(r"[^\w]", args, maxsplit=1)[0])
    out.discard("")
    return out


def _mut_token(node: Node) -> Node | None:
    return next((c for c in node.children if c.type == "mutable_specifier"), None)


def _drop_mut(tok: Node, src: Source) -> tuple[int, int, str]:
    end = tok.end_byte
    while src.data[end : end + 1] == b" ":
        end += 1
    return (tok.start_byte, end, "")


@operator("remove-mut", family=FAMILY, languages={"rust"})
def remove_mut(src: Source) -> Iterator[Rewrite]:
    """Rust bindings, ``self`` and ``&mut`` parameters that are never mutated lose their ``mut``."""
    lets, selfs, refs = [], [], []
    for fn in src.of_type("function_item", "closure_expression"):
        body = fn.child_by_field_name("body")
        if body is None:
            continue
        mutated = _rust_mutated(src, body)
        for p in params(src, fn):
            if p.type == "self_parameter":
                tok = _mut_token(p)
                if tok is not None and "&" in src.t(p) and "self" not in mutated:
                    selfs.append((f"take &self in {name_of(src, fn)}", (_drop_mut(tok, src),)))
            elif p.type == "parameter":
                typ = p.child_by_field_name("type")
                name = src.t(p.child_by_field_name("pattern"))
                if typ is not None and typ.type == "reference_type":
                    tok = _mut_token(typ)
                    if tok is not None and name not in mutated:
                        refs.append((f"take {name} by shared reference", (_drop_mut(tok, src),)))
    for decl in src.of_type("let_declaration"):
        tok = _mut_token(decl)
        pat = decl.child_by_field_name("pattern")
        scope = enclosing(decl, {"block"})
        if tok is None or pat is None or pat.type != "identifier" or scope is None:
            continue
        if src.t(pat) not in _rust_mutated(src, scope):
            lets.append((f"declare {src.t(pat)} without mut", (_drop_mut(tok, src),)))
    for loop in src.of_type("for_expression"):
        pat = loop.child_by_field_name("pattern")
        body = loop.child_by_field_name("body")
        if pat is None or pat.type != "mut_pattern" or body is None:
            continue
        tok = _mut_token(pat)
        name = src.t(pat.named_children[-1])
        if tok is not None and name not in _rust_mutated(src, body):
            lets.append((f"bind {name} without mut", (_drop_mut(tok, src),)))
    yield from all_then_each(lets, "drop mut from {n} bindings")
    yield from all_then_each(selfs, "take &self in {n} methods")
    yield from all_then_each(refs, "take {n} parameters by shared reference")
