"""The publishing campaign, larger: N articles through `nashra run` (a real subprocess) while the
fake Bot API injects 429s, 5xx, timeouts and resets and the daemon is SIGKILLed at random.

    .venv/bin/python bench/bench_publish.py [--articles 40] [--kills 8] [--window 60]

``--window`` is the pacing window the channel is given (20 messages per window); the default
keeps the run short. With ``--window 60`` the real Telegram pacing is used (slow: 20 per minute).
The baseline line is the same campaign with no faults and no kills, measured in the same run.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from nashra.testing.campaign import run_campaign
from nashra.testing.faults import Faults


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=40)
    ap.add_argument("--kills", type=int, default=8)
    ap.add_argument("--window", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = run_campaign(
            Path(tmp) / "baseline",
            articles=args.articles,
            kills=0,
            window=args.window,
            faults=Faults(),
            seed=args.seed,
            deadline=900,
        )
        f = run_campaign(
            Path(tmp) / "campaign",
            articles=args.articles,
            kills=args.kills,
            window=args.window,
            seed=args.seed,
            deadline=900,
        )
    print("baseline (no faults, no kills):")
    print("  " + "\n  ".join(base.lines()))
    print("campaign:")
    print("  " + "\n  ".join(f.lines()))
    print(f"time ratio campaign/baseline: {f.seconds / max(base.seconds, 1e-9):.2f}")


if __name__ == "__main__":
    main()
