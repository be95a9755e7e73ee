"""jieba word segmentation with part-of-speech tags, loaded once and cached per text."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=64)
def pos_words(text: str) -> list[tuple[str, str]]:
    """Return jieba's (word, part-of-speech) pairs for `text`."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)  # jieba logs its dictionary loading at INFO on stderr
    return [(p.word, p.flag) for p in jieba.posseg.cut(text)]


def word_spans(text: str) -> set[tuple[int, int]]:
    """Return the (start, end) offsets of jieba's words in `text`."""
    spans, pos = set(), 0
    for w, _ in pos_words(text):
        spans.add((pos, pos + len(w)))
        pos += len(w)
    return spans
