from slugs import slugify, unique_slug


def test_accents_and_punctuation():
    assert slugify("Crème Brûlée: A How-To!") == "creme-brulee-a-how-to"


def test_ampersand_and_spaces():
    assert slugify("  Salt & Pepper   Shrimp ") == "salt-and-pepper-shrimp"


def test_long_titles_cut_at_a_word():
    assert slugify("one two three four", max_length=12) == "one-two"


def test_empty_title_gets_a_default():
    assert slugify("!!!") == "post"


def test_unique_slugs_are_numbered():
    taken = {"hello-world"}
    assert unique_slug("Hello, World", taken) == "hello-world-2"
    assert unique_slug("Hello World!", taken) == "hello-world-3"
    assert "hello-world-3" in taken
