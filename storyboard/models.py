"""The Storyboard: the contract between stages and the file a person edits."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

STORYBOARD_VERSION = 1


class Character(BaseModel):
    """One character with a fixed look: canonical description, seed, optional reference image."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    aliases: list[str] = []
    kind: str = "person"  # person | kin | animal
    description: str = ""  # canonical appearance, repeated verbatim in every prompt
    seed: int = Field(ge=0, lt=2**32)
    reference_image: str | None = None  # a user-supplied portrait, used instead of rendering one
    embedding: str | None = None  # textual-inversion embedding file, loaded as `token`
    token: str | None = None


class Scene(BaseModel):
    """One page of the book: its exact text span, who is in it, and what to draw."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)
    characters: list[str] = []
    prompt: str = ""
    negative_prompt: str = ""
    seed: int = Field(ge=0, lt=2**32)
    layout: str | None = None  # a page-template override for this page (None: the book's template)


class Storyboard(BaseModel):
    """A whole book: title, cast and scenes in reading order."""

    model_config = ConfigDict(extra="forbid")

    version: int = STORYBOARD_VERSION
    title: str = Field(min_length=1)
    seed: int = Field(ge=0, lt=2**32)
    style: str = ""
    source: str = ""  # the story file it was made from
    source_sha256: str = ""
    characters: list[Character] = []
    scenes: list[Scene] = Field(min_length=1)

    @model_validator(mode="after")
    def _check_names(self) -> "Storyboard":
        known: set[str] = set()
        for i, c in enumerate(self.characters):
            if c.name in known:
                raise ValueError(f"characters.{i}.name: '{c.name}' is listed twice")
            known.add(c.name)
        for i, s in enumerate(self.scenes):
            for name in s.characters:
                if name not in known:
                    raise ValueError(
                        f"scenes.{i}.characters: unknown character '{name}'; add it under characters or remove it"
                    )
        return self

    def character(self, name: str) -> Character:
        """Return the character called `name`."""
        return next(c for c in self.characters if c.name == name)
