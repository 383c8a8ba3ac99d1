"""Parsing: cut source files into :class:`~embedmotion.fragments.Fragment` objects.

tree-sitter parses each file, and the language's queries (``definitions.scm``
and ``tests.scm``, see :mod:`embedmotion.languages`) find the functions, methods,
classes and tests in it -- both in a single query pass per file, with no Python
walk over the tree.  Fragments are named the way people and test runners name
them::

    >>> from embedmotion.parsing import extract_fragments
    >>> src = '''
    ... class Stack:
    ...     def push(self, x):
    ...         def check(): ...
    ...
    ... def test_push():
    ...     Stack().push(1)
    ... '''
    >>> [(f.kind, f.name, f.start_line, f.end_line) for f in extract_fragments(src, "python")]
    [('class', 'Stack', 2, 4), ('method', 'Stack.push', 3, 4), ('function', 'Stack.push.check', 4, 4), ('test', 'test_push', 6, 7)]

Naming rules, the same in every language:

* ``Class.method`` and ``Outer.Inner.method``; nested functions ``outer.inner``.
* Methods defined outside their type take the type's name: Go ``Server.Start``
  (from the receiver), Rust ``Stack.push`` (from the ``impl`` block), C++
  ``Foo.bar`` (from ``Foo::bar``).  Rust inline ``mod`` names qualify what they
  contain (``tests.it_works``); C++ namespaces and Java packages do not.
* Tests keep the name their runner reports: ``TestStack.test_push`` (pytest),
  ``CalcTest.adds`` (JUnit), ``TestAdd`` (Go), ``tests.it_works`` (Rust),
  ``Suite.Name`` (GoogleTest).  Jest/Mocha tests are named by their description,
  after the enclosing ``describe`` descriptions, joined with ``" > "``:
  ``"Stack > push > grows"`` (functions nested in test callbacks are named as
  if the callbacks were not there).
* A fragment's text is the exact source slice, including the decorators,
  annotations, attributes or ``template <...>`` header written before it.

A file with syntax errors still yields every fragment tree-sitter could recover;
those that overlap an ``ERROR`` or ``MISSING`` node carry ``has_error=True`` and
the report lists the file in ``files_with_errors``.

For files and trees, :func:`parse_file` and :func:`parse_tree` return a
:class:`~embedmotion.fragments.ParseReport`.  Neither raises on bad input: binary,
non-UTF-8, empty, unreadable and too-large files are listed in
``report.skipped`` with the reason.  :func:`parse_tree` honours ``.gitignore``
files and skips :data:`VENDORED_DIRS`::

    report = parse_tree("src/")
    for skipped in report.skipped:
        print(skipped.path, skipped.reason)

:func:`enclosing_fragment` and :func:`find_fragment` look fragments up by
line or by name.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import re
import stat
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import tree_sitter

from .errors import InputError, ParseError, check_param
from .fragments import Fragment, ParseReport, SkippedFile
from .languages import LANGUAGES, LanguageSpec, get_language, language_for_path

logger = logging.getLogger(__name__)

#: Files larger than this many bytes are skipped (``max_bytes=`` / ``--max-bytes``).
DEFAULT_MAX_BYTES = 1_000_000

#: How much of a file is searched for a NUL byte to call it binary.
BINARY_SNIFF_BYTES = 8192

#: Directory names :func:`parse_tree` does not enter unless ``skip_vendored=False``:
#: version control, dependencies, virtual environments, caches and build outputs.
VENDORED_DIRS: frozenset[str] = frozenset(
    {".git", "node_modules", "vendor", "third_party", ".venv", "venv", "env", "site-packages"}
    | {"__pycache__", "build", "dist", "target", ".tox", ".mypy_cache"}
)

# entry roles: fragments, and scopes that only qualify the names inside them
_FUNCTION, _METHOD, _CLASS, _TEST, _TYPE_SCOPE, _MODULE_SCOPE, _SUITE, _TEST_SCOPE = range(8)
_KIND_OF_ROLE: tuple[str | None, ...] = ("function", "method", "class", "test") + (None,) * 4
_ROLE_OF_CAPTURE = {
    "definition.function": _FUNCTION,
    "definition.method": _METHOD,
    "definition.class": _CLASS,
    "scope.type": _TYPE_SCOPE,
    "scope.module": _MODULE_SCOPE,
    "test": _TEST,
    "test.scope": _TEST_SCOPE,
    "suite": _SUITE,
}
_CLASSLIKE = frozenset({_CLASS, _TYPE_SCOPE})
_FUNCTIONLIKE = frozenset({_FUNCTION, _METHOD})
# naming modes: qualified by enclosing definitions, by enclosing describe blocks, as is;
# or an unnamed scope (a module holding tests) that qualifies nothing
_NESTED, _SUITED, _ABSOLUTE, _UNNAMED = 0, 1, 2, 3
_STRING_NODES = frozenset({"string", "template_string"})
_LIFETIME = re.compile(r"'\w+|\b(?:mut|dyn|const|impl)\b")
_IDENT = re.compile(r"[A-Za-z_~][A-Za-z0-9_]*")
_CAPTURE_RE = re.compile(r"@([A-Za-z_][\w.]*)")
_COMMENT_RE = re.compile(r";[^\n]*")


class _Entry:
    """A definition, test or scope found by the query, before it becomes a Fragment."""

    __slots__ = ("start", "end", "node", "role", "local", "mode", "qname", "nodes", "test_class")

    def __init__(
        self, node: tree_sitter.Node, start: int, end: int, role: int, local: str, mode: int
    ) -> None:
        self.node = node
        self.start = start
        self.end = end
        self.role = role
        self.local = local
        self.mode = mode
        self.qname = local
        # the nodes the fragment spans: the captured node (or its wrapper) first
        self.nodes: tuple[tree_sitter.Node, ...] = (node,)
        self.test_class = False  # the functions directly inside named test* are tests


# ---------------------------------------------------------------------------------- names
def _strip_templates(text: str) -> str:
    """``A::B<std::pair<int, T>>::c`` -> ``A::B::c`` (angle brackets and their contents)."""
    out: list[str] = []
    depth = 0
    for ch in text:
        if ch == "<":
            depth += 1
        elif ch == ">" and depth:
            depth -= 1
        elif not depth and not ch.isspace():
            out.append(ch)
    return "".join(out)


def _cpp_name(text: str) -> str:
    """A C++ declarator name, dotted: ``ns::Foo<T>::operator==`` -> ``ns.Foo.operator==``."""
    op = text.find("operator")
    head, tail = (text, "") if op < 0 else (text[:op], "".join(text[op:].split()))
    parts = [p for p in _strip_templates(head).split("::") if p]
    if tail:
        parts.append(tail)
    return ".".join(parts) if parts else "".join(text.split())


def _type_name(text: str) -> str:
    """The bare type a receiver or impl names: ``*List[T]`` -> ``List``, ``&'a mut Foo<T>`` -> ``Foo``."""
    core = _LIFETIME.sub(" ", text)
    for bracket in ("<", "["):
        cut = core.find(bracket)
        if cut > 0:
            core = core[:cut]
    idents = _IDENT.findall(core)
    return idents[-1] if idents else "".join(text.split())


