import json

import pytest
from flags import DEFAULTS, load_flags


def test_missing_file_means_defaults(tmp_path):
    assert load_flags(tmp_path / "flags.json", env={}) == dict(DEFAULTS)


def test_file_then_environment(tmp_path):
    path = tmp_path / "flags.json"
    path.write_text(json.dumps({"new_checkout": True, "dark_mode": False}))
    flags = load_flags(path, env={"FLAG_DARK_MODE": "yes"})
    assert flags == {"new_checkout": True, "dark_mode": True, "beta_search": False}


def test_environment_without_file(tmp_path):
    flags = load_flags(tmp_path / "absent.json", env={"FLAG_BETA_SEARCH": "On"})
    assert flags["beta_search"] is True


def test_bad_values(tmp_path):
    path = tmp_path / "flags.json"
    path.write_text(json.dumps({"typo_flag": True}))
    with pytest.raises(KeyError):
        load_flags(path, env={})
    with pytest.raises(ValueError):
        load_flags(tmp_path / "none.json", env={"FLAG_DARK_MODE": "maybe"})
