import pytest
from resolver import CycleError, install_order, parse_requirements

REQS = parse_requirements(
    """
    # app stack
    web: http, templates
    http: sockets, tls
    templates: strings
    tls: sockets
    cli: strings
    """
)


def test_dependencies_come_first_and_only_once():
    order = install_order(REQS, ["web", "cli"])
    assert order == ["sockets", "tls", "http", "strings", "templates", "web", "cli"]


def test_every_package_before_its_dependents():
    order = install_order(REQS, ["web"])
    for pkg, deps in REQS.items():
        for dep in deps:
            if pkg in order:
                assert order.index(dep) < order.index(pkg)


def test_cycle_is_reported():
    with pytest.raises(CycleError) as info:
        install_order({"a": ["b"], "b": ["c"], "c": ["a"]}, ["a"])
    assert info.value.path == ["a", "b", "c", "a"]
