"""Languages: which tree-sitter grammar parses which file, and with which queries.

Every supported language is one :class:`LanguageSpec` in :data:`LANGUAGES`.  A
spec knows its file extensions, the grammar wheel that provides its compiled
parser (``tree_sitter_python``, ``tree_sitter_typescript`` ...), and the two
tree-sitter queries embedmotion runs on it, shipped as package data::

    embedmotion/queries/<language>/definitions.scm   functions, methods, classes
    embedmotion/queries/<language>/tests.scm         test functions, test cases

The queries use tags-style capture names (``@definition.function``,
``@definition.class``, ``@name``, ``@test`` ...); each ``.scm`` file's header
says which captures it uses and what they mean.  :mod:`embedmotion.parsing`
runs both as one query (``spec.query("all")``): a single pass over each tree.

Use it like this::

    >>> from embedmotion.languages import get_language, language_for_path
    >>> language_for_path("src/app.tsx")
    'tsx'
    >>> language_for_path("notes.txt") is None
    True
    >>> spec = get_language("python")
    >>> tree = spec.parser().parse(b"def f():\\n    return 1\\n")
    >>> tree.root_node.type
    'module'

Grammars, parsers' languages and compiled queries are loaded on first use and
cached, so importing this module costs nothing.  Names are lower case; a few
common aliases (``py``, ``js``, ``ts``, ``c++``, ``golang`` ...) are accepted
wherever a language name is.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import PurePath
from typing import Literal

import tree_sitter

from .errors import LanguageError

QueryKind = Literal["definitions", "tests", "all"]
QUERY_KINDS: tuple[str, ...] = ("definitions", "tests", "all")


@dataclass(frozen=True)
class LanguageSpec:
    """One language: its name, file extensions, grammar wheel and query files.

    ``module`` and ``function`` name the grammar wheel's loader
    (``tree_sitter_typescript.language_tsx()``); ``package`` is what to
    ``pip install`` when that module is missing.  ``query_dir`` is the folder
    under ``embedmotion/queries`` holding this language's ``.scm`` files.
    ``wrappers`` and ``prefixes`` say which nodes around a definition belong to
    its fragment's text.
    """

    name: str
    extensions: tuple[str, ...]
    module: str
    function: str = "language"
    package: str = ""
    query_dir: str = ""
    #: parent nodes a definition's fragment takes over when it is their only definition
    #: (a decorated Python function, a C++ template, ``const f = () => ...``)
    wrappers: frozenset[str] = frozenset()
    #: sibling nodes written just before a definition that belong to its fragment
    #: (Rust attributes, TypeScript decorators)
    prefixes: frozenset[str] = frozenset()
    _queries: dict[str, tree_sitter.Query] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if not self.package:  # the wheel's name on PyPI: tree_sitter_go -> tree-sitter-go
            object.__setattr__(self, "package", self.module.replace("_", "-"))
        if not self.query_dir:
            object.__setattr__(self, "query_dir", self.name)

    @cached_property
    def language(self) -> tree_sitter.Language:
        """The compiled grammar (loaded from its wheel on first access)."""
        try:
            mod = importlib.import_module(self.module)
        except ImportError as exc:
            raise LanguageError(
                f"The tree-sitter grammar for {self.name} is not installed ({exc}).",
                fix=f"Install it with: pip install {self.package}",
            ) from exc
        loader: Callable[[], object] = getattr(mod, self.function)
        return tree_sitter.Language(loader())

    def parser(self) -> tree_sitter.Parser:
        """A new parser for this language (parsers are cheap; one per thread)."""
        return tree_sitter.Parser(self.language)

    def query_source(self, kind: QueryKind) -> str:
        """The text of ``queries/<query_dir>/<kind>.scm`` (``"all"``: both files, joined)."""
        if kind == "all":
            return self.query_source("definitions") + "\n" + self.query_source("tests")
        if kind not in QUERY_KINDS:
            raise LanguageError(
                f"Unknown query kind {kind!r} for {self.name}.",
                fix=f"Use one of: {', '.join(QUERY_KINDS)}.",
            )
        res = resources.files("embedmotion") / "queries" / self.query_dir / f"{kind}.scm"
        return res.read_text(encoding="utf-8")

    def query(self, kind: QueryKind) -> tree_sitter.Query:
        """The compiled ``definitions`` or ``tests`` query (compiled once, then cached).

        ``"all"`` is both in one query, so that one pass over a tree finds
        everything (what :mod:`embedmotion.parsing` runs).
        """
        q = self._queries.get(kind)
        if q is None:
            source = self.query_source(kind)
            try:
                q = tree_sitter.Query(self.language, source)
            except tree_sitter.QueryError as exc:  # a bug in our .scm files, or a grammar mismatch
                raise LanguageError(
                    f"The {kind} query for {self.name} does not compile against the installed "
                    f"grammar: {exc}",
                    fix=f"Install a compatible grammar version ({self.package}) or report a bug.",
                ) from exc
            self._queries[kind] = q
        return q


def _spec(
    name: str,
    exts: str,
    module: str,
    function: str = "language",
    *,
    wrappers: str = "",
    prefixes: str = "",
) -> LanguageSpec:
    return LanguageSpec(
        name,
        tuple(exts.split()),
        module,
        function,
        wrappers=frozenset(wrappers.split()),
        prefixes=frozenset(prefixes.split()),
    )


_JS_WRAPPERS = "lexical_declaration variable_declaration"

#: Every supported language, by name.
LANGUAGES: dict[str, LanguageSpec] = {
    s.name: s
    for s in (
        _spec("python", ".py .pyi", "tree_sitter_python", wrappers="decorated_definition"),
        _spec(
            "javascript",
            ".js .mjs .cjs .jsx",
            "tree_sitter_javascript",
            wrappers=_JS_WRAPPERS,
            prefixes="decorator",
        ),
        _spec(
            "typescript",
            ".ts .mts .cts",
            "tree_sitter_typescript",
            "language_typescript",
            wrappers=_JS_WRAPPERS,
            prefixes="decorator",
        ),
        _spec(
            "tsx",
            ".tsx",
            "tree_sitter_typescript",
            "language_tsx",
            wrappers=_JS_WRAPPERS,
            prefixes="decorator",
        ),
        _spec("java", ".java", "tree_sitter_java"),
        _spec("go", ".go", "tree_sitter_go", wrappers="type_declaration"),
        _spec("rust", ".rs", "tree_sitter_rust", prefixes="attribute_item"),
        _spec("c", ".c .h", "tree_sitter_c"),
        _spec(
            "cpp",
            ".cc .cpp .cxx .hpp .hh .hxx",
            "tree_sitter_cpp",
            wrappers="template_declaration",
        ),
    )
}

#: Other spellings accepted wherever a language name is.
ALIASES: dict[str, str] = {
    "py": "python",
    "python3": "python",
    "js": "javascript",
    "jsx": "javascript",
    "node": "javascript",
    "ts": "typescript",
    "c++": "cpp",
    "cxx": "cpp",
    "golang": "go",
    "rs": "rust",
}

#: File extension (lower case, with the dot) -> language name.
EXTENSIONS: dict[str, str] = {ext: s.name for s in LANGUAGES.values() for ext in s.extensions}


def supported_languages() -> list[str]:
    """The names of all supported languages, in registry order."""
    return list(LANGUAGES)


def get_language(name: str) -> LanguageSpec:
    """The :class:`LanguageSpec` called ``name`` (case-insensitive; aliases allowed).

    Raises :class:`~embedmotion.errors.LanguageError`, listing the supported
    names, when there is no such language.
    """
    if isinstance(name, str):
        key = name.strip().lower()
        key = ALIASES.get(key, key)
        spec = LANGUAGES.get(key)
        if spec is not None:
            return spec
    raise LanguageError(
        f"Unknown language {name!r}.",
        fix=f"Use one of: {', '.join(LANGUAGES)}.",
    )


def language_for_path(path: str | PurePath, override: str | None = None) -> str | None:
    """The language name for ``path``, from its extension, or ``None`` if unknown.

    ``override`` wins over the extension (it is validated: an unknown name
    raises :class:`~embedmotion.errors.LanguageError`).
    """
    if override is not None:
        return get_language(override).name
    suffix = PurePath(path).suffix.lower()
    return EXTENSIONS.get(suffix)


__all__ = [
    "LANGUAGES",
    "ALIASES",
    "EXTENSIONS",
    "LanguageSpec",
    "QueryKind",
    "get_language",
    "language_for_path",
    "supported_languages",
]
