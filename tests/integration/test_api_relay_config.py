"""POST /networkTraversal/:issueRelayConfiguration over real HTTP: authorised by the access key or by
a user access token with the voip scope; every way a token can be refused; the TURN REST credential
it returns; field errors."""

import base64
import hashlib
import hmac
import json
import time
from datetime import datetime

import pytest

from api_helpers import RELAY, identity_path, make_token, start_api, tern, token_claims


@pytest.fixture
def server(ternd, tmp_path):
    return start_api(ternd, tmp_path / "state")


def expires_on(text):
    assert text.endswith("+00:00"), text
    return datetime.fromisoformat(text).timestamp()


def check_credential(server_, ice_server, secret=None):
    """The credential is base64(HMAC-SHA1(auth secret, username)), the TURN REST scheme."""
    secret = secret or server_.auth_secret()
    mac = hmac.new(secret.encode(), ice_server["username"].encode(), hashlib.sha1).digest()
    assert ice_server["credential"] == base64.b64encode(mac).decode()


def test_access_key_holder_gets_a_configuration(server):
    _, config, _ = tern("relay-config", "--ttl", "600", connection_string=server.connection_string)
    (ice,) = config["iceServers"]
    port = server.ternd.port
    assert ice["urls"] == [f"stun:127.0.0.1:{port}", f"turn:127.0.0.1:{port}?transport=udp",
                           f"turn:127.0.0.1:{port}?transport=tcp"]
    assert ice["routeType"] == "any"
    expiry, name = ice["username"].split(":", 1)
    assert name.startswith("anonymous-")
    assert int(expiry) == int(expires_on(config["expiresOn"]))
    assert abs(int(expiry) - (time.time() + 600)) < 5
    check_credential(server, ice)


def test_default_ttl_is_48_hours(server):
    reply = server.api.signed("POST", RELAY, {})
    assert reply.status == 200, reply
    assert abs(expires_on(reply.json["expiresOn"]) - (time.time() + 172800)) < 5


def test_configuration_for_a_named_identity(server):
    identity = server.api.create_identity()
    reply = server.api.signed("POST", RELAY, {"id": identity, "routeType": "nearest", "ttl": 0})
    assert reply.status == 200, reply
    (ice,) = reply.json["iceServers"]
    assert ice["username"].split(":", 1)[1] == identity
    assert ice["routeType"] == "nearest"
    reply = server.api.signed("POST", RELAY, {"id": "8:acs:no-such-identity"})
    assert (reply.status, reply.code) == (404, "IdentityNotFound"), reply


def test_path_is_case_insensitive(server):
    target = "/NETWORKTRAVERSAL/:IssueRelayConfiguration?api-version=2022-03-01-preview"
    assert server.api.signed("POST", target, {}).status == 200


@pytest.mark.parametrize("payload,field", [({"ttl": 172801}, "ttl"), ({"ttl": -1}, "ttl"), ({"ttl": "60"}, "ttl"),
                                           ({"routeType": "fastest"}, "routeType"), ({"id": 5}, "id"),
                                           ({"id": ""}, "id")])
def test_bad_fields_are_400_naming_the_field(server, payload, field):
    reply = server.api.signed("POST", RELAY, payload)
    assert (reply.status, reply.target) == (400, field), reply


def test_public_urls_are_handed_out_as_given(ternd, tmp_path):
    urls = ["stun:relay.example.org:3478", "turn:relay.example.org:3478?transport=udp",
            "turns:relay.example.org:5349?transport=tcp"]
    args = [a for url in urls for a in ("--public-url", url)]
    server = start_api(ternd, tmp_path / "state", *args)
    reply = server.api.signed("POST", RELAY, {})
    assert reply.json["iceServers"][0]["urls"] == urls


# ---- Bearer user access tokens ----

