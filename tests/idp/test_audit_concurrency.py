"""The audit chain stays whole when many requests write at once."""
import threading

from idp.audit.log import record, verify


def test_concurrent_writers_keep_one_chain(idp):
    errors = []

    def writer(n):
        try:
            for i in range(10):
                with idp.db.transaction() as s:
                    s.execute(__import__("sqlalchemy").text("SELECT 1"))  # a read before the write
                    record(s, "test.concurrent", actor=f"w{n}", i=i)
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(repr(exc))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with idp.db.transaction() as s:
        report = verify(s)
    assert report.ok and report.checked == 60
