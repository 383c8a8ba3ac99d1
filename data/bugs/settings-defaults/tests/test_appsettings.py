import pytest
from appsettings import load_settings


def test_defaults():
    assert load_settings() == {
        "timeout_s": 30,
        "retries": 3,
        "region": "eu-west-1",
        "verbose": False,
    }


def test_overrides_are_converted():
    settings = load_settings({"timeout_s": "5", "verbose": "true", "region": "us-east-2"})
    assert settings["timeout_s"] == 5
    assert settings["verbose"] is True
    assert settings["region"] == "us-east-2"


def test_unknown_and_bad_values():
    with pytest.raises(KeyError):
        load_settings({"colour": "red"})
    with pytest.raises(ValueError):
        load_settings({"retries": "many"})
