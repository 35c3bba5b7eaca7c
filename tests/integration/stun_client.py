"""A minimal STUN/TURN client (RFC 8489 / RFC 8656) for the integration tests.

Just enough to send Binding, Allocate, Refresh and CreatePermission requests over UDP or TCP,
do the long-term credential dance (401 -> REALM/NONCE -> MESSAGE-INTEGRITY, 438 -> new NONCE),
and read the answer. Written from the RFCs, independent of Tern's own code.
"""

import base64
import hashlib
import hmac
import os
import socket
import struct
import time
import zlib

MAGIC_COOKIE = 0x2112A442

# Methods
BINDING = 0x001
ALLOCATE = 0x003
REFRESH = 0x004
CREATE_PERMISSION = 0x008
CHANNEL_BIND = 0x009

# Classes
REQUEST, INDICATION, SUCCESS, ERROR = 0, 1, 2, 3

# Attributes
USERNAME = 0x0006
MESSAGE_INTEGRITY = 0x0008
ERROR_CODE = 0x0009
LIFETIME = 0x000D
XOR_PEER_ADDRESS = 0x0012
REALM = 0x0014
NONCE = 0x0015
XOR_RELAYED_ADDRESS = 0x0016
REQUESTED_TRANSPORT = 0x0019
XOR_MAPPED_ADDRESS = 0x0020
FINGERPRINT = 0x8028

UDP_PROTOCOL = 17


def message_type(method, cls):
    return ((method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2)
            | ((cls & 1) << 4) | ((cls & 2) << 7))


def split_type(mtype):
    method = (mtype & 0x000F) | ((mtype & 0x00E0) >> 1) | ((mtype & 0x3E00) >> 2)
    cls = ((mtype >> 4) & 1) | ((mtype >> 7) & 2)
    return method, cls


def _attr(atype, value):
    return struct.pack("!HH", atype, len(value)) + value + b"\0" * (-len(value) % 4)


def xor_address(ip, port):
    """XOR-*-ADDRESS value for an IPv4 address."""
    raw = struct.unpack("!I", socket.inet_aton(ip))[0]
    return struct.pack("!BBHI", 0, 1, port ^ (MAGIC_COOKIE >> 16), raw ^ MAGIC_COOKIE)


def encode(method, cls, txid, attrs, key=None, fingerprint=True):
    """Encodes a message; attrs is a list of (type, bytes). Adds MESSAGE-INTEGRITY when key is given."""
    body = b"".join(_attr(t, v) for t, v in attrs)

    def header(extra):
        return struct.pack("!HHI", message_type(method, cls), len(body) + extra, MAGIC_COOKIE) + txid

    if key is not None:
        mac = hmac.new(key, header(24) + body, hashlib.sha1).digest()
        body += _attr(MESSAGE_INTEGRITY, mac)
    if fingerprint:
        crc = (zlib.crc32(header(8) + body) ^ 0x5354554E) & 0xFFFFFFFF
        body += _attr(FINGERPRINT, struct.pack("!I", crc))
    return header(0) + body


class Message:
    def __init__(self, raw):
        if len(raw) < 20:
            raise ValueError("short STUN message")
        mtype, length, cookie = struct.unpack("!HHI", raw[:8])
        if cookie != MAGIC_COOKIE or mtype & 0xC000 or len(raw) != 20 + length:
            raise ValueError("not a STUN message")
        self.raw = raw
        self.method, self.cls = split_type(mtype)
        self.txid = raw[8:20]
        self.attrs = []  # (type, value, offset of the attribute header)
        pos = 20
        while pos + 4 <= len(raw):
            atype, alen = struct.unpack("!HH", raw[pos:pos + 4])
            if pos + 4 + alen > len(raw):
                raise ValueError("attribute overruns the message")
            self.attrs.append((atype, raw[pos + 4:pos + 4 + alen], pos))
            pos += 4 + alen + (-alen % 4)

    def get(self, atype):
        for t, v, _ in self.attrs:
            if t == atype:
                return v
        return None

    @property
    def error_code(self):
        v = self.get(ERROR_CODE)
        return None if v is None else (v[2] & 0x7) * 100 + v[3]

    def xor_address(self, atype):
        v = self.get(atype)
        if v is None:
            return None
        family, xport = struct.unpack("!xBH", v[:4])
        assert family == 1, "only IPv4 is used in these tests"
        ip = struct.unpack("!I", v[4:8])[0] ^ MAGIC_COOKIE
        return socket.inet_ntoa(struct.pack("!I", ip)), xport ^ (MAGIC_COOKIE >> 16)

    def integrity_ok(self, key):
        """True when MESSAGE-INTEGRITY is present and matches key."""
        for t, v, off in self.attrs:
            if t == MESSAGE_INTEGRITY:
                hdr = bytearray(self.raw[:off])
                struct.pack_into("!H", hdr, 2, off + 24 - 20)
                return hmac.compare_digest(hmac.new(key, bytes(hdr), hashlib.sha1).digest(), v)
        return False

    def __repr__(self):
        return f"<STUN method=0x{self.method:03x} class={self.cls} error={self.error_code}>"