# ---------------------------------------------------------------------------- extraction
_ROLES_CACHE: dict[str, list[tuple[int, str]]] = {}
# functions directly inside a @test.scope whose names start with this are tests
_TEST_METHOD_PREFIX = "test"


def _pattern_roles(spec: LanguageSpec) -> list[tuple[int, str]]:
    """Per pattern of the combined query: its role and the capture holding its node."""
    roles = _ROLES_CACHE.get(spec.name)
    if roles is None:
        query = spec.query("all")
        source = spec.query_source("all").encode("utf-8")
        roles = []
        for i in range(query.pattern_count):
            text = source[query.start_byte_for_pattern(i) : query.end_byte_for_pattern(i)]
            names = _CAPTURE_RE.findall(_COMMENT_RE.sub("", text.decode("utf-8")))
            found = [n for n in names if n in _ROLE_OF_CAPTURE]
            roles.append((_ROLE_OF_CAPTURE[found[0]], found[0]) if found else (-1, ""))
        _ROLES_CACHE[spec.name] = roles
    return roles


def _collect(spec: LanguageSpec, root: tree_sitter.Node, data: bytes) -> list[_Entry]:
    """Run the combined definitions + tests query once; one entry per node found."""
    roles = _pattern_roles(spec)
    by_key: dict[tuple[int, int], _Entry] = {}
    for index, caps in tree_sitter.QueryCursor(spec.query("all")).matches(root):
        role, capture = roles[index]
        if role < 0:
            continue
        node = caps[capture][0]
        start = node.start_byte
        end = node.end_byte
        key = (start, end)
        entry = by_key.get(key)
        if entry is not None and role != _TEST and role != _TEST_SCOPE:
            continue  # a second match of a node already found
        names = caps.get("name")
        if not names:
            if role == _TEST_SCOPE and entry is None:  # a module holding tests
                entry = by_key[key] = _Entry(node, start, end, _TEST_SCOPE, "", _UNNAMED)
                entry.test_class = True
            continue
        name = names[0]
        local = data[name.start_byte : name.end_byte].decode("utf-8", "replace")
        if role == _TEST:
            mode = _NESTED
            if name.type in _STRING_NODES:
                mode, local = _SUITED, local[1:-1]
            elif "suite.name" in caps:
                suite = caps["suite.name"][0]
                suite_name = data[suite.start_byte : suite.end_byte].decode("utf-8", "replace")
                mode, local = _ABSOLUTE, f"{suite_name}.{local}"
            if entry is None:
                by_key[key] = _Entry(node, start, end, _TEST, local, mode)
            else:
                entry.role = _TEST
                if mode != _NESTED:
                    entry.local = entry.qname = local
                    entry.mode = mode
        elif role == _TEST_SCOPE:  # a class holding tests
            if entry is None:
                entry = by_key[key] = _Entry(node, start, end, _CLASS, local, _NESTED)
            entry.test_class = True
        elif role == _SUITE:
            by_key[key] = _Entry(node, start, end, _SUITE, local[1:-1], _SUITED)
        elif role == _TYPE_SCOPE:
            by_key[key] = _Entry(node, start, end, role, _type_name(local), _NESTED)
        else:
            if "::" in local:  # C++ out-of-class definition: Foo::bar
                local = _cpp_name(local)
                if role == _FUNCTION:
                    role = _METHOD
            receiver = caps.get("receiver")
            if receiver:  # Go method: func (s *Server) Start()
                rnode = receiver[0]
                rtext = data[rnode.start_byte : rnode.end_byte].decode("utf-8", "replace")
                local = f"{_type_name(rtext)}.{local}"
                role = _METHOD
            by_key[key] = _Entry(node, start, end, role, local, _NESTED)
    return list(by_key.values())


