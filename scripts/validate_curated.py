"""Validate curated edit files: schema, and that every before/after parses cleanly.

Usage: python scripts/validate_curated.py data/curated/*.jsonl
Prints one line per problem and a per-category / per-language count table.
Exit code 1 when any problem is found.
"""

from __future__ import annotations

import collections
import importlib
import json
import sys

GRAMMARS = {
    "python": ("tree_sitter_python", "language"),
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "java": ("tree_sitter_java", "language"),
    "go": ("tree_sitter_go", "language"),
    "rust": ("tree_sitter_rust", "language"),
    "c": ("tree_sitter_c", "language"),
    "cpp": ("tree_sitter_cpp", "language"),
}
REQUIRED = ("id", "language", "category", "subkind", "project", "message", "before", "after")


def parser_for(lang: str):
    import tree_sitter

    mod, attr = GRAMMARS[lang]
    return tree_sitter.Parser(tree_sitter.Language(getattr(importlib.import_module(mod), attr)()))


def first_error(node):
    if node.type == "ERROR" or node.is_missing:
        return node
    if not node.has_error:
        return None
    for ch in node.children:
        e = first_error(ch)
        if e is not None:
            return e
    return node


def main(paths: list[str]) -> int:
    problems = 0
    counts: collections.Counter[tuple[str, str]] = collections.Counter()
    seen: set[str] = set()
    parsers: dict[str, object] = {}
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                where = f"{path}:{lineno}"
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    print(f"{where}: not JSON: {exc}")
                    problems += 1
                    continue
                missing = [k for k in REQUIRED if not rec.get(k)]
                if missing:
                    print(f"{where}: missing {missing}")
                    problems += 1
                    continue
                if rec["id"] in seen:
                    print(f"{where}: duplicate id {rec['id']}")
                    problems += 1
                seen.add(rec["id"])
                lang = rec["language"]
                if lang not in GRAMMARS:
                    print(f"{where}: unknown language {lang}")
                    problems += 1
                    continue
                if rec["before"].strip() == rec["after"].strip():
                    print(f"{where}: before == after")
                    problems += 1
                p = parsers.setdefault(lang, parser_for(lang))
                for side in ("before", "after"):
                    tree = p.parse(rec[side].encode())  # type: ignore[attr-defined]
                    err = first_error(tree.root_node)
                    if err is not None:
                        row, col = err.start_point
                        text = rec[side].splitlines()[row] if rec[side].splitlines() else ""
                        print(f"{where}: {rec['id']} {side} does not parse at line {row + 1}: {text.strip()[:80]}")
                        problems += 1
                f = rec.get("failure")
                if f is not None and not (isinstance(f, dict) and f.get("tool") and f.get("text")):
                    print(f"{where}: failure must be null or {{tool, text}}")
                    problems += 1
                counts[(rec["category"], lang)] += 1
    by_cat: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for (cat, lang), n in counts.items():
        by_cat[cat][lang] += n
    for cat in sorted(by_cat):
        total = sum(by_cat[cat].values())
        langs = ", ".join(f"{k}={v}" for k, v in sorted(by_cat[cat].items()))
        print(f"{cat:22s} {total:4d}  {langs}")
    print(f"total {sum(counts.values())} edits, {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
