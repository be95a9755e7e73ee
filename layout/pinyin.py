"""Pinyin with tone marks for every Chinese character, polyphones read in word context."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, pinyin
from pypinyin.constants import PHRASES_DICT

# Readings pypinyin gets wrong in children's stories (checked with pypinyin 0.55), one syllable per character.
PHRASE_OVERRIDES: dict[str, tuple[str, ...]] = {
    "数一数": ("shǔ", "yi", "shǔ"),  # to count (shǔ), not a number (shù)
    "数星星": ("shǔ", "xīng", "xing"),
    "不得不": ("bù", "dé", "bù"),
    "得意": ("dé", "yì"),
}
# 一 keeps its own tone after these (第一, 十一, 统一, 星期一, 万一…) and before a month or number.
_YI_KEEPS_AFTER = set("第十初统唯万之期周零一二三四五六七八九百千")
_YI_KEEPS_BEFORE = set("月号日一二三四五六七八九十百千万亿")
_PRONOUNS = set("我你他她它们咱")  # 我得走了 (děi) and 他得了 (dé): 得 after a pronoun keeps pypinyin's reading
# 着 after these verbs marks an ongoing action (迎着风 yíng zhe fēng), whatever phrase follows (着风 zháo fēng).
_ZHE_AFTER = set("迎顶逆顺冒吹对朝向望看听跟拿抱背牵拉握举带穿戴躺坐站等唱笑哭说写画頂順對聽牽舉帶說寫畫")


def pinyin_for(text: str) -> list[str | None]:
    """Return one tone-marked syllable per character of `text` (None for punctuation, Latin, digits)."""
    return list(_pinyin_cached(text))


@lru_cache(maxsize=4096)
def _pinyin_cached(text: str) -> tuple[str | None, ...]:
    # errors=: one None per non-Chinese character, else pypinyin merges runs of them into one item.
    items = pinyin(text, style=Style.TONE, errors=lambda chars: [[None]] * len(chars))
    syllables: list[str | None] = [item[0] or None for item in items]
    if len(syllables) != len(text):  # never seen; keep the one-per-character contract all the same
        syllables = [(pinyin(c, style=Style.TONE, errors=lambda x: [[None]])[0][0] or None) for c in text]
    _apply_overrides(text, syllables)
    for i, ch in enumerate(text):
        if syllables[i] is None:
            continue
        if ch == "地":
            syllables[i] = _read_di(text, i, syllables[i])
        elif ch == "得":
            syllables[i] = _read_de(text, i, syllables[i])
        elif ch in "着著" and i > 0 and text[i - 1] in _ZHE_AFTER:  # 著: the traditional form
            syllables[i] = "zhe"
    _apply_tone_sandhi(text, syllables)
    return tuple(s if s else None for s in syllables)


def _apply_overrides(text: str, syllables: list[str | None]) -> None:
    for phrase, reading in PHRASE_OVERRIDES.items():
        start = text.find(phrase)
        while start >= 0:
            for k, syllable in enumerate(reading):
                syllables[start + k] = syllable or None
            start = text.find(phrase, start + len(phrase))


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\U00020000" <= ch <= "\U0003134f"


@lru_cache(maxsize=1)
def _words() -> dict[str, int]:
    """Return jieba's word frequencies (loaded once, about 0.6 s): which character pairs are words."""
    import jieba

    jieba.setLogLevel(60)
    jieba.dt.check_initialized()
    return jieba.dt.FREQ


def _is_word(w: str) -> bool:
    return len(w) > 1 and _words().get(w, 0) > 0  # jieba lists every word prefix with count 0


def _read_di(text: str, i: int, default: str) -> str:
    """地 after an adverbial word is the particle de (开心地, 慢慢地); 草地, 满地, 地上 keep dì."""
    if i < 1 or not _is_han(text[i - 1]):
        return default
    if i >= 2 and _is_word(text[i - 2 : i + 1]):  # 目的地
        return default
    before = text[i - 2 : i] if i >= 2 else ""
    after_word = _is_word(text[i : i + 2])
    noun = _is_word(text[i - 1 : i + 1])
    adverbial = (len(before) == 2 and (before[0] == before[1] or _is_word(before))) or (i >= 4 and text[i - 4 : i - 2] == before)
    if adverbial and not (noun and after_word):  # 小草地上: 草地 + 地上 is the ground
        return "de"
    return default


def _read_de(text: str, i: int, default: str) -> str:
    """得 between a verb/adjective and its complement is the particle de (跑得快, 长得高)."""
    if default != "dé" or i < 1 or not _is_han(text[i - 1]) or i + 1 >= len(text) or not _is_han(text[i + 1]):
        return default
    if text[i - 1] in _PRONOUNS or text[i - 1 : i + 1] in PHRASES_DICT or _is_word(text[i : i + 2]):
        return default  # 获得, 得到: dé as a verb
    if _is_word(text[i - 1 : i + 1]) and text[i - 1 : i + 1] not in ("长得",):
        return default  # 取得, 难得: a word of its own; pypinyin's dé is right
    return "de"


def _tone(syllable: str | None) -> int:
    """Return the tone (1–4) of a tone-marked syllable, 5 for a neutral one."""
    if not syllable:
        return 0
    for ch in syllable:
        for tone, marks in enumerate(("āēīōūǖ", "áéíóúǘńḿ", "ǎěǐǒǔǚň", "àèìòùǜǹ"), start=1):
            if ch in marks:
                return tone
    return 5


def _apply_tone_sandhi(text: str, syllables: list[str | None]) -> None:
    """Mark 一 and 不 with their changed tones, as primary-school textbooks do (一个 yí gè, 不是 bú shì)."""
    for i, ch in enumerate(text):
        if ch not in "一不" or i + 1 >= len(text) or syllables[i + 1] is None:
            continue
        nxt = _tone(syllables[i + 1])
        if ch == "不" and syllables[i] == "bù" and nxt == 4:
            syllables[i] = "bú"
        elif ch == "一" and syllables[i] == "yī":
            if i > 0 and text[i - 1] == text[i + 1]:  # 看一看, 数一数: a light yi between a doubled verb
                syllables[i] = "yi"
            elif (i > 0 and text[i - 1] in _YI_KEEPS_AFTER) or text[i + 1] in _YI_KEEPS_BEFORE:
                continue
            else:
                syllables[i] = "yí" if nxt in (4, 5) else "yì"
