"""Chinese prompts: a style preset, each present character's fixed look, and the scene's setting."""

from __future__ import annotations

import re
from functools import lru_cache

from .cast import CastMember
from .lexicon import KIN_GENDER
from .words import Word

STYLES = {
    "watercolor": "儿童绘本插画，水彩画，柔和温暖的色彩，干净的线条",
    "crayon": "儿童绘本插画，蜡笔画，明亮的色彩，童趣",
    "ink": "儿童绘本插画，中国水墨画，淡彩，留白",
    "flat": "儿童绘本插画，扁平风格，简洁的形状，鲜艳的色彩",
}
DEFAULT_STYLE = "watercolor"
# Text-encoder budget: CLIP-based SD models read 77 tokens; Taiyi's BERT reads more, but a
# prompt longer than this dilutes attention over the parts that matter (the characters).
PROMPT_TOKENS = 77
NEGATIVE_PROMPT = "低质量，模糊，变形，畸形的手，多余的手指，文字，水印，签名，恐怖，暴力，血腥，成人内容"

# Clothing and accessories that anchor a character's look from page to page; chosen by seed.
_OUTFITS = ["穿着红色上衣", "穿着黄色背带裤", "穿着蓝色连衣裙", "穿着绿色毛衣", "穿着橙色外套", "系着紫色围巾",
            "穿着白色衬衫和蓝色短裤", "穿着粉色外套"]
_ANIMAL_MARKS = ["系着红色领结", "戴着蓝色围巾", "穿着黄色小背心", "戴着绿色小帽子", "背着棕色小书包", "系着橙色蝴蝶结"]
_ELDERS = {
    "奶奶", "外婆", "姥姥", "爷爷", "外公", "姥爷", "老奶奶", "老爷爷", "老婆婆", "老公公", "老伯伯", "阿公", "阿婆",
    "阿嬷", "大爷", "大娘", "渔父", "渔翁", "老翁", "老妪",
}


def describe_character(member: CastMember, seed: int) -> str:
    """Return a canonical appearance description in Chinese: what the text says, else a seeded default."""
    traits = member.traits
    if member.kind == "animal" or member.species:
        species = (member.species or member.name).removeprefix("小").removeprefix("老") or member.name
        mark = traits.get("outfit") or _ANIMAL_MARKS[seed % len(_ANIMAL_MARKS)]
        named = f"名叫{member.name}的" if member.species else ""
        colour = traits.get("colour", "")
        colour = "" if colour and colour[0] in species else colour  # 白兔 is white already
        return f"一只{named}{colour}可爱的{species}，拟人化，圆圆的大眼睛，{mark}"
    if member.kind == "thing":
        return f"会说话的{member.name}，拟人化，有一双圆圆的眼睛和笑脸"
    outfit = traits.get("outfit") or _OUTFITS[seed % len(_OUTFITS)]
    base = next((k for k in sorted(KIN_GENDER, key=len, reverse=True) if member.name.endswith(k)), "")
    gender = KIN_GENDER.get(base) or member.gender
    if base in _ELDERS:
        who = "慈祥的中国老奶奶，花白的短发" if gender == "female" else "和蔼的中国老爷爷，花白的头发和胡子"
        return f"{who}，{outfit}"
    if base:
        who = {"female": "年轻的中国女性", "male": "年轻的中国男性"}.get(gender, "中国成年人")
        return f"{who}，{base}，黑色头发，{outfit}"
    if member.name.endswith(("老师", "医生", "校长", "护士", "警官", "警察", "大夫")):
        return f"亲切的中国{member.name[-2:]}，黑色头发，{outfit}"
    age = traits.get("age", "七岁左右")
    child = {"female": f"{age}的中国小女孩，黑色头发扎着两个小辫子", "male": f"{age}的中国小男孩，黑色短发"}
    return f"{child.get(gender, f'{age}的中国小孩，黑色短发')}，{outfit}"


def build_prompt(style: str, descriptions: list[str], setting: list[str], max_tokens: int = PROMPT_TOKENS) -> str:
    """Return the scene prompt: style, every character description verbatim, then setting words.

    Fitted to `max_tokens` by dropping the least important parts first: setting words from the
    end, then the style preset down to its first clause. A character's description is never cut.
    """
    style_text = STYLES.get(style, style)
    fixed = sum(count_tokens(d) + 1 for d in descriptions)  # +1: the "；" before each part
    words = [count_tokens(w) + 1 for w in setting]  # +1: the "，" or "；" before each word
    keep = len(setting)
    while 2 + count_tokens(style_text) + fixed + sum(words[:keep]) > max_tokens:
        if keep:
            keep -= 1  # the last setting words are the least important
        elif "，" in style_text:
            style_text = style_text.split("，")[0]
        else:
            break  # only descriptions left: they stay whole, the model truncates the rest
    parts = [style_text, *descriptions] + (["，".join(setting[:keep])] if keep else [])
    return "；".join(parts)


_TOKEN = re.compile(r"[A-Za-z0-9]+|\S")


@lru_cache(maxsize=4096)  # descriptions and setting words repeat on every page
def count_tokens(text: str) -> int:
    """Return the token count of `text` for a Chinese BERT tokenizer (Taiyi): a token per
    character, a Latin word or number as one (without the [CLS]/[SEP] pair)."""
    return len(_TOKEN.findall(text))


def name_parts(names: set[str]) -> set[str]:
    """Return every substring of two or more characters of the names (大海 of 王大海)."""
    return {n[i:j] for n in names for i in range(len(n)) for j in range(i + 2, len(n) + 1)}


def scene_setting_words(words: list[Word], names: set[str], limit: int = 8) -> list[str]:
    """Return up to `limit` nouns, places, times and verbs of a scene (what it shows), in text order.

    `names` comes from name_parts(): words that are, or are inside, a character's name are skipped.
    """
    found: list[str] = []
    for w in words:
        if len(w.text) < 2 or w.tag[:1] not in ("n", "s", "t", "v") or w.tag in ("nr", "nrt", "nrfg", "vshi", "vyou"):
            continue
        if w.text in found or w.text in names or any(n in w.text for n in _names_inside(w.text, names)):
            continue
        found.append(w.text)
        if len(found) >= limit:
            break
    return found


def _names_inside(word: str, names: set[str]) -> list[str]:
    # Words are short (2-4 characters): checking their substrings beats scanning every name.
    return [word[i:j] for i in range(len(word)) for j in range(i + 2, len(word) + 1) if word[i:j] in names]
