"""Storyboard speed on a 100,000-character story, as a ratio to `jieba.lcut` alone on the same text.

    .venv/bin/python bench/storyboard_speed.py [--chars 100000] [--runs 5]

Goal (issue 3): ratio <= 2.0. Both sides run after jieba.initialize(), in this process, on the same text.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from storyboard.build import build_storyboard  # noqa: E402
from storyboard.story_text import StoryText, read_story  # noqa: E402
from storyboard.words import tag_words  # noqa: E402


def make_text(chars: int) -> str:
    """Return a long story body: the samples' paragraphs, repeated until `chars` characters."""
    paragraphs = []
    for path in sorted((ROOT / "samples").glob("*.txt")):
        paragraphs += [p for p in read_story(path).body.split("\n") if p.strip()]
    out, n, i = [], 0, 0
    while n < chars:
        p = paragraphs[i % len(paragraphs)]
        out.append(p)
        n += len(p)
        i += 1
    return "\n\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    tag_words("预热")  # one-time loads (jieba's dictionary and its tag table) are outside both timings
    body = make_text(args.chars)
    story = StoryText(source="bench", encoding="utf-8", sha256="-", title="长故事", body=body)
    lcut_times, board_times = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        jieba.lcut(body)
        lcut_times.append(time.perf_counter() - start)
        tag_words.cache_clear()  # no help from the previous run's segmentation
        start = time.perf_counter()
        board = build_storyboard(story, max_pages=100_000)
        board_times.append(time.perf_counter() - start)
    lcut, full = statistics.median(lcut_times), statistics.median(board_times)
    print(f"text: {len(body):,} characters, {len(board.scenes)} scenes, {len(board.characters)} characters found")
    print(f"jieba.lcut alone: median {lcut:.3f} s   storyboard: median {full:.3f} s   ({args.runs} runs)")
    print(f"ratio storyboard / lcut = {full / lcut:.2f}  (goal <= 2.0)")


if __name__ == "__main__":
    main()
