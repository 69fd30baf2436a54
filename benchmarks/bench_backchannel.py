#!/usr/bin/env python3
"""Logout latency with back-channel logout to 1 and 3 relying parties.

    python benchmarks/bench_backchannel.py [--rounds 7] [--clients 1,3] [--database-url URL]

Starts `idp serve` (gunicorn, one worker with 4 threads) on 127.0.0.1 with a
fresh SQLite database (or the given one), registers one person and N
confidential clients with a back-channel logout URI, and serves those URIs
from this process. Each relying party behaves as Apache's mod_auth_openidc
does: on a logout token it revokes its access token at the IdP's ``/revoke``
and only then answers 200.

Per round, a fresh browser logs in once and every client gets tokens; then
the browser logs out (``/logout`` with the first client's ``id_token_hint``).
Two figures, median over the rounds:

  logout    how long the citizen's logout request took
  notified  from the start of the logout until the last relying party
            answered its logout token (its /revoke call included)
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import http.server as hs
import secrets
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from live import Citizen, LiveIdp, free_port  # noqa: E402

PASSWORD = "interop-password-2026"
PINFL = "31203881234561"


class RevokingRelyingParty:
    """A back-channel logout endpoint that revokes at /revoke first."""

    def __init__(self, issuer: str):
        self.issuer, self.client_id, self.secret, self.access_token = issuer, "", "", ""
        self.answered_at: float | None = None
        party = self

        class Handler(hs.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                basic = base64.b64encode(f"{party.client_id}:{party.secret}".encode()).decode()
                try:
                    requests.post(party.issuer + "/revoke", data={"token": party.access_token},
                                  headers={"Authorization": "Basic " + basic}, timeout=30)
                finally:
                    self.send_response(200)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    party.answered_at = time.monotonic()

        self.server = hs.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.uri = f"http://127.0.0.1:{self.server.server_port}/backchannel"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def _tokens(browser: requests.Session, live: LiveIdp, rp: RevokingRelyingParty, redirect_uri: str) -> dict:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urlencode({"response_type": "code", "client_id": rp.client_id, "redirect_uri": redirect_uri,
                       "scope": "openid profile", "state": "s", "nonce": "n", "code_challenge": challenge,
                       "code_challenge_method": "S256"})
    callback = Citizen(PINFL, PASSWORD, http=browser).authorize(f"{live.issuer}/authorize?{query}",
                                                                redirect_uri=redirect_uri)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    response = requests.post(live.issuer + "/token", auth=(rp.client_id, rp.secret), timeout=30, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "code_verifier": verifier})
    response.raise_for_status()
    return response.json()


def measure(live: LiveIdp, parties: list[RevokingRelyingParty], redirect_uri: str, rounds: int) -> tuple[float, float]:
    logouts, notified = [], []
    for _ in range(rounds):
        browser = requests.Session()
        tokens = [_tokens(browser, live, rp, redirect_uri) for rp in parties]
        for rp, issued in zip(parties, tokens):
            rp.access_token, rp.answered_at = issued["access_token"], None
        started = time.monotonic()
        response = browser.get(live.issuer + "/logout", params={"id_token_hint": tokens[0]["id_token"]}, timeout=60)
        logouts.append(time.monotonic() - started)
        response.raise_for_status()
        deadline = time.monotonic() + 30
        while any(rp.answered_at is None for rp in parties) and time.monotonic() < deadline:
            time.sleep(0.005)
        notified.append(max((rp.answered_at or deadline) for rp in parties) - started)
    return statistics.median(logouts), statistics.median(notified)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--clients", default="1,3")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    counts = [int(n) for n in args.clients.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-backchannel-") as tmp:
        live = LiveIdp.prepare(Path(tmp), database_url=args.database_url)
        live.cli("users", "create", "--pinfl", PINFL, "--password-stdin", "--given-name", "Nodira",
                 "--family-name", "Saidova", stdin=PASSWORD + "\n")
        redirect_uri = f"http://127.0.0.1:{free_port()}/callback"  # never served
        parties = []
        for n in range(max(counts)):
            rp = RevokingRelyingParty(live.issuer)
            created = live.cli_json("clients", "create", "--name", f"RP {n}", "--redirect-uri", redirect_uri,
                                    "--auth-method", "client_secret_basic", "--backchannel-logout-uri", rp.uri,
                                    "--scope", "openid", "--scope", "profile")
            rp.client_id, rp.secret = created["client_id"], created["client_secret"]
            parties.append(rp)
        with live.serve():
            print(f"{'relying parties':>16} {'logout (ms)':>12} {'notified (ms)':>14}   median of {args.rounds}")
            for count in counts:
                logout, notified = measure(live, parties[:count], redirect_uri, args.rounds)
                print(f"{count:>16} {logout * 1000:>12.0f} {notified * 1000:>14.0f}")


if __name__ == "__main__":
    main()
