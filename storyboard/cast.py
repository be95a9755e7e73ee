"""Find a story's characters (people, kin/role words, acting animals) and who appears in each scene.

jieba's `nr` tag alone misses most story characters (see shared/PITFALLS.md), so candidates come
from three places — generic animal and kinship lexicons, jieba's name tags and unknown words, and
surname patterns — and a candidate becomes a character only when the text shows it acting or
speaking. Every count comes from one pass of one combined regex over the text, so a 100,000-
character novel costs little more than its segmentation.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from .lexicon import (
    ANIMALS,
    COLOURS,
    GROUP_SUFFIXES,
    KIN_GENDER,
    KIN_ROLES,
    PRONOUNS,
    SIZE_PREFIXES,
    SPEECH_ADVERBS,
    SPEECH_VERBS,
    SURNAMES,
    THING_SUFFIXES,
    TITLE_ROLES,
    VERBISH_ENDINGS,
)
from .words import UNKNOWN, Word, tag_words

_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
# Characters after which a word stands at the start of a clause (a likely subject).
_CLAUSE_START = set("，。！？；：、“”「」『』‘’（）…—\n ")
_CONJUNCTIONS = ("和", "跟", "与", "同", "对", "向", "给", "帮", "叫", "让", "请", "找", "看见", "发现")
_ANIMAL_RE = re.compile(
    rf"(?:[{SIZE_PREFIXES}])?(?:[{COLOURS}])?(?:{'|'.join(ANIMALS)})(?:{'|'.join(KIN_ROLES)})?"
)
# Optional surname before a title (李老师), optional kin word after a role (警察叔叔, 医生阿姨).
_KIN_RE = re.compile(
    rf"(?:[{''.join(sorted(SURNAMES))}](?={'|'.join(TITLE_ROLES)}))?(?:{'|'.join(KIN_ROLES)})"
    rf"(?:叔叔|阿姨|伯伯|爷爷|奶奶|姐姐|哥哥)?"
)
# Words tagged as names that are not names in stories (see PITFALLS): places and objects.
_NOT_NAME_ENDINGS = ("河", "边", "山", "村", "路", "街", "城", "的", "了", "上", "里", "着", "说", "们")
_NAME_TAGS = ("nr", "nrt", "nrfg", UNKNOWN)

Spans = dict[str, list[tuple[int, int]]]


@dataclass
class CastMember:
    """A character found in the text: canonical name, aliases, kind and evidence counts."""

    name: str
    aliases: list[str] = field(default_factory=list)
    kind: str = "person"  # person | kin | animal
    species: str = ""  # for named animals (小熊多多 -> 小熊)
    gender: str = ""  # male | female | "" (from kin words or the pronouns after its mentions)
    mentions: int = 0
    traits: dict[str, str] = field(default_factory=dict)  # what the text says: colour, age, outfit

    def forms(self) -> list[str]:
        """Return every surface form, longest first (for matching in scene text)."""
        return sorted({self.name, *self.aliases}, key=len, reverse=True)


def find_cast(text: str) -> list[CastMember]:
    """Return the characters of a (simplified Chinese) story, most mentioned first."""
    words = tag_words(text)
    candidates: dict[str, CastMember] = {}
    for form, kind in _lexicon_candidates(text, words) + _name_candidates(words):
        candidates.setdefault(form, CastMember(name=form, kind=kind))
    spans = find_spans(text, list(candidates))
    members = _merge_aliases(candidates, spans, text)
    cast = []
    for m in members:
        m.mentions = sum(len(spans.get(f, ())) for f in m.forms())
        if _is_character(text, m, spans):
            m.gender = _guess_gender(text, m, spans)
            m.traits = find_traits(text, m, spans)
            cast.append(m)
    cast.sort(key=lambda m: -m.mentions)
    return cast


def cast_index(cast: list[CastMember]) -> dict[str, str]:
    """Return {surface form: canonical name} for every name and alias of the cast."""
    return {f: m.name for m in cast for f in m.forms()}


def find_scene_characters(scene_text: str, owner: dict[str, str]) -> list[str]:
    """Return the canonical names of the characters a scene mentions, in order of first mention.

    `owner` comes from cast_index().
    """
    spans = find_spans(scene_text, list(owner))
    first = sorted((s[0][0], owner[f]) for f, s in spans.items() if s)
    return list(dict.fromkeys(name for _, name in first))


def find_spans(text: str, forms: list[str]) -> Spans:
    """Return, per form, its non-overlapping (start, end) spans: leftmost, then longest, wins.

    A form followed by a group or thing suffix (小鸟们, 兔子灯) is consumed but not counted.
    """
    spans: Spans = defaultdict(list)
    if not forms:
        return spans
    for m in _alternation(tuple(sorted(set(forms), key=len, reverse=True))).finditer(text):
        if not _is_group_or_thing(text, m.end()):
            spans[m.group(0)].append(m.span())
    return spans


@lru_cache(maxsize=32)
def _alternation(forms: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(map(re.escape, forms)))


def _lexicon_candidates(text: str, words: tuple[Word, ...]) -> list[tuple[str, str]]:
    found = []
    ends = {w.start: w.end for w in words if len(w.text) == 1}
    for m in _ANIMAL_RE.finditer(text):
        # A bare one-character animal (马, 狼) counts only as a word of its own: not 马上, 狼狈.
        if len(m.group(0)) == 1 and ends.get(m.start()) != m.end():
            continue
        if not _is_group_or_thing(text, m.end()):
            found.append((m.group(0), "animal"))
    by_end = {w.end: w for w in words}
    for m in _KIN_RE.finditer(text):
        if _is_group_or_thing(text, m.end()) or _inside_animal_compound(text, m.start()):
            continue
        found.append((m.group(0), "kin"))
        before = by_end.get(m.start())
        if before and before.tag == "n" and 2 <= len(before.text) <= 3 and m.group(0) in KIN_GENDER:
            found.append((before.text + m.group(0), "thing"))  # 茶壶爷爷: a thing addressed as kin
    return found


_ENDS_WITH_ANIMAL = re.compile(rf"(?:{'|'.join(ANIMALS)})$")


def _inside_animal_compound(text: str, start: int) -> bool:
    # 熊妈妈: the kin word belongs to the animal compound already found.
    return _ENDS_WITH_ANIMAL.search(text, max(0, start - 5), start) is not None


def _name_candidates(words: tuple[Word, ...]) -> list[tuple[str, str]]:
    """Return person-name forms: name-tagged or unknown words, surname + given name, 多多-style names."""
    found, things = [], []
    for i, w in enumerate(words):
        text, tag = w.text, w.tag
        if tag in _NAME_TAGS and 2 <= len(text) <= 3 and _HAN.match(text) and not text.endswith(_NOT_NAME_ENDINGS):
            if not text.endswith(VERBISH_ENDINGS):  # 齐声, 塞进: verbs the dictionary tags as names
                found.append(text)
        at_clause_start = i == 0 or words[i - 1].text[-1] in _CLAUSE_START
        if tag == "n" and 2 <= len(text) <= 3 and at_clause_start and _speaks_next(words, i):
            things.append(text)  # a noun that speaks is a character (a talking teapot)
        nxt = words[i + 1] if i + 1 < len(words) else None
        if text in SURNAMES and nxt and 1 <= len(nxt.text) <= 2 and _HAN.match(nxt.text) and nxt.tag[:1] in ("n", "j", "u"):
            found.append(text + nxt.text)
        if len(text) == 2 and text[0] == text[1] and _HAN.match(text):
            after_animal = i > 0 and _ANIMAL_RE.fullmatch(words[i - 1].text) is not None
            if tag in ("m", "nr", "nz", "n", "ng", UNKNOWN) or after_animal:  # 松鼠跳跳: a name after a species
                found.append(text)
    people = [(f, "person") for f in found if f not in KIN_ROLES and not _ANIMAL_RE.fullmatch(f)]
    return people + [
        (f, "thing") for f in things if f not in KIN_ROLES and f not in SPEECH_ADVERBS and not _ANIMAL_RE.fullmatch(f)
    ]


def _speaks_next(words: tuple[Word, ...], i: int) -> bool:
    """Return whether words[i] is followed by a verb of speech, maybe after one adverb."""
    following = [w.text for w in words[i + 1 : i + 3]]
    if following and following[0] in SPEECH_ADVERBS:
        following = following[1:]
    return bool(following) and following[0].startswith(SPEECH_VERBS) and len(following[0]) <= 2


def _merge_aliases(candidates: dict[str, CastMember], spans: Spans, text: str) -> list[CastMember]:
    """Return candidates with short forms merged into their full form as aliases."""
    members = dict(candidates)

    def count(form: str) -> int:
        return len(spans.get(form, ()))

    def merge(short: str, full: str) -> None:
        if short in members and full in members and short != full:
            target = members[full]
            target.aliases = sorted({*target.aliases, short, *members[short].aliases} - {target.name})
            if members[short].kind == "animal" and target.kind != "animal" and not target.species:
                target.species = short
            del members[short]

    for full in sorted(members, key=len, reverse=True):
        m = members.get(full)
        if m and m.kind == "person" and len(full) == 3 and full[0] in SURNAMES:
            given = full[1:]
            if given not in members and text.count(given) > text.count(full):
                members[given] = CastMember(name=given)  # 王大海 … 大海: the given name used alone
                spans[given] = find_spans(text, [given])[given]
            merge(given, full)  # 林小雨 / 小雨
    for form in [f for f, m in members.items() if m.kind == "animal"]:
        # 小熊多多: an animal word right before a name is that named character's species.
        for other in [f for f, m in members.items() if m.kind == "person"]:
            if form in members and form + other in text:
                members[other].aliases = sorted({*members[other].aliases, form + other})
                if count(form) <= text.count(form + other) + 1:
                    merge(form, other)
                else:
                    members[other].species = form
                break
    for form in list(members):
        if form not in members:
            continue
        for kin in KIN_ROLES:
            if form.endswith(kin) and len(form) > len(kin):
                animal = form[: -len(kin)]
                if animal in members:
                    merge(form, animal)  # 乌龟爷爷 -> alias of 乌龟 when 乌龟 stands alone too
                    break
                if kin in members and sum(1 for f in members if f.endswith(kin)) == 2:
                    merge(kin, form)  # 妈妈 -> 熊妈妈 when only one kind of mother is in the story
                    break
        if form in members and form + "子" in members:
            merge(form, form + "子")  # 小兔 / 小兔子: the same animal
            continue
        base = form[1:] if len(form) > 2 and form[0] in SIZE_PREFIXES else form
        if form in members and base != form and base in members:
            # 小松鼠 / 松鼠: keep the more frequent form as the name.
            keep, drop = (form, base) if count(form) >= count(base) else (base, form)
            merge(drop, keep)
    return list(members.values())


def _is_group_or_thing(text: str, end: int) -> bool:
    after = text[end : end + 2]
    return after.startswith(GROUP_SUFFIXES) or after.startswith(THING_SUFFIXES)


def _is_character(text: str, m: CastMember, spans: Spans) -> bool:
    """Return whether the text shows this candidate acting or speaking, not just named."""
    acting = speaking = 0
    for form in m.forms():
        for s, e in spans.get(form, ()):
            before = text[s - 1] if s else "\n"
            after = text[e : e + 3]
            if after.startswith(SPEECH_VERBS) or after.startswith(("：“", "：「", ":")):
                acting += 2
                speaking += 1
            elif before in _CLAUSE_START or text[max(0, s - 2) : s].endswith(_CONJUNCTIONS):
                acting += 1
    # A named person or a thing must act twice (they are guessed from tags); a creature or a kin
    # word is already a character word, so acting once is enough when it recurs or speaks.
    if m.kind in ("person", "thing"):
        return acting >= 2
    if len(m.name) == 1:  # a bare 鱼 or 马 in classical text is rarely a character
        return acting >= 2 and m.mentions >= 2
    return acting >= 1 and (m.mentions >= 2 or speaking > 0)


_COLOUR_BEFORE = re.compile(rf"([{COLOURS}]色?)的?$")
_OUTFIT_AFTER = re.compile(r"^[^，。！？；：“”「」\n]{0,6}?(穿着|戴着|披着|系着)([^，。！？；：“”「」\n的来去到在走跑往和]{1,6})")
_AGE_NEAR = re.compile(r"([0-9]{1,2}|[一二三四五六七八九十]{1,3})岁")


def find_traits(text: str, m: CastMember, spans: Spans) -> dict[str, str]:
    """Return what the text says about a character's look: colour before, outfit and age after a mention."""
    traits: dict[str, str] = {}
    for form in m.forms():
        for s, e in spans.get(form, ()):
            if "colour" not in traits and (c := _COLOUR_BEFORE.search(text, max(0, s - 3), s)):
                traits["colour"] = c.group(1) if c.group(1).endswith("色") else c.group(1) + "色"
            if "outfit" not in traits and (o := _OUTFIT_AFTER.search(text[e : e + 20])):
                traits["outfit"] = o.group(1) + o.group(2)
            clause = text[max(0, s - 8) : e + 12]
            if "age" not in traits and (a := _AGE_NEAR.search(clause)):
                traits["age"] = a.group(0)
    return traits


def _guess_gender(text: str, m: CastMember, spans: Spans) -> str:
    """Return 'male'/'female' from kin words (妈妈) or the clause-opening pronouns after its mentions."""
    for form in m.forms():
        for kin, gender in KIN_GENDER.items():
            if form.endswith(kin):
                return gender
    votes: Counter[str] = Counter()
    for form in m.forms():
        for _, e in spans.get(form, ()):
            window = text[e : e + 24]
            for i, ch in enumerate(window):
                if ch in PRONOUNS and i > 0 and window[i - 1] in "，。！？；":
                    votes[PRONOUNS[ch]] += 1
                    break
    if not votes:
        return ""
    gender, n = votes.most_common(1)[0]
    return gender if gender in ("male", "female") and n > sum(votes.values()) / 2 else ""
