"""Cut a story body into scene texts: one per paragraph, long paragraphs split at sentences."""

from __future__ import annotations

from .sentences import split_sentences

# Characters of story text on one page: about what a grade-2 picture-book page carries
# at a readable type size under a picture.
MAX_SCENE_CHARS = 160


def split_scenes(body: str, max_chars: int = MAX_SCENE_CHARS) -> list[str]:
    """Return the scene texts of `body` in order; joined, they equal `body` less whitespace."""
    scenes: list[str] = []
    for paragraph in body.split("\n"):
        paragraph = paragraph.strip()
        if paragraph:
            scenes.extend(_balance(split_sentences(paragraph), max_chars))
    return scenes


def _balance(sentences: list[str], max_chars: int) -> list[str]:
    """Return sentences grouped into as few pages as fit `max_chars`, with similar lengths."""
    total = sum(len(s) for s in sentences)
    if total <= max_chars:
        return ["".join(sentences).strip()]
    pages = -(-total // max_chars)  # ceiling division
    target = total / pages
    groups: list[str] = []
    current = ""
    for s in sentences:
        # Close the page when adding this sentence would overshoot the target more than
        # stopping short of it does, or would overflow the page outright.
        if current and (
            len(current) + len(s) > max_chars
            or abs(len(current) + len(s) - target) > abs(len(current) - target)
        ):
            groups.append(current.strip())
            current = ""
        current += s
    if current.strip():
        groups.append(current.strip())
    return [g for g in groups if g]
