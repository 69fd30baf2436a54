"""A FAPI 2.0 client built on panva's openid-client logs in: private_key_jwt,
a pushed authorization request with PKCE, DPoP-bound tokens with the server's
nonce, userinfo and a refresh with the same DPoP key (js/interop/fapi.mjs)."""
import json

import pytest
from joserfc.jwk import ECKey

from interop.conftest import INTEROP_JS, PASSWORD, PINFL, NodeRelyingParty
from live import Citizen, LiveIdp, free_port

pytestmark = pytest.mark.interop


@pytest.fixture(scope="module")
def fapi_run(tmp_path_factory, node):
    live = LiveIdp.prepare(tmp_path_factory.mktemp("fapi-idp"))
    live.cli("users", "create", "--pinfl", PINFL, "--password-stdin", "--given-name", "Nodira",
             "--family-name", "Saidova", stdin=PASSWORD + "\n")
    key = ECKey.generate_key("P-256", parameters={"kid": "bank-key-1"})
    redirect_uri = f"http://127.0.0.1:{free_port()}/callback"
    client = live.cli_json("clients", "create", "--name", "Bank (FAPI 2.0)", "--profile", "fapi2",
                           "--redirect-uri", redirect_uri, "--scope", "openid", "--scope", "profile",
                           "--jwks", json.dumps({"keys": [key.as_dict(private=False)]}))
    with live.serve():
        rp = NodeRelyingParty(node, INTEROP_JS / "fapi.mjs", {
            "ISSUER": live.issuer, "CLIENT_ID": client["client_id"], "REDIRECT_URI": redirect_uri,
            "SCOPE": "openid profile", "PRIVATE_JWK": json.dumps(key.as_dict(private=True))})
        try:
            start = rp.next_message()
            callback = Citizen(PINFL, PASSWORD).authorize(start["authorization_url"], redirect_uri=redirect_uri)
            rp.send(callback)
            yield {"start": start, "done": rp.next_message(), "issuer": live.issuer}
        finally:
            rp.close()


def test_the_authorization_request_went_through_par(fapi_run):
    start = fapi_run["start"]
    assert start["par_endpoint"] == fapi_run["issuer"] + "/par"
    assert "request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A" in start["authorization_url"]
    assert "code_challenge" not in start["authorization_url"]  # the parameters stayed in the back channel
    assert "ES256" in start["dpop_algs"]


def test_tokens_are_dpop_bound_and_work_only_with_the_key(fapi_run):
    done = fapi_run["done"]
    assert done["token_type"].lower() == "dpop" and done["refreshed_token_type"].lower() == "dpop"
    assert done["iss"] == fapi_run["issuer"]
    assert done["userinfo_sub"] == done["sub"]
    assert done["bearer_refused"] is True