def _only_one(node: tree_sitter.Node) -> bool:
    """Whether ``node`` is the only one of its type among its siblings (not `const a, b`)."""
    kind = node.type
    before, after = node.prev_named_sibling, node.next_named_sibling
    return (before is None or before.type != kind) and (after is None or after.type != kind)


def _grow(entry: _Entry, wrappers: frozenset[str], prefixes: frozenset[str]) -> None:
    """Extend an entry over its wrapping declaration, or the decorators/attributes before it."""
    node = entry.node
    if wrappers:
        parent = node.parent
        if parent is not None and parent.type in wrappers and _only_one(node):
            entry.start = parent.start_byte
            entry.end = max(entry.end, parent.end_byte)
            entry.nodes = (parent,)
            return
    if prefixes:
        sib = node.prev_named_sibling
        extra: list[tree_sitter.Node] = []
        while sib is not None and sib.type in prefixes:
            extra.append(sib)
            sib = sib.prev_named_sibling
        if extra:
            entry.start = extra[-1].start_byte
            entry.nodes = (node, *extra)


def _overlaps_error(entry: _Entry) -> bool:
    """Whether the entry's span overlaps an ERROR or MISSING node (inside or around it)."""
    if any(n.has_error for n in entry.nodes):
        return True
    parent = entry.nodes[0].parent
    while parent is not None:
        if parent.is_error:
            return True
        parent = parent.parent
    return False


