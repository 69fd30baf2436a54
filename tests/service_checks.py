"""Where the tests find PostgreSQL and Redis, and what happens when they are
absent: a skip with the reason, or a failure in CI (CI=true)."""
from __future__ import annotations

import os

import pytest

PG_URL = os.environ.get("IDP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("IDP_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def unavailable(what: str, reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI: {reason}")
    pytest.skip(f"{what} not available: {reason}")
