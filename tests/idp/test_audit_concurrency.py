"""Many writers add to the audit log at once, without a shared lock, and the
sealed tree still verifies."""
import threading
import time

from sqlalchemy import text

from idp.audit.log import record, seal, verify
from idp.audit.signing import key_resolver, signer


def test_concurrent_writers_and_sealers_keep_one_verifiable_tree(idp):
    errors = []
    stop = threading.Event()

    def writer(n):
        try:
            for i in range(10):
                with idp.db.transaction() as s:
                    s.execute(text("SELECT 1"))  # a read before the write
                    record(s, "test.concurrent", actor=f"w{n}", i=i)
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(repr(exc))

    def sealer():
        sign = signer(idp.keys)
        while not stop.is_set():
            try:
                with idp.db.transaction() as s:
                    seal(s, sign)
            except Exception as exc:  # pragma: no cover
                errors.append(repr(exc))
            time.sleep(0.01)

    sealers = [threading.Thread(target=sealer) for _ in range(2)]
    writers = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in sealers + writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in sealers:
        t.join()
    assert errors == []
    with idp.db.transaction() as s:
        seal(s, signer(idp.keys))
    with idp.db.transaction() as s:
        report = verify(s, key_resolver(s))
        leaves = s.execute(text("SELECT count(*) FROM audit_event WHERE leaf_index IS NOT NULL")).scalar()
    assert report.ok and report.checked == 60 and report.pending == 0 and leaves == 60
    assert report.heads >= 1


def test_writers_do_not_wait_for_each_other(idp):
    """A writer whose transaction stays open does not block another writer
    (the old chain head lock did); PostgreSQL only: SQLite has one writer by design."""
    if idp.db.engine.dialect.name != "postgresql":
        import pytest

        pytest.skip("SQLite serialises every writer on its database lock")
    first = idp.db.factory()
    record(first, "test.open", n=1)  # inserted, not committed
    done = threading.Event()

    def second():
        with idp.db.transaction() as s:
            record(s, "test.other", n=2)
        done.set()

    t = threading.Thread(target=second)
    t.start()
    finished = done.wait(5)
    first.commit()
    first.close()
    t.join()
    assert finished, "the second writer waited for the first one's transaction"
