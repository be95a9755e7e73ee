"""Story text -> Storyboard: scenes, cast, seeds and prompts in one call."""

from __future__ import annotations

from functools import lru_cache

from .cast import find_cast, find_scene_characters
from .models import Character, Scene, Storyboard
from .prompts import DEFAULT_STYLE, NEGATIVE_PROMPT, build_prompt, describe_character, scene_setting_words
from .scenes import split_scenes
from .seeds import DEFAULT_BOOK_SEED, derive_seed
from .story_text import StoryText
from .words import tag_words, words_between


def build_storyboard(story: StoryText, seed: int = DEFAULT_BOOK_SEED, style: str = DEFAULT_STYLE) -> Storyboard:
    """Return the Storyboard of a story: scene texts are exact spans of the body, in order."""
    scene_texts = split_scenes(story.body)
    # Traditional-script stories keep their text; analysis runs on a simplified copy.
    analysed = [to_simplified(t) for t in scene_texts]
    original_body = "\n".join(scene_texts)
    simplified_body = "\n".join(analysed)
    words = tag_words(simplified_body)  # one segmentation of the whole book, shared by every step
    cast = find_cast(simplified_body)

    characters = []
    for member in cast:
        char_seed = derive_seed(seed, "character", member.name)
        characters.append(
            Character(
                name=_as_written(member.name, simplified_body, original_body),
                aliases=[_as_written(a, simplified_body, original_body) for a in member.aliases],
                kind=member.kind,
                description=describe_character(member, char_seed),
                seed=char_seed,
            )
        )
    written = {m.name: c.name for m, c in zip(cast, characters)}
    descriptions = {c.name: c.description for c in characters}
    every_form = {f for m in cast for f in m.forms()}

    scenes = []
    start = 0
    for i, (text, simple) in enumerate(zip(scene_texts, analysed)):
        present = [written[n] for n in find_scene_characters(simple, cast)]
        setting = scene_setting_words(words_between(words, start, start + len(simple)), exclude=every_form)
        start += len(simple) + 1  # the "\n" that joins scenes
        scenes.append(
            Scene(
                text=text,
                characters=present,
                prompt=build_prompt(style, [descriptions[n] for n in present], setting),
                negative_prompt=NEGATIVE_PROMPT,
                seed=derive_seed(seed, story.title, "scene", i),
            )
        )
    return Storyboard(
        title=story.title,
        seed=seed,
        style=style,
        source=story.source,
        source_sha256=story.sha256,
        characters=characters,
        scenes=scenes,
    )


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Return `text` in simplified characters (unchanged if it already is)."""
    return _converter().convert(text)


def _as_written(name: str, simplified: str, original: str) -> str:
    """Return `name` as the story writes it (traditional stays traditional), by position."""
    if len(simplified) != len(original):
        return name
    at = simplified.find(name)
    return original[at : at + len(name)] if at >= 0 else name
