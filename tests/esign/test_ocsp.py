"""Revocation by OCSP where the certificate names a responder (local responder on 127.0.0.1)."""

from __future__ import annotations

import socket

import pytest

from idp.esign import OcspChecker, OcspUnavailableError, RevokedError
from idp.esign.pki import make_ocsp_responder, make_person, new_key

from .ocsp_responder import OcspResponder


@pytest.fixture()
def responder(pki):
    server = OcspResponder(pki.issuing).start()
    yield server
    server.stop()


def holder_with_ocsp(pki, url, pinfl="31001990000042"):
    return make_person(pki.issuing, key=new_key("p256"), surname="OCSPOV", given_name="ODIL", pinfl=pinfl,
                       ocsp_url=url)


def checker(**options):
    return OcspChecker(timeout=2.0, **options)


def test_good_answer(pki, responder, sign, verify):
    holder = holder_with_ocsp(pki, responder.url)
    responder.statuses[holder.serial] = "good"
    result = verify(sign(holder), ocsp=checker())
    assert result.revocation_checks == ("crl", "ocsp")
    assert responder.requests == 1


def test_revoked_by_ocsp_although_the_crl_says_good(pki, responder, sign, verify):
    holder = holder_with_ocsp(pki, responder.url)
    responder.statuses[holder.serial] = "revoked"
    with pytest.raises(RevokedError) as caught:
        verify(sign(holder), ocsp=checker())
    assert caught.value.reason == "revoked"


def test_ocsp_alone_establishes_status_without_a_crl(pki, responder, sign, verify):
    holder = holder_with_ocsp(pki, responder.url)
    responder.statuses[holder.serial] = "good"
    result = verify(sign(holder), ocsp=checker(), crls=[pki.root_crl])
    assert result.revocation_checks == ("crl", "ocsp")  # root CRL for the intermediate, OCSP for the holder


def test_delegated_responder(pki, sign, verify):
    delegate = make_ocsp_responder(pki.issuing)
    server = OcspResponder(pki.issuing, delegate=delegate).start()
    try:
        holder = holder_with_ocsp(pki, server.url)
        server.statuses[holder.serial] = "good"
        assert verify(sign(holder), ocsp=checker()).revocation_checks == ("crl", "ocsp")
    finally:
        server.stop()


def test_responder_without_ocsp_signing_delegation_is_refused(pki, sign, verify):
    # A certificate from the same CA but without id-kp-OCSPSigning may not answer.
    not_a_responder = make_person(pki.issuing, key=new_key("p256"), surname="X", given_name="Y",
                                  pinfl="31001990000059")
    server = OcspResponder(pki.issuing, delegate=not_a_responder).start()
    try:
        holder = holder_with_ocsp(pki, server.url)
        server.statuses[holder.serial] = "good"
        with pytest.raises(OcspUnavailableError):
            verify(sign(holder), ocsp=checker())
    finally:
        server.stop()


@pytest.mark.parametrize("mode", ["http_error", "try_later", "wrong_key", "wrong_nonce", "stale"])
def test_unusable_answers(pki, responder, sign, verify, mode):
    holder = holder_with_ocsp(pki, responder.url)
    responder.statuses[holder.serial] = "good"
    responder.mode = mode
    responder.wrong_key = new_key("p256")
    with pytest.raises(OcspUnavailableError) as caught:
        verify(sign(holder), ocsp=checker())
    assert caught.value.reason == "ocsp_unavailable"


def test_unknown_certificate(pki, responder, sign, verify):
    holder = holder_with_ocsp(pki, responder.url)
    with pytest.raises(OcspUnavailableError):
        verify(sign(holder), ocsp=checker())


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/ocsp"


def test_unreachable_responder(pki, sign, verify):
    holder = holder_with_ocsp(pki, _closed_port_url())
    with pytest.raises(OcspUnavailableError):
        verify(sign(holder), ocsp=checker())


def test_unreachable_responder_with_soft_fail_falls_back_to_a_good_crl(pki, sign, verify):
    holder = holder_with_ocsp(pki, _closed_port_url())
    result = verify(sign(holder), ocsp=checker(soft_fail_with_crl=True))
    assert result.revocation_checks == ("crl",)


def test_soft_fail_never_hides_a_crl_revocation(pki, sign, verify):
    from idp.esign.pki import make_crl

    holder = holder_with_ocsp(pki, _closed_port_url())
    crl = make_crl(pki.issuing, revoked=[holder.serial], number=7)
    with pytest.raises(RevokedError):
        verify(sign(holder), ocsp=checker(soft_fail_with_crl=True), crls=[pki.root_crl, crl])


def test_injected_fetcher_receives_the_aia_url(pki, sign, verify):
    seen = []

    def fetch(url, request, timeout):
        seen.append((url, timeout))
        raise TimeoutError("no answer")

    holder = holder_with_ocsp(pki, "http://ocsp.demo.invalid/q")
    with pytest.raises(OcspUnavailableError):
        verify(sign(holder), ocsp=OcspChecker(fetch=fetch, timeout=1.5))
    assert seen == [("http://ocsp.demo.invalid/q", 1.5)]


def test_certificates_without_a_responder_are_not_queried(sign, verify):
    def fetch(url, request, timeout):
        raise AssertionError("no responder is named, so none is asked")

    assert verify(sign("individual-rsa"), ocsp=OcspChecker(fetch=fetch)).revocation_checks == ("crl",)
