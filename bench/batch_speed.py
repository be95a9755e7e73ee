"""Batch throughput: 20 preview books through `huiben batch`, then the re-run when nothing changed.

    .venv/bin/python bench/batch_speed.py [--books 20]

Prints books per minute for the first run (one Prefect server for the whole batch) and the wall
time of the unchanged re-run, next to 20 separate `huiben build` calls' cost estimate from one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=False, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=20)
    args = parser.parse_args()
    huiben = str(Path(sys.executable).with_name("huiben"))
    samples = sorted((ROOT / "samples").glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        inbox, outbox = Path(tmp) / "inbox", Path(tmp) / "outbox"
        inbox.mkdir()
        for i in range(args.books):
            src = samples[i % len(samples)]
            shutil.copy(src, inbox / f"{i:02d}-{src.name}")
        env = {**os.environ, "PREFECT_HOME": f"{tmp}/prefect-home", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
               "DO_NOT_TRACK": "1"}
        env.pop("PREFECT_API_URL", None)
        timed([huiben, "build", str(samples[0]), "--out", f"{tmp}/warm"], env)  # create the Prefect database
        single = timed([huiben, "build", str(samples[0]), "--out", f"{tmp}/single"], env)
        first = timed([huiben, "batch", str(inbox), "--out", str(outbox)], env)
        books = len(list(outbox.glob("*/book.pdf")))
        again = timed([huiben, "batch", str(inbox), "--out", str(outbox)], env)
    print(f"{books} of {args.books} books built in {first:.1f} s: {60 * books / first:.1f} books/min")
    print(f"re-run with nothing changed: {again:.1f} s")
    print(f"one `huiben build` of one book: {single:.1f} s -> {args.books} separate builds ~{args.books * single:.0f} s")


if __name__ == "__main__":
    main()
