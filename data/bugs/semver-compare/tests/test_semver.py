import pytest
from semver import Version, compare, latest


def test_parse_keeps_prerelease_and_build():
    v = Version.parse("v1.4.0-rc.2+build.7")
    assert (v.major, v.minor, v.patch) == (1, 4, 0)
    assert v.prerelease == ("rc", "2")
    assert v.build == "build.7"


def test_numeric_parts_compare_as_numbers():
    assert compare("1.2.3", "1.10.0") == -1
    assert compare("2.0.0", "1.99.99") == 1
    assert compare("1.2.3+a", "1.2.3+b") == 0


def test_prerelease_sorts_before_release():
    assert compare("1.0.0-alpha", "1.0.0") == -1
    assert compare("1.0.0-alpha.2", "1.0.0-alpha.10") == -1
    assert compare("1.0.0-beta", "1.0.0-alpha.1") == 1


def test_latest_skips_prereleases_by_default():
    versions = ["0.9.1", "1.10.0", "1.2.0", "2.0.0-rc.1"]
    assert latest(versions) == "1.10.0"
    assert latest(versions, include_prereleases=True) == "2.0.0-rc.1"


def test_rejects_garbage():
    with pytest.raises(ValueError):
        Version.parse("1.2")