def rest_credential(secret, user, expiry):
    """TURN REST (coturn use-auth-secret) credential: ('<expiry>:<user>', base64(HMAC-SHA1))."""
    name = f"{int(expiry)}:{user}"
    mac = hmac.new(secret.encode(), name.encode(), hashlib.sha1).digest()
    return name, base64.b64encode(mac).decode()


class StunClient:
    """One client 5-tuple (a UDP socket or a TCP connection) to a STUN/TURN server."""

    def __init__(self, server, transport="udp", username=None, password=None, timeout=5.0):
        self.server = server
        self.transport = transport
        self.username, self.password = username, password
        self.realm = self.nonce = self.key = None
        self.timeout = timeout
        kind = socket.SOCK_DGRAM if transport == "udp" else socket.SOCK_STREAM
        self.sock = socket.socket(socket.AF_INET, kind)
        self.sock.settimeout(timeout)
        self.sock.connect(server)
        self._buffer = b""

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def local_address(self):
        return self.sock.getsockname()

    def transact(self, data, txid):
        """Sends one request and returns the matching response (UDP: retransmits, RFC 8489 style)."""
        deadline = time.monotonic() + self.timeout
        if self.transport == "tcp":
            self.sock.sendall(data)
            while True:
                msg = self._read_tcp(deadline)
                if msg is not None and msg.txid == txid:
                    return msg
        rto = 0.25
        while time.monotonic() < deadline:
            self.sock.send(data)
            wait_until = min(deadline, time.monotonic() + rto)
            rto *= 2
            while True:
                left = wait_until - time.monotonic()
                if left <= 0:
                    break
                self.sock.settimeout(left)
                try:
                    raw = self.sock.recv(65536)
                except socket.timeout:
                    break
                try:
                    msg = Message(raw)
                except ValueError:
                    continue  # ChannelData or junk
                if msg.txid == txid:
                    return msg
        raise TimeoutError(f"no answer from {self.server} within {self.timeout} s")

    def _read_tcp(self, deadline):
        while True:
            if len(self._buffer) >= 4:
                first, length = struct.unpack("!HH", self._buffer[:4])
                is_channel = (first & 0xC000) == 0x4000
                total = 4 + length + (-length % 4) if is_channel else 20 + length
                if len(self._buffer) >= total:
                    frame, self._buffer = self._buffer[:total], self._buffer[total:]
                    return None if is_channel else Message(frame)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no answer from {self.server} within {self.timeout} s")
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the TCP connection")
            self._buffer += chunk

    def request(self, method, attrs=()):
        """Sends a request, answering 401/438 with credentials as a long-term-credential client does.

        Returns the final response; a success to an authenticated request must carry valid integrity.
        """
        attrs = list(attrs)
        for _ in range(3):
            txid = os.urandom(12)
            if self.key is None:
                data = encode(method, REQUEST, txid, attrs)
            else:
                auth = [(USERNAME, self.username.encode()), (REALM, self.realm), (NONCE, self.nonce)]
                data = encode(method, REQUEST, txid, attrs + auth, key=self.key)
            resp = self.transact(data, txid)
            code = resp.error_code
            retry = (code == 401 and self.key is None) or code == 438
            if not retry or self.username is None or resp.get(NONCE) is None:
                break
            self.nonce = resp.get(NONCE)
            if resp.get(REALM) is not None:
                self.realm = resp.get(REALM)
            text = f"{self.username}:{self.realm.decode()}:{self.password}"
            self.key = hashlib.md5(text.encode()).digest()
        if self.key is not None and resp.cls == SUCCESS:
            assert resp.integrity_ok(self.key), f"success response without valid MESSAGE-INTEGRITY: {resp}"
        return resp

    # TURN conveniences

    def binding(self):
        return self.request(BINDING)

    def allocate(self, lifetime=None):
        attrs = [(REQUESTED_TRANSPORT, struct.pack("!B3x", UDP_PROTOCOL))]
        if lifetime is not None:
            attrs.append((LIFETIME, struct.pack("!I", lifetime)))
        return self.request(ALLOCATE, attrs)

    def refresh(self, lifetime):
        return self.request(REFRESH, [(LIFETIME, struct.pack("!I", lifetime))])

    def create_permission(self, ip, port=0):
        return self.request(CREATE_PERMISSION, [(XOR_PEER_ADDRESS, xor_address(ip, port))])
