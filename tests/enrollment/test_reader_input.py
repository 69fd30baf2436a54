"""The reader API answers odd input with its own error shape, never a 500."""
from __future__ import annotations

import pytest

from enrollment.services import reader


@pytest.mark.parametrize("case_id", ["é", "кейс", "%F0%9F%94%91", "a" * 300])
def test_a_live_token_with_a_foreign_case_id_is_refused(app, idp, case_id):
    token = reader.issue_token(idp.state, "0f5c5f8e-4c6b-4f0a-9d7e-1a2b3c4d5e6f")
    http = app.test_client()
    for method, path in (("get", f"/enroll/api/cases/{case_id}/chip/challenge"),
                         ("post", f"/enroll/api/cases/{case_id}/chip")):
        response = getattr(http, method)(path, headers={"Authorization": f"Bearer {token}"}, json={})
        assert response.status_code in (401, 404), (path, response.status_code)
        body = response.get_json()
        assert set(body) == {"error", "detail"} and body["error"]
    # the token still works for its own case id (refusals did not consume it)
    assert reader.resolve_token(idp.state, token, "0f5c5f8e-4c6b-4f0a-9d7e-1a2b3c4d5e6f")


def test_non_ascii_bearer_token_is_refused(app):
    response = app.test_client().get("/enroll/api/cases/x/chip/challenge",
                                     headers={"Authorization": "Bearer t\u00f6ken"})
    assert response.status_code == 401 and response.get_json()["error"]


def test_resolve_token_compares_bytes(idp):
    token = reader.issue_token(idp.state, "case-1")
    with pytest.raises(reader.ReaderTokenInvalid):
        reader.resolve_token(idp.state, token, "cäse-1")


@pytest.mark.parametrize("visit_id", ["é", "визит", "a" * 300])
def test_the_desk_reader_api_refuses_a_foreign_visit_id(app, idp, visit_id):
    from consular.services import desk_chip

    token = "desk-reader-token"
    idp.state.put(desk_chip.TOKEN_PREFIX + desk_chip._digest(token), {"visit": "visit-1"}, 60)
    http = app.test_client()
    for method, path in (("get", f"/consular/api/visits/{visit_id}/chip/challenge"),
                         ("post", f"/consular/api/visits/{visit_id}/chip")):
        response = getattr(http, method)(path, headers={"Authorization": f"Bearer {token}"}, json={})
        assert response.status_code in (401, 404), (path, response.status_code)
        assert set(response.get_json()) == {"error", "detail"}