def test_token_binds_the_credential_to_its_identity(server):
    identity = server.api.create_identity()
    token = server.api.issue_token(identity, minutes=60)
    _, config, _ = tern("relay-config", "--token", token, "--ttl", "300",
                        connection_string=server.connection_string)
    (ice,) = config["iceServers"]
    assert ice["username"].split(":", 1)[1] == identity
    check_credential(server, ice)


def test_credential_expires_no_later_than_the_token(server):
    token = server.api.issue_token(server.api.create_identity(), minutes=60)
    reply = server.api.with_token(token)  # default ttl: 48 hours
    assert reply.status == 200, reply
    assert expires_on(reply.json["expiresOn"]) == token_claims(token)["exp"]
    assert reply.json["iceServers"][0]["username"].startswith(f"{token_claims(token)['exp']}:")


def test_token_for_another_identity_is_403(server):
    token = server.api.issue_token(server.api.create_identity())
    reply = server.api.with_token(token, {"id": server.api.create_identity()})
    assert (reply.status, reply.target) == (403, "id"), reply


def test_token_without_voip_scope_is_403(server):
    token = server.api.issue_token(server.api.create_identity(), scopes=("chat", "voip.join"))
    reply = server.api.with_token(token)
    assert reply.status == 403, reply


def forge(server_, identity, **changes):
    now = int(time.time())
    claims = {"sub": identity, "scp": ["voip"], "iat": now, "exp": now + 3600, "tern_iat_ms": now * 1000 + 999}
    claims.update(changes.pop("claims", {}))
    return make_token(server_.key, claims, **changes)


def test_token_made_with_the_derived_key_is_accepted(server):
    # The control for the forgeries below: the same construction with the right key works.
    assert server.api.with_token(forge(server, server.api.create_identity())).status == 200


def test_expired_token_is_401(server):
    now = int(time.time())
    token = forge(server, server.api.create_identity(), claims={"iat": now - 7200, "exp": now - 1})
    reply = server.api.with_token(token)
    assert (reply.status, reply.code) == (401, "TokenExpired"), reply


def test_revoked_token_is_401(server):
    identity = server.api.create_identity()
    token = server.api.issue_token(identity)
    assert server.api.signed("POST", identity_path(identity, ":revokeAccessTokens")).status == 204
    reply = server.api.with_token(token)
    assert (reply.status, reply.code) == (401, "TokenRevoked"), reply
    time.sleep(0.01)
    assert server.api.with_token(server.api.issue_token(identity)).status == 200  # issued after: fine


def test_token_of_deleted_identity_is_401(server):
    identity = server.api.create_identity()
    token = server.api.issue_token(identity)
    assert server.api.signed("DELETE", identity_path(identity)).status == 204
    assert server.api.with_token(token).status == 401


def test_token_of_unknown_identity_is_401(server):
    assert server.api.with_token(forge(server, "8:acs:never-created")).status == 401


def test_forged_token_is_401(server):
    identity = server.api.create_identity()
    token = forge(server, identity, sign_key=hashlib.sha256(b"guess").digest())
    reply = server.api.with_token(token)
    assert (reply.status, reply.code) == (401, "InvalidToken"), reply
    assert "signature" in reply.json["error"]["message"]


def test_tampered_token_is_401(server):
    token = server.api.issue_token(server.api.create_identity(), scopes=("chat",))
    header, payload, signature = token.split(".")
    claims = token_claims(token)
    claims["scp"] = ["voip"]
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert server.api.with_token(f"{header}.{forged_payload}.{signature}").status == 401


@pytest.mark.parametrize("alg", ["none", "HS512", "RS256"])
def test_other_algorithms_are_401(server, alg):
    token = forge(server, server.api.create_identity(), alg=alg)
    reply = server.api.with_token(token)
    assert (reply.status, reply.code) == (401, "InvalidToken"), reply


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "a.b"])
def test_malformed_token_is_401(server, token):
    assert server.api.raw("POST", RELAY, b"{}", {"Authorization": f"Bearer {token}",
                                                 "Content-Type": "application/json"}).status == 401
