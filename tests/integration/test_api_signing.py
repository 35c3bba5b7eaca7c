"""Management requests signed as ACS clients sign them (HMAC-SHA256 over method, path and query,
date, host and body hash), checked over real HTTP with a signer written here from the scheme."""

import time

import pytest

from api_helpers import IDENTITIES, content_hash, http_date, identity_path, start_api


@pytest.fixture
def server(ternd, tmp_path):
    return start_api(ternd, tmp_path / "state")


def refused(reply, code):
    assert (reply.status, reply.code) == (401, code), reply


def test_signed_request_is_accepted(server):
    assert server.api.signed("POST", IDENTITIES).status == 201
    assert server.api.signed("POST", IDENTITIES, {"createTokenWithScopes": ["voip"]}).status == 201


def test_date_header_stands_in_for_x_ms_date(server):
    body = b""
    headers = server.api.signed_headers("POST", IDENTITIES, body)
    headers["Date"] = headers.pop("x-ms-date")
    assert server.api.raw("POST", IDENTITIES, body, headers).status == 201


def test_bad_signature(server):
    refused(server.api.signed("POST", IDENTITIES, key=bytes(32)), "InvalidSignature")


def test_missing_authorization(server):
    refused(server.api.raw("POST", IDENTITIES), "MissingAuthentication")


@pytest.mark.parametrize("value", ["HMAC-SHA256 Signature=abc", "Basic dXNlcjpwYXNz",
                                   "HMAC-SHA256 SignedHeaders=host;x-ms-date;x-ms-content-sha256&Signature=AAAA"])
def test_malformed_authorization(server, value):
    headers = server.api.signed_headers("POST", IDENTITIES, b"")
    headers["Authorization"] = value
    refused(server.api.raw("POST", IDENTITIES, b"", headers), "InvalidAuthentication")


def test_missing_signed_header(server):
    headers = server.api.signed_headers("POST", IDENTITIES, b"")
    del headers["x-ms-content-sha256"]
    refused(server.api.raw("POST", IDENTITIES, b"", headers), "InvalidAuthentication")


@pytest.mark.parametrize("skew", [-16 * 60, 16 * 60])
def test_stale_date(server, skew):
    refused(server.api.signed("POST", IDENTITIES, date=http_date(time.time() + skew)), "InvalidDate")


@pytest.mark.parametrize("skew", [-14 * 60, 14 * 60])
def test_date_within_fifteen_minutes_is_accepted(server, skew):
    assert server.api.signed("POST", IDENTITIES, date=http_date(time.time() + skew)).status == 201


def test_unreadable_date(server):
    refused(server.api.signed("POST", IDENTITIES, date="yesterday"), "InvalidDate")


def test_body_hash_mismatch(server):
    # Signed for one body, sent with another: the hash header no longer matches the body.
    signed_for = b'{"createTokenWithScopes":["chat"]}'
    reply = server.api.signed("POST", IDENTITIES, body=b'{"createTokenWithScopes":["voip"]}',
                              body_hash=content_hash(signed_for))
    refused(reply, "ContentHashMismatch")


def test_changed_target_host_or_method_breaks_the_signature(server):
    identity = server.api.create_identity()
    target = identity_path(identity, ":revokeAccessTokens")
    headers = server.api.signed_headers("POST", target, b"")
    other = identity_path(server.api.create_identity(), ":revokeAccessTokens")
    refused(server.api.raw("POST", other, b"", headers), "InvalidSignature")

    headers = server.api.signed_headers("POST", target, b"", host="tern.example.org")
    headers["Host"] = server.api.host  # sent with another Host than the one signed
    refused(server.api.raw("POST", target, b"", headers), "InvalidSignature")

    headers = server.api.signed_headers("DELETE", target, b"")
    refused(server.api.raw("POST", target, b"", headers), "InvalidSignature")


def test_host_is_used_verbatim(server):
    # Whatever Host the client sends is what it signed; a name instead of the IP is fine.
    headers = server.api.signed_headers("POST", IDENTITIES, b"", host="tern.example.org:443")
    assert server.api.raw("POST", IDENTITIES, b"", headers).status == 201


def test_user_token_cannot_manage_identities(server):
    token = server.api.issue_token(server.api.create_identity())
    reply = server.api.raw("POST", IDENTITIES, b"", {"Authorization": f"Bearer {token}"})
    assert (reply.status, reply.code) == (403, "Forbidden"), reply
