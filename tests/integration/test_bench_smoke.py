"""tern-bench against a real ternd: a short run of each data path and a small allocation storm.

This is the CI smoke run of the load tool. Speed is never asserted (the machine is shared and noisy):
only that the SRTP probes came back verified with no errors, that loss stays under a generous bound,
and that the JSON report parses with the fields bench/compare and other scripts read.

Needs build/bin/tern-bench next to ternd (TERN_BIN_DIR).
"""

import json
import subprocess

import pytest

from harness import BIN_DIR, LOOPBACK, TERND, free_port_range

BENCH = BIN_DIR / "tern-bench"
USER, PASSWORD = "bench", "bench-password"
SECRET = "bench-smoke-secret"
CLIENTS, RATE, SECONDS = 4, 400, 2  # 800 probes per run: enough to see loss, cheap on a busy machine
LOSS_BOUND = 0.05
SRTP_ERRORS = ("srtp_auth_failed", "srtp_replayed", "srtp_too_old", "srtp_malformed", "not_a_probe", "wrong_flow",
               "duplicate")


def start_server(ternd):
    """ternd with a static user and a REST secret, and room for the storm's relay ports."""
    low, high = free_port_range(256)
    args = ["--user", f"{USER}:{PASSWORD}", "--auth-secret", SECRET, "--relay-ports", f"{low}-{high}",
            "--log-level", "warning"]
    help_text = subprocess.run([str(TERND), "--help"], capture_output=True, text=True, timeout=30).stdout
    if "--no-http" in help_text:
        args.append("--no-http")  # the relay alone: no API port to collide with other tests
    return ternd(*args, relay_ports=False)


def run_bench(tmp_path, server, *args, credentials=("--user", f"{USER}:{PASSWORD}"), expect_status=0):
    if not BENCH.exists():
        pytest.fail(f"{BENCH} not found: build tern-bench or set TERN_BIN_DIR")
    report = tmp_path / "report.json"
    argv = [str(BENCH), "--server", f"{LOOPBACK}:{server.port}", *credentials, "--server-pid", str(server.proc.pid),
            "--json", str(report), "--setup-timeout", "20", *args]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=90, stdin=subprocess.DEVNULL)
    output = f"argv: {argv}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    assert result.returncode == expect_status, output
    assert report.exists(), output
    return json.loads(report.read_text()), output


def assert_clean_traffic(data, output, clients=CLIENTS):
    assert data["tool"] == "tern-bench"
    assert data["setup"]["flows_requested"] == clients, output
    assert data["setup"]["flows_ready"] == clients, output
    assert data["setup"]["failures"] == {}, output
    traffic = data["traffic"]
    assert traffic["sent"] >= RATE * SECONDS // 2, output  # the pacer sent (about) what it was asked to
    assert traffic["received"] > 0, output
    assert traffic["received"] <= traffic["sent"], output
    assert traffic["lost"] == traffic["sent"] - traffic["received"], output
    assert traffic["loss_ratio"] < LOSS_BOUND, output
    for kind in SRTP_ERRORS:
        assert data["errors"][kind] == 0, f"{kind}\n{output}"
    assert data["errors"]["total"] == 0, output
    latency = traffic["latency_us"]
    assert latency["samples"] == traffic["received"], output
    assert 0 < latency["p50"] <= latency["p99"] <= latency["p999"] <= latency["max"], output
    assert traffic["deliveries_per_second"] > 0 and traffic["mbit_per_second"] > 0, output
    # The server's CPU and memory came from /proc, the generator's from getrusage.
    assert data["server"]["cpu_seconds"] is not None and data["server"]["cpu_seconds"] >= 0, output
    assert data["server"]["rss_kib_start"] > 0 and data["server"]["rss_kib_end"] > 0, output
    assert data["generator"]["cpu_seconds"] >= 0 and data["generator"]["threads"] >= 1, output
    assert isinstance(data["samples"], list) and data["samples"], output  # the live progress, once a second


