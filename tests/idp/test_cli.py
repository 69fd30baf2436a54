"""The operator CLI, as a script would use it."""
import json

import pytest
from click.testing import CliRunner

from idp.cli import main


@pytest.fixture
def cli_env(database_url, monkeypatch):
    for key, value in {"IDP_DATABASE_URL": database_url, "IDP_ENV": "test", "IDP_ARGON2_MEMORY_KIB": "1024",
                       "IDP_ARGON2_TIME_COST": "1", "IDP_ISSUER": "http://localhost"}.items():
        monkeypatch.setenv(key, value)
    runner = CliRunner()
    result = runner.invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return runner


def run_json(runner, args, input=None):
    result = runner.invoke(main, args + ["--json"], input=input)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_clients_create_list_show_delete(cli_env):
    created = run_json(cli_env, ["clients", "create", "--name", "Tax portal", "--redirect-uri",
                                 "https://soliq.example/cb", "--scope", "openid", "--scope", "pinfl"])
    assert created["client_secret"] and created["scopes"] == ["openid", "pinfl"]
    public = run_json(cli_env, ["clients", "create", "--name", "App", "--redirect-uri", "http://127.0.0.1/cb", "--public"])
    assert public["client_secret"] is None and public["token_endpoint_auth_method"] == "none"
    listed = run_json(cli_env, ["clients", "list"])
    assert {c["client_id"] for c in listed} == {created["client_id"], public["client_id"]}
    assert all("client_secret" not in c for c in listed) and created["client_secret"] not in json.dumps(listed)
    shown = run_json(cli_env, ["clients", "show", created["client_id"]])
    assert shown["name"] == "Tax portal"
    run_json(cli_env, ["clients", "delete", created["client_id"]])
    missing = cli_env.invoke(main, ["clients", "show", created["client_id"]])
    assert missing.exit_code != 0 and "no client" in missing.output


def test_clients_create_refuses_bad_input_cleanly(cli_env):
    result = cli_env.invoke(main, ["clients", "create", "--name", "X", "--redirect-uri", "not a uri"])
    assert result.exit_code != 0 and "absolute" in result.output and "Traceback" not in result.output
    result = cli_env.invoke(main, ["clients", "create", "--name", "X", "--redirect-uri", "https://x.example/cb",
                                   "--auth-method", "private_key_jwt"])
    assert result.exit_code != 0 and "jwks" in result.output


def test_users_create_with_password_from_stdin_then_login(cli_env, database_url):
    out = run_json(cli_env, ["users", "create", "--pinfl", "12345678901234", "--password-stdin",
                             "--given-name", "Ali", "--family-name", "Valiyev"], input="correct horse battery\n")
    assert out["has_password"] is True
    from idp.app import create_app
    from oidc_helpers import csrf_from

    app = create_app({"env": "test", "database_url": database_url, "argon2_memory_kib": 1024, "argon2_time_cost": 1})
    http = app.test_client()
    token = csrf_from(http.get("/login").get_data(as_text=True))
    resp = http.post("/login", data={"identifier": "12345678901234", "password": "correct horse battery",
                                     "csrf_token": token})
    assert resp.status_code == 302
    again = cli_env.invoke(main, ["users", "create", "--pinfl", "12345678901234"])
    assert again.exit_code != 0 and "exists" in again.output


def test_keys_rotate_publishes_before_use_and_keeps_the_old_key(cli_env, database_url):
    before = run_json(cli_env, ["keys", "list"])
    rotated = run_json(cli_env, ["keys", "rotate", "--activate-in", "3600"])
    after = run_json(cli_env, ["keys", "list"])
    assert len(after) == len(before) + len(rotated) == 4
    from idp.app import create_app

    app = create_app({"env": "test", "database_url": database_url})
    idp = app.extensions["idp"]
    published = {k["kid"] for k in app.test_client().get("/jwks.json").get_json()["keys"]}
    assert {k["kid"] for k in before} | {k["kid"] for k in rotated} == published
    with idp.db.transaction() as s:
        signing = idp.keys.signing_key(s, "ES256").kid
    assert signing in {k["kid"] for k in before}  # the new key waits for its activation time


def test_audit_verify_command(cli_env):
    result = cli_env.invoke(main, ["audit", "verify"])
    assert result.exit_code == 0 and result.output.startswith("ok")


def test_demo_refused_in_production(monkeypatch):
    from idp.demo import seed

    with pytest.raises(RuntimeError):
        seed(None, None, portal_url="http://x", environment="production")


def test_generated_client_ids_are_safe_on_a_command_line(idp):
    from oidc.clients import create_client

    with idp.db.transaction() as s:
        ids = [create_client(s, name=f"c{i}", redirect_uris=["https://x.example/cb"]).client.client_id for i in range(50)]
    assert all(i[0].isalnum() and i.isalnum() for i in ids)
