"""aioice's TURN client (UDP and TCP to the server) relaying to a Python UDP echo peer."""

import asyncio
import re

import pytest
from aioice.turn import create_turn_endpoint

from harness import LOOPBACK

USER, PASSWORD = "bob", "builder"
TIMEOUT = 10.0


class Receiver(asyncio.DatagramProtocol):
    """What the application on top of the TURN transport sees: (data, peer) pairs."""

    def __init__(self):
        self.queue = asyncio.Queue()
        self.closed = asyncio.Event()

    def datagram_received(self, data, addr):
        self.queue.put_nowait((data, addr))

    def connection_lost(self, exc):
        self.closed.set()


async def open_turn(server, username, password, transport):
    """Allocates with aioice; returns (turn transport, receiver)."""
    return await asyncio.wait_for(
        create_turn_endpoint(Receiver, server, username, password, transport=transport), TIMEOUT)


async def round_trip(turn, receiver, peer, payload):
    """Sends payload to peer through the relay; asserts that the echo comes back from peer."""
    turn.sendto(payload, peer)
    data, source = await asyncio.wait_for(receiver.queue.get(), TIMEOUT)
    assert (data, tuple(source)) == (payload, tuple(peer))


async def close_turn(turn, receiver):
    """Closes the TURN transport: aioice sends Refresh with LIFETIME 0, then closes its socket."""
    turn.close()
    await asyncio.wait_for(receiver.closed.wait(), TIMEOUT)


async def wait_log(ternd, pattern):
    regex = re.compile(pattern)
    for _ in range(int(TIMEOUT / 0.05)):
        match = regex.search(ternd.log_text())
        if match:
            return match
        await asyncio.sleep(0.05)
    raise AssertionError(f"no log line /{pattern}/ within {TIMEOUT} s")


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_aioice_relays_and_deletes(ternd, echo_peer, transport):
    server = ternd("--user", f"{USER}:{PASSWORD}")

    async def scenario():
        turn, receiver = await open_turn(server.addr, USER, PASSWORD, transport)
        relay_ip, _ = turn.get_extra_info("sockname")
        assert relay_ip == LOOPBACK
        client_ip, client_port = turn.get_extra_info("related_address")[:2]
        for i in range(3):
            await round_trip(turn, receiver, echo_peer.addr, f"hello {transport} {i}".encode())
        # close() sends Refresh with LIFETIME 0, which must delete the allocation.
        await close_turn(turn, receiver)
        await wait_log(server, rf'allocation deleted client={client_ip}:{client_port} user={USER} '
                               r'reason="refreshed with lifetime 0"')

    asyncio.run(scenario())
    assert echo_peer.received == 3
