"""The campaign, small: `nashra run` SIGKILLed at random while the fake Bot API injects faults."""

from __future__ import annotations

from pathlib import Path

from nashra.testing.campaign import run_campaign


def test_no_duplicates_no_silent_losses_under_kills_and_faults(tmp_path: Path) -> None:
    f = run_campaign(tmp_path, articles=10, kills=3, window=3.0, seed=11, deadline=90)
    print("\n".join(f.lines()))
    assert f.posts == 10
    assert f.kills == 3
    assert f.duplicates == 0
    assert f.silent_losses == 0
    assert f.unfinished == 0
    assert f.early_sends == 0
    assert f.max_per_window <= 20
    assert f.max_u16 <= 4096
    assert f.accepted > 0 and f.messages_planned >= f.posts
