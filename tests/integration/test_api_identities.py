"""The identity endpoints over real HTTP: the `tern` CLI for the happy paths, raw signed requests for
every error (field ranges, unknown and deleted identities, api-version, routes, methods, media
types, body size)."""

import base64
import json
import time
from datetime import datetime

import pytest

from api_helpers import (IDENTITIES, RELAY, identity_path, key_id, start_api, tern, token_claims)


@pytest.fixture
def server(ternd, tmp_path):
    return start_api(ternd, tmp_path / "state")


def expires_on(text):
    """expiresOn as ACS writes it: ISO 8601, UTC, fractional seconds and an explicit +00:00."""
    assert text.endswith("+00:00"), text
    return datetime.fromisoformat(text).timestamp()


def test_cli_creates_identities_and_issues_tokens(server):
    cs = server.connection_string
    _, created, _ = tern("identity", "create", connection_string=cs)
    identity = created["identity"]["id"]
    assert identity.startswith("8:acs:")
    assert "accessToken" not in created

    before = time.time()
    _, issued, _ = tern("token", "issue", "--id", identity, "--scope", "voip", "--scope", "chat",
                        "--minutes", "60", connection_string=cs)
    assert abs(expires_on(issued["expiresOn"]) - (before + 3600)) < 5
    claims = token_claims(issued["token"])
    assert claims["sub"] == identity
    assert claims["scp"] == ["voip", "chat"]
    assert claims["exp"] - claims["iat"] == 3600

    _, default, _ = tern("token", "issue", "--id", identity, "--scope", "voip", connection_string=cs)
    claims = token_claims(default["token"])
    assert claims["exp"] - claims["iat"] == 1440 * 60  # the default, as ACS's

    _, with_token, _ = tern("identity", "create", "--scope", "voip", "--minutes", "90", connection_string=cs)
    assert token_claims(with_token["accessToken"]["token"])["sub"] == with_token["identity"]["id"]


def test_token_header_is_hs256_with_a_key_id(server):
    token = server.api.issue_token(server.api.create_identity())
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "HS256"
    assert header["kid"] == key_id(server.key)


def test_cli_revokes_and_deletes(server):
    cs = server.connection_string
    identity = tern("identity", "create", connection_string=cs)[1]["identity"]["id"]
    status, out, _ = tern("token", "revoke", "--id", identity, connection_string=cs)
    assert (status, out) == (0, None)  # 204: nothing to print
    assert tern("identity", "delete", "--id", identity, connection_string=cs)[0] == 0
    status, out, err = tern("token", "issue", "--id", identity, "--scope", "voip", connection_string=cs,
                            check=False)
    assert status == 1 and out is None
    assert json.loads(err)["error"]["code"] == "IdentityDeleted"


@pytest.mark.parametrize("minutes", [59, 1441, 0, -5, "60", 60.5])
def test_expires_in_minutes_out_of_range(server, minutes):
    identity = server.api.create_identity()
    payload = {"scopes": ["voip"], "expiresInMinutes": minutes}
    reply = server.api.signed("POST", identity_path(identity, ":issueAccessToken"), payload)
    assert reply.status == 400, reply
    assert reply.target == "expiresInMinutes"
    assert "expiresInMinutes" in reply.json["error"]["message"]
    reply = server.api.signed("POST", IDENTITIES, {"createTokenWithScopes": ["voip"], "expiresInMinutes": minutes})
    assert (reply.status, reply.target) == (400, "expiresInMinutes"), reply


@pytest.mark.parametrize("minutes", [60, 1440])
def test_expires_in_minutes_bounds_are_accepted(server, minutes):
    identity = server.api.create_identity()
    claims = token_claims(server.api.issue_token(identity, minutes=minutes))
    assert claims["exp"] - claims["iat"] == minutes * 60


def test_null_expires_in_minutes_means_the_default(server):
    identity = server.api.create_identity()
    reply = server.api.signed("POST", identity_path(identity, ":issueAccessToken"),
                              {"scopes": ["voip"], "expiresInMinutes": None})
    assert reply.status == 200, reply
    claims = token_claims(reply.json["token"])
    assert claims["exp"] - claims["iat"] == 1440 * 60


@pytest.mark.parametrize("payload", [{}, {"scopes": []}, {"scopes": ["teleport"]}, {"scopes": "voip"},
                                     {"scopes": [1]}])
def test_bad_scopes_are_400_naming_scopes(server, payload):
    identity = server.api.create_identity()
    reply = server.api.signed("POST", identity_path(identity, ":issueAccessToken"), payload)
    assert (reply.status, reply.target) == (400, "scopes"), reply


