"""Story text -> Storyboard: scenes, cast, seeds and prompts in one call."""

from __future__ import annotations

import bisect
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from .cast import CastMember, cast_index, find_cast, find_scene_characters
from .cast_file import CastEntry, load_cast_file
from .errors import UserError
from .models import Character, Scene, Storyboard
from .prompts import (
    DEFAULT_STYLE,
    NEGATIVE_PROMPT,
    PROMPT_TOKENS,
    build_prompt,
    describe_character,
    name_parts,
    scene_setting_words,
)
from .scenes import MAX_SCENE_CHARS, min_pages, split_scenes
from .seeds import DEFAULT_BOOK_SEED, derive_seed
from .story_text import StoryText, read_story
from .storyboard_file import is_storyboard_path, load_storyboard
from .words import tag_words

# A book longer than this is almost surely the wrong file (a novel, a log); raise it knowingly.
MAX_PAGES = 200


class StoryboardOptions(BaseModel):
    """How a story becomes a storyboard; the CLI, the config file and the flow all pass this."""

    model_config = ConfigDict(extra="forbid")

    seed: int | None = None  # None: the house seed (or the edited storyboard's own)
    style: str = DEFAULT_STYLE
    pages: int | None = None
    max_page_chars: int = MAX_SCENE_CHARS
    max_pages: int = MAX_PAGES
    cast: str | None = None  # cast file path
    encoding: str | None = None
    prompt_tokens: int = PROMPT_TOKENS


def load_or_build_storyboard(source: Path | str, options: StoryboardOptions = StoryboardOptions()) -> Storyboard:
    """Return the storyboard for a source: an edited .yaml/.json as is, or one built from a story text."""
    path = Path(source)
    if is_storyboard_path(path):
        board = load_storyboard(path)
        return board if options.seed is None else board.model_copy(update={"seed": options.seed})
    return build_from_story(read_story(path, encoding=options.encoding), options)


def build_from_story(story: StoryText, options: StoryboardOptions = StoryboardOptions()) -> Storyboard:
    """Return the storyboard of an already-read story under the given options."""
    return build_storyboard(
        story,
        seed=DEFAULT_BOOK_SEED if options.seed is None else options.seed,
        style=options.style,
        pages=options.pages,
        max_page_chars=options.max_page_chars,
        max_pages=options.max_pages,
        cast_entries=load_cast_file(options.cast) if options.cast else None,
        prompt_tokens=options.prompt_tokens,
    )


def build_storyboard(
    story: StoryText,
    seed: int = DEFAULT_BOOK_SEED,
    style: str = DEFAULT_STYLE,
    pages: int | None = None,
    max_page_chars: int = MAX_SCENE_CHARS,
    max_pages: int = MAX_PAGES,
    cast_entries: list[CastEntry] | None = None,
    prompt_tokens: int = PROMPT_TOKENS,
) -> Storyboard:
    """Return the Storyboard of a story: scene texts are exact spans of the body, in order."""
    # The page cap is checked before any costly analysis (a 10 MB file fails fast), and again
    # on the final cut (sentences that pack badly can need a few more pages).
    if pages is None:
        check_page_cap(story, min_pages(story.body, max_page_chars), max_pages)
    # Traditional-script stories keep their text; analysis runs on a simplified copy.
    simplified_body = to_simplified(story.body)
    words = tag_words(simplified_body)  # one segmentation of the whole book, shared by every step
    cast = apply_cast_entries(find_cast(simplified_body), cast_entries or [])
    owner = cast_index(cast)

    def presence(sentence: str) -> frozenset[str]:
        return frozenset(find_scene_characters(to_simplified(sentence), owner))

    # The final cut also turns pages where the characters change.
    scene_texts = split_scenes(story.body, max_chars=max_page_chars, pages=pages, presence=presence)
    check_page_cap(story, len(scene_texts), max_pages)
    analysed = [to_simplified(t) for t in scene_texts]

    characters = []
    for member in cast:
        entry = next((e for e in cast_entries or [] if to_simplified(e.name) == member.name), None)
        char_seed = entry.seed if entry and entry.seed is not None else derive_seed(seed, "character", member.name)
        characters.append(
            Character(
                name=_as_written(member.name, simplified_body, story.body),
                aliases=[_as_written(a, simplified_body, story.body) for a in member.aliases],
                kind=member.kind,
                description=(entry.description if entry and entry.description else describe_character(member, char_seed)),
                seed=char_seed,
                reference_image=entry.reference_image if entry else None,
                embedding=entry.embedding if entry else None,
                token=entry.token if entry else None,
            )
        )
    written = {m.name: c.name for m, c in zip(cast, characters)}
    looks = {c.name: f"{c.token} {c.description}" if c.token else c.description for c in characters}
    names = name_parts(set(owner))
    word_starts = [w.start for w in words]

    scenes = []
    start = 0
    for i, (text, simple) in enumerate(zip(scene_texts, analysed)):
        present = [written[n] for n in find_scene_characters(simple, owner)]
        # Scenes are stripped spans of the body, in order: find each in the segmented body.
        at = simplified_body.find(simple, start)
        if at >= 0:
            start = at + len(simple)
            lo, hi = bisect.bisect_left(word_starts, at), bisect.bisect_left(word_starts, start)
            scene_words = list(words[lo:hi])
        else:  # conversion differed at a span edge: segment this scene alone
            scene_words = list(tag_words(simple))
        setting = scene_setting_words(scene_words, names)
        scenes.append(
            Scene(
                text=text,
                characters=present,
                prompt=build_prompt(style, [looks[n] for n in present], setting, prompt_tokens),
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


def check_page_cap(story: StoryText, count: int, max_pages: int) -> None:
    """Raise UserError when a book would have more pages than the cap."""
    if count > max_pages:
        raise UserError(
            f"{story.source}: {count} pages is more than the cap of {max_pages}; "
            "split the story into several books, or raise the cap with --max-pages"
        )


def apply_cast_entries(cast: list[CastMember], entries: list[CastEntry]) -> list[CastMember]:
    """Return the found cast with cast-file entries applied: a matching name or alias overrides, else adds."""
    cast = list(cast)
    for entry in entries:
        forms = {to_simplified(f) for f in entry.forms()}
        matches = [m for m in cast if forms & set(m.forms())]
        merged = CastMember(name=to_simplified(entry.name), kind=entry.kind or "person")
        for m in matches:
            merged.kind = entry.kind or m.kind
            merged.species, merged.gender = merged.species or m.species, merged.gender or m.gender
            merged.aliases += m.forms()
            merged.mentions += m.mentions
            cast.remove(m)
        merged.aliases = sorted((set(merged.aliases) | forms) - {merged.name})
        cast.append(merged)
    cast.sort(key=lambda m: -m.mentions)
    return cast


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
