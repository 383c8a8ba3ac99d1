import pytest
from dotenv import parse, parse_line

TEXT = """
# database
export DB_HOST=localhost
DB_PORT=5432  # default port
DB_URL="postgres://${DB_HOST}:${DB_PORT}/app"
GREETING='hello ${USER}'
MOTD="line one\\nline two"
"""


def test_plain_and_commented_values():
    assert parse_line("DB_PORT=5432  # default port") == ("DB_PORT", "5432")
    assert parse_line("  # only a comment") is None


def test_quotes_are_removed():
    assert parse_line('NAME="Ada Lovelace"') == ("NAME", "Ada Lovelace")
    assert parse_line("PATTERN='a # b'") == ("PATTERN", "a # b")


def test_expansion_and_escapes():
    values = parse(TEXT, environ={"USER": "ada"})
    assert values["DB_URL"] == "postgres://localhost:5432/app"
    assert values["GREETING"] == "hello ada"
    assert values["MOTD"] == "line one\nline two"


def test_bad_line_reports_its_number():
    with pytest.raises(ValueError, match="line 2"):
        parse("A=1\n2BAD=x\n")
