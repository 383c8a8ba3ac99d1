"""The machinery every rewrite operator shares: candidates, edits, verification.

An operator is a function from a parsed fragment (a :class:`Source`) to
:class:`Rewrite` objects -- lists of non-overlapping byte-range replacements
with a one-line description.  :class:`RewriteOperator` turns each rewrite into a
:class:`Candidate`: it applies the replacements, re-parses the result with the
same grammar and drops it when tree-sitter reports an ``ERROR`` or ``MISSING``
node, so every candidate an operator yields parses.

:func:`canonical_form` / :func:`same_code` compare code the way a reader does:
by tokens and syntax tree, ignoring layout (blank lines, spacing, line breaks),
but not indentation that changes Python's block structure.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol, runtime_checkable

import tree_sitter

from ..errors import ParseError
from ..languages import get_language

Node = tree_sitter.Node

JS_LIKE: frozenset[str] = frozenset({"javascript", "typescript", "tsx"})
C_LIKE: frozenset[str] = frozenset({"c", "cpp"})
ALL_LANGUAGES: frozenset[str] = frozenset(
    {"python", "javascript", "typescript", "tsx", "java", "go", "rust", "c", "cpp"}
)

# nodes whose text is one token for comparisons, and whose inner lines are never re-indented
_STRINGISH = frozenset(
    {
        "string",
        "template_string",
        "raw_string_literal",
        "string_literal",
        "interpreted_string_literal",
        "text_block",
        "concatenated_string",
        "comment",
        "line_comment",
        "block_comment",
    }
)


@dataclass(frozen=True)
class Candidate:
    """One concrete after-version of a fragment.

    ``text`` is the whole rewritten fragment; ``span`` the byte range of the
    original that changed (start of the first replacement, end of the last).
    """

    text: str
    operator: str
    family: str
    description: str
    language: str
    span: tuple[int, int]


@runtime_checkable
class Operator(Protocol):
    """What :func:`~embedmotion.rewrites.generate` needs from a rewrite operator."""

    name: str
    family: str
    languages: frozenset[str]

    def apply(
        self, fragment_text: str, language: str, tree: tree_sitter.Tree
    ) -> Iterable[Candidate]:
        """Candidates for ``fragment_text`` (already parsed into ``tree``); each one parses."""
        ...


@dataclass(frozen=True)
class Rewrite:
    """Byte-range replacements ``(start, end, new_text)`` on the original, and what they do."""

    edits: tuple[tuple[int, int, str], ...]
    description: str


# ------------------------------------------------------------------------------ parsing
_LOCAL = threading.local()


def parser_for(language: str) -> tree_sitter.Parser:
    """A cached parser for ``language`` (one per thread: parsers are not thread-safe)."""
    cache: dict[str, tree_sitter.Parser] | None = getattr(_LOCAL, "parsers", None)
    if cache is None:
        cache = _LOCAL.parsers = {}
    parser = cache.get(language)
    if parser is None:
        parser = cache[language] = get_language(language).parser()
    return parser


def parse(text: str, language: str) -> tree_sitter.Tree:
    return parser_for(language).parse(text.encode("utf-8", "surrogatepass"))


def first_error(node: Node) -> Node | None:
    """The first ERROR or MISSING node under ``node`` (pre-order), or ``None``."""
    if node.is_error or node.is_missing:
        return node
    if not node.has_error:
        return None
    for child in node.children:
        found = first_error(child)
        if found is not None:
            return found
    return node


def parse_strict(text: str, language: str) -> tree_sitter.Tree:
    """Parse ``text``; raise :class:`ParseError` naming the first syntax error's position."""
    tree = parse(text, language)
    if tree.root_node.has_error:
        bad = first_error(tree.root_node) or tree.root_node
        row, col = bad.start_point
        what = "missing token" if bad.is_missing else "syntax error"
        raise ParseError(
            f"The {language} fragment does not parse: {what} at line {row + 1}, column {col + 1}.",
            fix="Pass a complete, syntactically valid fragment (or the right language name).",
        )
    return tree


_NUMBERS = frozenset(
    {
        "integer",
        "float",
        "number",
        "decimal_integer_literal",
        "decimal_floating_point_literal",
        "hex_integer_literal",
        "int_literal",
        "float_literal",
        "integer_literal",
        "number_literal",
    }
)
_STRINGS = _STRINGISH - {"comment", "line_comment", "block_comment"}


