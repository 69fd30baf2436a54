"""idp-reader: reading a simulated chip, answering a nonce, writing JSON or
uploading it to an enrollment case over HTTP."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from nfc import verify_chip_upload
from nfc.reader_cli import EXIT_ACCESS_DENIED, main


@pytest.fixture
def passport_file(tmp_path, passport):
    path = tmp_path / "passport.json"
    passport.save(path)
    return path


def test_simulated_read_to_stdout(passport_file, capsys, store):
    assert main(["--simulate", str(passport_file), "--nonce", "0011223344556677"]) == 0
    payload = json.loads(capsys.readouterr().out)
    report = verify_chip_upload(payload, expected_nonce=bytes.fromhex("0011223344556677"),
                                trust_store=store)
    assert report.ok, report.failures


def test_output_file_and_explicit_mrz(passport_file, tmp_path, identity):
    out = tmp_path / "chip.json"
    mrz = identity.mrz()
    assert main(["--simulate", str(passport_file), "--mrz", mrz, "--nonce", "00" * 8,
                 "-o", str(out)]) == 0
    assert json.loads(out.read_text())["nonce"] == "00" * 8


def test_wrong_mrz_key_exit_code(passport_file, capsys):
    code = main(["--simulate", str(passport_file), "--mrz-key", "AA0000000", "900101", "300101",
                 "--nonce", "00" * 8])
    assert code == EXIT_ACCESS_DENIED
    assert "access denied" in capsys.readouterr().err


def test_bad_nonce_is_a_usage_error(passport_file):
    assert main(["--simulate", str(passport_file), "--nonce", "abc"]) == 2


def test_plain_http_upload_is_refused_except_localhost(passport_file):
    assert main(["--simulate", str(passport_file), "--upload", "http://example.org/c/1/chip",
                 "--token", "t"]) == 2


def test_simulation_refused_in_production(passport_file, monkeypatch, capsys):
    monkeypatch.setenv("IDP_ENV", "production")
    assert main(["--simulate", str(passport_file), "--nonce", "00" * 8]) != 0
    assert "test_material_refused" in capsys.readouterr().err


class _Case(BaseHTTPRequestHandler):
    nonce = bytes.fromhex("8877665544332211")
    received: list = []
    token = "case-token-123"

    def log_message(self, *args):
        pass

    def _json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.headers.get("Authorization") != f"Bearer {self.token}":
            return self._json(401, {"error": "unauthorized"})
        if self.path == "/cases/7/chip/challenge":
            return self._json(200, {"nonce": self.nonce.hex(), "expires_at": "2030-01-01T00:00:00Z"})
        return self._json(404, {"error": "not_found"})

    def do_POST(self):
        if self.headers.get("Authorization") != f"Bearer {self.token}":
            return self._json(401, {"error": "unauthorized"})
        length = int(self.headers["Content-Length"])
        self.received.append(self.rfile.read(length))
        return self._json(202, {"status": "received"})


@pytest.fixture
def server():
    httpd = HTTPServer(("127.0.0.1", 0), _Case)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Case.received = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_upload_fetches_the_nonce_and_posts_the_chip(server, passport_file, store, capsys):
    code = main(["--simulate", str(passport_file), "--upload", f"{server}/cases/7/chip",
                 "--token", _Case.token])
    assert code == 0
    assert "received" in capsys.readouterr().err
    (body,) = _Case.received
    report = verify_chip_upload(body, expected_nonce=_Case.nonce, trust_store=store)
    assert report.ok, report.failures


def test_upload_with_a_wrong_token_fails(server, passport_file, capsys):
    code = main(["--simulate", str(passport_file), "--upload", f"{server}/cases/7/chip",
                 "--token", "wrong"])
    assert code == 5 and "401" in capsys.readouterr().err


def test_pace_passport_is_read_with_pace(tmp_path, pki, capsys):
    from nfc.testing import make_passport

    path = tmp_path / "pace.json"
    make_passport(pki, pace=True).save(path)
    assert main(["--simulate", str(path), "--nonce", "00" * 8]) == 0
    assert json.loads(capsys.readouterr().out)["reader"]["access_control"] == "PACE"
    assert main(["--simulate", str(path), "--nonce", "00" * 8, "--access", "bac"]) == 0
    assert json.loads(capsys.readouterr().out)["reader"]["access_control"] == "BAC"


def test_testing_cli_writes_a_pki_and_a_passport(tmp_path, hopper_jpeg, capsys):
    from click.testing import CliRunner

    from nfc.testing.__main__ import main as testing_main

    portrait = tmp_path / "face.jpg"
    portrait.write_bytes(hopper_jpeg)
    runner = CliRunner()
    assert runner.invoke(testing_main, ["make-pki", str(tmp_path / "pki")]).exit_code == 0
    out = runner.invoke(testing_main, ["make-passport", str(tmp_path / "p.json"), "--pki",
                                       str(tmp_path / "pki"), "--portrait", str(portrait),
                                       "--surname", "Rashidov", "--sex", "M"])
    assert out.exit_code == 0, out.output
    assert main(["--simulate", str(tmp_path / "p.json"), "--nonce", "11" * 8]) == 0
    payload = json.loads(capsys.readouterr().out)
    from nfc import TrustStore, verify_chip_upload

    store = TrustStore()
    store.add_csca((tmp_path / "pki" / "csca.pem").read_bytes())
    report = verify_chip_upload(payload, expected_nonce=bytes.fromhex("11" * 8), trust_store=store)
    assert report.ok and report.document.surname == "RASHIDOV"
    assert report.portrait.image == hopper_jpeg


def test_missing_mrz_key_is_a_usage_error_before_touching_a_reader(capsys):
    assert main(["--nonce", "00" * 8]) == 2
    assert "--mrz" in capsys.readouterr().err


def test_no_pcsc_reader_exit_code(monkeypatch):
    import sys
    import types

    system = types.ModuleType("smartcard.System")
    system.readers = lambda: []
    monkeypatch.setitem(sys.modules, "smartcard", types.ModuleType("smartcard"))
    monkeypatch.setitem(sys.modules, "smartcard.System", system)
    assert main(["--mrz-key", "FA1234567", "900517", "310101", "--nonce", "00" * 8]) == 4
