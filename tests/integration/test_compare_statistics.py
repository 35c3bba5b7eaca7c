"""bench/compare's arithmetic for noisy rows: the interval of the ratio of medians over resampled
runs, and the verdict it gives. Pure Python, no processes; it sits with the suite that already runs
the load tool's smoke test."""

import importlib.machinery
import importlib.util

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
