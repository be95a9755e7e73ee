"""Chinese line breaking: no line starts with closing punctuation or ends with opening punctuation."""

from __future__ import annotations

import re
from collections.abc import Callable

# 避头: never at the start of a line.  避尾: never at the end of a line.
NO_LINE_START = set("，。！？、；：”’」』）》〉】…—·,.!?;:)]}%")
NO_LINE_END = set("“‘「『（《〈【([{")
# A Latin word or a number is one unbreakable unit.
_UNITS = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,'’%-]*|\s+|.", re.S)


def break_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Return the lines of `text` fitted to `width` (same units as `measure`), kinsoku rules applied."""
    lines: list[str] = []
    for para in text.split("\n"):
        units = split_units(para.strip())
        widths = [measure(u) for u in units]  # widths add up: reportlab applies no kerning
        lines.extend(
            line for a, b in break_units(units, widths, width) if (line := "".join(units[a:b]).strip())
        )
    return lines


def split_units(text: str) -> list[str]:
    """Return the unbreakable units of one paragraph: single characters, Latin words, numbers, spaces."""
    return _UNITS.findall(text)


def break_units(
    units: list[str], widths: list[float], width: float, squeeze: list[float] | None = None
) -> list[tuple[int, int]]:
    """Return (start, end) unit ranges, one per line, that fit `width`; spaces at a break are dropped.

    squeeze: how much each unit can give up (the blank half of a full-width ，。「」…). When closing
    marks would start the next line, the line keeps them if squeezing its marks makes room; the
    caller squeezes such lines (their natural width exceeds `width`). Otherwise the line steps back.
    """
    lines: list[tuple[int, int]] = []
    start = 0
    while start < len(units) and units[start].isspace():
        start += 1
    while start < len(units):
        end, used = start + 1, widths[start]  # a line holds at least one unit, however narrow the box
        while end < len(units) and used + widths[end] <= width:
            used += widths[end]
            end += 1
        if end < len(units) and squeeze and not _may_break(units[end - 1], units[end]):
            ext, longer = end, used
            while ext < len(units) and units[ext][0] in NO_LINE_START:
                longer += widths[ext]
                ext += 1
            if (ext == len(units) or _may_break(units[ext - 1], units[ext])) and longer - width <= sum(squeeze[start:ext]):
                end = ext  # squeezed by the caller
        if end < len(units):
            # Step back to the nearest allowed break; if the whole line has none, hang the
            # closing marks in the margin instead (a small overflow beats a broken rule).
            cut = end
            while cut > start + 1 and not _may_break(units[cut - 1], units[cut]):
                cut -= 1
            if not _may_break(units[cut - 1], units[cut]):
                cut = end
                while cut < len(units) and units[cut][0] in NO_LINE_START:
                    cut += 1
            end = cut
        stop = end
        while stop > start and units[stop - 1].isspace():
            stop -= 1
        if stop > start:
            lines.append((start, stop))
        start = end
        while start < len(units) and units[start].isspace():
            start += 1
    return lines


def _may_break(before: str, after: str) -> bool:
    """Return whether a line may end with `before` and the next begin with `after`."""
    return after[0] not in NO_LINE_START and before[-1] not in NO_LINE_END
