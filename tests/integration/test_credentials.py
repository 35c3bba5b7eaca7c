"""Long-term credentials, static and TURN REST (time-limited), checked end to end."""

import time

import pytest

from harness import wait_until
from stun_client import SUCCESS, XOR_RELAYED_ADDRESS, StunClient, rest_credential

USER, PASSWORD = "alice", "wonderland"
SECRET = "the-real-secret"


@pytest.fixture
def server(ternd):
    return ternd("--user", f"{USER}:{PASSWORD}", "--auth-secret", SECRET)


def allocate_as(server, username, password, transport="udp"):
    with StunClient(server.addr, transport, username, password) as client:
        return client.allocate()


def test_static_user_allocates(server):
    resp = allocate_as(server, USER, PASSWORD)
    assert resp.cls == SUCCESS, resp
    assert resp.xor_address(XOR_RELAYED_ADDRESS)[0] == "127.0.0.1"


def test_valid_rest_credential_allocates(server):
    resp = allocate_as(server, *rest_credential(SECRET, "dave", time.time() + 600), transport="tcp")
    assert resp.cls == SUCCESS, resp


def test_expired_rest_credential_gets_401(server):
    resp = allocate_as(server, *rest_credential(SECRET, "dave", time.time() - 60))
    assert resp.error_code == 401, resp
    server.wait_log(r'auth failed .*user=\d+:dave reason="credential expired"')


def test_rest_credential_signed_with_another_secret_gets_401(server):
    resp = allocate_as(server, *rest_credential("some-other-secret", "dave", time.time() + 600))
    assert resp.error_code == 401, resp
    server.wait_log(r'auth failed .*user=\d+:dave reason="bad message integrity"')


def test_unknown_static_user_gets_401(server):
    assert allocate_as(server, "mallory", PASSWORD).error_code == 401
    server.wait_log(r'auth failed .*user=mallory reason="unknown user"')


def test_wrong_static_password_gets_401(server):
    assert allocate_as(server, USER, "not-the-password").error_code == 401


def test_refresh_after_credential_expiry_gets_401(server):
    expiry = int(time.time()) + 3
    with StunClient(server.addr, "udp", *rest_credential(SECRET, "erin", expiry)) as client:
        assert client.allocate().cls == SUCCESS
        assert client.refresh(600).cls == SUCCESS  # still valid: refreshing works
        wait_until(lambda: time.time() > expiry + 1, 10, interval=0.1, what="the credential to expire")
        resp = client.refresh(600)
        assert resp.error_code == 401, resp
    server.wait_log(r'auth failed .*user=\d+:erin reason="credential expired"')
