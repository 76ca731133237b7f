"""The publishing fault campaign: N articles through `nashra run` (a real subprocess) while the
local Bot API stand-in injects 429s, 5xx, timeouts and resets, and the daemon is SIGKILLed at
random moments (≥ 200 times by default).

    .venv/bin/python bench/bench_publish.py [--articles 350] [--kills 200] [--window 6]

The first process runs until every article is queued; each later one is SIGKILLed after 2–5 s,
or (``--aimed``, 30%) at the first moment it has a part in flight, a send or a check cut mid-way; 5%
live 10–20 s. The channel has a private reconcile chat, so maybe-sent parts are
checked (``--no-reconcile`` shows what is left to a person without it). ``--window`` is the
pacing window the channel is given (20 messages per window). Figures come from the stand-in's
record of what readers of the channel see. The baseline line is the same articles with no
faults and no kills, measured in the same run; the ratio is campaign time / baseline time.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from nashra.testing.campaign import run_campaign
from nashra.testing.faults import Faults


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=350)
    ap.add_argument("--kills", type=int, default=200)
    ap.add_argument("--window", type=float, default=6.0)
    ap.add_argument("--lease", type=float, default=3.0, help="lease_seconds of the channel")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--aimed", type=float, default=0.3, help="share of kills aimed mid-send")
    ap.add_argument("--no-reconcile", action="store_true")
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = None
        if not args.no_baseline:
            base = run_campaign(
                Path(tmp) / "baseline",
                articles=args.articles,
                kills=0,
                window=args.window,
                faults=Faults(),
                seed=args.seed,
                deadline=1800,
                lease=args.lease,
            )
        f = run_campaign(
            Path(tmp) / "campaign",
            articles=args.articles,
            kills=args.kills,
            window=args.window,
            seed=args.seed,
            deadline=3600,
            lease=args.lease,
            reconcile=not args.no_reconcile,
            aimed=args.aimed,
        )
    if base is not None:
        print("baseline (no faults, no kills):")
        print("  " + "\n  ".join(base.lines()))
    print("campaign:")
    print("  " + "\n  ".join(f.lines()))
    if base is not None:
        print(f"time ratio campaign/baseline: {f.seconds / max(base.seconds, 1e-9):.2f}")


if __name__ == "__main__":
    main()
