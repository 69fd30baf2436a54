"""A live identity provider and panva's openid-client (Node) as the relying party."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:  # for the shared `live` helper next to this package
    sys.path.insert(0, str(TESTS))

from live import Citizen, LiveIdp, free_port  # noqa: E402
from node_rp import NodeRelyingParty  # noqa: E402

INTEROP_JS = TESTS.parent / "js" / "interop"
PASSWORD = "interop-password-2026"
PINFL = "31203881234561"
SCOPE = "openid profile email"
AUTH_METHODS = ("client_secret_basic", "client_secret_post", "none")


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
