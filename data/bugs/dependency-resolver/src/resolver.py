"""Install order for a package manager: dependencies before dependents, cycles reported."""

from __future__ import annotations


class CycleError(ValueError):
    def __init__(self, path: list[str]) -> None:
        super().__init__("dependency cycle: " + " -> ".join(path))
        self.path = path


def install_order(requires: dict[str, list[str]], roots: list[str]) -> list[str]:
    """Every package needed by ``roots``, each once, after all of its dependencies.

    ``requires`` maps a package to the packages it needs; a package missing from it needs nothing.
    """
    order: list[str] = []
    placed: set[str] = set()
    stack: list[str] = []

    def visit(name: str) -> None:
        if name in stack:
            raise CycleError(stack[stack.index(name) :] + [name])
        stack.append(name)
        for dep in sorted(requires.get(name, [])):
            visit(dep)
        stack.pop()
        placed.add(name)
        order.append(name)

    for root in roots:
        visit(root)
    return order


def parse_requirements(text: str) -> dict[str, list[str]]:
    """Lines like ``web: http, templates`` -> {"web": ["http", "templates"]}."""
    requires: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, deps = line.partition(":")
        requires[name.strip()] = [d.strip() for d in deps.split(",") if d.strip()]
    return requires
