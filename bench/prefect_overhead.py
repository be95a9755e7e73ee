"""Prefect's share of `huiben build`: the CLI (Prefect flow) against the same work called directly.

Both run as fresh processes on the same sample with the preview renderer, into fresh folders, so
imports and start-up count on both sides. Prints medians and the ratio.

    .venv/bin/python bench/prefect_overhead.py [--runs 3] [--story samples/kite_day.txt]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_directly(story: str, out: str) -> None:
    """Do the flow's work with plain library calls: no Prefect anywhere."""
    from layout.book import write_book
    from layout.export import REVIEW_DPI, export_pages, write_contact_sheet
    from layout.fonts import find_cjk_font
    from layout.manifest import build_manifest, write_manifest
    from render.pages import render_pages
    from render.preview import PreviewRenderer
    from storyboard.build import build_storyboard
    from storyboard.story_text import read_story
    from storyboard.storyboard_file import save_storyboard

    out_dir = Path(out)
    font = find_cjk_font()
    board = build_storyboard(read_story(story))
    renderer = PreviewRenderer(str(font))
    jobs = renderer.plan_jobs(board)
    pictures = render_pages(renderer, jobs, out_dir / "renders")
    write_book(board, pictures, out_dir / "book.pdf", font)
    sb = save_storyboard(board, out_dir / "storyboard.yaml")
    copies = export_pages(pictures, out_dir / "pictures")
    pages = export_pages(out_dir / "book.pdf", out_dir / "pages", dpi=REVIEW_DPI)
    write_contact_sheet(pages, out_dir / "contact.png")
    manifest = build_manifest(board, sb, copies, [j.key() for j in jobs], out_dir / "book.pdf", "preview", "", font, {})
    write_manifest(manifest, out_dir / "manifest.json")


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--story", default="samples/kite_day.txt")
    parser.add_argument("--direct", nargs=2, metavar=("STORY", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.direct:
        build_directly(*args.direct)
        return

    huiben = str(Path(sys.executable).with_name("huiben"))
    flow_times, direct_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        # A warm PREFECT_HOME (database already created), as a user has after the first build.
        env = {**os.environ, "PREFECT_HOME": f"{tmp}/prefect-home", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
               "DO_NOT_TRACK": "1"}
        env.pop("PREFECT_API_URL", None)
        timed([huiben, "build", args.story, "--out", f"{tmp}/warmup"], env)
        for i in range(args.runs):
            flow_times.append(timed([huiben, "build", args.story, "--out", f"{tmp}/flow{i}"], env))
            direct_times.append(timed([sys.executable, __file__, "--direct", args.story, f"{tmp}/direct{i}"], env))
    flow, direct = statistics.median(flow_times), statistics.median(direct_times)
    print(f"story: {args.story}  runs: {args.runs}")
    print(f"huiben build (Prefect flow, temporary server): median {flow:.2f} s  {[round(t, 2) for t in flow_times]}")
    print(f"same work, plain Python:                      median {direct:.2f} s  {[round(t, 2) for t in direct_times]}")
    print(f"Prefect's share: {flow - direct:.2f} s ({(flow - direct) / flow:.0%}); ratio flow/direct = {flow / direct:.2f}")


if __name__ == "__main__":
    main()
