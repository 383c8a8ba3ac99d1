from policy import Policy, problems, strength


def test_good_password_has_no_problems():
    assert problems("Correct9Horse") == []


def test_all_lower_case_is_refused():
    assert problems("correct9horse") == ["mix upper- and lower-case letters"]


def test_short_and_digitless():
    found = problems("Abc", Policy(min_length=8))
    assert found == ["use at least 8 characters", "include a digit"]


def test_symbol_and_username_rules():
    found = problems("MaryJones2024", Policy(require_symbol=True), username="maryjones")
    assert found == ["include a symbol", "do not include your user name"]


def test_strength_labels():
    assert strength("abc") == "weak"
    assert strength("Tr0ub4dor&3xyz!!") == "strong"