def test_every_acs_scope_is_accepted(server):
    identity = server.api.create_identity()
    scopes = ["chat", "voip", "chat.join", "chat.join.limited", "voip.join"]
    assert token_claims(server.api.issue_token(identity, scopes=scopes))["scp"] == scopes


@pytest.mark.parametrize("method,action", [("POST", ":issueAccessToken"), ("POST", ":revokeAccessTokens"),
                                           ("DELETE", "")])
def test_unknown_identity_is_404(server, method, action):
    payload = {"scopes": ["voip"]} if action == ":issueAccessToken" else None
    reply = server.api.signed(method, identity_path("8:acs:no-such-identity", action), payload)
    assert (reply.status, reply.code) == (404, "IdentityNotFound"), reply


def test_deleted_identity_is_409_and_deleting_again_is_204(server):
    identity = server.api.create_identity()
    assert server.api.signed("DELETE", identity_path(identity)).status == 204
    assert server.api.signed("DELETE", identity_path(identity)).status == 204
    for action, payload in ((":issueAccessToken", {"scopes": ["voip"]}), (":revokeAccessTokens", None)):
        reply = server.api.signed("POST", identity_path(identity, action), payload)
        assert (reply.status, reply.code) == (409, "IdentityDeleted"), reply


@pytest.mark.parametrize("base", ["/identities", "/networkTraversal/:issueRelayConfiguration"])
def test_missing_api_version_is_400(server, base):
    reply = server.api.signed("POST", base)
    assert (reply.status, reply.code, reply.target) == (400, "MissingApiVersion", "api-version"), reply


@pytest.mark.parametrize("target", ["/identities?api-version=1999-01-01",
                                    "/identities?api-version=2022-03-01-preview",
                                    "/networkTraversal/:issueRelayConfiguration?api-version=2023-08-01"])
def test_unknown_api_version_is_400(server, target):
    reply = server.api.signed("POST", target)
    assert (reply.status, reply.code, reply.target) == (400, "InvalidApiVersion", "api-version"), reply
    assert "accepted" in reply.json["error"]["message"]


@pytest.mark.parametrize("target", ["/", "/identity?api-version=2023-10-01",
                                    "/identities/x/:frobnicate?api-version=2023-10-01",
                                    "/networkTraversal?api-version=2022-03-01-preview"])
def test_unknown_route_is_404(server, target):
    assert server.api.signed("POST", target).status == 404


@pytest.mark.parametrize("method,target,allow", [("GET", IDENTITIES, "POST"), ("PUT", RELAY, "POST"),
                                                 ("POST", "/identities/x?api-version=2023-10-01", "DELETE"),
                                                 ("DELETE", IDENTITIES, "POST")])
def test_wrong_method_is_405_with_allow(server, method, target, allow):
    reply = server.api.signed(method, target)
    assert reply.status == 405, reply
    assert reply.headers.get("Allow") == allow


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_body_must_be_json(server, content_type):
    reply = server.api.signed("POST", IDENTITIES, body=b'{"createTokenWithScopes":["voip"]}',
                              content_type=content_type)
    assert (reply.status, reply.code) == (415, "UnsupportedMediaType"), reply


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'"text"'])
def test_malformed_json_is_400(server, body):
    assert server.api.signed("POST", IDENTITIES, body=body).status == 400


def test_oversized_body_is_413(server):
    body = json.dumps({"createTokenWithScopes": ["voip"], "padding": "x" * 70000}).encode()
    reply = server.api.signed("POST", IDENTITIES, body=body)
    assert (reply.status, reply.code) == (413, "PayloadTooLarge"), reply
    # The limit is the body's: 64 KiB itself still goes through (to the signature check, here fine).
    body = json.dumps({"padding": "x" * (65536 - 15)}).encode()
    assert len(body) == 65536
    assert server.api.signed("POST", IDENTITIES, body=body).status == 201


def test_oversized_headers_are_refused(server):
    reply = server.api.raw("POST", IDENTITIES, headers={"X-Padding": "x" * 20000})
    assert reply.status == 431, reply


def test_keep_alive_serves_several_requests_on_one_connection(server):
    conn = server.api.connection()
    try:
        first = server.api.signed("POST", IDENTITIES, conn=conn)
        second = server.api.signed("POST", IDENTITIES, conn=conn)
        assert (first.status, second.status) == (201, 201)
        assert first.json["identity"]["id"] != second.json["identity"]["id"]
    finally:
        conn.close()
