"""Split Chinese text into sentences that join back into exactly the original text."""

from __future__ import annotations

# Sentence-ending marks; "……" and "——" runs are handled as runs of the same mark.
ENDERS = set("。！？!?…")
OPENERS = {"“": "”", "「": "」", "『": "』", "‘": "’", "（": "）", "(": ")", "《": "》"}
CLOSERS = set(OPENERS.values())
# A sentence with no ending mark (classical text, run-on lines) is cut after this many
# characters, preferring a comma, so that no page receives an unbounded line.
MAX_SENTENCE_CHARS = 120
_SOFT_BREAKS = set("，,；;、：:")


def split_sentences(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[str]:
    """Return the sentences of `text`; "".join(result) == text, always.

    A sentence ends after 。！？… (and any run of them) outside quotes, or after a closing
    quote that follows such a mark, so “你好！” stays whole with its closing quote.
    """
    sentences: list[str] = []
    stack: list[str] = []  # expected closers of the quotes/brackets we are inside
    start = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in OPENERS and not (c in CLOSERS and stack and stack[-1] == c):
            stack.append(OPENERS[c])
        elif c in CLOSERS:
            if c in stack:
                # Pop up to the matching closer: a missing closer inside must not trap us forever.
                while stack and stack.pop() != c:
                    pass
            if not stack and i > 0 and text[i - 1] in ENDERS:
                i = _skip_trailing(text, i + 1)
                sentences.append(text[start:i])
                start = i
                continue
        elif c in ENDERS and not stack:
            i = _skip_trailing(text, i + 1)
            sentences.append(text[start:i])
            start = i
            continue
        elif c == "\n" and not stack:
            # A line break ends a sentence even without a mark (titles, poems, lists).
            i = _skip_trailing(text, i + 1)
            sentences.append(text[start:i])
            start = i
            continue
        i += 1
        if i - start >= max_chars * 2 and stack:
            # An unclosed quote swallowing the text: forget it rather than make one giant sentence.
            stack.clear()
    if start < n:
        sentences.append(text[start:])
    out: list[str] = []
    for s in sentences:
        out.extend(_cut_long(s, max_chars))
    return [s for s in out if s]


def _skip_trailing(text: str, i: int) -> int:
    """Return the index after the run of enders, closers and whitespace that ends a sentence at i."""
    n = len(text)
    while i < n and (text[i] in ENDERS or text[i] in CLOSERS or text[i].isspace()):
        i += 1
    return i


def _cut_long(sentence: str, max_chars: int) -> list[str]:
    """Return `sentence` cut into pieces of at most `max_chars`, after a comma where one is near."""
    pieces = []
    while len(sentence) > max_chars:
        window = sentence[:max_chars]
        cut = max((window.rfind(c) for c in _SOFT_BREAKS), default=-1)
        cut = cut + 1 if cut >= max_chars // 3 else max_chars
        pieces.append(sentence[:cut])
        sentence = sentence[cut:]
    pieces.append(sentence)
    return pieces