PATHS = {
    "udp-channels": [],
    "udp-indications": ["--indications"],
    "tcp-channels": ["--transport", "tcp"],
    "tcp-indications": ["--transport", "tcp", "--indications"],
    "relay-to-relay": ["--peer", "relay"],
}


@pytest.mark.parametrize("path", PATHS)
def test_throughput_at_a_fixed_rate(ternd, tmp_path, path):
    server = start_server(ternd)
    data, output = run_bench(tmp_path, server, "--clients", str(CLIENTS), "--rate", str(RATE),
                             "--duration", str(SECONDS), "--warmup", "0.5", *PATHS[path])
    assert data["mode"] == "throughput"
    assert data["config"]["channels"] == ("--indications" not in PATHS[path])
    assert data["traffic"]["relays_per_delivery"] == (4 if path == "relay-to-relay" else 2)
    assert_clean_traffic(data, output)
    assert "round trip" in output  # the table on stdout


def test_max_rate_with_shared_secret_and_two_threads(ternd, tmp_path):
    server = start_server(ternd)
    data, output = run_bench(tmp_path, server, "--clients", str(CLIENTS), "--threads", "2", "--window", "4",
                             "--duration", "1", "--warmup", "0.3", credentials=("--secret", SECRET))
    assert data["config"]["credentials"] == "shared-secret"
    assert data["config"]["threads"] == 2
    traffic = data["traffic"]
    assert traffic["received"] > 0, output
    assert traffic["loss_ratio"] < LOSS_BOUND, output
    assert data["errors"]["total"] == 0, output
    assert data["server"]["deliveries_per_core_second"] > 0, output


def test_sink_measures_one_way(ternd, tmp_path):
    server = start_server(ternd)
    data, output = run_bench(tmp_path, server, "--clients", str(CLIENTS), "--rate", str(RATE),
                             "--duration", str(SECONDS), "--warmup", "0.5", "--peer", "sink")
    assert data["traffic"]["delivery"] == "one_way"
    assert data["traffic"]["relays_per_delivery"] == 1
    assert_clean_traffic(data, output)


@pytest.mark.parametrize("sockets", [[], ["--multiplex"]], ids=["socket-per-client", "multiplexed"])
def test_allocation_storm(ternd, tmp_path, sockets):
    """Multiplexed, every client shares one socket with its own 127.100.x.y source address: ternd
    must see 200 distinct clients and answer each at its own address."""
    server = start_server(ternd)
    data, output = run_bench(tmp_path, server, "--mode", "storm", "--allocations", "200",
                             "--allocation-window", "32", "--hold", "0.5", *sockets)
    storm = data["storm"]
    assert data["mode"] == "storm"
    assert storm["target"] == 200
    assert storm["attempted"] == 200, output
    assert storm["allocated"] == 200, output
    assert storm["failed"] == 0 and storm["failures"] == {}, output
    assert storm["allocations_per_second"] > 0, output
    assert 0 < storm["latency_ms"]["p50"] <= storm["latency_ms"]["max"], output
    assert storm["deleted"] + storm["lost"] <= storm["allocated"], output
    assert storm["deleted"] > 0, output
    if sockets:
        assert storm["deleted"] == 200, output  # every answer reached its own client
    assert data["server"]["rss_kib_start"] > 0, output
    assert data["server"]["rss_bytes_per_allocation"] is not None, output


def test_multiplex_is_refused_outside_udp_storms(ternd, tmp_path):
    server = start_server(ternd)
    result = subprocess.run([str(BENCH), "--server", f"{LOOPBACK}:{server.port}", "--user", f"{USER}:{PASSWORD}",
                             "--multiplex"], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "--multiplex is for UDP allocation storms" in result.stderr + result.stdout


def test_refused_credentials_are_counted_by_error_code(ternd, tmp_path):
    server = start_server(ternd)
    data, output = run_bench(tmp_path, server, "--mode", "storm", "--allocations", "5",
                             credentials=("--user", f"{USER}:wrong"), expect_status=1)
    assert data["storm"]["allocated"] == 0, output
    assert data["storm"]["failures"] == {"401": 5}, output
