"""bench/compare's arithmetic for noisy rows: the interval of the ratio of medians over resampled
runs, and the verdict it gives; and how --pin splits the CPUs (one child process checks that the
affinity takes). It sits with the suite that already runs the load tool's smoke test."""

import importlib.machinery
import importlib.util
import os
import subprocess
import sys

import pytest

from harness import REPO


def load_compare():
    loader = importlib.machinery.SourceFileLoader("bench_compare", str(REPO / "bench" / "compare"))
    spec = importlib.util.spec_from_loader("bench_compare", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


compare = load_compare()


def test_a_clear_difference_is_told_apart_both_ways():
    faster = [(100 + i, 200 + 3 * i) for i in range(15)]
    low, high = compare.ratio_interval(faster)
    assert high < 1
    assert compare.verdict(low, high, "ternd") == "ternd lower"
    slower = [(b, a) for a, b in faster]
    low, high = compare.ratio_interval(slower)
    assert low > 1
    assert compare.verdict(low, high, "ternd") == "ternd higher"


def test_runs_that_swing_either_way_are_not_told_apart():
    # Tail latencies as this machine gives them: equal medians, each run up or down by a third.
    swinging = [(300, 260), (240, 330), (280, 280), (350, 250), (230, 300), (310, 270), (260, 320),
                (290, 240), (250, 310), (320, 290), (270, 230), (300, 340), (240, 260), (330, 300), (280, 310)]
    low, high = compare.ratio_interval(swinging)
    assert low < 1 < high
    assert compare.verdict(low, high, "ternd") == "not told apart by these runs"


def test_interval_is_the_same_on_every_reading_and_holds_the_ratio_of_medians():
    pairs = [(100 + 7 * (i % 5), 110 + 5 * (i % 3)) for i in range(12)]
    assert compare.ratio_interval(pairs) == compare.ratio_interval(pairs)  # seeded: a report reads the same twice
    low, high = compare.ratio_interval(pairs)
    point = compare.statistics.median(a for a, _ in pairs) / compare.statistics.median(b for _, b in pairs)
    assert low <= point <= high


def test_pin_gives_the_server_the_last_cpu_and_the_load_the_others():
    available = sorted(os.sched_getaffinity(0))
    assert compare.cpu_split(False) == (None, None)
    if len(available) < 2:
        with pytest.raises(RuntimeError):
            compare.cpu_split(True)
        return
    server, load = compare.cpu_split(True)
    assert server == {available[-1]}
    assert load == set(available[:-1])


def test_pin_gives_each_server_thread_a_cpu_and_refuses_when_none_is_left_for_the_load():
    available = sorted(os.sched_getaffinity(0))
    with pytest.raises(RuntimeError, match="needs at least"):
        compare.cpu_split(True, server_threads=len(available))
    if len(available) >= 3:
        server, load = compare.cpu_split(True, server_threads=2)
        assert server == set(available[-2:])
        assert load == set(available[:-2])


def test_a_pinned_child_runs_only_on_its_cpus():
    # A real child process: the affinity set by pinned_to() is the one the child sees.
    cpu = sorted(os.sched_getaffinity(0))[0]
    out = subprocess.run([sys.executable, "-c", "import os; print(sorted(os.sched_getaffinity(0)))"],
                         capture_output=True, text=True, preexec_fn=compare.pinned_to({cpu}), check=True).stdout
    assert out.strip() == f"[{cpu}]"
    unpinned = subprocess.run([sys.executable, "-c", "import os; print(len(os.sched_getaffinity(0)))"],
                              capture_output=True, text=True, preexec_fn=compare.pinned_to(None), check=True).stdout
    assert int(unpinned) == len(os.sched_getaffinity(0))


def test_ternd_args_are_split_as_a_shell_would():
    assert compare.ternd_extra_args("") == []
    assert compare.ternd_extra_args(None) == []
    assert compare.ternd_extra_args("--idle-poll-us 0") == ["--idle-poll-us", "0"]
    assert compare.ternd_extra_args("--software 'Tern test' --idle-poll-us 20") == \
        ["--software", "Tern test", "--idle-poll-us", "20"]
