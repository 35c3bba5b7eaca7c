"""coturn's turnutils_uclient relaying through ternd to turnutils_peer (a UDP echo).

The eight runs (UDP/TCP to the server, channels/Send indications, static user/REST secret) are
started together against one ternd to keep the suite quick; each test checks its own run.
"""

import re
import shutil
import subprocess
import time

import pytest

from harness import LOOPBACK, Ternd, free_port_range

USER, PASSWORD = "alice", "wonderland"
SECRET = "uclient-shared-secret"
N_MESSAGES, N_CLIENTS, LENGTH = 50, 2, 120
RUN_TIMEOUT = 90.0

MODES = {
    "udp-channels": [],
    "udp-send": ["-s"],
    "tcp-channels": ["-t"],
    "tcp-send": ["-t", "-s"],
}
CREDENTIALS = {
    "static": ["-u", USER, "-w", PASSWORD],
    "rest": ["-u", "carol", "-W", SECRET],  # uclient signs "<expiry>:carol" with SECRET
}


class UclientRuns:
    def __init__(self, workdir, peer_port):
        exe = shutil.which("turnutils_uclient")
        if exe is None:
            pytest.fail("turnutils_uclient not found (apt-get install coturn)")
        low, high = free_port_range(64)
        # turnutils_uclient picks ChannelBind numbers from RFC 5766's 0x4000-0x7FFF; RFC 8656 narrowed
        # that to 0x4000-0x4FFF, so its channel runs need --rfc5766-channels.
        self.ternd = Ternd(workdir, "ternd-uclient", [
            "--user", f"{USER}:{PASSWORD}", "--auth-secret", SECRET, "--rfc5766-channels",
            "--allow-peer", "127.0.0.0/8", "--relay-ports", f"{low}-{high}"]).wait_ready()
        self.deadline = time.monotonic() + RUN_TIMEOUT
        self.runs = {}
        for mode, mode_flags in MODES.items():
            for cred, cred_flags in CREDENTIALS.items():
                out = workdir / f"uclient-{mode}-{cred}.out"
                cmd = [exe, *cred_flags, *mode_flags, "-e", LOOPBACK, "-r", str(peer_port),
                       "-p", str(self.ternd.port), "-n", str(N_MESSAGES), "-m", str(N_CLIENTS),
                       "-l", str(LENGTH), LOOPBACK]
                with open(out, "wb") as f:
                    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=f,
                                            stderr=subprocess.STDOUT)
                self.runs[(mode, cred)] = (cmd, proc, out)

    def output(self, mode, cred):
        """Waits for one run to end; returns its output."""
        cmd, proc, out = self.runs[(mode, cred)]
        try:
            proc.wait(max(0.1, self.deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            pytest.fail(f"{' '.join(cmd)} still running after {RUN_TIMEOUT} s:\n{out.read_text()}")
        return " ".join(cmd), out.read_text(errors="replace")

    def report_sections(self):
        return [("ternd stderr", self.ternd.log_text())]

    def close(self):
        for _, proc, _ in self.runs.values():
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        self.ternd.stop()


@pytest.fixture(scope="module")
def uclient_runs(tmp_path_factory, turnutils_peer):
    runs = UclientRuns(tmp_path_factory.mktemp("uclient"), turnutils_peer)
    yield runs
    runs.close()


@pytest.mark.parametrize("cred", CREDENTIALS)
@pytest.mark.parametrize("mode", MODES)
def test_uclient_relays_every_message(uclient_runs, mode, cred):
    cmd, out = uclient_runs.output(mode, cred)
    totals = re.findall(r"start_mclient: tot_send_msgs=(\d+), tot_recv_msgs=(\d+)", out)
    lost = re.findall(r"Total lost packets (\d+)", out)
    assert totals and lost, f"no totals in the output of {cmd}:\n{out}"
    sent, received = map(int, totals[-1])
    assert sent == N_MESSAGES * N_CLIENTS, f"{cmd}:\n{out}"
    assert received == sent, f"{cmd}:\n{out}"
    assert int(lost[-1]) == 0, f"{cmd}:\n{out}"
