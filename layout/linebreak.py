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
        lines.extend(_break_paragraph(para.strip(), width, measure))
    return lines


def _break_paragraph(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    units = _UNITS.findall(text)
    lines: list[str] = []
    start = 0
    while start < len(units):
        end = start + 1  # a line holds at least one unit, however narrow the box
        while end < len(units) and measure("".join(units[start : end + 1])) <= width:
            end += 1
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
        lines.append("".join(units[start:end]).strip())
        start = end
        while start < len(units) and units[start].isspace():
            start += 1
    return [line for line in lines if line]


def _may_break(before: str, after: str) -> bool:
    """Return whether a line may end with `before` and the next begin with `after`."""
    return after[0] not in NO_LINE_START and before[-1] not in NO_LINE_END
