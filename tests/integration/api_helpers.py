"""Helpers for the HTTP API tests: ACS request signing written afresh from the published scheme
(hashlib/hmac/base64, nothing shared with Tern's C++), raw requests over http.client, user access
tokens forged from the documented key derivation, the `tern` CLI, and ternd with its API on a free
loopback port.
"""

import base64
import hashlib
import hmac
import http.client
import json
import os
import re
import socket
import ssl
import subprocess
import time
from email.utils import formatdate

from harness import BIN_DIR, LOOPBACK, free_port, wait_until

TERN = BIN_DIR / "tern"
IDENTITY_VERSION = "2023-10-01"
RELAY_VERSION = "2022-03-01-preview"
IDENTITIES = f"/identities?api-version={IDENTITY_VERSION}"
RELAY = f"/networkTraversal/:issueRelayConfiguration?api-version={RELAY_VERSION}"
CLI_TIMEOUT = 30


# ---- ACS request signing (HMAC-SHA256) ----

def http_date(unix=None):
    """IMF-fixdate, as x-ms-date carries it."""
    return formatdate(time.time() if unix is None else unix, usegmt=True)


def content_hash(body):
    return base64.b64encode(hashlib.sha256(body).digest()).decode()


def authorization(key, method, path_and_query, date, host, body_hash):
    to_sign = f"{method}\n{path_and_query}\n{date};{host};{body_hash}"
    signature = base64.b64encode(hmac.new(key, to_sign.encode(), hashlib.sha256).digest()).decode()
    return f"HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature={signature}"


def identity_path(identity, action=""):
    quoted = "".join(c if c.isalnum() or c in "-._~" else f"%{ord(c):02X}" for c in identity)
    return f"/identities/{quoted}{'/' + action if action else ''}?api-version={IDENTITY_VERSION}"


class Reply:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.raw = status, headers, body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    @property
    def code(self):
        return (self.json or {}).get("error", {}).get("code")

    @property
    def target(self):
        return (self.json or {}).get("error", {}).get("target")

    def __repr__(self):
        return f"<Reply {self.status} {self.raw[:300]!r}>"


