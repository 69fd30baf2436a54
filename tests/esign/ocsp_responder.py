"""A local OCSP responder (RFC 6960) on 127.0.0.1, built with cryptography's OCSP builders."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp

_STATUS = {
    "good": ocsp.OCSPCertStatus.GOOD,
    "revoked": ocsp.OCSPCertStatus.REVOKED,
    "unknown": ocsp.OCSPCertStatus.UNKNOWN,
}


class OcspResponder:
    """Answers for one issuing CA; ``statuses`` maps serial -> good/revoked/unknown.

    ``mode`` makes it misbehave: ``http_error``, ``try_later``, ``wrong_key``
    (signed by a key that is not the CA's), ``wrong_nonce``, ``stale``.
    """

    def __init__(self, issuer, *, delegate=None):
        self.issuer = issuer
        self.delegate = delegate  # an Issued responder certificate with id-kp-OCSPSigning
        self.statuses: dict[int, str] = {}
        self.mode = "normal"
        self.wrong_key = None
        self.requests = 0
        responder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server API)
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                responder.requests += 1
                if responder.mode == "http_error":
                    self.send_response(500)
                    self.end_headers()
                    return
                der = responder.answer(body)
                self.send_response(200)
                self.send_header("Content-Type", "application/ocsp-response")
                self.send_header("Content-Length", str(len(der)))
                self.end_headers()
                self.wfile.write(der)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ocsp"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, request_der: bytes) -> bytes:
        if self.mode == "try_later":
            return ocsp.OCSPResponseBuilder.build_unsuccessful(ocsp.OCSPResponseStatus.TRY_LATER).public_bytes(
                Encoding.DER
            )
        request = ocsp.load_der_ocsp_request(request_der)
        now = datetime.now(timezone.utc)
        this_update, next_update = now - timedelta(minutes=1), now + timedelta(hours=1)
        if self.mode == "stale":
            this_update, next_update = now - timedelta(days=3), now - timedelta(days=2)
        status = self.statuses.get(request.serial_number, "unknown")
        revoked = status == "revoked"
        builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
            issuer_name_hash=request.issuer_name_hash,
            issuer_key_hash=request.issuer_key_hash,
            serial_number=request.serial_number,
            algorithm=request.hash_algorithm,
            cert_status=_STATUS[status],
            this_update=this_update,
            next_update=next_update,
            revocation_time=this_update if revoked else None,
            revocation_reason=x509.ReasonFlags.key_compromise if revoked else None,
        )
        signer = self.delegate or self.issuer
        builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, signer.certificate)
        if self.delegate is not None:
            builder = builder.certificates([self.delegate.certificate])
        try:
            nonce = request.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
        except x509.ExtensionNotFound:
            nonce = None
        if nonce is not None:
            if self.mode == "wrong_nonce":
                nonce = bytes(b ^ 0xFF for b in nonce)
            builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
        key = self.wrong_key if self.mode == "wrong_key" else signer.key
        return builder.sign(key, hashes.SHA256()).public_bytes(Encoding.DER)
