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
    lines: list[list[str]] = [[]]
    for unit in units:
        line = lines[-1]
        if not line and unit.isspace():
            continue
        if not line or measure("".join(line) + unit) <= width:
            line.append(unit)
            continue
        if unit[0] in NO_LINE_START:
            # Carry the last character down with the punctuation; when the line would be
            # left with a single unit, hang the mark in the margin instead (a small overflow).
            if len(line) > 1:
                carried = line.pop()
                lines.append([carried, unit])
            else:
                line.append(unit)
            continue
        new: list[str] = []
        while len(line) > 1 and line[-1][0] in NO_LINE_END:
            new.insert(0, line.pop())
        lines.append(new + ([] if unit.isspace() else [unit]))
    # A carried-down unit can push a later line over; such lines are rare and within one glyph.
    return ["".join(line).rstrip() for line in lines if line]