class Api:
    """One ternd's API over raw HTTP: requests signed here, or sent exactly as given."""

    def __init__(self, port, key, tls_context=None):
        self.port, self.key, self.tls_context = port, key, tls_context
        self.host = f"{LOOPBACK}:{port}"

    def connection(self):
        if self.tls_context is not None:
            return http.client.HTTPSConnection(LOOPBACK, self.port, timeout=10, context=self.tls_context)
        return http.client.HTTPConnection(LOOPBACK, self.port, timeout=10)

    def raw(self, method, target, body=b"", headers=None, conn=None):
        """Sends one request as given (Host added unless present); returns a Reply."""
        headers = dict(headers or {})
        headers.setdefault("Host", self.host)
        own = conn is None
        conn = conn or self.connection()
        try:
            conn.request(method, target, body=body, headers=headers)
            resp = conn.getresponse()
            return Reply(resp.status, dict(resp.getheaders()), resp.read())
        finally:
            if own:
                conn.close()

    def signed_headers(self, method, target, body, date=None, body_hash=None, key=None, host=None):
        date = date or http_date()
        body_hash = body_hash or content_hash(body)
        host = host or self.host
        return {"Host": host, "x-ms-date": date, "x-ms-content-sha256": body_hash,
                "Authorization": authorization(key or self.key, method, target, date, host, body_hash)}

    def signed(self, method, target, payload=None, body=None, content_type="application/json", conn=None,
               **sign_overrides):
        """Sends a request signed with the access key; payload is JSON-encoded unless body is given."""
        if body is None:
            body = json.dumps(payload).encode() if payload is not None else b""
        headers = self.signed_headers(method, target, body, **sign_overrides)
        if body and content_type:
            headers["Content-Type"] = content_type
        return self.raw(method, target, body, headers, conn=conn)

    def with_token(self, token, payload=None):
        body = json.dumps(payload if payload is not None else {}).encode()
        return self.raw("POST", RELAY, body, {"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})

    # Conveniences for the happy path of raw tests.
    def create_identity(self):
        reply = self.signed("POST", IDENTITIES)
        assert reply.status == 201, reply
        return reply.json["identity"]["id"]

    def issue_token(self, identity, scopes=("voip",), minutes=None):
        payload = {"scopes": list(scopes)}
        if minutes is not None:
            payload["expiresInMinutes"] = minutes
        reply = self.signed("POST", identity_path(identity, ":issueAccessToken"), payload)
        assert reply.status == 200, reply
        return reply.json["token"]


# ---- User access tokens, made here from the documented derivation (HKDF-SHA256, HS256) ----

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hkdf_sha256(ikm, salt, info, length=32):
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def token_key(access_key):
    return hkdf_sha256(access_key, b"tern", b"tern user access token v1")


def key_id(access_key):
    return hashlib.sha256(token_key(access_key)).digest()[:8].hex()


def make_token(access_key, claims, alg="HS256", sign_key=None, kid=None):
    header = {"alg": alg, "kid": kid or key_id(access_key), "typ": "JWT"}
    signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                     b64url(json.dumps(claims, separators=(",", ":")).encode()))
    if alg == "none":
        return signing_input + "."
    mac = hmac.new(sign_key or token_key(access_key), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url(mac)


def token_claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


# ---- ternd with its API, and the tern CLI ----

class ApiServer:
    """A ternd started by the `ternd` fixture with its API on a free port and its own state dir."""

    def __init__(self, ternd_process, http_port, state_dir, scheme="http", tls_context=None, key_file=None):
        self.ternd, self.http_port, self.state_dir, self.scheme = ternd_process, http_port, state_dir, scheme
        self.key = base64.b64decode((key_file or state_dir / "access-key").read_text().strip())
        self.api = Api(http_port, self.key, tls_context)

    @property
    def connection_string(self):
        key = base64.b64encode(self.key).decode()
        return f"endpoint={self.scheme}://{LOOPBACK}:{self.http_port}/;accesskey={key}"

    def auth_secret(self):
        return (self.state_dir / "auth-secret").read_text().strip()


def start_api(ternd, state_dir, *args, http_port=None, relay=True, scheme="http", tls_context=None,
              key_file=None):
    """Starts ternd with --http-listen on a free port and --state-dir (and --access-key-file when
    key_file is given); relay=False for --no-relay. Waits for the API to accept connections."""
    http_port = http_port or free_port()
    args = list(args) + (["--access-key-file", key_file] if key_file else [])
    process = ternd("--http-listen", f"{LOOPBACK}:{http_port}", "--state-dir", state_dir, *args,
                    wait=relay, allow_peer=relay, relay_ports=relay)
    wait_for_http(process, http_port)
    return ApiServer(process, http_port, state_dir, scheme, tls_context, key_file)


def wait_for_http(process, port, timeout=15.0):
    """Waits until the port accepts TCP connections; fails at once if ternd has exited."""
    def accepts():
        if process.proc.poll() is not None:
            raise AssertionError(f"ternd exited with {process.proc.returncode}:\n{process.log_text()}")
        try:
            socket.create_connection((LOOPBACK, port), timeout=0.3).close()
            return True
        except OSError:
            return False
    wait_until(accepts, timeout, what=f"the HTTP API on port {port}")


def tern(*args, connection_string=None, env=None, check=True):
    """Runs the tern CLI; returns (exit status, parsed stdout JSON or None, stderr)."""
    full_env = dict(os.environ if env is None else env)
    if connection_string is not None:
        full_env["TERN_CONNECTION_STRING"] = connection_string
    result = subprocess.run([str(TERN), *map(str, args)], capture_output=True, text=True, env=full_env,
                            stdin=subprocess.DEVNULL, timeout=CLI_TIMEOUT)
    out = json.loads(result.stdout) if result.stdout.strip() else None
    if check:
        assert result.returncode == 0, f"tern {' '.join(map(str, args))}: {result.returncode}\n{result.stderr}"
    return result.returncode, out, result.stderr


def printed_connection_string(process):
    """The connection string ternd printed on stdout when it generated its access key."""
    match = re.search(r"^(endpoint=\S+)$", process.log_text(), re.MULTILINE)
    return match.group(1) if match else None


def self_signed_certificate(directory):
    """A certificate for 127.0.0.1 (and localhost) made with the openssl command: (cert, key) paths."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def tls_context_trusting(cert):
    return ssl.create_default_context(cafile=str(cert))
