"""SARIF 2.1.0: the static-analysis interchange format (gcc 13+, clang, CodeQL, Semgrep, ...).

A SARIF log is one JSON document: ``runs``, each with the ``tool`` that
produced it and its ``results``::

    {"version": "2.1.0", "runs": [{
       "tool": {"driver": {"name": "GNU C17", "rules": [{"id": "-Wparentheses"}]}},
       "results": [{"ruleId": "-Wparentheses", "level": "warning",
                    "message": {"text": "suggest parentheses around assignment"},
                    "locations": [{"physicalLocation": {
                        "artifactLocation": {"uri": "stack.c", "uriBaseId": "PWD"},
                        "region": {"startLine": 5, "startColumn": 9, "endColumn": 10}}}],
                    "relatedLocations": [...]}]}]}

Each result is one Failure.  What the standard says is honoured: a missing
``level`` falls back to the rule's ``defaultConfiguration`` and then to
``warning``; a rule may be named by ``ruleId``, ``rule.id`` or ``ruleIndex``;
a message may be a ``messageStrings`` template filled with ``arguments``; an
artifact may be named by ``index`` into ``run.artifacts``; ``file://`` URIs
become paths, relative URIs are kept relative (as the compiler's text output
prints them); results of kind ``pass`` or ``notApplicable`` are skipped.
``relatedLocations`` become secondary locations and ``stacks`` become frames.
Results of compilers (gcc, clang, rustc, MSVC) are ``compile-error`` /
``compile-warning``; of other tools ``lint``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urlparse

from ..errors import ParseError
from ._source import FailureFormat, LogSource, ParseContext
from .model import Failure, Frame, Location, is_project_path

_COMPILER_RE = re.compile(r"\b(?:gnu|gcc|g\+\+|clang|rustc|msvc|cl\.exe|javac)\b", re.I)
_LEVELS = {"error": "error", "warning": "warning", "note": "note", "none": "info"}


def _d(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _l(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


def _i(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def uri_to_path(uri: str) -> str:
    """A file path for a SARIF URI (``file:///src/a.c`` -> ``/src/a.c``; relative kept)."""
    if uri.startswith("file:"):
        parsed = urlparse(uri)
        path = unquote(parsed.path)
        if re.match(r"^/[A-Za-z]:/", path):  # file:///C:/src/a.c
            path = path[1:]
        return path
    return unquote(uri)


class _Run:
    def __init__(self, run: dict[str, Any]) -> None:
        driver = _d(_d(run.get("tool")).get("driver"))
        raw_name = driver.get("name")
        name: str = raw_name if isinstance(raw_name, str) and raw_name.strip() else "sarif"
        self.name = name
        self.tool = "gcc" if name.upper().startswith("GNU ") else name.lower().split()[0]
        self.compiler = bool(_COMPILER_RE.search(name))
        self.rules = [_d(r) for r in _l(driver.get("rules"))]
        self.rule_ids = {r.get("id"): r for r in self.rules if isinstance(r.get("id"), str)}
        self.artifacts = [_d(a) for a in _l(run.get("artifacts"))]

    def rule(self, result: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
        rid = result.get("ruleId")
        ref = _d(result.get("rule"))
        if not isinstance(rid, str) and isinstance(ref.get("id"), str):
            rid = ref["id"]
        index = _i(result.get("ruleIndex"))
        if index is None:
            index = _i(ref.get("index"))
        rule: dict[str, Any] = {}
        if index is not None and 0 <= index < len(self.rules):
            rule = self.rules[index]
        elif isinstance(rid, str):
            rule = self.rule_ids.get(rid, {})
        if not isinstance(rid, str) and isinstance(rule.get("id"), str):
            rid = rule["id"]
        return (rid if isinstance(rid, str) else None), rule

    def path(self, artifact: dict[str, Any]) -> str | None:
        uri = artifact.get("uri")
        if not isinstance(uri, str):
            index = _i(artifact.get("index"))
            if index is not None and 0 <= index < len(self.artifacts):
                uri = _d(self.artifacts[index].get("location")).get("uri")
        return uri_to_path(uri) if isinstance(uri, str) and uri else None

    def location(self, loc: dict[str, Any], message: str | None = None) -> Location | None:
        phys = _d(loc.get("physicalLocation"))
        path = self.path(_d(phys.get("artifactLocation")))
        if path is None:
            return None
        region = _d(phys.get("region"))
        line = _i(region.get("startLine"))
        end_line = _i(region.get("endLine"))
        return Location(
            path,
            line,
            _i(region.get("startColumn")),
            end_line,
            _i(region.get("endColumn")),
            message,
        )


def _message(msg: Any, rule: dict[str, Any]) -> str:
    m = _d(msg)
    text = m.get("text") if isinstance(m.get("text"), str) else m.get("markdown")
    if not isinstance(text, str) and isinstance(m.get("id"), str):
        template = _d(_d(rule.get("messageStrings")).get(m["id"]))
        text = template.get("text")
    if not isinstance(text, str):
        return ""
    args = [str(a) for a in _l(m.get("arguments"))]
    if args:
        text = re.sub(
            r"\{(\d+)\}",
            lambda x: args[int(x.group(1))] if int(x.group(1)) < len(args) else x.group(0),
            text,
        )
    return text


def _level(result: dict[str, Any], rule: dict[str, Any]) -> str:
    level = result.get("level")
    if not isinstance(level, str):
        level = _d(rule.get("defaultConfiguration")).get("level")
    return _LEVELS.get(level if isinstance(level, str) else "warning", "warning")


def _frames(run: _Run, result: dict[str, Any]) -> list[Frame]:
    for stack in _l(result.get("stacks")):
        frames: list[Frame] = []
        for fr in _l(_d(stack).get("frames")):
            loc = _d(_d(fr).get("location"))
            where = run.location(loc)
            if where is None:
                continue
            logical = [_d(x) for x in _l(loc.get("logicalLocations"))]
            func = next((x.get("fullyQualifiedName") or x.get("name") for x in logical if x), None)
            frames.append(
                Frame(
                    where.path,
                    where.line,
                    func if isinstance(func, str) else None,
                    None,
                    is_project_path(where.path),
                    where.column,
                )
            )
        if frames:
            frames.reverse()  # SARIF lists the innermost frame first
            return frames
    return []


def parse_sarif(source: LogSource, ctx: ParseContext) -> Iterator[Failure]:
    """Every result of every run of a SARIF log."""
    text = source.read_text()
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ParseError(
            f"{ctx.name} is not valid JSON ({exc}); a SARIF log is one JSON document.",
            fix="Check that the file is complete (a killed analysis can leave it cut short).",
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("runs"), list):
        raise ParseError(f"{ctx.name} is JSON but not SARIF: it has no 'runs' array.")
    version = data.get("version")
    if version not in (None, "2.1.0"):
        ctx.warn(f"SARIF version {version!r}; this reader follows 2.1.0")
    for raw_run in data["runs"]:
        run = _Run(_d(raw_run))
        for result in _l(_d(raw_run).get("results")):
            result = _d(result)
            if result.get("kind") in ("pass", "notApplicable"):
                continue
            rule_id, rule = run.rule(result)
            severity = _level(result, rule)
            if result.get("kind") == "informational":
                severity = "info"
            message = _message(result.get("message"), rule) or (rule_id or "finding")
            locations = [
                loc for loc in (run.location(_d(x)) for x in _l(result.get("locations"))) if loc
            ]
            for rel in _l(result.get("relatedLocations")):
                rel = _d(rel)
                loc = run.location(rel, _message(rel.get("message"), rule) or None)
                if loc is not None:
                    locations.append(loc)
            if run.compiler:
                kind = "compile-error" if severity == "error" else "compile-warning"
                if rule_id in ("error", "warning", "note", "fatal error"):
                    rule_id = None  # gcc names errors without an option by their level
            else:
                kind = "lint"
            yield Failure(
                tool=run.tool,
                kind=kind,
                message=message,
                severity=severity,
                rule=rule_id,
                locations=tuple(locations),
                frames=tuple(_frames(run, result)),
                raw=json.dumps(result, ensure_ascii=False, sort_keys=True),
            )


def sniff_sarif(head: str) -> float:
    start = head.lstrip()
    if not start.startswith("{"):
        return 0.0
    if re.search(r'"\$schema"\s*:\s*"[^"]*sarif', head, re.I):
        return 1.0
    if re.search(r'"version"\s*:\s*"2\.1\.0"', head) and '"runs"' in head:
        return 0.95
    return 0.0


FORMAT = FailureFormat(
    name="sarif",
    description="SARIF 2.1.0 (gcc -fdiagnostics-format=sarif-file, clang, CodeQL, Semgrep, ...)",
    sniff=sniff_sarif,
    parse=parse_sarif,
    streaming=False,
)

__all__ = ["FORMAT", "parse_sarif", "uri_to_path"]
