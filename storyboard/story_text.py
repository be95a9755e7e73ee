"""Read a story file in any common Chinese encoding into a StoryText (title + body)."""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from .errors import UserError
from .files import sha256_bytes

# A story is text a person wrote; 10 MB is far beyond any picture book and bounds memory.
MAX_STORY_BYTES = 10 * 1024 * 1024
# A title is one short line without sentence-ending punctuation.
MAX_TITLE_CHARS = 30

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# Control characters other than newline and tab are noise (NUL from broken editors, form feeds).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b\ufeff]")
_HAN_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TITLE_MARKS = "《》〈〉「」『』\"“”#＃ 　\t"
_SENTENCE_END = set("。！？!?…")


class StoryText(BaseModel):
    """A decoded, normalised story: the title line apart from the body."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    encoding: str
    sha256: str
    title: str
    body: str
    notes: list[str] = []  # things the user should know, e.g. "no Chinese characters"


def read_story(path: Path | str, encoding: str | None = None) -> StoryText:
    """Return the StoryText of a file; raise UserError for anything a user must fix."""
    path = Path(path)
    data = _read_bytes(path)
    if encoding:
        try:
            text = data.decode(encoding)
        except LookupError:
            raise UserError(f"{path}: unknown encoding '{encoding}'; try utf-8, gb18030 or big5") from None
        except UnicodeDecodeError as e:
            raise UserError(f"{path}: not valid {encoding} at byte {e.start}; check --encoding") from None
    else:
        text, encoding = decode_story_bytes(data, path)
    text = normalise_text(text)
    if not text.strip():
        raise UserError(f"{path}: the story is empty (only whitespace); write the story text into it")
    if not any(c.isalnum() for c in text):
        raise UserError(f"{path}: has no words, only punctuation or symbols; give the story text")
    title, body = split_title(text, fallback=path.stem)
    notes = []
    if not _HAN_CHAR.search(text):
        notes.append(f"{path}: no Chinese characters found; huiben is made for Chinese stories, the book may look odd")
    return StoryText(source=str(path), encoding=encoding, sha256=sha256_bytes(data), title=title, body=body, notes=notes)


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise UserError(f"{path}: no such file; give the path of a story text file")
    if path.is_dir():
        raise UserError(f"{path}: is a directory; give one story file (use `huiben batch` for folders)")
    size = path.stat().st_size
    if size > MAX_STORY_BYTES:
        raise UserError(f"{path}: {size / 1e6:.1f} MB is too large for a story (limit 10 MB); split it into books")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UserError(f"{path}: cannot be read ({e.strerror}); check its permissions") from None
    if not data.strip():
        raise UserError(f"{path}: the story is empty; write the story text into it")
    return data


def decode_story_bytes(data: bytes, path: Path | str = "story") -> tuple[str, str]:
    """Return (text, encoding) for story bytes: BOM, then UTF-8, then the likelier of GB18030/Big5."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                raise UserError(f"{path}: starts with a {name} mark but is not valid {name}; re-save it as UTF-8") from None
    if _looks_binary(data):
        raise UserError(f"{path}: looks like binary data, not text; give a plain-text story (.txt)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for name in ("gb18030", "big5"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        candidates.append((_chinese_score(text), name, text))
    # GB18030 first on a tie: it is the mainland standard and a superset of GBK/GB2312.
    best = max(candidates, key=lambda c: (c[0], c[1] == "gb18030"), default=None)
    if best and best[0] >= 0.5:
        return best[2], best[1]
    # Mostly ASCII with a few high bytes: a Western legacy text (Windows-1252). General detectors
    # (charset-normalizer) were tried: on short texts they chose cp1250 for French and a Cyrillic
    # page for random bytes, so they are not trusted here.
    if sum(b < 128 for b in data) >= len(data) * 0.8:
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    if best:
        return best[2], best[1]
    raise UserError(f"{path}: cannot tell the encoding (not UTF-8, GB18030 or Big5); re-save it as UTF-8 or pass --encoding")


def _looks_binary(data: bytes) -> bool:
    # Many NULs or C0 control bytes mean a binary file; a few NULs (a broken editor) are text
    # and are dropped later. UTF-16 without a BOM is not supported.
    head = data[:4096]
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13, 12, 27))
    return head.count(0) > len(head) // 20 or controls > len(head) // 10


def _chinese_score(text: str) -> float:
    """Return the share of non-ASCII characters that are common Chinese characters or punctuation.

    A wrong legacy decoding still "succeeds" but yields kana, symbols and rare characters; the
    right one yields mostly characters from the frequent tiers of GB2312 (level 1) or Big5 (level 1).
    """
    wide = [c for c in text if ord(c) > 127]
    if not wide:
        return 0.0
    good = 0
    for c in wide:
        if c in "，。！？、；：“”‘’「」『』（）《》…—·":
            good += 1
            continue
        if _is_common_han(c):
            good += 1
    return good / len(wide)


def _is_common_han(c: str) -> bool:
    try:
        b = c.encode("gb2312")
        if len(b) == 2 and 0xB0 <= b[0] <= 0xD7:  # GB2312 level 1: the 3,755 most used
            return True
    except UnicodeEncodeError:
        pass
    try:
        b = c.encode("big5")
        if len(b) == 2 and 0xA4 <= b[0] <= 0xC6:  # Big5 level 1: the 5,401 most used
            return True
    except UnicodeEncodeError:
        pass
    return False


def normalise_text(text: str) -> str:
    """Return text with LF line ends, no control characters, full-width ASCII letters/digits made half-width."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    # NFKC only on full-width ASCII letters and digits: NFKC on everything would also turn
    # Chinese punctuation (，。！？) into ASCII, which changes the text of the book.
    return "".join(
        unicodedata.normalize("NFKC", c) if "\uff10" <= c <= "\uff5a" and c.isalnum() else c for c in text
    )


def split_title(text: str, fallback: str) -> tuple[str, str]:
    """Return (title, body): the first line when it reads as a title, else a title made from `fallback`."""
    lines = text.strip().split("\n")
    first = lines[0].strip()
    rest = "\n".join(lines[1:]).strip()
    if rest and _is_title_line(first):
        return first.strip(_TITLE_MARKS) or first, rest
    return _title_from_name(fallback), text.strip()


def _is_title_line(line: str) -> bool:
    if not line or len(line) > MAX_TITLE_CHARS:
        return False
    core = line.strip(_TITLE_MARKS)
    return bool(core) and core[-1] not in _SENTENCE_END and not any(c in "，,；;" for c in core)


def _title_from_name(stem: str) -> str:
    # "kite_day.gb18030" -> "kite day": drop encoding suffixes and separators.
    name = stem.split(".")[0].replace("_", " ").replace("-", " ").strip()
    return name or "Untitled"
