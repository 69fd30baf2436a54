import pytest

from idp.demo import DEMO_PASSWORD
from oidc.clients import create_client
from oidc_helpers import RP

PINFL = "31503901234567"


@pytest.fixture
def rp(app, http, demo):
    return RP(http, app, client_id=demo["client"]["client_id"], secret=demo["client"]["client_secret"],
              redirect_uri="http://rp.example/callback", scope="openid profile pinfl email")


@pytest.fixture
def public_rp(app, http, idp, demo):
    with idp.db.transaction() as s:
        new = create_client(s, name="Mobile app", redirect_uris=["http://127.0.0.1:8765/cb"], public=True,
                            scopes=["openid", "profile"])
    return RP(http, app, client_id=new.client.client_id, redirect_uri="http://127.0.0.1:8765/cb")


@pytest.fixture
def login(rp):
    """Log the browser in through a first authorization; return its tokens."""
    _params, resp = rp.authorize()
    q = rp.follow_to_code(resp, identifier=PINFL, password=DEMO_PASSWORD)
    return rp.token(q["code"]).get_json()


@pytest.fixture
def password():
    return DEMO_PASSWORD
