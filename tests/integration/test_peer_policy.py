"""Peer policy end to end: CreatePermission toward denied peers gets 403.

Only the server's answers are checked; no data is ever sent toward a non-loopback address.
"""

import pytest

from stun_client import SUCCESS, StunClient

USER, PASSWORD = "alice", "wonderland"
DENIED_BY_DEFAULT = ["127.0.0.1", "10.0.0.1", "169.254.169.254"]


def permission_answers(server, peers):
    with StunClient(server.addr, "udp", USER, PASSWORD) as client:
        assert client.allocate().cls == SUCCESS
        return {peer: client.create_permission(peer) for peer in peers}


def test_default_policy_refuses_special_ranges(ternd):
    server = ternd("--user", f"{USER}:{PASSWORD}", allow_peer=False)
    for peer, resp in permission_answers(server, DENIED_BY_DEFAULT).items():
        assert resp.error_code == 403, f"CreatePermission {peer}: {resp}"
    server.wait_log(r'peer denied .*peer="169\.254\.169\.254')


@pytest.mark.parametrize("peer, code", [("127.0.0.1", None), ("127.9.9.9", None),
                                        ("10.0.0.1", 403), ("169.254.169.254", 403)])
def test_allow_peer_reopens_only_its_range(ternd, peer, code):
    server = ternd("--user", f"{USER}:{PASSWORD}")  # --allow-peer 127.0.0.0/8
    resp = permission_answers(server, [peer])[peer]
    assert resp.error_code == code, f"CreatePermission {peer}: {resp}"
