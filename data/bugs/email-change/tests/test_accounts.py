import pytest
from accounts import AccountService, Outbox, User


def test_confirmation_goes_to_the_new_address():
    outbox = Outbox()
    user = User(7, "old@example.com")
    AccountService(outbox).change_email(user, " New@Example.org ")
    assert outbox.sent == [
        ("new@example.org", "Confirm your new e-mail address"),
        ("old@example.com", "Your e-mail address is being changed"),
    ]
    assert user.email == "old@example.com"
    assert user.pending_email == "new@example.org"


def test_confirming_switches_the_address():
    service = AccountService(Outbox())
    user = User(7, "old@example.com")
    token = service.change_email(user, "new@example.org")
    service.confirm(user, token)
    assert user.email == "new@example.org" and user.pending_email is None
    with pytest.raises(PermissionError):
        service.confirm(user, token)


def test_invalid_addresses():
    service = AccountService(Outbox())
    with pytest.raises(ValueError):
        service.change_email(User(1, "a@b.com"), "not-an-address")
    with pytest.raises(ValueError):
        service.change_email(User(1, "a@b.com"), "A@B.com")
