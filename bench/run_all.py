"""Run every ``bench/bench_*.py``, each in its own process, then print a summary.

    .venv/bin/python bench/run_all.py [--quick] [--timeout S] [--only NAME ...] [--save]

What ``make bench`` runs. Each script runs with this interpreter from the project root, in its
own process group (so its peak RSS, from ``wait4``, is its own and a timeout ends all of it); its
output is shown as it comes. ``--quick`` is passed on to the scripts that declare it. A script that
fails or runs past the timeout is reported in the summary; the others still run. The exit code is
1 when any script failed, 0 otherwise. ``--save`` also writes the whole output to
``bench/results/<UTC date and time>.txt``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


@dataclass(frozen=True, slots=True)
class Outcome:
    name: str
    status: str  # "ok", "exit N", "timeout", "killed by SIGNAL"
    seconds: float
    peak_rss_mib: float


def discover(only: list[str] | None) -> list[Path]:
    scripts = sorted(HERE.glob("bench_*.py"))
    if only:
        wanted = {n.removesuffix(".py").removeprefix("bench_") for n in only}
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in wanted]
    return scripts


def accepts_quick(script: Path) -> bool:
    """A script takes ``--quick`` when its source declares that option."""
    return '"--quick"' in script.read_text(encoding="utf-8")


def _pump(stream: object, lines: list[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        sys.stdout.write(line)
        sys.stdout.flush()
        lines.append(line)


def run_one(script: Path, quick: bool, timeout: float, log: list[str]) -> Outcome:
    cmd = [sys.executable, str(script)] + (["--quick"] if quick and accepts_quick(script) else [])
    header = f"\n{'=' * 100}\n$ {' '.join(Path(c).name if c == cmd[1] else c for c in cmd)}\n"
    sys.stdout.write(header)
    log.append(header)
    start = time.monotonic()
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
        env={**os.environ, "PYTHONUNBUFFERED": "1"},  # its output as it comes, not at exit
        start_new_session=True,  # its own process group: a timeout ends its children too
    )
    reader = threading.Thread(target=_pump, args=(proc.stdout, log), daemon=True)
    reader.start()
    timed_out = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            break
        if time.monotonic() - start > timeout and not timed_out:
            timed_out = True
            os.killpg(proc.pid, signal.SIGTERM)
            threading.Timer(5.0, _kill_group, args=(proc.pid,)).start()
        time.sleep(0.1)
    seconds = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code  # reaped by wait4 above
    reader.join(10)
    if timed_out:
        verdict = "timeout"
    elif code == 0:
        verdict = "ok"
    elif code < 0:
        verdict = f"killed by {signal.Signals(-code).name}"
    else:
        verdict = f"exit {code}"
    return Outcome(script.name, verdict, seconds, usage.ru_maxrss / 1024)


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def summary(outcomes: list[Outcome]) -> str:
    lines = [
        f"\n{'=' * 100}\nsummary",
        f"{'script':28}{'status':>18}{'seconds':>10}{'peak RSS MiB':>14}",
    ]
    for o in outcomes:
        lines.append(f"{o.name:28}{o.status:>18}{o.seconds:>10.1f}{o.peak_rss_mib:>14.0f}")
    failed = [o.name for o in outcomes if o.status != "ok"]
    lines.append(
        f"{len(outcomes) - len(failed)} of {len(outcomes)} ok"
        + (f"; failed: {', '.join(failed)}" if failed else "")
    )
    lines.append("(peak RSS: the largest process of the script's tree that was waited for)")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="pass --quick where accepted")
    parser.add_argument("--timeout", type=float, default=900.0, help="per script, seconds")
    parser.add_argument("--only", nargs="+", help="script names, e.g. pipeline fetch")
    parser.add_argument("--save", action="store_true", help="also write bench/results/*.txt")
    args = parser.parse_args()
    scripts = discover(args.only)
    if not scripts:
        raise SystemExit("no bench/bench_*.py script matches")
    log: list[str] = []
    outcomes = [run_one(s, args.quick, args.timeout, log) for s in scripts]
    text = summary(outcomes)
    sys.stdout.write(text)
    if args.save:
        out = HERE / "results" / f"{datetime.now(UTC):%Y-%m-%dT%H%M%SZ}.txt"
        out.parent.mkdir(exist_ok=True)
        out.write_text("".join(log) + text, encoding="utf-8")
        print(f"saved to {out.relative_to(ROOT)}")
    sys.exit(1 if any(o.status != "ok" for o in outcomes) else 0)


if __name__ == "__main__":
    main()
