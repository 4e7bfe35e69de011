"""Memory and time to read the worst 5 MB uploads: one base64 PHOTO, a hundred thousand tiny
cards, one 5 MB line, 5 MB of blank lines, a CSV with one huge quoted cell, and more.

    .venv/bin/python -m bench.uploads [--size-mb 5] [--files NAME ...]

Method. Each file (tests/hostile_files.py) is read in a child process of its own, so one file's
memory never shows in another's figure: the child builds the upload in memory (as the bot holds
it after downloading), collects garbage, notes its resident memory (VmRSS, "idle"), runs
`parse_file` (everything the import does with the bytes before matching), and reports its peak
resident memory (VmHWM) over idle and the wall time. Run with PYTHONPATH=<another checkout> to
measure other code (e.g. the code before a change). Target: ≤ 100 MiB over idle for any 5 MB
upload.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time

from tests.hostile_files import HOSTILE, MB


def _status(key: str) -> int:
    """A /proc/self/status figure (VmRSS, VmHWM) in bytes."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {key} in /proc/self/status")


def _child(name: str, size: int) -> None:
    from bot.core.errors import UnreadableFile
    from bot.core.importers import parse_file

    data = HOSTILE[name](size)
    gc.collect()
    idle = _status("VmRSS")
    started = time.perf_counter()
    try:
        parsed = parse_file(data)
        outcome = f"{len(parsed.drafts)} read, {len(parsed.rejected)} skipped"
    except UnreadableFile as error:
        outcome = "refused: " + error.user_message.split(". ")[0]
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "size": len(data),
                "idle": idle,
                "over_idle": _status("VmHWM") - idle,
                "seconds": seconds,
                "outcome": outcome,
            }
        )
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.uploads", description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=float, default=5.0)
    parser.add_argument("--files", nargs="*", default=list(HOSTILE), choices=list(HOSTILE))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    size = int(args.size_mb * MB)
    if args.child:
        _child(args.child, size)
        return
    print(f"{'file':24} {'size':>8} {'idle':>9} {'peak over idle':>15} {'time':>8}  outcome")
    worst = 0
    for name in args.files:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.uploads",
                "--child",
                name,
                "--size-mb",
                str(args.size_mb),
            ],
            capture_output=True,
            text=True,
            check=False,
            env=os.environ,
            timeout=600,
        )
        if result.returncode:
            print(f"{name:24} failed: {result.stderr.strip().splitlines()[-1:]}")
            continue
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        worst = max(worst, figures["over_idle"])
        print(
            f"{name:24} {figures['size'] / MB:6.2f}MB {figures['idle'] / MB:7.1f}MiB "
            f"{figures['over_idle'] / MB:13.1f}MiB {figures['seconds']:7.2f}s  "
            f"{figures['outcome'][:70]}"
        )
    print(f"worst peak over idle: {worst / MB:.1f} MiB (target ≤ 100 MiB)")


if __name__ == "__main__":
    main()
