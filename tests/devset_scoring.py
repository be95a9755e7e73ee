"""Score cast finding on the annotated dev set (tests/devset): cast F1 and per-paragraph character F1.

    .venv/bin/python tests/devset_scoring.py      # prints a per-story table
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

DEVSET = Path(__file__).resolve().parent / "devset"
sys.path.insert(0, str(DEVSET.parent.parent))

from storyboard.build import build_storyboard  # noqa: E402
from storyboard.story_text import read_story  # noqa: E402


@dataclass
class Score:
    """True/false positives and false negatives, with F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Score") -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0


def score_story(name: str) -> tuple[Score, Score, dict]:
    """Return (cast score, per-paragraph score, details) for one dev-set story."""
    gold = yaml.safe_load((DEVSET / f"{name}.yaml").read_text(encoding="utf-8"))
    story = read_story(DEVSET / gold["file"])
    board = build_storyboard(story)
    gold_forms = {c["name"]: {c["name"], *c["aliases"]} for c in gold["characters"]}

    # A predicted character matches the gold character sharing most of its forms.
    mapping: dict[str, str] = {}
    for c in board.characters:
        forms = {c.name, *c.aliases}
        best = max(gold_forms, key=lambda g: len(forms & gold_forms[g]), default=None)
        if best and forms & gold_forms[best] and best not in mapping.values():
            mapping[c.name] = best
    cast = Score(tp=len(mapping), fp=len(board.characters) - len(mapping), fn=len(gold_forms) - len(mapping))

    # Scenes back to paragraphs: a long paragraph may be split over several scenes.
    paragraphs = [p for p in story.body.split("\n") if p.strip()]
    squeeze = lambda t: re.sub(r"\s+", "", t)  # noqa: E731
    para_chars: list[set[str]] = [set() for _ in paragraphs]
    para, used = 0, 0
    for scene in board.scenes:
        names = {mapping.get(n, f"?{n}") for n in scene.characters}
        para_chars[para] |= names
        used += len(squeeze(scene.text))
        while para < len(paragraphs) - 1 and used >= len(squeeze(paragraphs[para])):
            used -= len(squeeze(paragraphs[para]))
            para += 1
    scenes = Score()
    for predicted, expected in zip(para_chars, gold["paragraphs"]):
        expected = set(expected)
        scenes.add(Score(tp=len(predicted & expected), fp=len(predicted - expected), fn=len(expected - predicted)))
    details = {
        "found": {c.name: c.aliases for c in board.characters},
        "missed": sorted(set(gold_forms) - set(mapping.values())),
        "extra": sorted(set(c.name for c in board.characters) - set(mapping)),
    }
    return cast, scenes, details


def score_devset() -> tuple[Score, Score, dict[str, tuple[Score, Score, dict]]]:
    """Return the micro-averaged cast and scene scores over the whole dev set, and per story."""
    total_cast, total_scenes, per_story = Score(), Score(), {}
    for path in sorted(DEVSET.glob("*.yaml")):
        cast, scenes, details = score_story(path.stem)
        total_cast.add(cast)
        total_scenes.add(scenes)
        per_story[path.stem] = (cast, scenes, details)
    return total_cast, total_scenes, per_story


if __name__ == "__main__":
    cast, scenes, per_story = score_devset()
    for name, (c, s, d) in per_story.items():
        print(f"{name:<10} cast F1 {c.f1:.2f}  scene F1 {s.f1:.2f}  missed {d['missed']}  extra {d['extra']}")
    print(f"ALL        cast F1 {cast.f1:.3f}  per-scene character F1 {scenes.f1:.3f}  (goals 0.90 / 0.85)")
