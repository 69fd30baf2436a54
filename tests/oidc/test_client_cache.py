"""The in-memory client lookups of the protocol endpoints (oidc/client_cache.py):
a change in this process is seen at once, one made elsewhere within the TTL."""
from sqlalchemy import text, update

from oidc.client_cache import ClientCache
from oidc.clients import create_client, delete_client
from oidc.models import Client


def _lookup(idp, client_id):
    return idp.oidc_server.query_client(client_id)


def test_a_changed_redirect_uri_counts_at_once(app, idp, rp):
    assert _lookup(idp, rp.client_id).check_redirect_uri(rp.redirect_uri)
    with idp.db.transaction() as s:
        s.get(Client, rp.client_id).redirect_uris = ["https://moved.example/cb"]
    _params, response = rp.authorize()
    assert response.status_code == 400  # shown, never redirected to the old address
    assert not _lookup(idp, rp.client_id).check_redirect_uri(rp.redirect_uri)


def test_a_bulk_update_and_a_deletion_count_at_once(idp, demo):
    client_id = demo["client"]["client_id"]
    assert _lookup(idp, client_id).can_introspect is False
    with idp.db.transaction() as s:
        s.execute(update(Client).where(Client.client_id == client_id).values(can_introspect=True))
    assert _lookup(idp, client_id).can_introspect is True
    with idp.db.transaction() as s:
        assert delete_client(s, client_id)
    assert _lookup(idp, client_id) is None


def test_an_unknown_client_is_not_remembered(idp):
    assert _lookup(idp, "arrives-later") is None
    with idp.db.transaction() as s:
        create_client(s, name="Later", redirect_uris=["https://later.example/cb"], client_id="arrives-later")
    assert _lookup(idp, "arrives-later").name == "Later"


def test_a_change_by_another_process_is_seen_after_the_ttl(idp, demo):
    client_id = demo["client"]["client_id"]
    cache = ClientCache(ttl=3600)
    with idp.db.transaction() as s:
        original = cache.get(s, client_id).name
    with idp.db.engine.begin() as conn:  # no ORM event: as the CLI of another host would
        conn.execute(text("UPDATE oidc_client SET name = 'Renamed' WHERE client_id = :c"), {"c": client_id})
    with idp.db.transaction() as s:
        assert cache.get(s, client_id).name == original  # within the TTL
        cache.ttl = 0
        cache.clear()
        assert cache.get(s, client_id).name == "Renamed"
    expired = ClientCache(ttl=0)
    with idp.db.transaction() as s:
        first = expired.get(s, client_id)
        assert expired.get(s, client_id) is not first  # read again every time
