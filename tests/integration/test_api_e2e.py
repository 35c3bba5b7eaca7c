"""End to end: `tern identity create` -> `tern token issue` -> `tern relay-config --token` -> aioice
allocates on ternd with the credential and relays to an echo peer. Then revocation, credential
expiry at the relay, a crash right after a revocation, the generated access key, a separate API node
and relay node sharing only a key and a secret, and HTTPS."""

import asyncio
import base64
import hashlib
import hmac
import os
import signal
import socket
import stat
import struct
import subprocess
import time

from aioice.turn import create_turn_endpoint

from api_helpers import (identity_path, printed_connection_string, self_signed_certificate, start_api, tern,
                         tls_context_trusting)
from harness import LOOPBACK, TERND, free_port
from stun_client import CHANNEL_BIND, SUCCESS, XOR_PEER_ADDRESS, StunClient, xor_address

TIMEOUT = 10.0
CHANNEL_NUMBER = 0x000C
RELAY_TARGET = "/networkTraversal/:issueRelayConfiguration?api-version=2022-03-01-preview"


def rest_password(secret, username):
    return base64.b64encode(hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()).decode()


class Receiver(asyncio.DatagramProtocol):
    def __init__(self):
        self.queue = asyncio.Queue()

    def datagram_received(self, data, addr):
        self.queue.put_nowait((data, addr))


def turn_udp_server(config):
    """(host, port), username and credential of the turn:...?transport=udp URL of a configuration."""
    (ice,) = config["iceServers"]
    url = next(u for u in ice["urls"] if u.startswith("turn:") and u.endswith("?transport=udp"))
    host, port = url[len("turn:"):].split("?")[0].rsplit(":", 1)
    return (host, int(port)), ice["username"], ice["credential"]


def relay_round_trip(config, peer, payloads):
    """Allocates with aioice using the configuration's credential and relays payloads to peer."""
    server, username, credential = turn_udp_server(config)

    async def scenario():
        turn, receiver = await asyncio.wait_for(
            create_turn_endpoint(Receiver, server, username, credential, transport="udp"), TIMEOUT)
        try:
            for payload in payloads:
                turn.sendto(payload, peer)
                data, source = await asyncio.wait_for(receiver.queue.get(), TIMEOUT)
                assert (data, tuple(source)) == (payload, tuple(peer))
        finally:
            turn.close()
    asyncio.run(scenario())


def test_token_to_relayed_data(ternd, tmp_path, echo_peer):
    server = start_api(ternd, tmp_path / "state")
    cs = server.connection_string
    identity = tern("identity", "create", connection_string=cs)[1]["identity"]["id"]
    token = tern("token", "issue", "--id", identity, "--scope", "voip", connection_string=cs)[1]["token"]
    config = tern("relay-config", "--token", token, connection_string=cs)[1]
    relay_round_trip(config, echo_peer.addr, [b"hello through tern", b"and again"])
    assert echo_peer.received == 2
    server.ternd.wait_log(rf"allocation created .*user=\d+:{identity}")

    # Revoked: the token buys nothing more.
    tern("token", "revoke", "--id", identity, connection_string=cs)
    status, out, err = tern("relay-config", "--token", token, connection_string=cs, check=False)
    assert status == 1 and out is None
    assert '"TokenRevoked"' in err


def test_credential_past_expires_on_gets_401_at_ternd(ternd, tmp_path):
    server = start_api(ternd, tmp_path / "state")
    cs = server.connection_string
    identity = tern("identity", "create", connection_string=cs)[1]["identity"]["id"]
    token = tern("token", "issue", "--id", identity, "--scope", "voip", connection_string=cs)[1]["token"]
    config = tern("relay-config", "--token", token, "--ttl", "2", connection_string=cs)[1]
    address, username, credential = turn_udp_server(config)
    expiry = int(username.split(":", 1)[0])
    deadline = time.monotonic() + 10
    while time.time() <= expiry + 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    with StunClient(address, "udp", username, credential) as client:
        resp = client.allocate()
    assert resp.error_code == 401, resp
    server.ternd.wait_log(r'auth failed .*reason="credential expired"')


def test_revocation_survives_sigkill(ternd, tmp_path):
    state = tmp_path / "state"
    server = start_api(ternd, state, relay=False)
    identity = server.api.create_identity()
    token = server.api.issue_token(identity)
    assert server.api.with_token(token).status == 200
    assert server.api.signed("POST", identity_path(identity, ":revokeAccessTokens")).status == 204
    server.ternd.proc.send_signal(signal.SIGKILL)  # no chance to flush anything after the 204
    server.ternd.proc.wait(10)

    restarted = start_api(ternd, state, relay=False)
    reply = restarted.api.with_token(token)
    assert (reply.status, reply.code) == (401, "TokenRevoked"), reply
    assert restarted.api.signed("POST", identity_path(identity, ":issueAccessToken"),
                                {"scopes": ["voip"]}).status == 200  # the identity itself lives on


def test_generated_access_key_is_printed_once_and_kept_private(ternd, tmp_path):
    state = tmp_path / "state"
    first = start_api(ternd, state, relay=False)
    printed = printed_connection_string(first.ternd)
    assert printed == first.connection_string
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o700
    for name in ("access-key", "auth-secret"):
        assert stat.S_IMODE(os.stat(state / name).st_mode) == 0o600, name
    first.ternd.stop()

    second = start_api(ternd, state, relay=False, http_port=first.http_port)
    assert printed_connection_string(second.ternd) is None
    assert second.key == first.key
    assert tern("identity", "create", connection_string=printed)[0] == 0


