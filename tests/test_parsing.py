"""Tests for embedmotion.languages and embedmotion.parsing, on real grammars and files."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from embedmotion.errors import InputError, LanguageError, ParseError, UsageError
from embedmotion.fragments import Fragment
from embedmotion.languages import EXTENSIONS, LANGUAGES, get_language, language_for_path
from embedmotion.parsing import (
    VENDORED_DIRS,
    enclosing_fragment,
    extract_fragments,
    find_fragment,
    parse_file,
    parse_tree,
)

FIXTURES = Path(__file__).parent / "fixtures" / "parsing"

# (kind, qualified name, start line, end line) of every fragment, in document order.
EXPECTED: dict[str, list[tuple[str, str, int, int]]] = {
    "inventory.py": [
        ("class", "Inventory", 8, 28),
        ("method", "Inventory.__init__", 11, 12),
        ("method", "Inventory.add", 14, 20),
        ("function", "Inventory.add.check", 15, 17),
        ("method", "Inventory.total", 22, 24),
        ("class", "Inventory.Entry", 26, 28),
        ("method", "Inventory.Entry.describe", 27, 28),
        ("function", "fetch_remote", 31, 32),
        ("function", "make_counter", 35, 43),
        ("function", "make_counter.increment", 38, 41),
        ("test", "test_add_counts", 46, 49),
        ("test", "test_add_many", 52, 56),
        ("class", "TestInventory", 59, 64),
        ("test", "TestInventory.test_empty", 60, 61),
        ("method", "TestInventory.helper", 63, 64),
        ("class", "InventoryCase", 67, 72),
        ("method", "InventoryCase.setUp", 68, 69),
        ("test", "InventoryCase.test_total", 71, 72),
    ],
    "cart.test.js": [
        ("function", "priceOf", 4, 6),
        ("function", "discount", 8, 8),
        ("class", "Cart", 10, 22),
        ("method", "Cart.constructor", 11, 13),
        ("method", "Cart.add", 15, 17),
        ("method", "Cart.total", 19, 21),
        ("test", "Cart > add > stores the item", 26, 30),
        ("test", "Cart > total sums prices", 33, 40),
        ("function", "makeItem", 34, 36),
        ("test", "discount applies", 43, 45),
    ],
    "settings.ts": [
        ("class", "Settings", 2, 5),
        ("class", "Theme", 7, 10),
        ("function", "injectable", 12, 12),
        ("class", "SettingsStore", 14, 25),
        ("method", "SettingsStore.get", 18, 20),
        ("method", "SettingsStore.reset", 22, 24),
        ("function", "clamp", 27, 28),
        ("test", "SettingsStore > reads a value", 31, 33),
    ],
    "Badge.tsx": [
        ("function", "Badge", 6, 12),
        ("function", "BadgeList", 14, 20),
        ("class", "Counter", 22, 28),
        ("method", "Counter.render", 25, 27),
        ("test", "renders a badge", 30, 32),
    ],
    "LedgerTest.java": [
        ("class", "LedgerTest", 9, 65),
        ("test", "LedgerTest.startsEmpty", 12, 15),
        ("test", "LedgerTest.depositsAdd", 17, 22),
        ("method", "LedgerTest.fresh", 24, 26),
        ("class", "LedgerTest.Ledger", 28, 42),
        ("method", "LedgerTest.Ledger.Ledger", 31, 33),
        ("method", "LedgerTest.Ledger.deposit", 35, 37),
        ("method", "LedgerTest.Ledger.balance", 39, 41),
        ("class", "LedgerTest.Audited", 44, 50),
        ("method", "LedgerTest.Audited.audited", 47, 49),
        ("class", "LedgerTest.Currency", 52, 58),
        ("method", "LedgerTest.Currency.symbol", 55, 57),
        ("class", "LedgerTest.Entry", 60, 64),
        ("method", "LedgerTest.Entry.isCredit", 61, 63),
    ],
    "ledger_test.go": [
        ("class", "Ledger", 6, 8),
        ("class", "Auditor", 10, 12),
        ("function", "NewLedger", 14, 16),
        ("method", "Ledger.Deposit", 18, 20),
        ("method", "Ledger.Balance", 22, 24),
        ("test", "TestDeposit", 26, 32),
        ("function", "TestMain", 34, 36),
        ("function", "BenchmarkDeposit", 38, 43),
    ],
    "stack.rs": [
        ("class", "Stack", 4, 7),
        ("class", "Op", 9, 12),
        ("class", "Sized2", 14, 20),
        ("method", "Sized2.is_empty", 17, 19),
        ("method", "Stack.new", 23, 25),
        ("method", "Stack.push", 27, 29),
        ("method", "Stack.fmt", 33, 35),
        ("function", "apply", 38, 49),
        ("function", "apply.push_all", 39, 45),
        ("test", "tests.push_grows", 55, 60),
        ("test", "tests.async_apply", 62, 65),
        ("function", "tests.helper", 67, 69),
    ],
    "ledger.c": [
        ("function", "clamp", 9, 13),
        ("function", "ledger_new", 15, 17),
        ("function", "ledger_deposit", 19, 21),
        ("test", "test_deposit_clamps", 23, 28),
        ("function", "main", 30, 34),
    ],
    "shapes.cpp": [
        ("class", "Shape", 7, 12),
        ("method", "Shape.~Shape", 9, 9),
        ("method", "Shape.name", 11, 11),
        ("class", "Square", 14, 18),
        ("method", "Square.Square", 15, 15),
        ("method", "Square.area", 20, 22),
        ("function", "largest", 24, 27),
        ("test", "SquareTest.AreaIsSideSquared", 31, 34),
        ("test", "ShapeFixture.NameIsShape", 36, 38),
    ],
}


def _summary(fragments: list[Fragment]) -> list[tuple[str, str, int, int]]:
    return [(f.kind, f.name, f.start_line, f.end_line) for f in fragments]


def _enclosing(fragments: list[Fragment], path: str, line: int) -> Fragment:
    found = enclosing_fragment(fragments, path, line)
    assert found is not None, f"nothing encloses {path}:{line}"
    return found


def _find(fragments: list[Fragment], name: str) -> Fragment:
    found = find_fragment(fragments, name)
    assert found is not None, f"no fragment {name!r}"
    return found


@pytest.fixture(scope="module")
def fixture_report():
    return parse_tree(FIXTURES, show_progress_bar=False)


# ------------------------------------------------------------------------ languages
def test_every_language_has_a_fixture():
    covered = {language_for_path(name) for name in EXPECTED}
    assert covered == set(LANGUAGES)


def test_extensions_map_to_languages():
    expected = {
        "python": [".py", ".pyi"],
        "javascript": [".js", ".mjs", ".cjs", ".jsx"],
        "typescript": [".ts", ".mts", ".cts"],
        "tsx": [".tsx"],
        "java": [".java"],
        "go": [".go"],
        "rust": [".rs"],
        "c": [".c", ".h"],
        "cpp": [".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx"],
    }
    for language, extensions in expected.items():
        for ext in extensions:
            assert language_for_path(f"src/file{ext}") == language
            assert language_for_path(f"SRC/FILE{ext.upper()}") == language
    assert len(EXTENSIONS) == sum(len(v) for v in expected.values())
    assert language_for_path("README.md") is None
    assert language_for_path("Makefile") is None


def test_language_override_and_aliases():
    assert language_for_path("include/shapes.h") == "c"
    assert language_for_path("include/shapes.h", "cpp") == "cpp"
    assert language_for_path("notes.txt", "py") == "python"
    assert get_language("C++").name == "cpp"
    assert get_language("TS").name == "typescript"


def test_unknown_language_lists_supported_languages():
    with pytest.raises(LanguageError) as info:
        get_language("cobol")
    message = str(info.value)
    assert "'cobol'" in message
    for name in LANGUAGES:
        assert name in message
    with pytest.raises(LanguageError):
        language_for_path("x.cbl", "cobol")
    with pytest.raises(LanguageError):
        extract_fragments("IDENTIFICATION DIVISION.", "cobol")


@pytest.mark.parametrize("name", sorted(LANGUAGES))
def test_queries_compile_and_are_cached(name):
    spec = get_language(name)
    for kind in ("definitions", "tests", "all"):
        query = spec.query(kind)  # type: ignore[arg-type]
        assert query is spec.query(kind)  # type: ignore[arg-type]
    assert spec.query("all").pattern_count == (
        spec.query("definitions").pattern_count + spec.query("tests").pattern_count
    )
    assert spec.query("definitions").pattern_count > 0
    assert spec.parser().parse(b"").root_node is not None


# --------------------------------------------------------------------- fragments
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fragments_of_each_language(name):
    report = parse_file(FIXTURES / name, root=FIXTURES)
    assert report.skipped == []
    assert report.files_with_errors == []
    assert _summary(report.fragments) == EXPECTED[name]
    language = language_for_path(name)
    assert all(f.language == language and f.path == name for f in report.fragments)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_tests_are_found_in_each_language(name):
    fragments = parse_file(FIXTURES / name).fragments
    tests = [f.name for f in fragments if f.kind == "test"]
    assert tests == [n for kind, n, _, _ in EXPECTED[name] if kind == "test"]
    assert tests, f"no test recognised in {name}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_text_is_the_exact_source_slice(name):
    data = (FIXTURES / name).read_bytes()
    for f in parse_file(FIXTURES / name).fragments:
        assert f.text == data[f.start_byte : f.end_byte].decode("utf-8")
        assert data.count(b"\n", 0, f.start_byte) + 1 == f.start_line
        assert f.end_line == f.start_line + f.text.count("\n")
        # the id is the content hash Fragment computes itself
        assert dataclasses.replace(f, id="").id == f.id


def test_decorators_and_attributes_belong_to_the_fragment():
    frags = {f.name: f for f in parse_file(FIXTURES / "inventory.py").fragments}
    assert frags["test_add_many"].text.startswith('@pytest.mark.parametrize("n", [1, 2])\n')
    assert frags["Inventory.total"].text.startswith("@property\n")
    rust = {f.name: f for f in parse_file(FIXTURES / "stack.rs").fragments}
    assert rust["tests.push_grows"].text.startswith("#[test]\n")
    assert rust["Stack"].text.startswith("#[derive(Debug, Default)]\n")
    java = {f.name: f for f in parse_file(FIXTURES / "LedgerTest.java").fragments}
    assert java["LedgerTest.depositsAdd"].text.startswith("@ParameterizedTest\n")
    cpp = {f.name: f for f in parse_file(FIXTURES / "shapes.cpp").fragments}
    assert cpp["largest"].text.startswith("template <typename T>\n")
    ts = {f.name: f for f in parse_file(FIXTURES / "settings.ts").fragments}
    assert ts["SettingsStore"].text.startswith("@injectable\n")
    assert ts["clamp"].text.startswith("export const clamp") is False
    assert ts["clamp"].text.startswith("const clamp = ")


def test_nested_and_qualified_names_in_memory():
    source = """
