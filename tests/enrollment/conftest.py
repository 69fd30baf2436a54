"""Fixtures for enrollment tests: a test passport PKI trusted by the app, a
synthetic passport for a citizen in the embedded register, the test
liveness engine, and `Journey`, a citizen's browser walking the steps."""
from __future__ import annotations

import datetime as dt
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from enrollment_journey import HOLDER, Journey, register_holder  # noqa: E402


@pytest.fixture(scope="session")
def pki():
    from nfc.testing import TestPKI

    return TestPKI.create()


@pytest.fixture(scope="session")
def csca_dir(tmp_path_factory, pki):
    """A CSCA directory trusting the test PKI (its CSCA and a current CRL)."""
    from nfc import CscaDirectory

    path = tmp_path_factory.mktemp("csca")
    store = CscaDirectory(path)
    store.import_bytes(pki.csca_der, source="test PKI")
    store.import_bytes(pki.crl(), source="test PKI")
    return path


@pytest.fixture(scope="session")
def passport(pki):
    from nfc.testing import make_passport

    return make_passport(pki, HOLDER)


@pytest.fixture
def settings_overrides(settings_overrides, csca_dir):
    # A fixed server secret, as production has: the browser's signed enrollment
    # cookie must stay valid when the app is recreated (the restart tests).
    return {**settings_overrides, "csca_dir": str(csca_dir), "liveness_engine": "test",
            "secret_key": "enrollment-tests-" + "s" * 32}


@pytest.fixture
def holder(idp):
    """The passport's holder in the embedded population register."""
    register_holder(idp)
    return HOLDER


@pytest.fixture
def journey(app, idp, holder, passport):
    return Journey(app, idp, passport)


@pytest.fixture
def today():
    return dt.date.today()


@pytest.fixture
def cli(app, database_url, csca_dir, monkeypatch):
    """`idp enrollment ...` on the test app's database; returns a function
    running one command."""
    import json

    from click.testing import CliRunner

    from enrollment.cli import enrollment

    for key, value in {"IDP_DATABASE_URL": database_url, "IDP_ENV": "test", "IDP_ISSUER": "http://localhost",
                       "IDP_CSCA_DIR": str(csca_dir), "IDP_LIVENESS_ENGINE": "test",
                       "IDP_ARGON2_MEMORY_KIB": "1024", "IDP_ARGON2_TIME_COST": "1"}.items():
        monkeypatch.setenv(key, value)
    runner = CliRunner()

    def run(*args, ok: bool = True, as_json: bool = False):
        assert args[0] == "enrollment"
        result = runner.invoke(enrollment, [*args[1:], *(["--json"] if as_json else [])])
        if ok:
            assert result.exit_code == 0, result.output
        return json.loads(result.output) if as_json and ok else result

    return run