def test_api_node_and_relay_node_share_only_a_key_and_a_secret(ternd, tmp_path, echo_peer):
    """An API-only ternd and a relay-only ternd: the relay checks credentials without the database."""
    secret = "shared-relay-secret"
    key_file = tmp_path / "access-key"
    key_file.write_text("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n")
    relay = ternd("--no-http", "--auth-secret", secret)
    api = start_api(ternd, tmp_path / "state", "--no-relay", "--auth-secret", secret,
                    "--public-url", f"turn:{LOOPBACK}:{relay.port}?transport=udp", relay=False, key_file=key_file)
    assert not (tmp_path / "state" / "access-key").exists()
    assert not (tmp_path / "state" / "auth-secret").exists()
    cs = api.connection_string
    identity = tern("identity", "create", connection_string=cs)[1]["identity"]["id"]
    token = tern("token", "issue", "--id", identity, "--scope", "voip", connection_string=cs)[1]["token"]
    config = tern("relay-config", "--token", token, connection_string=cs)[1]
    relay_round_trip(config, echo_peer.addr, [b"across nodes"])
    # The API node does not relay.
    with StunClient(api.ternd.addr, "udp", timeout=0.5) as client:
        try:
            client.binding()
            answered = True
        except (TimeoutError, ConnectionRefusedError):
            answered = False
    assert not answered


def test_https_with_certificate_verification(ternd, tmp_path):
    cert, key = self_signed_certificate(tmp_path)
    server = start_api(ternd, tmp_path / "state", "--http-cert", cert, "--http-key", key, relay=False,
                       scheme="https", tls_context=tls_context_trusting(cert))
    assert server.api.signed("POST", "/identities?api-version=2023-10-01").status == 201  # raw HTTPS
    cs = server.connection_string
    # Unknown issuer: refused unless trusted or --insecure.
    status, _, err = tern("identity", "create", connection_string=cs, check=False)
    assert status == 1 and "certificate" in err.lower()
    assert tern("identity", "create", "--insecure", connection_string=cs)[0] == 0
    trusting = dict(os.environ, SSL_CERT_FILE=str(cert))
    assert tern("identity", "create", connection_string=cs, env=trusting)[0] == 0


def test_default_http_address_is_loopback_8080(tmp_path):
    """--help shows the default; the admin API binds loopback unless told otherwise."""
    result = subprocess.run([str(TERND), "--help"], capture_output=True, text=True, timeout=30)
    assert "--http-listen ADDR:PORT" in result.stdout
    assert "default: 127.0.0.1:8080" in result.stdout


def test_no_relay_no_http_is_a_config_error(tmp_path):
    result = subprocess.run([str(TERND), "--no-relay", "--no-http"], capture_output=True, text=True, timeout=30,
                            cwd=tmp_path)
    assert result.returncode == 2
    assert "nothing to serve" in result.stderr


def test_explicit_http_address_in_use_is_fatal(ternd, tmp_path):
    port = free_port()
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind((LOOPBACK, port))
    holder.listen()
    try:
        process = ternd("--http-listen", f"{LOOPBACK}:{port}", "--state-dir", tmp_path / "state", wait=False)
        assert process.proc.wait(15) == 1
        assert "cannot serve the HTTP API" in process.log_text()
    finally:
        holder.close()


def test_relay_will_not_reach_the_api_address(ternd, tmp_path, echo_peer):
    """The HTTP API's address is one of the daemon's own: a relay must not become a way in."""
    server = start_api(ternd, tmp_path / "state")  # with --allow-peer 127.0.0.0/8
    config = server.api.signed("POST", RELAY_TARGET, {"ttl": 600}).json
    address, username, credential = turn_udp_server(config)

    def channel_bind(client, number, port):
        return client.request(CHANNEL_BIND, [(CHANNEL_NUMBER, struct.pack("!HH", number, 0)),
                                             (XOR_PEER_ADDRESS, xor_address(LOOPBACK, port))])

    with StunClient(address, "udp", username, credential) as client:
        assert client.allocate().cls == SUCCESS
        assert channel_bind(client, 0x4000, echo_peer.addr[1]).cls == SUCCESS  # the control
        assert channel_bind(client, 0x4001, server.http_port).error_code == 403


def test_sighup_rotates_the_secret_and_urls_of_new_configurations(ternd, tmp_path):
    conf = tmp_path / "tern.conf"
    conf.write_text("auth-secret = first\npublic-url = turn:relay-a.example.org:3478\n")
    server = start_api(ternd, tmp_path / "state", "--config", conf)

    def ice():
        return server.api.signed("POST", RELAY_TARGET, {}).json["iceServers"][0]

    before = ice()
    assert before["urls"] == ["turn:relay-a.example.org:3478"]
    assert before["credential"] == rest_password("first", before["username"])
    conf.write_text("auth-secret = second\npublic-url = turn:relay-b.example.org:3478\n")
    server.ternd.send_signal(signal.SIGHUP)
    server.ternd.wait_log(r"configuration reloaded")
    after = ice()
    assert after["urls"] == ["turn:relay-b.example.org:3478"]
    assert after["credential"] == rest_password("second", after["username"])
    assert not (tmp_path / "state" / "auth-secret").exists()  # configured secrets: none generated
