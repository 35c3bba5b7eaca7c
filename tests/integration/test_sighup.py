"""SIGHUP reloads the shared secret from the config file; live allocations keep relaying."""

import asyncio
import signal
import time

from stun_client import SUCCESS, StunClient, rest_credential
from test_aioice import close_turn, open_turn, round_trip, wait_log

OLD, NEW = "old-secret", "new-secret"


def allocate_with(server, secret, user):
    credential = rest_credential(secret, user, time.time() + 600)
    with StunClient(server.addr, "udp", *credential) as client:
        return client.allocate()


def test_sighup_rotates_secret_and_keeps_allocations(ternd, echo_peer, tmp_path):
    conf = tmp_path / "tern.conf"
    conf.write_text(f"# rotated by the test\nauth-secret = {OLD}\nlog-level = info\n")
    server = ternd("--config", conf)

    async def scenario():
        credential = rest_credential(OLD, "frank", time.time() + 600)
        turn, receiver = await open_turn(server.addr, *credential, "udp")
        await round_trip(turn, receiver, echo_peer.addr, b"before reload")

        conf.write_text(f"# rotated by the test\nauth-secret = {NEW}\nlog-level = info\n")
        server.send_signal(signal.SIGHUP)
        await wait_log(server, r"configuration reloaded users=0 secrets=1")

        for i in range(3):  # the allocation made with the old secret still relays
            await round_trip(turn, receiver, echo_peer.addr, f"after reload {i}".encode())
        assert server.proc.poll() is None
        # Its credential was signed with the secret now gone, so its Refresh (here aioice's
        # LIFETIME 0 on close) is refused: the allocation just lives out its lifetime.
        client_ip, client_port = turn.get_extra_info("related_address")[:2]
        await close_turn(turn, receiver)
        await wait_log(server, rf"auth failed client={client_ip}:{client_port} user=\d+:frank")
        assert "allocation deleted" not in server.log_text()

    asyncio.run(scenario())
    assert allocate_with(server, NEW, "grace").cls == SUCCESS
    assert allocate_with(server, OLD, "heidi").error_code == 401


def test_sighup_with_broken_config_keeps_running(ternd, tmp_path):
    conf = tmp_path / "tern.conf"
    conf.write_text(f"auth-secret = {OLD}\n")
    server = ternd("--config", conf)
    conf.write_text(f"auth-secret = {NEW}\nbogus = 1\n")
    server.send_signal(signal.SIGHUP)
    server.wait_log(r"reload refused")
    assert server.proc.poll() is None
    assert allocate_with(server, OLD, "ivan").cls == SUCCESS  # the running configuration stays
    assert allocate_with(server, NEW, "judy").error_code == 401
