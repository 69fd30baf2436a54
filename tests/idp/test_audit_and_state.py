import time

from sqlalchemy import text

from idp.audit.log import record, verify
from idp.state.store import DatabaseStateStore, RedisStateStore


def _seal(idp):
    from idp.audit.log import seal
    from idp.audit.signing import signer

    with idp.db.transaction() as s:
        return seal(s, signer(idp.keys))


def _verify(idp):
    from idp.audit.signing import key_resolver

    with idp.db.transaction() as s:
        return verify(s, key_resolver(s))


def test_audit_log_verifies_and_detects_tampering(idp):
    with idp.db.transaction() as s:
        for i in range(5):
            record(s, "test.event", actor="system", n=i)
    _seal(idp)
    report = _verify(idp)
    assert report.ok and report.checked == 5 and report.heads == 1
    with idp.db.transaction() as s:
        s.execute(text("UPDATE audit_event SET data = :d WHERE seq = 3"), {"d": '{"n": 99}'})
    report = _verify(idp)
    assert not report.ok and report.first_bad_seq == 3 and report.checked == 2
    assert report.reason == "record_altered"


def test_audit_log_detects_deletion(idp):
    with idp.db.transaction() as s:
        for i in range(3):
            record(s, "test.event", n=i)
    _seal(idp)
    with idp.db.transaction() as s:
        s.execute(text("DELETE FROM audit_event WHERE seq = 2"))
    report = _verify(idp)
    assert not report.ok and report.reason == "record_missing" and report.first_bad_seq == 3


def test_audit_log_detects_truncation_after_a_head(idp):
    with idp.db.transaction() as s:
        for i in range(4):
            record(s, "test.event", n=i)
    _seal(idp)
    with idp.db.transaction() as s:
        s.execute(text("DELETE FROM audit_event WHERE seq = 4"))
    report = _verify(idp)
    assert not report.ok and report.reason == "record_missing"


def _exercise(store):
    store.put("k1", {"v": 1}, ttl=60)
    assert store.get("k1") == {"v": 1}
    assert store.take("k1") == {"v": 1}
    assert store.take("k1") is None  # single use
    assert store.add("once", {}, ttl=60) is True
    assert store.add("once", {}, ttl=60) is False
    store.put("short", {"v": 2}, ttl=1)
    time.sleep(1.2)
    assert store.get("short") is None and store.take("short") is None
    assert store.add("short", {}, ttl=60) is True  # expired keys can be reused


def test_database_state_store(idp):
    _exercise(DatabaseStateStore(idp.db))


def test_redis_state_store(redis_url):
    import secrets

    store = RedisStateStore(redis_url, prefix=f"test:{secrets.token_hex(4)}:")
    _exercise(store)
