"""Cut a story body into scene texts: one per paragraph, or fitted to a page count, split at sentences."""

from __future__ import annotations

import bisect
from collections.abc import Callable

from .errors import UserError
from .sentences import split_sentences

# Characters of story text on one page: about what a grade-2 picture-book page carries
# at a readable type size under a picture.
MAX_SCENE_CHARS = 160
# Sentences that open with these words start a new moment or place: good places to turn the page.
SCENE_MARKERS = (
    "第二天", "第三天", "第二年", "后来", "从此", "从那以后", "傍晚", "晚上", "夜里", "半夜", "早上", "清晨", "第二天早上",
    "中午", "下午", "黄昏", "天亮", "天黑", "有一天", "一天", "这时", "忽然", "突然", "终于", "过了", "几天后", "回到家",
    "回到", "来到", "走进", "到了", "春天", "夏天", "秋天", "冬天", "於是", "于是", "翌日", "次日", "後來",
)
# Relative costs (in units of squared deviation from the ideal page length, normalised).
_MID_PARAGRAPH = 0.35  # turning the page inside a paragraph
_MARKER_BONUS = 0.2  # turning it right before a time/place change
_CAST_BONUS = 0.15  # turning it where the characters named change


def min_pages(body: str, max_chars: int = MAX_SCENE_CHARS) -> int:
    """Return the fewest scenes split_scenes() can make, without splitting (a cheap page-cap check)."""
    return sum(-(-len(p.strip()) // max_chars) for p in body.split("\n") if p.strip())


def split_scenes(
    body: str, max_chars: int = MAX_SCENE_CHARS, pages: int | None = None,
    presence: Callable[[str], frozenset[str]] | None = None,
) -> list[str]:
    """Return the scene texts of `body` in order; joined, they equal `body` less whitespace.

    Without `pages`: one scene per paragraph, long paragraphs split into balanced pages.
    With `pages`: exactly that many scenes, merged or split at sentence boundaries.
    `presence(sentence)` names who a sentence mentions: a page preferably turns where that changes.
    """
    paragraphs = [split_sentences(p.strip()) for p in body.split("\n") if p.strip()]
    if pages is None:
        scenes = []
        for sentences in paragraphs:
            total = sum(map(len, sentences))
            scenes.extend(_partition([(s, False) for s in sentences], -(-total // max_chars), max_chars, presence))
        return scenes
    units = [(s, i == 0 and k > 0) for k, sentences in enumerate(paragraphs) for i, s in enumerate(sentences)]
    if pages < 1:
        raise UserError("--pages must be at least 1")
    if pages > len(units):
        raise UserError(f"the story has {len(units)} sentences: it fills at most {len(units)} pages, not {pages}")
    total = sum(len(s) for s, _ in units)
    if total > pages * max_chars * 1.0:
        need = -(-total // max_chars)
        raise UserError(
            f"{total} characters do not fit {pages} pages of at most {max_chars}; use --pages {need} or more"
        )
    return _partition(units, pages, max_chars, presence)


def _partition(
    units: list[tuple[str, bool]], groups: int, max_chars: int,
    presence: Callable[[str], frozenset[str]] | None = None,
) -> list[str]:
    """Return `units` (sentence, starts_paragraph) joined into `groups` pages of balanced length.

    Dynamic programming over break points: cost = squared deviation from the mean page length,
    plus a penalty for breaking inside a paragraph, minus a bonus before a scene marker. Pages
    over `max_chars` are allowed only where a single sentence is longer than that.
    """
    n = len(units)
    groups = max(1, min(groups, n))
    if groups == 1:
        return ["".join(s for s, _ in units).strip()]
    prefix = [0]
    for s, _ in units:
        prefix.append(prefix[-1] + len(s))
    target = prefix[-1] / groups

    who = [presence(s) for s, _ in units] if presence else [frozenset()] * n

    def break_cost(j: int) -> float:
        """Cost of starting a page at unit j."""
        text, new_paragraph = units[j]
        cost = 0.0 if new_paragraph else _MID_PARAGRAPH
        if text.lstrip("“「『‘ ").startswith(SCENE_MARKERS):
            cost -= _MARKER_BONUS
        if who[j] and who[j - 1] and who[j] != who[j - 1]:
            cost -= _CAST_BONUS  # someone arrives or leaves: a natural page turn
        return cost

    inf = float("inf")
    # best[g][j]: least cost of putting units[:j] on g pages; back[g][j]: where the last page starts.
    best = [[inf] * (n + 1) for _ in range(groups + 1)]
    back = [[0] * (n + 1) for _ in range(groups + 1)]
    best[0][0] = 0.0
    total = prefix[-1]
    for g in range(1, groups + 1):
        # Only break points that leave the other pages able to hold the rest (a narrow band
        # when the page count is tight): keeps a 100,000-character story linear, not quadratic.
        lo = bisect.bisect_left(prefix, total - (groups - g) * max_chars)
        hi = bisect.bisect_right(prefix, g * max_chars) - 1
        for j in range(max(g, lo), min(n - (groups - g), hi) + 1):
            # The last page is units[i:j]; walk i back while the page still fits.
            i = j - 1
            while i >= g - 1:
                length = prefix[j] - prefix[i]
                if length > max_chars and i < j - 1:
                    break
                if best[g - 1][i] < inf:
                    cost = best[g - 1][i] + ((length - target) / target) ** 2 + (break_cost(i) if i > 0 else 0.0)
                    if cost < best[g][j]:
                        best[g][j], back[g][j] = cost, i
                i -= 1
    if best[groups][n] == inf:  # cannot fit: fall back to greedy pages (never drop text)
        return _greedy(units, max_chars)
    cuts, j = [], n
    for g in range(groups, 0, -1):
        i = back[g][j]
        cuts.append((i, j))
        j = i
    return ["".join(s for s, _ in units[i:j]).strip() for i, j in reversed(cuts)]


def _greedy(units: list[tuple[str, bool]], max_chars: int) -> list[str]:
    pages, current = [], ""
    for s, _ in units:
        if current and len(current) + len(s) > max_chars:
            pages.append(current.strip())
            current = ""
        current += s
    if current.strip():
        pages.append(current.strip())
    return pages
