"""Chinese prompts: a style preset, each present character's fixed look, and the scene's setting."""

from __future__ import annotations

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
NEGATIVE_PROMPT = "低质量，模糊，变形，畸形的手，多余的手指，文字，水印，签名，恐怖，暴力，血腥，成人内容"

# Clothing and accessories that anchor a character's look from page to page; chosen by seed.
_OUTFITS = ["红色上衣", "黄色背带裤", "蓝色连衣裙", "绿色毛衣", "橙色外套", "紫色围巾", "白色衬衫和蓝色短裤", "粉色外套"]
_ANIMAL_MARKS = ["系着红色领结", "戴着蓝色围巾", "穿着黄色小背心", "戴着绿色小帽子", "背着棕色小书包", "系着橙色蝴蝶结"]
_ELDERS = {"奶奶", "外婆", "姥姥", "爷爷", "外公", "姥爷", "老奶奶", "老爷爷", "老婆婆", "老公公", "老伯伯"}


def describe_character(member: CastMember, seed: int) -> str:
    """Return a canonical appearance description in Chinese for a found character."""
    if member.kind == "animal" or member.species:
        species = (member.species or member.name).removeprefix("小").removeprefix("老") or member.name
        mark = _ANIMAL_MARKS[seed % len(_ANIMAL_MARKS)]
        named = f"名叫{member.name}的" if member.species else ""
        return f"一只{named}可爱的{species}，拟人化，圆圆的大眼睛，{mark}"
    outfit = _OUTFITS[seed % len(_OUTFITS)]
    base = next((k for k in sorted(KIN_GENDER, key=len, reverse=True) if member.name.endswith(k)), "")
    gender = KIN_GENDER.get(base) or member.gender
    if base in _ELDERS:
        who = "慈祥的中国老奶奶，花白的短发" if gender == "female" else "和蔼的中国老爷爷，花白的头发和胡子"
        return f"{who}，穿着{outfit}"
    if base:
        who = {"female": "年轻的中国女性", "male": "年轻的中国男性"}.get(gender, "中国成年人")
        return f"{who}，{base}，黑色头发，穿着{outfit}"
    if member.name.endswith(("老师", "医生", "校长", "护士")):
        return f"亲切的中国{member.name[-2:]}，黑色头发，戴着眼镜，穿着{outfit}"
    child = {"female": "七岁左右的中国小女孩，黑色头发扎着两个小辫子", "male": "七岁左右的中国小男孩，黑色短发"}
    return f"{child.get(gender, '七岁左右的中国小孩，黑色短发')}，穿着{outfit}"


def build_prompt(style: str, descriptions: list[str], setting: list[str]) -> str:
    """Return the scene prompt: style, then every character description verbatim, then setting words."""
    parts = [STYLES.get(style, style)]
    parts += descriptions
    if setting:
        parts.append("，".join(setting))
    return "；".join(parts)


def scene_setting_words(words: list[Word], exclude: set[str], limit: int = 8) -> list[str]:
    """Return up to `limit` nouns, places, times and verbs of a scene (what it shows), in text order."""
    found: list[str] = []
    for w in words:
        if len(w.text) < 2 or w.tag[:1] not in ("n", "s", "t", "v") or w.tag in ("nr", "nrt", "nrfg", "vshi", "vyou"):
            continue
        if w.text in found or any(w.text in e or e in w.text for e in exclude):
            continue
        found.append(w.text)
        if len(found) >= limit:
            break
    return found