def _qualify(entries: list[_Entry]) -> None:
    """Give every entry its qualified name and final role, from the entries around it.

    Entries are sorted outer-before-inner; a stack holds the entries enclosing the
    current one.
    """
    entries.sort(key=lambda e: (e.start, -e.end))
    stack: list[_Entry] = []
    for e in entries:
        while stack and (stack[-1].end <= e.start or stack[-1].end < e.end):
            stack.pop()
        if stack:
            mode = e.mode
            top = stack[-1]
            if mode == _NESTED:
                parent: _Entry | None = top
                if top.mode != _NESTED:
                    parent = next((p for p in reversed(stack) if p.mode == _NESTED), None)
                role = e.role
                if parent is not None:
                    e.qname = f"{parent.qname}.{e.local}"
                    if role == _FUNCTION and parent.role in _CLASSLIKE:
                        e.role = role = _METHOD
                if (
                    top.test_class
                    and role in _FUNCTIONLIKE
                    and e.local.startswith(_TEST_METHOD_PREFIX)
                ):
                    e.role = _TEST
            elif mode == _SUITED:
                for p in reversed(stack):
                    if p.role == _SUITE:
                        e.qname = f"{p.qname} > {e.local}"
                        break
        stack.append(e)


def _module_fragment(data: bytes, language: str, path: str, has_error: bool) -> Fragment:
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    text = data.decode("utf-8", "replace")  # (the id is computed by Fragment itself)
    return Fragment(
        language, "module", "<module>", path, 0, len(data), 1, max(lines, 1), text, has_error
    )


def _fragment_id(head: bytes, name: str, text: bytes) -> str:
    """``Fragment.id`` from the bytes at hand: the digest ``Fragment`` itself computes
    (language, path, name, text, each followed by a NUL), without re-encoding the text."""
    return hashlib.sha256(
        b"".join((head, name.encode("utf-8", "surrogatepass"), b"\0", text, b"\0"))
    ).hexdigest()[:16]


def _extract(
    data: bytes, spec: LanguageSpec, parser: tree_sitter.Parser, path: str, include_module: bool
) -> tuple[list[Fragment], bool]:
    tree = parser.parse(data)
    root = tree.root_node
    file_has_error = root.has_error
    entries = _collect(spec, root, data)
    language = spec.name
    if spec.wrappers or spec.prefixes:
        for e in entries:
            if e.role != _SUITE:
                _grow(e, spec.wrappers, spec.prefixes)
    _qualify(entries)
    out: list[Fragment] = []
    if include_module:
        out.append(_module_fragment(data, language, path, file_has_error))
    head = b"".join((language.encode(), b"\0", path.encode("utf-8", "surrogatepass"), b"\0"))
    for e in entries:
        kind = _KIND_OF_ROLE[e.role]
        if kind is None:
            continue
        nodes = e.nodes
        start_line = nodes[-1].start_point[0] + 1
        end_row, end_col = nodes[0].end_point
        end_line = end_row if end_col == 0 and end_row >= start_line else end_row + 1
        raw = data[e.start : e.end]
        try:
            text = raw.decode("utf-8", "surrogatepass")
            fid = _fragment_id(head, e.qname, raw)
        except UnicodeDecodeError:  # only from a str source holding lone surrogates
            text, fid = raw.decode("utf-8", "replace"), ""
        out.append(
            Fragment(
                language,
                kind,
                e.qname,
                path,
                e.start,
                e.end,
                start_line,
                end_line,
                text,
                file_has_error and _overlaps_error(e),
                fid,
            )
        )
    return out, file_has_error


