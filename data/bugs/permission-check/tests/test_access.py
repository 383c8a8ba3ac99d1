import pytest
from access import Document, User, is_allowed, visible

SPEC = Document("spec", owner="ana")
LOCKED = Document("contract", owner="ana", locked=True)


def test_roles_grant_actions():
    assert is_allowed(User("bo", {"viewer"}), "read", SPEC)
    assert not is_allowed(User("bo", {"viewer"}), "write", SPEC)
    assert is_allowed(User("bo", {"editor"}), "comment", SPEC)


def test_owner_and_locks():
    assert is_allowed(User("ana"), "write", SPEC)
    assert not is_allowed(User("ana"), "write", LOCKED)
    assert is_allowed(User("root", {"admin"}), "delete", LOCKED)


def test_suspended_users_lose_everything():
    assert not is_allowed(User("ana", suspended=True), "read", SPEC)
    assert visible(User("cy", {"admin"}, suspended=True), [SPEC, LOCKED]) == []


def test_unknown_action():
    with pytest.raises(ValueError):
        is_allowed(User("ana"), "launch", SPEC)
