"""The register-photo route (no chip): the population register adapter
returns the photo it holds for a passport, from the embedded register (seeded
from images installed packages ship) or from the state register's HTTP API."""
from __future__ import annotations

import datetime as dt
import http.server
import threading

import pytest

from idp.registry import EmbeddedRegistry, HttpRegistry, RegistryUnavailable
from idp.registry.photos import sample_portrait

from enrollment_journey import HOLDER


def test_the_embedded_register_returns_the_photo_of_the_document_with_its_birth_date(idp, holder):
    register = EmbeddedRegistry(idp.db, environment="test")
    photo = sample_portrait("grace_hopper")
    register.add_photo(HOLDER.personal_number, HOLDER.document_number, photo)
    assert register.document_photo(HOLDER.document_number.lower(), HOLDER.date_of_birth) == photo
    assert register.document_photo(HOLDER.document_number, HOLDER.date_of_birth + dt.timedelta(days=1)) is None
    assert register.document_photo("FA7654321", HOLDER.date_of_birth) is None


@pytest.fixture
def register_api():
    photo = sample_portrait("astronaut")
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            seen.append(self.path)
            if self.path == "/documents/FA1234567/photo?birth_date=1990-05-17":
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.end_headers()
                self.wfile.write(photo)
            elif "slow" in self.path:
                threading.Event().wait(2)
                self.send_response(200)
                self.end_headers()
            else:
                self.send_response(404 if "FA" in self.path else 500)
                self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", photo, seen
    server.shutdown()


def test_the_http_register_reads_the_photo_with_a_timeout(register_api):
    base, photo, seen = register_api
    register = HttpRegistry(base, timeout=0.5)
    assert register.document_photo("fa1234567", dt.date(1990, 5, 17)) == photo
    assert register.document_photo("FA0000000", dt.date(1990, 5, 17)) is None
    with pytest.raises(RegistryUnavailable):
        register.document_photo("XX0000000", dt.date(1990, 5, 17))
    with pytest.raises(RegistryUnavailable):
        register.document_photo("slow", dt.date(1990, 5, 17))
    assert seen[0] == "/documents/FA1234567/photo?birth_date=1990-05-17"
