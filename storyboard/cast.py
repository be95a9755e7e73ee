"""Find a story's characters (people, kin/role words, acting animals) and who appears in each scene.

jieba's `nr` tag alone misses most story characters (see shared/PITFALLS.md), so candidates come
from three places — generic animal and kinship lexicons, jieba's name tags, and surname patterns —
and a candidate becomes a character only when the text shows it acting or speaking.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .lexicon import (
    ANIMALS,
    COLOURS,
    GROUP_SUFFIXES,
    KIN_GENDER,
    KIN_ROLES,
    PRONOUNS,
    SIZE_PREFIXES,
    SPEECH_VERBS,
    SURNAMES,
    THING_SUFFIXES,
    TITLE_ROLES,
)
from .words import pos_words, word_spans

_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
# Characters after which a word stands at the start of a clause (a likely subject).
_CLAUSE_START = set("，。！？；：、“”「」『』‘’（）…—\n ") | {""}
_CONJUNCTIONS = ("和", "跟", "与", "同", "对", "向", "给", "帮", "叫", "让", "请", "找", "看见", "发现")
_ANIMAL_RE = re.compile(
    rf"(?:[{SIZE_PREFIXES}])?(?:[{COLOURS}])?(?:{'|'.join(ANIMALS)})(?:{'|'.join(KIN_ROLES)})?"
)
_KIN_RE = re.compile(rf"(?:[{''.join(sorted(SURNAMES))}](?={'|'.join(TITLE_ROLES)}))?(?:{'|'.join(KIN_ROLES)})")
# Words jieba tags as names that are not names in stories (see PITFALLS): places and objects.
_NOT_NAME_ENDINGS = ("河", "边", "山", "村", "路", "街", "城", "的", "了", "上", "里")


@dataclass
class CastMember:
    """A character found in the text: canonical name, aliases, kind and evidence counts."""

    name: str
    aliases: list[str] = field(default_factory=list)
    kind: str = "person"  # person | kin | animal
    species: str = ""  # for animals, and for named animals (小熊多多 -> 小熊)
    gender: str = ""  # male | female | "" (from the pronouns that follow its mentions)
    mentions: int = 0

    def forms(self) -> list[str]:
        """Return every surface form, longest first (for matching in scene text)."""
        return sorted({self.name, *self.aliases}, key=len, reverse=True)


def find_cast(text: str) -> list[CastMember]:
    """Return the characters of a (simplified Chinese) story, most mentioned first."""
    candidates: dict[str, CastMember] = {}
    for form, kind in _lexicon_candidates(text) + _name_candidates(text):
        if form not in candidates:
            candidates[form] = CastMember(name=form, kind=kind)
    members = _merge_aliases(candidates, text)
    cast = []
    for m in members:
        m.mentions = _count_forms(text, m.forms())
        if _is_character(text, m):
            m.gender = _guess_gender(text, m.forms())
            cast.append(m)
    cast.sort(key=lambda m: -m.mentions)
    return cast


def find_scene_characters(scene_text: str, cast: list[CastMember]) -> list[str]:
    """Return the canonical names of the characters a scene mentions, in order of first mention."""
    spans: list[tuple[int, int, str]] = []
    forms = sorted(((f, m.name) for m in cast for f in m.forms()), key=lambda x: -len(x[0]))
    taken = [False] * len(scene_text)
    for form, name in forms:
        for match in re.finditer(re.escape(form), scene_text):
            s, e = match.span()
            if any(taken[s:e]) or _is_group_or_thing(scene_text, e):
                continue
            taken[s:e] = [True] * (e - s)
            spans.append((s, e, name))
    names: list[str] = []
    for _, _, name in sorted(spans):
        if name not in names:
            names.append(name)
    return names


def _lexicon_candidates(text: str) -> list[tuple[str, str]]:
    found = []
    words = word_spans(text)
    for m in _ANIMAL_RE.finditer(text):
        # A bare one-character animal (马, 狼) counts only as a word of its own: not 马上, 狼狈.
        if len(m.group(0)) == 1 and m.span() not in words:
            continue
        if not _is_group_or_thing(text, m.end()):
            found.append((m.group(0), "animal"))
    for m in _KIN_RE.finditer(text):
        if not _is_group_or_thing(text, m.end()) and not _inside_animal_compound(text, m.start()):
            found.append((m.group(0), "kin"))
    return found


def _inside_animal_compound(text: str, start: int) -> bool:
    # 熊妈妈: the kin word belongs to the animal compound already found.
    return any(text[max(0, start - len(a)) : start] == a for a in ANIMALS)


def _name_candidates(text: str) -> list[tuple[str, str]]:
    """Return person-name forms: jieba `nr` words, surname + given name, reduplicated names (多多)."""
    words = pos_words(text)
    found = []
    for i, (w, tag) in enumerate(words):
        if tag.startswith("nr") and 2 <= len(w) <= 3 and _HAN.match(w) and not w.endswith(_NOT_NAME_ENDINGS):
            found.append((w, "person"))
        nxt = words[i + 1][0] if i + 1 < len(words) else ""
        if w in SURNAMES and 1 <= len(nxt) <= 2 and _HAN.match(nxt) and words[i + 1][1][:1] in ("n", "j"):
            found.append((w + nxt, "person"))
        if len(w) == 2 and w[0] == w[1] and _HAN.match(w) and tag in ("m", "nr", "nz", "n", "ng"):
            found.append((w, "person"))
    return [(f, k) for f, k in found if f not in KIN_ROLES and not _ANIMAL_RE.fullmatch(f)]


def _merge_aliases(candidates: dict[str, CastMember], text: str) -> list[CastMember]:
    """Return candidates with short forms merged into their full form as aliases."""
    members = dict(candidates)

    def merge(short: str, full: str) -> None:
        if short in members and full in members and short != full:
            target = members[full]
            target.aliases = sorted({*target.aliases, short, *members[short].aliases} - {target.name})
            if members[short].kind == "animal" and target.kind != "animal" and not target.species:
                target.species = short
            del members[short]

    names = sorted(members, key=len, reverse=True)
    for full in names:
        m = members.get(full)
        if m is None:
            continue
        if m.kind == "person" and len(full) == 3 and full[0] in SURNAMES:
            given = full[1:]
            if given not in members and _count_forms(text, [given]) > _count_forms(text, [full]):
                members[given] = CastMember(name=given)  # 王大海 ... 大海: the given name used alone
            merge(given, full)  # 林小雨 / 小雨
    for form in list(members):
        m = members.get(form)
        if m is None or m.kind != "animal":
            continue
        # 小熊多多: an animal word right before a name is that named character's species.
        for other in list(members):
            if members.get(other) and members[other].kind == "person" and form + other in text:
                if _count_forms(text, [form]) <= _count_forms(text, [form + other]) + 1:
                    merge(form, other)
                else:
                    members[other].species = form
                break
    for form in list(members):
        m = members.get(form)
        if m is None:
            continue
        base = _strip_prefix(form)
        for kin in KIN_ROLES:
            # 乌龟爷爷 -> alias of 乌龟 when 乌龟 stands alone too.
            if form.endswith(kin) and len(form) > len(kin):
                animal = form[: -len(kin)]
                if animal in members and animal != form:
                    merge(form, animal)
                    break
                if kin in members and sum(1 for f in members if f.endswith(kin)) == 2:
                    merge(kin, form)  # 妈妈 -> 熊妈妈 when only one kind of mother is in the story
                    break
        if form in members and base != form and base in members:
            # 小松鼠 / 松鼠: keep the more frequent form as the name.
            a, b = (form, base) if _count_forms(text, [form]) >= _count_forms(text, [base]) else (base, form)
            merge(b, a)
    return list(members.values())


def _strip_prefix(form: str) -> str:
    return form[1:] if len(form) > 2 and form[0] in SIZE_PREFIXES else form


def _count_forms(text: str, forms: list[str]) -> int:
    """Return the number of non-overlapping occurrences of any form, longest first."""
    taken = [False] * len(text)
    count = 0
    for f in sorted(forms, key=len, reverse=True):
        for m in re.finditer(re.escape(f), text):
            s, e = m.span()
            if not any(taken[s:e]) and not _is_group_or_thing(text, e):
                taken[s:e] = [True] * (e - s)
                count += 1
    return count


def _is_group_or_thing(text: str, end: int) -> bool:
    after = text[end : end + 2]
    return after.startswith(GROUP_SUFFIXES) or after.startswith(THING_SUFFIXES)


def _is_character(text: str, m: CastMember) -> bool:
    """Return whether the text shows this candidate acting or speaking, not just named."""
    acting = 0
    for form in m.forms():
        for match in re.finditer(re.escape(form), text):
            s, e = match.span()
            if _is_group_or_thing(text, e):
                continue
            before = text[max(0, s - 1) : s]
            before2 = text[max(0, s - 2) : s]
            after = text[e : e + 3]
            if after.startswith(SPEECH_VERBS) or after.startswith(("：“", "：「", ":")):
                acting += 2
            elif before in _CLAUSE_START or before2.endswith(_CONJUNCTIONS):
                acting += 1
    # A named person must act twice (jieba tags many things as names); a creature or a kin
    # word is already a character word, so acting once as a clause subject is enough.
    return acting >= 2 if m.kind == "person" else acting >= 1


def _guess_gender(text: str, forms: list[str]) -> str:
    """Return 'male'/'female' from kin words (妈妈) or the subject pronouns after its mentions."""
    for form in forms:
        for kin, gender in KIN_GENDER.items():
            if form.endswith(kin):
                return gender
    votes: Counter[str] = Counter()
    for form in forms:
        for match in re.finditer(re.escape(form), text):
            window = text[match.end() : match.end() + 24]
            # Only a pronoun that opens a clause is likely to refer back to the subject.
            for i, ch in enumerate(window):
                if ch in PRONOUNS and i > 0 and window[i - 1] in "，。！？；":
                    votes[PRONOUNS[ch]] += 1
                    break
    if not votes:
        return ""
    gender, n = votes.most_common(1)[0]
    return gender if gender in ("male", "female") and n > sum(votes.values()) / 2 else ""
