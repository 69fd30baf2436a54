"""Whatever bytes arrive, verification fails only with an EsignError."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idp.esign import EsignError, MalformedError, decode_cms

from .conftest import CHALLENGE

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(data=st.binary(max_size=2048))
def test_random_bytes_are_malformed(verify, data):
    with pytest.raises(MalformedError) as caught:
        verify(data)
    assert caught.value.reason in ("malformed", "signer_certificate_missing")


@pytest.fixture(scope="module")
def valid_cms(sign):
    return {"rsa": sign("individual-rsa"), "ec": sign("individual-ec"), "detached": sign("legal-rsa", detached=True)}


mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(min_value=0), st.integers(min_value=1, max_value=255)),
    st.tuples(st.just("insert"), st.integers(min_value=0), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("delete"), st.integers(min_value=0), st.integers(min_value=1, max_value=64)),
    st.tuples(st.just("truncate"), st.integers(min_value=0), st.just(0)),
)


def mutate(data: bytes, mutations) -> bytes:
    buf = bytearray(data)
    for kind, position, arg in mutations:
        if not buf:
            break
        pos = position % len(buf)
        if kind == "flip":
            buf[pos] ^= arg
        elif kind == "insert":
            buf[pos:pos] = arg
        elif kind == "delete":
            del buf[pos:pos + arg]
        else:
            del buf[pos:]
    return bytes(buf)


@FUZZ
@given(which=st.sampled_from(["rsa", "ec", "detached"]), mutations=st.lists(mutation, min_size=1, max_size=4))
def test_mutated_signatures_raise_only_esign_errors(verify, valid_cms, which, mutations):
    data = mutate(valid_cms[which], mutations)
    try:
        result = verify(data)
    except EsignError as exc:
        assert exc.reason
        return
    # A mutation that leaves a valid login (for example in an unsigned
    # certificate field the path does not depend on) must still be that holder's.
    assert result.pinfl in ("31507851230018", "42203924560027", "30912820230035")


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400))
def test_posted_text_decodes_or_is_malformed(text):
    try:
        decode_cms(text)
    except MalformedError:
        pass


def test_challenge_constant_is_what_was_signed(valid_cms, verify):
    assert verify(valid_cms["rsa"], expected_challenge=CHALLENGE).pinfl == "31507851230018"
