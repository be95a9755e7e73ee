"""Storyboard options: cast files, page fitting, the page cap, config defaults — through the real CLI."""

import json
import subprocess
import sys

import pytest

from conftest import SAMPLES
from storyboard.build import StoryboardOptions, load_or_build_storyboard
from storyboard.errors import UserError


def huiben(*args, env=None):
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True, env=env, timeout=120)


def test_cast_file_overrides_found_characters_and_adds_new_ones(tmp_path):
    portrait = tmp_path / "refs" / "yu.png"
    portrait.parent.mkdir()
    portrait.write_bytes(b"\x89PNG fake")
    cast = tmp_path / "cast.yaml"
    cast.write_text(
        "characters:\n"
        "  - name: 林小雨\n    aliases: [雨雨]\n    description: 七岁女孩，齐耳短发，黄色雨衣\n    seed: 42\n"
        "    reference_image: refs/yu.png\n    token: <yu>\n"
        "  - name: 小白猫\n    kind: animal\n    description: 一只白色的小猫\n",
        encoding="utf-8",
    )
    board = load_or_build_storyboard(SAMPLES / "kite_day.txt", StoryboardOptions(cast=str(cast)))
    yu = board.character("林小雨")
    assert yu.seed == 42 and yu.description == "七岁女孩，齐耳短发，黄色雨衣"
    assert {"小雨", "雨雨"} <= set(yu.aliases) and yu.reference_image == str(portrait.resolve())
    assert board.character("小白猫").kind == "animal"
    for scene in board.scenes:
        if "林小雨" in scene.characters:
            assert "<yu> 七岁女孩，齐耳短发，黄色雨衣" in scene.prompt


@pytest.mark.parametrize(
    "content, words",
    [
        ("characters:\n  - name: 甲\n    colour: red\n", "characters.0.colour"),
        ("characters:\n  - name: 甲\n    reference_image: nowhere.png\n", "file not found"),
        ("characters: [\n", "not valid YAML"),
    ],
)
def test_bad_cast_file_exits_2(tmp_path, content, words):
    cast = tmp_path / "cast.yaml"
    cast.write_text(content, encoding="utf-8")
    result = huiben("storyboard", str(SAMPLES / "kite_day.txt"), "--cast", str(cast))
    assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("pages", [3, 5, 12])
def test_pages_fits_the_book_and_keeps_every_sentence(pages):
    result = huiben("storyboard", str(SAMPLES / "hedgehog_friends.txt"), "--pages", str(pages))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["scenes"]) == pages
    body = (SAMPLES / "hedgehog_friends.txt").read_text(encoding="utf-8").split("\n", 2)[2]
    assert "".join(s["text"] for s in data["scenes"]).replace("\n", "") == "".join(body.split())


def test_too_few_pages_or_too_many_is_a_clear_error():
    result = huiben("storyboard", str(SAMPLES / "kite_day.txt"), "--pages", "1")
    assert result.returncode == 2 and "--pages 3" in result.stderr
    result = huiben("storyboard", str(SAMPLES / "kite_day.txt"), "--pages", "500")
    assert result.returncode == 2 and "sentences" in result.stderr


def test_page_cap(tmp_path):
    story = tmp_path / "long.txt"
    story.write_text("长故事\n\n" + "\n".join("小兔子在森林里散步，看见一朵花。" for _ in range(50)), encoding="utf-8")
    with pytest.raises(UserError, match="cap of 20"):
        load_or_build_storyboard(story, StoryboardOptions(max_pages=20))
    result = huiben("storyboard", str(story), "--max-pages", "20")
    assert result.returncode == 2 and "--max-pages" in result.stderr


def test_config_file_sets_defaults_and_flags_win(tmp_path):
    import os

    (tmp_path / "config.yaml").write_text("pages: 4\nstyle: crayon\n", encoding="utf-8")
    env = {**os.environ, "HUIBEN_HOME": str(tmp_path)}
    data = json.loads(huiben("storyboard", str(SAMPLES / "kite_day.txt"), env=env).stdout)
    assert len(data["scenes"]) == 4 and data["style"] == "crayon"
    data = json.loads(huiben("storyboard", str(SAMPLES / "kite_day.txt"), "--pages", "5", env=env).stdout)
    assert len(data["scenes"]) == 5
    (tmp_path / "config.yaml").write_text("- not a mapping\n", encoding="utf-8")
    result = huiben("storyboard", str(SAMPLES / "kite_day.txt"), env=env)
    assert result.returncode == 2 and "config" in result.stderr
