"""A live identity provider and panva's openid-client (Node) as the relying party."""
from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:  # for the shared `live` helper next to this package
    sys.path.insert(0, str(TESTS))

from live import Citizen, LiveIdp, free_port  # noqa: E402

INTEROP_JS = TESTS.parent / "js" / "interop"
PASSWORD = "interop-password-2026"
PINFL = "31203881234561"
SCOPE = "openid profile email"
AUTH_METHODS = ("client_secret_basic", "client_secret_post", "none")
STEP_TIMEOUT = 30  # seconds the Node client may take for one step


class NodeRelyingParty:
    """js/interop/rp.mjs (openid-client) as a subprocess, one JSON object per
    line each way."""

    def __init__(self, node: str, script: Path, env: dict[str, str]):
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen([node, str(script)], cwd=script.parent, env={**os.environ, **env},
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                        text=True)
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _stderr(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read()[-3000:]

    def next_message(self) -> dict:
        try:
            line = self.lines.get(timeout=STEP_TIMEOUT)
        except queue.Empty:
            raise AssertionError(f"openid-client said nothing for {STEP_TIMEOUT} s") from None
        if line is None:
            self.process.wait(timeout=5)
            raise AssertionError(f"openid-client exited ({self.process.returncode}): {self._stderr()}")
        message = json.loads(line)
        if message.get("step") == "error":
            raise AssertionError(f"openid-client failed: {message.get('name')}: {message.get('message')}\n"
                                 f"{message.get('stack', '')}")
        return message

    def send(self, line: str) -> None:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=5)
        self.process.stdin.close()
        self.process.stdout.close()
        self.stderr.close()


@pytest.fixture(scope="session")
def node() -> str:
    """The node binary, with openid-client installed by `npm ci --prefix js/interop`."""
    binary = shutil.which("node")
    if binary is None:
        pytest.skip("node is not installed; the openid-client interoperability test needs Node 20+")
    if not (INTEROP_JS / "node_modules" / "openid-client" / "package.json").exists():
        pytest.skip("openid-client is not installed: run `npm ci --prefix js/interop`")
    return binary


@pytest.fixture(scope="module")
def interop_idp(tmp_path_factory, node):
    """A running `idp serve` with one person and one client per token
    endpoint authentication method, all registered through the CLI."""
    live = LiveIdp.prepare(tmp_path_factory.mktemp("interop-idp"))
    live.cli("users", "create", "--pinfl", PINFL, "--password-stdin", "--given-name", "Nodira",
             "--family-name", "Saidova", "--email", "interop@example.uz", stdin=PASSWORD + "\n")
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"  # never served: the test reads the redirect
    clients = {}
    for method in AUTH_METHODS:
        options = ["--public"] if method == "none" else ["--auth-method", method]
        created = live.cli_json("clients", "create", "--name", f"openid-client ({method})",
                                "--redirect-uri", redirect_uri, *options,
                                "--scope", "openid", "--scope", "profile", "--scope", "email")
        clients[method] = created
    with live.serve():
        yield {"live": live, "clients": clients, "redirect_uri": redirect_uri}


@pytest.fixture(scope="module", params=AUTH_METHODS)
def flow(request, interop_idp, node):
    """One complete run of the Node relying party for one client; the tests
    check what each step produced."""
    method = request.param
    live, redirect_uri = interop_idp["live"], interop_idp["redirect_uri"]
    client = interop_idp["clients"][method]
    rp = NodeRelyingParty(node, INTEROP_JS / "rp.mjs", {"ISSUER": live.issuer, "CLIENT_ID": client["client_id"],
                                                     "CLIENT_SECRET": client["client_secret"] or "",
                                                     "AUTH_METHOD": method, "REDIRECT_URI": redirect_uri,
                                                     "SCOPE": SCOPE})
    try:
        start = rp.next_message()
        callback = Citizen(PINFL, PASSWORD).authorize(start["authorization_url"], redirect_uri=redirect_uri)
        rp.send(callback)
        yield {"client": client, "start": start, "callback": callback, "done": rp.next_message(),
               "issuer": live.issuer}
    finally:
        rp.close()
