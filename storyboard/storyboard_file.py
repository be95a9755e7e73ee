"""Load and save Storyboards as YAML (for people) or JSON (for tools), atomically and safely."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from pydantic import ValidationError

from .errors import UserError
from .files import write_atomic
from .models import Storyboard

STORYBOARD_SUFFIXES = (".yaml", ".yml", ".json")


def dump_storyboard(board: Storyboard, fmt: str = "yaml") -> str:
    """Return the storyboard as YAML or JSON text with Chinese left unescaped."""
    data = board.model_dump(mode="json", exclude_none=True)  # no "reference_image: null" noise
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def save_storyboard(board: Storyboard, path: Path) -> Path:
    """Write the storyboard atomically; the suffix picks JSON or YAML; returns the path."""
    fmt = "json" if Path(path).suffix == ".json" else "yaml"
    return write_atomic(Path(path), dump_storyboard(board, fmt))


def load_storyboard(path: Path) -> Storyboard:
    """Return the Storyboard in a YAML/JSON file; UserError names the field of a bad edit."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"{path}: no such storyboard file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise UserError(f"{path}: cannot be read as UTF-8 text ({e}); save it as UTF-8") from None
    try:
        data = yaml.safe_load(text)  # JSON is YAML too; safe_load never builds objects
    except yaml.YAMLError as e:
        where = getattr(e, "problem_mark", None)
        line = f" at line {where.line + 1}" if where else ""
        raise UserError(f"{path}: not valid YAML{line}; check the indentation and quotes there") from None
    if not isinstance(data, dict):
        raise UserError(f"{path}: a storyboard is a mapping with title, characters and scenes")
    try:
        return Storyboard.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "storyboard"
        msg = err["msg"].removeprefix("Value error, ")
        raise UserError(f"{path}: {field}: {msg}") from None


def is_storyboard_path(path: Path) -> bool:
    """Return whether a path names a storyboard file rather than a story text."""
    return Path(path).suffix.lower() in STORYBOARD_SUFFIXES