def canonical_form(text: str, language: str, *, abstract_literals: bool = False) -> str:
    """The fragment's tokens and tree shape, without layout: equal for equal code.

    Strings and comments are single tokens (their inner whitespace counts);
    everything else is compared token by token, so re-wrapped lines, blank lines
    and trailing spaces do not matter.  Python's indentation does, through the
    block structure of the tree.  With ``abstract_literals=True`` every number
    and every string is one placeholder: "the same change, up to the constants".
    """
    tree = parse(text, language)
    data = text.encode("utf-8", "surrogatepass")
    out: list[str] = []
    stack: list[tuple[Node, bool]] = [(tree.root_node, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            out.append(")")
            continue
        if abstract_literals and (node.type in _NUMBERS or node.type in _STRINGS):
            out.append("<num>" if node.type in _NUMBERS else "<str>")
            continue
        if node.child_count == 0 or node.type in _STRINGISH:
            out.append(data[node.start_byte : node.end_byte].decode("utf-8", "replace").rstrip())
            continue
        if node.is_named:
            out.append("(" + node.type)
            stack.append((node, True))
        stack.extend((c, False) for c in reversed(node.children))
    return " ".join(out)


def same_code(a: str, b: str, language: str) -> bool:
    """Whether ``a`` and ``b`` are the same code up to layout (see :func:`canonical_form`)."""
    if a == b:
        return True
    if "".join(a.split()) != "".join(b.split()):  # necessary for equal token sequences
        return False
    return canonical_form(a, language) == canonical_form(b, language)


# ------------------------------------------------------------------------------- source
class Source:
    """A parsed fragment with the helpers operators need (text of nodes, lines, indents)."""

    def __init__(self, text: str, language: str, tree: tree_sitter.Tree) -> None:
        self.text = text
        self.language = language
        self.tree = tree
        self.root = tree.root_node
        self.data = text.encode("utf-8", "surrogatepass")

    # -- text and position
    def t(self, node: Node | None) -> str:
        if node is None:
            return ""
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "surrogatepass")

    def slice(self, start: int, end: int) -> str:
        return self.data[start:end].decode("utf-8", "surrogatepass")

    def line_start(self, pos: int) -> int:
        return self.data.rfind(b"\n", 0, pos) + 1

    def line_end(self, pos: int) -> int:
        """Offset of the newline ending the line holding ``pos`` (or the end of the text)."""
        end = self.data.find(b"\n", pos)
        return len(self.data) if end < 0 else end

    def indent(self, node: Node | int) -> str:
        """The whitespace that starts the line holding ``node``."""
        pos = node if isinstance(node, int) else node.start_byte
        start = self.line_start(pos)
        end = start
        while end < len(self.data) and self.data[end : end + 1] in (b" ", b"\t"):
            end += 1
        return self.slice(start, end)

    def line_no(self, pos: int) -> int:
        return self.data.count(b"\n", 0, pos) + 1

    @cached_property
    def unit(self) -> str:
        """One level of indentation as this fragment writes it (tab, 2 or 4 spaces ...)."""
        widths: set[int] = set()
        for line in self.text.splitlines():
            stripped = line.lstrip(" \t")
            if not stripped:
                continue
            lead = line[: len(line) - len(stripped)]
            if lead.startswith("\t"):
                return "\t"
            if lead:
                widths.add(len(lead))
        if self.language == "go":
            return "\t"
        ordered = sorted(widths)
        steps = {b - a for a, b in zip(ordered, ordered[1:]) if b > a}
        candidates = [w for w in (ordered[:1] + sorted(steps)) if w in (2, 3, 4, 8)]
        if candidates:
            return " " * min(candidates)
        return "  " if self.language in JS_LIKE else "    "

    # -- nodes
    @cached_property
    def nodes(self) -> list[Node]:
        """Every node in pre-order (named and anonymous)."""
        out: list[Node] = []
        cursor = self.tree.walk()
        while True:
            node = cursor.node
            assert node is not None
            out.append(node)
            if cursor.goto_first_child():
                continue
            while not cursor.goto_next_sibling():
                if not cursor.goto_parent():
                    return out

    @cached_property
    def _by_type(self) -> dict[str, list[tuple[int, Node]]]:
        index: dict[str, list[tuple[int, Node]]] = {}
        for i, n in enumerate(self.nodes):
            index.setdefault(n.type, []).append((i, n))
        return index

    def of_type(self, *types: str, within: Node | None = None) -> list[Node]:
        """The nodes of these types (in pre-order), optionally only those inside ``within``."""
        if len(types) == 1:
            found = self._by_type.get(types[0], [])
        else:
            found = sorted(
                (x for t in set(types) for x in self._by_type.get(t, [])), key=lambda x: x[0]
            )
        if within is None:
            return [n for _, n in found]
        lo, hi = within.start_byte, within.end_byte
        return [n for _, n in found if lo <= n.start_byte and n.end_byte <= hi]

    @cached_property
    def _protected_rows(self) -> frozenset[int]:
        rows: set[int] = set()
        for n in self.nodes:
            if n.type in _STRINGISH and n.end_point[0] > n.start_point[0]:
                rows.update(range(n.start_point[0] + 1, n.end_point[0] + 1))
        return frozenset(rows)

    # -- building text
    def reindent(
        self, start: int, end: int, add: str = "", remove: int = 0, skip: Iterable[Node] = ()
    ) -> str:
        """The lines from ``start``'s line start to ``end`` with ``add`` prefixed to each
        (or ``remove`` leading indentation characters dropped), leaving blank lines and
        lines inside multi-line strings alone; the lines of the ``skip`` nodes are dropped."""
        first = self.line_start(start)
        text = self.slice(first, end)
        row = self.line_no(first) - 1
        dropped: set[int] = set()
        for node in skip:
            dropped.update(range(node.start_point[0], node.end_point[0] + 1))
        out: list[str] = []
        for i, line in enumerate(text.split("\n")):
            if (row + i) in dropped:
                continue
            if not line.strip() or (row + i) in self._protected_rows:
                out.append(line)
            elif remove:
                lead = len(line) - len(line.lstrip(" \t"))
                out.append(line[min(remove, lead) :])
            else:
                out.append(add + line)
        return "\n".join(out)

    def lines_of(self, first: Node, last: Node | None = None) -> tuple[int, int]:
        """Byte range covering whole lines from ``first`` to ``last`` (without the final newline)."""
        last = last or first
        return self.line_start(first.start_byte), self.line_end(last.end_byte)

    def alone_on_lines(self, node: Node) -> bool:
        before = self.slice(self.line_start(node.start_byte), node.start_byte)
        after = self.slice(node.end_byte, self.line_end(node.end_byte))
        return not before.strip() and not after.strip()


# ------------------------------------------------------------------------------- edits
def replace(node: Node, text: str) -> tuple[int, int, str]:
    return (node.start_byte, node.end_byte, text)


def insert(pos: int, text: str) -> tuple[int, int, str]:
    return (pos, pos, text)


def delete_statement(src: Source, node: Node) -> tuple[int, int, str]:
    """Remove a statement, with its whole line when it stands alone on it."""
    if src.alone_on_lines(node):
        start = src.line_start(node.start_byte)
        end = src.line_end(node.end_byte)
        if end < len(src.data):
            end += 1
        elif start > 0:
            start -= 1  # last line: eat the newline before it instead
        return (start, end, "")
    return (node.start_byte, node.end_byte, "")


def block_text(lines: Iterable[str], indent: str) -> str:
    """Join ``lines`` with newlines, prefixing every line after the first with ``indent``."""
    out = []
    for i, line in enumerate(lines):
        out.append(line if i == 0 or not line else indent + line)
    return "\n".join(out)


def insert_before(src: Source, node: Node, lines: Iterable[str]) -> tuple[int, int, str]:
    """New statement lines before ``node``, at ``node``'s indentation."""
    indent = src.indent(node)
    body = block_text(lines, indent)
    return (node.start_byte, node.start_byte, body + "\n" + indent)


def insert_after(src: Source, node: Node, lines: Iterable[str]) -> tuple[int, int, str]:
    """New statement lines after ``node``, at ``node``'s indentation."""
    indent = src.indent(node)
    return (node.end_byte, node.end_byte, "\n" + indent + block_text(lines, indent))


def apply_edits(data: bytes, edits: Iterable[tuple[int, int, str]]) -> str | None:
    """Apply non-overlapping replacements; ``None`` when two of them overlap."""
    ordered = sorted(edits, key=lambda e: (e[0], e[1]))
    out: list[bytes] = []
    pos = 0
    for start, end, text in ordered:
        if start < pos or end < start:
            return None
        out.append(data[pos:start])
        out.append(text.encode("utf-8", "surrogatepass"))
        pos = end
    out.append(data[pos:])
    return b"".join(out).decode("utf-8", "surrogatepass")


Edit = tuple[int, int, str]


def all_then_each(sites: Sequence[tuple[str, Sequence[Edit]]], what: str) -> Iterator[Rewrite]:
    """One rewrite applying every site (``what`` with ``{n}`` = their number), then one per site."""
    if len(sites) > 1:
        yield Rewrite(tuple(e for _, es in sites for e in es), what.format(n=len(sites)))
    for label, es in sites:
        yield Rewrite(tuple(es), label)


# ----------------------------------------------------------------------------- operators
RewriteFn = Callable[[Source], Iterable[Rewrite]]


@dataclass
class RewriteOperator:
    """An operator made of a function ``fn(source) -> rewrites``; verifies every candidate."""

    name: str
    family: str
    languages: frozenset[str]
    fn: RewriteFn = field(repr=False)
    doc: str = ""

    def apply(
        self, fragment_text: str, language: str, tree: tree_sitter.Tree
    ) -> Iterator[Candidate]:
        src = source_for(fragment_text, language, tree)
        for rw in self.fn(src):
            cand = build_candidate(src, rw, self.name, self.family)
            if cand is not None:
                yield cand


def source_for(text: str, language: str, tree: tree_sitter.Tree) -> Source:
    """A :class:`Source` for ``tree``, shared by the operators that run on the same tree."""
    last: Source | None = getattr(_LOCAL, "source", None)
    if last is not None and last.tree is tree and last.text == text and last.language == language:
        return last
    src = _LOCAL.source = Source(text, language, tree)
    return src


def _where(src: Source, edits: tuple[tuple[int, int, str], ...]) -> str:
    lines = sorted({src.line_no(e[0]) for e in edits})
    if len(lines) == 1:
        return f"on line {lines[0]}"
    if len(lines) <= 4:
        return "on lines " + ", ".join(map(str, lines))
    return f"on lines {lines[0]}-{lines[-1]}"


def _point(data: bytes, pos: int) -> tuple[int, int]:
    return data.count(b"\n", 0, pos), pos - (data.rfind(b"\n", 0, pos) + 1)


def _reparse(src: Source, edits: Iterable[Edit], text: str) -> tree_sitter.Tree:
    """Parse the rewritten text incrementally from ``src``'s tree (about 3x faster)."""
    tree = src.tree.copy()
    for start, end, new in sorted(edits, key=lambda e: e[0], reverse=True):
        raw = new.encode("utf-8", "surrogatepass")
        row, col = _point(src.data, start)
        newline = raw.rfind(b"\n")
        new_end = (
            row + raw.count(b"\n"),
            len(raw) - newline - 1 if newline >= 0 else col + len(raw),
        )
        tree.edit(start, end, start + len(raw), (row, col), _point(src.data, end), new_end)
    return parser_for(src.language).parse(text.encode("utf-8", "surrogatepass"), tree)


def build_candidate(src: Source, rw: Rewrite, operator: str, family: str) -> Candidate | None:
    """Apply ``rw`` to ``src``; the candidate, or ``None`` if it is unchanged or does not parse."""
    if not rw.edits:
        return None
    text = apply_edits(src.data, rw.edits)
    if text is None or text == src.text:
        return None
    if _reparse(src, rw.edits, text).root_node.has_error:
        return None
    span = (min(e[0] for e in rw.edits), max(e[1] for e in rw.edits))
    description = " ".join(f"{rw.description} {_where(src, rw.edits)}".split())
    return Candidate(text, operator, family, description, src.language, span)


#: Every registered operator, by name, in registration order.
OPERATORS: dict[str, Operator] = {}


def register(op: Operator) -> Operator:
    """Add an operator to :data:`OPERATORS` (names are unique; a new one replaces an old one)."""
    OPERATORS[op.name] = op
    return op


def operator(
    name: str, *, family: str, languages: Iterable[str]
) -> Callable[[RewriteFn], RewriteFn]:
    """Decorator registering ``fn(source) -> Iterable[Rewrite]`` as a :class:`RewriteOperator`."""

    def wrap(fn: RewriteFn) -> RewriteFn:
        register(
            RewriteOperator(name, family, frozenset(languages), fn, (fn.__doc__ or "").strip())
        )
        return fn

    return wrap