class Outer:
    class Inner:
        def method(self):
            def local():
                pass

def outer():
    class Local:
        def m(self): ...
"""
    names = [(f.kind, f.name) for f in extract_fragments(source, "python")]
    assert names == [
        ("class", "Outer"),
        ("class", "Outer.Inner"),
        ("method", "Outer.Inner.method"),
        ("function", "Outer.Inner.method.local"),
        ("function", "outer"),
        ("class", "outer.Local"),
        ("method", "outer.Local.m"),
    ]


def test_jest_names_join_describe_blocks():
    source = """
describe("Parser", () => {
  describe.each([[1]])("with %i", (n) => {
    it("works", () => {});
  });
  describe("tokens", () => {
    it.only('splits words', () => {});
    it.each([[1, 2]])("adds %i", (a) => {});
  });
});
"""
    tests = [f.name for f in extract_fragments(source, "javascript") if f.kind == "test"]
    assert tests == [
        "Parser > with %i > works",
        "Parser > tokens > splits words",
        "Parser > tokens > adds %i",
    ]


def test_include_module_adds_the_whole_file_first():
    source = "import os\n\n\ndef f():\n    return os.sep\n"
    frags = extract_fragments(source, "python", "pkg/mod.py", include_module=True)
    module = frags[0]
    assert (module.kind, module.name, module.path) == ("module", "<module>", "pkg/mod.py")
    assert module.text == source
    assert (module.start_line, module.end_line) == (1, 5)
    assert [f.name for f in frags[1:]] == ["f"]


# ------------------------------------------------------------------ syntax errors
def test_syntax_errors_keep_recoverable_fragments(tmp_path):
    # (a .txt fixture, so that linters leave its deliberate syntax error alone)
    source = (FIXTURES / "broken_python.txt").read_text()
    report = parse_file(FIXTURES / "broken_python.txt", root=FIXTURES, language="python")
    assert report.files_with_errors == ["broken_python.txt"]
    assert report.files_parsed == 1
    flagged = {f.name: f.has_error for f in report.fragments}
    assert flagged == {
        "parse_header": False,
        "Reader": True,
        "Reader.__init__": False,
        "Reader.read_all": True,
        "Reader.close": False,
        "test_parse_header": False,
    }
    kinds = {f.name: f.kind for f in report.fragments}
    assert kinds["test_parse_header"] == "test"
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "broken.py").write_text(source)
    (tmp_path / "pkg" / "fine.py").write_text("def fine():\n    pass\n")
    tree = parse_tree(tmp_path, show_progress_bar=False)
    assert tree.files_with_errors == ["pkg/broken.py"]
    assert tree.files_parsed == 2


def test_missing_node_marks_the_fragment():
    frags = extract_fragments("int main() {\n  return 0\n}\nint g() { return 1; }\n", "c")
    assert [(f.name, f.has_error) for f in frags] == [("main", True), ("g", False)]


# ---------------------------------------------------------------- skipped files
def test_bad_files_are_skipped_with_a_reason(tmp_path):
    (tmp_path / "good.py").write_text("def ok():\n    return 1\n")
    (tmp_path / "binary.py").write_bytes(b"def f():\n    pass\n\0\0\0")
    (tmp_path / "latin1.py").write_bytes("name = 'café'\n".encode("latin-1"))
    (tmp_path / "empty.py").write_bytes(b"")
    (tmp_path / "blank.py").write_text("\n   \n")
    (tmp_path / "huge.py").write_text("x = 1\n" * 200_000)  # 1,200,000 bytes
    report = parse_tree(tmp_path, show_progress_bar=False)
    reasons = {s.path: s.reason for s in report.skipped}
    assert sorted(reasons) == ["binary.py", "blank.py", "empty.py", "huge.py", "latin1.py"]
    assert "binary" in reasons["binary.py"]
    assert "UTF-8" in reasons["latin1.py"] and "0xe9" in reasons["latin1.py"]
    assert reasons["empty.py"] == "empty file"
    assert reasons["blank.py"].startswith("empty file")
    assert reasons["huge.py"] == (
        "larger than the 1,000,000-byte limit; raise --max-bytes to include it"
    )
    assert report.files_parsed == 1
    assert [f.name for f in report.fragments] == ["ok"]
    bigger = parse_tree(tmp_path, max_bytes=2_000_000, show_progress_bar=False)
    assert "huge.py" not in {s.path for s in bigger.skipped}


def test_parse_file_never_raises_on_bad_input(tmp_path):
    missing = parse_file(tmp_path / "nope.py", root=tmp_path)
    assert missing.fragments == [] and missing.skipped[0].path == "nope.py"
    assert missing.skipped[0].reason.startswith("unreadable")
    (tmp_path / "notes.txt").write_text("def f(): pass\n")
    unknown = parse_file(tmp_path / "notes.txt")
    assert "no supported language" in unknown.skipped[0].reason
    assert "python" in unknown.skipped[0].reason
    small = parse_file(FIXTURES / "ledger.c", max_bytes=100)
    assert small.skipped[0].reason.startswith("larger than the 100-byte limit")
    with pytest.raises(UsageError, match="'max_bytes' parameter of parse_file"):
        parse_file(FIXTURES / "ledger.c", max_bytes=0)


def test_language_override_for_a_file_without_extension(tmp_path):
    script = tmp_path / "deploy"
    script.write_text("def main():\n    pass\n")
    assert parse_file(script).fragments == []
    report = parse_file(script, language="python")
    assert [(f.language, f.name) for f in report.fragments] == [("python", "main")]
    with pytest.raises(LanguageError):
        parse_file(script, language="bash")


def test_non_utf8_bytes_raise_parse_error():
    with pytest.raises(ParseError, match="not UTF-8"):
        extract_fragments("s = 'é'\n".encode("latin-1"), "python")


# ------------------------------------------------------------------------- trees
def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_tree_honours_gitignore_and_skips_vendored_dirs(tmp_path):
    _write(
        tmp_path,
        {
            ".gitignore": "*.gen.py\nscratch/\n",
            "app/main.py": "def main(): pass\n",
            "app/models.gen.py": "def generated(): pass\n",
            "app/.gitignore": "local_*.py\n!keep.gen.py\n",
            "app/keep.gen.py": "def kept(): pass\n",
            "app/local_settings.py": "def local(): pass\n",
            "scratch/try.py": "def scratch(): pass\n",
            "node_modules/lib/index.js": "function lib() {}\n",
            ".venv/lib/site.py": "def venv(): pass\n",
            "vendor/dep/dep.go": "package dep\nfunc Dep() {}\n",
            "web/ui.ts": "function ui() {}\n",
            "README.md": "# readme\n",
        },
    )
    report = parse_tree(tmp_path, show_progress_bar=False)
    assert [f.path for f in report.fragments] == ["app/keep.gen.py", "app/main.py", "web/ui.ts"]
    assert report.skipped == []  # ignored and unknown files are not reported
    assert report.files_parsed == 3

    everything = parse_tree(
        tmp_path, respect_gitignore=False, skip_vendored=False, show_progress_bar=False
    )
    assert {f.name for f in everything.fragments} == {
        "main", "generated", "kept", "local", "scratch", "lib", "venv", "Dep", "ui",
    }  # fmt: skip
    assert {"node_modules", "vendor", ".venv", "build", "target"} <= VENDORED_DIRS


def test_tree_order_paths_and_language_filter(tmp_path):
    _write(
        tmp_path,
        {
            "b/z.py": "def z(): pass\n",
            "a.py": "def a(): pass\n",
            "a/b.go": "package a\nfunc B() {}\n",
            "c.rs": "fn c() {}\n",
        },
    )
    report = parse_tree(tmp_path, show_progress_bar=False)
    assert [(f.path, f.name) for f in report.fragments] == [
        ("a.py", "a"),
        ("a/b.go", "B"),
        ("b/z.py", "z"),
        ("c.rs", "c"),
    ]
    only = parse_tree(tmp_path, languages=["go", "rs"], show_progress_bar=False)
    assert [f.name for f in only.fragments] == ["B", "c"]
    assert [f.name for f in parse_tree(tmp_path, languages="go").fragments] == ["B"]
    with pytest.raises(LanguageError):
        parse_tree(tmp_path, languages=["cobol"])
    single = parse_tree(tmp_path / "c.rs", show_progress_bar=False)
    assert [(f.path, f.name) for f in single.fragments] == [("c.rs", "c")]
    with pytest.raises(InputError, match="no such file or directory"):
        parse_tree(tmp_path / "missing")


def test_progress_bar_goes_to_stderr(tmp_path, capsys):
    _write(tmp_path, {"a.py": "def a(): pass\n"})
    parse_tree(tmp_path, show_progress_bar=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "Parsing" in captured.err
    parse_tree(tmp_path, show_progress_bar=False)
    assert capsys.readouterr().err == ""


def test_fixture_tree_report(fixture_report):
    assert fixture_report.files_parsed == len(EXPECTED)  # broken_python.txt: unknown, passed over
    assert fixture_report.files_with_errors == []
    assert fixture_report.skipped == []
    assert fixture_report.bytes_parsed == sum((FIXTURES / name).stat().st_size for name in EXPECTED)
    assert [f.path for f in fixture_report.fragments] == sorted(
        f.path for f in fixture_report.fragments
    )


# ------------------------------------------------------------------------ lookups
def test_enclosing_fragment_picks_the_innermost(fixture_report):
    frags = fixture_report.fragments
    assert _enclosing(frags, "inventory.py", 16).name == "Inventory.add.check"
    assert _enclosing(frags, "inventory.py", 19).name == "Inventory.add"
    assert _enclosing(frags, "inventory.py", 9).name == "Inventory"
    assert enclosing_fragment(frags, "inventory.py", 3) is None
    assert _enclosing(frags, "stack.rs", 58).name == "tests.push_grows"
    # an absolute path (as tracebacks print it) finds the relative one
    absolute = str(FIXTURES / "inventory.py")
    assert _enclosing(frags, absolute, 60).name == "TestInventory.test_empty"
    assert enclosing_fragment(frags, "elsewhere.py", 16) is None
    module = extract_fragments("x = 1\n\ndef f():\n    pass\n", "python", include_module=True)
    assert _enclosing(module, "<memory>", 1).kind == "module"
    assert _enclosing(module, "<memory>", 4).name == "f"


def test_find_fragment_by_name_suffix_ref_and_runner_ids(fixture_report):
    frags = fixture_report.fragments
    assert _find(frags, "Inventory.add").name == "Inventory.add"
    assert _find(frags, "increment").name == "make_counter.increment"
    assert _find(frags, "inventory.py::TestInventory.test_empty").kind == "test"
    nodeid = "tests/fixtures/parsing/inventory.py::TestInventory::test_empty"
    assert _find(frags, nodeid).name == "TestInventory.test_empty"
    assert _find(frags, "inventory.py::test_add_many[2]").name == "test_add_many"
    assert _find(frags, "tests::push_grows").name == "tests.push_grows"
    assert _find(frags, "SquareTest.AreaIsSideSquared").language == "cpp"
    assert _find(frags, "stores the item").name == "Cart > add > stores the item"
    assert find_fragment(frags, "add") is None  # Inventory.add, Cart.add: ambiguous
    assert find_fragment(frags, "no_such_thing") is None


# ---------------------------------------------------------------------------- ids
def test_ids_are_stable_and_follow_the_text(tmp_path):
    source = (FIXTURES / "inventory.py").read_text()
    first = extract_fragments(source, "python", "inventory.py")
    second = extract_fragments(source, "python", "inventory.py")
    assert [f.id for f in first] == [f.id for f in second]
    assert len({f.id for f in first}) == len(first)

    changed = source.replace("return url", "return url.strip()")
    after = {f.name: f.id for f in extract_fragments(changed, "python", "inventory.py")}
    before = {f.name: f.id for f in first}
    assert after["fetch_remote"] != before["fetch_remote"]
    assert {n for n in before if before[n] != after[n]} == {"fetch_remote"}
    moved = extract_fragments(source, "python", "other/inventory.py")
    assert moved[0].id != first[0].id  # the path is part of the identity
