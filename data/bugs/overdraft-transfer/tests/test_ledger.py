import pytest
from ledger import Account, TransferError, statement, transfer


def test_plain_transfer_moves_money():
    a, b = Account("A", 10_000), Account("B", 0)
    transfer(a, b, 2_500, reference="rent")
    assert (a.balance_cents, b.balance_cents) == (7_500, 2_500)
    assert a.history == [("rent", -2_500)]


def test_may_use_the_whole_overdraft():
    a, b = Account("A", 1_000, overdraft_limit_cents=5_000), Account("B")
    transfer(a, b, 6_000)
    assert a.balance_cents == -5_000
    assert a.available() == 0


def test_cannot_go_past_the_overdraft():
    a, b = Account("A", 1_000, overdraft_limit_cents=5_000), Account("B")
    with pytest.raises(TransferError):
        transfer(a, b, 6_001)
    assert a.balance_cents == 1_000


def test_frozen_and_bad_amounts_are_refused():
    a, b = Account("A", 1_000), Account("B", frozen=True)
    with pytest.raises(TransferError):
        transfer(a, b, 10)
    with pytest.raises(TransferError):
        transfer(a, Account("C"), 0)


def test_statement_ends_with_balance():
    a, b = Account("A", 500), Account("B")
    transfer(a, b, 500)
    assert statement(a).splitlines()[-1].split() == ["balance", "0.00"]
