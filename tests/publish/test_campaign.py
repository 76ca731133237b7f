"""The campaign, small: `nashra run` SIGKILLed at random while the fake Bot API injects faults.

The bench (``bench/bench_publish.py``) runs the same campaign with ≥ 200 kills."""

from __future__ import annotations

from pathlib import Path

from nashra.testing.campaign import run_campaign


def test_every_story_once_in_order_no_headless_part_under_kills_and_faults(
    tmp_path: Path,
) -> None:
    f = run_campaign(tmp_path, articles=12, kills=6, window=3.0, seed=11, deadline=150)
    print("\n".join(f.lines()))
    assert f.posts == 12
    assert f.kills == 6
    assert sum(f.injected.values()) > 0
    assert f.duplicates == 0
    assert f.out_of_order == 0 and f.headless == 0
    assert f.silent_losses == 0
    assert f.unfinished == 0
    assert f.exactly_once + f.unknown + f.failed == f.posts
    assert f.unknown <= 1  # with a reconcile chat a lost reply is checked, not left to a person
    assert f.early_sends == 0
    assert f.max_per_window <= 20
    assert f.max_u16 <= 4096
    assert f.silent_restarts == 0
    assert f.accepted >= f.posts and f.messages_planned >= f.posts
