import dataclasses

import pytest
from upload import assemble, missing, split_chunks

PAYLOAD = bytes(range(256)) * 4 + b"tail!"


def test_round_trip_with_a_short_last_chunk():
    chunks = split_chunks(PAYLOAD, 100)
    assert len(chunks) == 11
    assert len(chunks[-1].data) == 29
    assert assemble(list(reversed(chunks)), len(PAYLOAD)) == PAYLOAD


def test_exact_multiple():
    chunks = split_chunks(b"x" * 300, 100)
    assert [c.offset for c in chunks] == [0, 100, 200]


def test_missing_and_corrupted_chunks_are_resent():
    chunks = split_chunks(b"abcdefgh", 3)
    received = {0: chunks[0], 2: dataclasses.replace(chunks[2], data=b"zz")}
    assert missing(received, len(chunks)) == [1, 2]


def test_assemble_checks_length():
    with pytest.raises(ValueError):
        assemble(split_chunks(b"abc", 2)[:1], 3)
