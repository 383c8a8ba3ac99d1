"""The ``const`` family for C, C++ and Java: ``const`` pointers, methods, ``final``.

Like the other ``const`` operators, each proposes every eligible place at once,
then each place alone.

``const-param``    C/C++ pointer and reference parameters never written through -> ``const``
                   (and by-value standard containers -> ``const T&``); pointers derived from
                   them follow
``const-method``   C++ member functions that change no member -> ``const``
``final``          Java locals, loop variables, parameters and fields never reassigned ->
                   ``final``
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ._core import Edit, Node, Rewrite, Source, all_then_each, operator
from ._syntax import (
    FUNCTIONS,
    enclosing,
    params,
)

FAMILY = "const"


# ------------------------------------------------------------------------------ C/C++
_CPP_MUTATORS = frozenset(
    [
        "push_back",
        "emplace_back",
        "emplace",
        "push",
        "pop",
        "push_front",
        "pop_front",
        "pop_back",
        "insert",
        "erase",
        "clear",
        "splice",
        "resize",
        "reserve",
        "swap",
        "assign",
        "append",
        "sort",
        "reset",
        "release",
        "set_value",
        "emplace_front",
        "emplace_hint",
        "merge",
        "remove",
        "remove_if",
        "unique",
        "lock",
        "unlock",
        "store",
        "fetch_add",
    ]
)
_CPP_CONST_METHODS = frozenset(
    [
        "size",
        "empty",
        "count",
        "find",
        "begin",
        "end",
        "cbegin",
        "cend",
        "rbegin",
        "rend",
        "at",
        "c_str",
        "data",
        "length",
        "substr",
        "front",
        "back",
        "contains",
        "starts_with",
        "ends_with",
        "compare",
        "find_first_of",
        "find_last_of",
        "rfind",
        "str",
        "get",
        "value",
        "has_value",
        "is_open",
        "good",
        "fail",
        "eof",
        "capacity",
        "max_size",
        "key",
        "first",
        "second",
    ]
)
_STREAMS = re.compile(r"\b(ostream|istream|iostream|fstream|ofstream|ifstream|stringstream|FILE)\b")


def _cpp_writes(src: Source, scope: Node, names: set[str], *, through_pointer: bool) -> set[str]:
    """Which of ``names`` are written (through, for pointers/references) inside ``scope``."""
    out: set[str] = set()

    def root(node: Node | None) -> str:
        cur = node
        deref = False
        while cur is not None:
            if cur.type in ("identifier", "field_identifier"):
                name = src.t(cur)
                return name if (deref or not through_pointer) else ("=" + name)
            if cur.type == "field_expression":
                deref = deref or "->" in src.t(cur)
                cur = cur.child_by_field_name("argument")
            elif cur.type in ("subscript_expression", "pointer_expression"):
                deref = True
                cur = cur.child_by_field_name("argument") or (
                    cur.named_children[0] if cur.named_children else None
                )
            elif cur.type == "parenthesized_expression":
                cur = cur.named_children[0] if cur.named_children else None
            else:
                return ""
        return ""

    for node in src.of_type("assignment_expression", "update_expression", within=scope):
        target = node.child_by_field_name("left") or node.child_by_field_name("argument")
        name = root(target)
        if name in names:
            out.add(name)
        if (
            node.type == "update_expression"
            and target is not None
            and target.type == "identifier"
            and not through_pointer
        ):
            out.add(src.t(target))
    for call in src.of_type("call_expression", within=scope):
        fn = call.child_by_field_name("function")
        if fn is not None and fn.type == "field_expression":
            obj = fn.child_by_field_name("argument")
            method = src.t(fn.child_by_field_name("field"))
            name = root(obj) if through_pointer else src.t(obj)
            name = name.lstrip("=")
            if name in names and (
                method in _CPP_MUTATORS or (through_pointer and method not in _CPP_CONST_METHODS)
            ):
                out.add(name)
    for node in src.of_type("binary_expression", within=scope):
        op = next((c for c in node.children if not c.is_named), None)
        left = node.child_by_field_name("left")
        if (
            op is not None
            and src.t(op) in ("<<", ">>")
            and left is not None
            and src.t(left) in names
        ):
            out.add(src.t(left))
    for node in src.of_type("pointer_expression", within=scope):
        if src.t(node).startswith("&"):
            arg = node.named_children[-1] if node.named_children else None
            name = root(arg).lstrip("=") if arg is not None else ""
            if name in names and through_pointer and "->" in src.t(node):
                out.add(name)
    return out


@operator("const-param", family=FAMILY, languages={"c", "cpp"})
def const_param(src: Source) -> Iterator[Rewrite]:
    """Pointer/reference parameters never written through become pointers/references to const."""
    ptr_sites: list[tuple[str, tuple[Edit, ...]]] = []
    ref_sites: list[tuple[str, tuple[Edit, ...]]] = []
    value_sites: list[tuple[str, tuple[Edit, ...]]] = []
    derived: list[Edit] = []
    for fn in src.of_type("function_definition"):
        body = fn.child_by_field_name("body")
        if body is None:
            continue
        cands: dict[str, Node] = {}
        for p in params(src, fn):
            if p.type != "parameter_declaration":
                continue
            decl = p.child_by_field_name("declarator")
            typ = p.child_by_field_name("type")
            if decl is None or typ is None or "const" in src.slice(p.start_byte, decl.start_byte):
                continue
            if _STREAMS.search(src.t(typ)):
                continue
            if decl.type in ("pointer_declarator", "reference_declarator"):
                inner = decl.child_by_field_name("declarator") or decl.named_children[-1]
                if inner.type == "identifier" and src.t(decl).count("*") <= 1:
                    cands[src.t(inner)] = p
            elif (
                decl.type == "identifier"
                and src.language == "cpp"
                and re.match(
                    r"std::(vector|string|map|unordered_map|set|unordered_set|list|deque)\b",
                    src.t(typ),
                )
            ):
                value_sites.append(
                    (
                        f"pass {src.t(decl)} by const reference",
                        (
                            (p.start_byte, p.start_byte, "const "),
                            (
                                decl.start_byte,
                                decl.start_byte,
                                "& "
                                if src.t(p)[decl.start_byte - p.start_byte - 1] != " "
                                else "&",
                            ),
                        ),
                    )
                )
        if not cands:
            continue
        written = _cpp_writes(src, body, set(cands), through_pointer=True)
        for name, p in cands.items():
            if name in written:
                continue
            label = f"make {name} point to const"
            site = (label, ((p.start_byte, p.start_byte, "const "),))
            (ref_sites if "&" in src.t(p) else ptr_sites).append(site)
            for decl in src.of_type("declaration", within=body):
                init = decl.child_by_field_name("declarator")
                if (
                    init is not None
                    and init.type == "init_declarator"
                    and "*" in src.t(init.child_by_field_name("declarator"))
                ):
                    value = src.t(init.child_by_field_name("value"))
                    if (
                        re.match(rf"{re.escape(name)}\b", value)
                        and "const" not in src.t(decl).split("*")[0]
                    ):
                        derived.append((decl.start_byte, decl.start_byte, "const "))
    sites = ptr_sites + ref_sites
    yield from all_then_each(sites, "make {n} parameters point to const")
    if derived and sites:
        edits = tuple(e for _, es in sites for e in es) + tuple(derived)
        yield Rewrite(edits, "make the parameters and the pointers derived from them const")
    yield from all_then_each(value_sites, "pass {n} parameters by const reference")


@operator("const-method", family=FAMILY, languages={"cpp"})
def const_method(src: Source) -> Iterator[Rewrite]:
    """C++ member functions that modify no member become ``const``."""
    for cls in src.of_type("class_specifier", "struct_specifier"):
        body = cls.child_by_field_name("body")
        cname = src.t(cls.child_by_field_name("name"))
        if body is None:
            continue
        members: set[str] = set()
        for fld in src.of_type("field_declaration", within=body):
            for ident in src.of_type("field_identifier", within=fld):
                members.add(src.t(ident))
        sites = []
        for fn in body.named_children:
            if fn.type != "function_definition":
                continue
            decl = fn.child_by_field_name("declarator")
            typ = fn.child_by_field_name("type")
            fbody = fn.child_by_field_name("body")
            while decl is not None and decl.type in ("reference_declarator", "pointer_declarator"):
                decl = decl.child_by_field_name("declarator") or decl.named_children[-1]
            if decl is None or decl.type != "function_declarator" or fbody is None or typ is None:
                continue
            name = src.t(decl.child_by_field_name("declarator"))
            head = src.slice(fn.start_byte, decl.start_byte)
            if name in (cname, "~" + cname) or name.startswith("operator") or "static" in head:
                continue
            if any(c.type == "type_qualifier" for c in decl.children) or src.t(typ) == "void":
                continue
            if ("&" in head or "*" in head) and "const" not in head:
                continue
            if _cpp_writes(src, fbody, members, through_pointer=False) & members:
                continue
            params_node = decl.child_by_field_name("parameters")
            if params_node is None:
                continue
            sites.append(
                (f"make {name} const", ((params_node.end_byte, params_node.end_byte, " const"),))
            )
        yield from all_then_each(sites, "make {n} member functions const")


# ------------------------------------------------------------------------------- Java final
def _java_reassigned(src: Source, scope: Node) -> set[str]:
    out: set[str] = set()
    for node in src.of_type("assignment_expression", "update_expression", within=scope):
        target = node.child_by_field_name("left") or (
            node.named_children[0] if node.named_children else None
        )
        if target is None:
            continue
        if target.type == "identifier":
            out.add(src.t(target))
        elif (
            target.type == "field_access" and src.t(target.child_by_field_name("object")) == "this"
        ):
            out.add("this." + src.t(target.child_by_field_name("field")))
    return out


def _final_before(node: Node) -> tuple[int, int, str]:
    return (node.start_byte, node.start_byte, "final ")


def _has_final(src: Source, node: Node) -> bool:
    mods = next((c for c in node.children if c.type == "modifiers"), None)
    return mods is not None and re.search(r"\bfinal\b", src.t(mods)) is not None


@operator("final", family=FAMILY, languages={"java"})
def java_final(src: Source) -> Iterator[Rewrite]:
    """Java locals, loop variables, parameters and fields that are never reassigned get ``final``."""
    fn_types = FUNCTIONS["java"]
    locals_, params_, fields = [], [], []
    for fn in src.of_type("method_declaration", "constructor_declaration"):
        body = fn.child_by_field_name("body")
        if body is None:
            continue
        reassigned = _java_reassigned(src, body)
        for p in params(src, fn):
            if p.type == "formal_parameter" and not _has_final(src, p):
                name = src.t(p.child_by_field_name("name"))
                typ = p.child_by_field_name("type")
                if name not in reassigned and typ is not None:
                    params_.append((f"make parameter {name} final", (_final_before(typ),)))
        for decl in src.of_type("local_variable_declaration", within=body):
            if enclosing(decl, fn_types) != fn or _has_final(src, decl):
                continue
            declarators = [c for c in decl.named_children if c.type == "variable_declarator"]
            names = [src.t(d.child_by_field_name("name")) for d in declarators]
            typ = decl.child_by_field_name("type")
            if typ is None:
                continue
            if (
                any(d.child_by_field_name("value") is None for d in declarators)
                or set(names) & reassigned
            ):
                continue
            locals_.append((f"make {', '.join(names)} final", (_final_before(typ),)))
        for loop in src.of_type("enhanced_for_statement", within=body):
            if enclosing(loop, fn_types) != fn or _has_final(src, loop):
                continue
            name = src.t(loop.child_by_field_name("name"))
            typ = loop.child_by_field_name("type")
            if typ is not None and name not in _java_reassigned(src, loop):
                locals_.append((f"make loop variable {name} final", (_final_before(typ),)))
    for cls in src.of_type("class_declaration", "enum_declaration", "record_declaration"):
        body = cls.child_by_field_name("body")
        if body is None:
            continue
        ctors = [c for c in body.named_children if c.type == "constructor_declaration"]
        reassigned_outside: set[str] = set()
        for member in body.named_children:
            if member.type == "method_declaration":
                reassigned_outside |= _java_reassigned(src, member)
        for fld in body.named_children:
            if fld.type != "field_declaration" or _has_final(src, fld):
                continue
            typ = fld.child_by_field_name("type")
            declarators = [c for c in fld.named_children if c.type == "variable_declarator"]
            names = [src.t(d.child_by_field_name("name")) for d in declarators]
            if typ is None or not names:
                continue
            static = "static" in src.slice(fld.start_byte, typ.start_byte)
            if any(n in reassigned_outside or "this." + n in reassigned_outside for n in names):
                continue
            has_value = all(d.child_by_field_name("value") is not None for d in declarators)
            if static and not has_value:
                continue
            if not static and not has_value and not ctors:
                continue
            fields.append((f"make field {', '.join(names)} final", (_final_before(typ),)))
    yield from all_then_each(locals_, "make {n} locals final")
    yield from all_then_each(params_, "make {n} parameters final")
    if locals_ and params_:
        edits = tuple(e for _, es in params_ + locals_ for e in es)
        yield Rewrite(edits, "make the parameters and locals final")
    yield from all_then_each(fields, "make {n} fields final")