def extract_fragments(
    source: str | bytes,
    language: str,
    path: str = "<memory>",
    *,
    include_module: bool = False,
) -> list[Fragment]:
    """The fragments of one source text, in document order (outer before inner).

    ``language`` is a name from :data:`~embedmotion.languages.LANGUAGES` (or an
    alias; unknown names raise :class:`~embedmotion.errors.LanguageError`);
    ``path`` is only recorded in the fragments.  Bytes must be UTF-8
    (:class:`~embedmotion.errors.ParseError` otherwise).  With
    ``include_module=True`` the whole text comes first, as a ``"module"``
    fragment named ``"<module>"``.
    """
    spec = get_language(language)
    check_param(
        isinstance(source, (str, bytes)),
        "source",
        "extract_fragments",
        "a str or bytes",
        type(source).__name__,
    )
    if isinstance(source, str):
        data = source.encode("utf-8", "surrogatepass")
    else:
        data = bytes(source)
        try:
            if not data.isascii():
                data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError(
                f"Cannot parse {path}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset "
                f"{exc.start}).",
                fix="Decode the text yourself and pass a str, or convert the file to UTF-8.",
            ) from None
    frags, _ = _extract(data, spec, spec.parser(), str(path), include_module)
    return frags


# ------------------------------------------------------------------------------- files
def _read(path: Path, max_bytes: int) -> tuple[bytes | None, str]:
    """The bytes of ``path``, or ``None`` and the reason to skip it."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            return None, "not a regular file"
        if st.st_size > max_bytes:
            return (
                None,
                f"larger than the {max_bytes:,}-byte limit; raise --max-bytes to include it",
            )
        data = path.read_bytes()
    except OSError as exc:
        return None, f"unreadable ({exc.strerror or exc}); check that it exists and its permissions"
    if len(data) > max_bytes:
        return None, f"larger than the {max_bytes:,}-byte limit; raise --max-bytes to include it"
    if not data or data.isspace():
        return None, "empty file" if not data else "empty file (only whitespace)"
    if b"\0" in data[:BINARY_SNIFF_BYTES]:
        return None, "binary file (NUL byte in the first 8 KiB)"
    try:
        if not data.isascii():  # (most source files are: a fast check, no copy)
            data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, (
            f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it to UTF-8 to include it"
        )
    return data, ""


def _check_max_bytes(max_bytes: int, owner: str) -> None:
    check_param(
        isinstance(max_bytes, int) and not isinstance(max_bytes, bool) and max_bytes > 0,
        "max_bytes",
        owner,
        "a positive integer",
        max_bytes,
    )


def _display_path(path: Path, root: str | os.PathLike[str] | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except (ValueError, OSError):
            pass
    return path.as_posix()


def _parse_one(
    path: Path,
    shown: str,
    spec: LanguageSpec,
    parsers: dict[str, tree_sitter.Parser],
    max_bytes: int,
    report: ParseReport,
) -> None:
    data, reason = _read(path, max_bytes)
    if data is None:
        report.skipped.append(SkippedFile(shown, reason))
        return
    parser = parsers.get(spec.name)
    if parser is None:
        parser = parsers[spec.name] = spec.parser()
    frags, has_error = _extract(data, spec, parser, shown, False)
    report.fragments.extend(frags)
    report.files_parsed += 1
    report.bytes_parsed += len(data)
    if has_error:
        report.files_with_errors.append(shown)


def parse_file(
    path: str | os.PathLike[str],
    *,
    root: str | os.PathLike[str] | None = None,
    language: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ParseReport:
    """Parse one file.  Fragment paths are relative to ``root`` when given (posix).

    The language comes from the extension unless ``language`` overrides it (an
    unknown name raises :class:`~embedmotion.errors.LanguageError`).  A file
    that cannot be parsed -- unknown extension, binary, not UTF-8, empty, larger
    than ``max_bytes``, unreadable -- is listed in ``report.skipped``.
    """
    _check_max_bytes(max_bytes, "parse_file")
    p = Path(path)
    shown = _display_path(p, root)
    report = ParseReport()
    name = language_for_path(p, language)
    if name is None:
        report.skipped.append(
            SkippedFile(
                shown,
                (
                    f"no supported language for extension {p.suffix or '(none)'!r}; pass --language / "
                    f"language= to parse it anyway (one of: {', '.join(LANGUAGES)})"
                ),
            )
        )
        return report
    _parse_one(p, shown, get_language(name), {}, max_bytes, report)
    return report


# ------------------------------------------------------------------------------- trees
def _load_gitignore(directory: Path) -> object | None:
    from pathspec import GitIgnoreSpec

    try:
        lines = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return GitIgnoreSpec.from_lines(lines.splitlines())


def _ignored(rel: str, specs: Sequence[tuple[str, object]]) -> bool:
    """Whether the .gitignore files above ``rel`` (deepest last) exclude it."""
    decision = False
    for base, spec in specs:
        result = spec.check_file(rel[len(base) :]).include  # type: ignore[attr-defined]
        if result is not None:
            decision = result
    return decision


def _walk(root: Path, respect_gitignore: bool, skip_vendored: bool) -> list[tuple[str, Path]]:
    """Every file under ``root`` that is not ignored, as (relative posix path, path)."""
    files: list[tuple[str, Path]] = []
    todo: list[tuple[Path, str, tuple[tuple[str, object], ...]]] = [(root, "", ())]
    while todo:
        directory, prefix, specs = todo.pop()
        if respect_gitignore:
            spec = _load_gitignore(directory)
            if spec is not None:
                specs = (*specs, (prefix, spec))
        try:
            with os.scandir(directory) as it:
                dir_entries = list(it)
        except OSError as exc:
            logger.warning("cannot list %s: %s", directory, exc.strerror or exc)
            continue
        for entry in dir_entries:
            rel = prefix + entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if skip_vendored and entry.name in VENDORED_DIRS:
                        continue
                    if specs and _ignored(rel + "/", specs):
                        continue
                    todo.append((Path(entry.path), rel + "/", specs))
                elif entry.is_file():
                    if specs and _ignored(rel, specs):
                        continue
                    files.append((rel, Path(entry.path)))
            except OSError:
                continue
    files.sort()
    return files


def parse_tree(
    root: str | os.PathLike[str],
    *,
    languages: Iterable[str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    respect_gitignore: bool = True,
    skip_vendored: bool = True,
    show_progress_bar: bool | None = None,
) -> ParseReport:
    """Parse every source file under ``root`` (a directory, or a single file).

    Files are visited in sorted path order, and fragment paths are relative to
    ``root`` with ``/`` separators.  ``languages`` restricts the languages
    parsed; files in other or unknown languages are passed over silently (the
    count is logged at INFO level).  ``.gitignore`` files (at ``root`` and
    below, each relative to its directory) are honoured unless
    ``respect_gitignore=False``; directories named in :data:`VENDORED_DIRS`
    are skipped unless ``skip_vendored=False``.  The progress bar (tqdm, on
    stderr) shows when ``show_progress_bar`` is true, or when it is ``None``
    and stderr is a terminal.
    """
    _check_max_bytes(max_bytes, "parse_tree")
    if isinstance(languages, str):
        languages = [languages]
    wanted = None if languages is None else {get_language(n).name for n in languages}
    base = Path(root)
    if not base.exists():
        raise InputError(
            f"Cannot parse {base}: no such file or directory.",
            fix="Pass an existing directory or file.",
        )
    if base.is_dir():
        files = _walk(base, respect_gitignore, skip_vendored)
    else:
        files = [(base.name, base)]
    todo: list[tuple[str, Path, LanguageSpec]] = []
    ignored = 0
    for rel, path in files:
        name = language_for_path(rel)
        if name is None or (wanted is not None and name not in wanted):
            ignored += 1
            continue
        todo.append((rel, path, LANGUAGES[name]))
    if show_progress_bar is None:
        show_progress_bar = sys.stderr.isatty()
    report = ParseReport()
    parsers: dict[str, tree_sitter.Parser] = {}
    items: Iterable[tuple[str, Path, LanguageSpec]] = todo
    if show_progress_bar:
        from tqdm.auto import tqdm

        items = tqdm(todo, desc="Parsing", unit="file", file=sys.stderr)
    # The loop makes many short-lived, acyclic objects (nodes, matches) while the list of
    # fragments grows; pausing the cyclic collector saves its repeated passes over that
    # list (about 8% of the run).  Reference counting still frees everything at once.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for rel, path, spec in items:
            _parse_one(path, rel, spec, parsers, max_bytes, report)
    finally:
        if gc_was_enabled:
            gc.enable()
    logger.info(
        "parsed %d files (%d fragments, %d with syntax errors); skipped %d; "
        "passed over %d files in other languages",
        report.files_parsed,
        len(report.fragments),
        len(report.files_with_errors),
        len(report.skipped),
        ignored,
    )
    return report


# ------------------------------------------------------------------------------ lookups
def _posix(path: str | os.PathLike[str]) -> str:
    return str(path).replace("\\", "/")


def _path_matches(fragment_path: str, target: str) -> bool:
    """Same file, allowing one side to be a longer (absolute) form of the other."""
    if fragment_path == target:
        return True
    longer, shorter = (
        (fragment_path, target) if len(fragment_path) > len(target) else (target, fragment_path)
    )
    shorter = shorter.removeprefix("./")
    return bool(shorter) and longer.endswith("/" + shorter)


def enclosing_fragment(
    fragments: Iterable[Fragment], path: str | os.PathLike[str], line: int
) -> Fragment | None:
    """The innermost fragment of file ``path`` whose lines contain ``line`` (1-based).

    ``path`` is compared with the fragments' paths exactly first; failing that,
    one may be a longer form of the other (``/home/me/proj/src/a.py`` matches
    ``src/a.py``).  ``None`` when no fragment contains the line.
    """
    target = _posix(path)
    frags = list(fragments)
    same = [f for f in frags if f.path == target] or [
        f for f in frags if _path_matches(f.path, target)
    ]
    best: Fragment | None = None
    for f in same:
        if f.start_line <= line <= f.end_line and (
            best is None
            or (f.end_byte - f.start_byte, -f.start_byte)
            < (best.end_byte - best.start_byte, -best.start_byte)
        ):
            best = f
    return best


def _by_name(frags: list[Fragment], name: str) -> Fragment | None:
    for f in frags:
        if f.name == name:
            return f
    found = [f for f in frags if f.name.endswith("." + name) or f.name.endswith(" > " + name)]
    if found and len({f.name for f in found}) == 1:
        return found[0]
    return None


def find_fragment(fragments: Iterable[Fragment], name: str) -> Fragment | None:
    """The fragment called ``name``, or ``None``.

    ``name`` may be a qualified name (``Stack.push``), a unique suffix of one
    (``push`` when only one fragment ends in ``.push``), a ref
    (``src/app.py::Stack.push``), or a runner's id such as a pytest node id
    (``tests/test_app.py::TestStack::test_push[1]``) or a Rust path
    (``tests::it_works``).  An ambiguous suffix gives ``None``.
    """
    frags = list(fragments)
    hit = _by_name(frags, name)
    if hit is not None:
        return hit
    for f in frags:
        if f.ref == name:
            return f
    if "::" in name:
        head, tail = name.split("::", 1)
        in_file = [f for f in frags if _path_matches(f.path, _posix(head))]
        if in_file:
            frags, name = in_file, tail
        name = name.replace("::", ".")
        hit = _by_name(frags, name)
        if hit is not None:
            return hit
    if name.endswith("]") and "[" in name:  # parametrized test ids
        return _by_name(frags, name[: name.index("[")])
    return None


__all__ = [
    "DEFAULT_MAX_BYTES",
    "BINARY_SNIFF_BYTES",
    "VENDORED_DIRS",
    "extract_fragments",
    "parse_file",
    "parse_tree",
    "enclosing_fragment",
    "find_fragment",
]
