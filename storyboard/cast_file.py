"""A cast file (YAML) that adds characters or overrides what was found in the text."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import UserError


class CastEntry(BaseModel):
    """One character as a person describes it; every field but the name is optional."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    aliases: list[str] = []
    kind: str | None = None  # person | kin | animal
    description: str | None = None
    seed: int | None = Field(default=None, ge=0, lt=2**32)
    reference_image: str | None = None  # a portrait to use instead of rendering one
    embedding: str | None = None  # textual-inversion embedding file (.safetensors/.bin)
    token: str | None = None  # the token that embedding is loaded as, used in prompts

    def forms(self) -> set[str]:
        """Return the name and aliases."""
        return {self.name, *self.aliases}


class CastFile(BaseModel):
    """The whole cast file."""

    model_config = ConfigDict(extra="forbid")

    characters: list[CastEntry] = []


def load_cast_file(path: Path | str) -> list[CastEntry]:
    """Return the entries of a cast file; relative file paths are made relative to the file's folder."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise UserError(f"{path}: no such cast file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise UserError(f"{path}: cannot be read as UTF-8 text ({e})") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise UserError(f"{path}: not valid YAML{f' at line {mark.line + 1}' if mark else ''}") from None
    if isinstance(data, list):
        data = {"characters": data}  # a bare list of characters is accepted too
    try:
        cast = CastFile.model_validate(data or {})
    except ValidationError as e:
        err = e.errors()[0]
        raise UserError(f"{path}: {'.'.join(map(str, err['loc']))}: {err['msg']}") from None
    for entry in cast.characters:
        for key in ("reference_image", "embedding"):
            value = getattr(entry, key)
            if value:
                full = (path.parent / value).resolve()
                if not full.is_file():
                    raise UserError(f"{path}: {entry.name}.{key}: file not found: {full}")
                setattr(entry, key, str(full))
    return cast.characters
