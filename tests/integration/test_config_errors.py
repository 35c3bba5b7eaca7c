"""Command-line and config-file errors: ternd names FILE:LINE and exits 2; --help exits 0."""

import subprocess

from harness import TERND


def run_ternd(*args):
    return subprocess.run([str(TERND), *map(str, args)], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=30)


def test_unknown_key_names_file_and_line(tmp_path):
    conf = tmp_path / "tern.conf"
    conf.write_text("# a comment\nrealm = example.org\nno-such-option = 1\nlog-level = info\n")
    result = run_ternd("--config", conf)
    assert result.returncode == 2, result
    assert f"{conf}:3:" in result.stderr
    assert "no-such-option" in result.stderr


def test_bad_value_names_file_and_line(tmp_path):
    conf = tmp_path / "tern.conf"
    conf.write_text("realm = example.org\nrelay-ports = 60000-50000\n")
    result = run_ternd("--config", conf)
    assert result.returncode == 2, result
    assert f"{conf}:2:" in result.stderr


def test_bad_command_line_value_exits_2():
    result = run_ternd("--log-level", "loud")
    assert result.returncode == 2, result
    assert "log-level" in result.stderr


def test_help_exits_0():
    result = run_ternd("--help")
    assert result.returncode == 0, result
    assert "--listen" in result.stdout + result.stderr
