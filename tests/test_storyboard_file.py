import json

import pytest
import yaml
from click.testing import CliRunner

from conftest import SAMPLES
from flows.cli import cli
from storyboard.build import build_storyboard
from storyboard.errors import UserError
from storyboard.story_text import read_story
from storyboard.storyboard_file import dump_storyboard, load_storyboard, save_storyboard


@pytest.fixture(scope="module")
def board():
    return build_storyboard(read_story(SAMPLES / "kite_day.txt"))


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_round_trip_is_lossless(tmp_path, board, suffix):
    path = save_storyboard(board, tmp_path / f"sb{suffix}")
    assert load_storyboard(path) == board


def test_yaml_is_readable_chinese(board):
    text = dump_storyboard(board, "yaml")
    assert "林小雨的风筝" in text and "\\u" not in text
    assert text.index("title:") < text.index("characters:") < text.index("scenes:")


def _edit(tmp_path, board, change):
    data = board.model_dump(mode="json")
    change(data)
    path = tmp_path / "edited.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_edits_are_used(tmp_path, board):
    def change(d):
        d["scenes"][0]["prompt"] = "一只蓝色的风筝"

    assert load_storyboard(_edit(tmp_path, board, change)).scenes[0].prompt == "一只蓝色的风筝"


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda d: d["scenes"][1].update(colour="red"), "scenes.1.colour"),
        (lambda d: d["scenes"][2].update(seed="abc"), "scenes.2.seed"),
        (lambda d: d["scenes"][3].update(characters=["孙悟空"]), "scenes.3.characters"),
        (lambda d: d.update(scenes=[]), "scenes"),
    ],
)
def test_invalid_edits_name_the_field(tmp_path, board, change, field):
    with pytest.raises(UserError, match=field.replace(".", r"\.")):
        load_storyboard(_edit(tmp_path, board, change))


def test_broken_yaml_and_unsafe_tags(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(UserError, match="not valid YAML at line"):
        load_storyboard(bad)
    bad.write_text("!!python/object/apply:os.system ['echo hacked']\n", encoding="utf-8")
    with pytest.raises(UserError):
        load_storyboard(bad)


def test_cli_storyboard_prints_json_with_design_fields():
    result = CliRunner().invoke(cli, ["storyboard", str(SAMPLES / "moon_boat.gb18030.txt"), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["title"] == "月亮船"
    assert {"name", "aliases"} <= set(data["characters"][0])
    assert all({"text", "characters", "prompt", "seed"} <= set(s) for s in data["scenes"])
    story = read_story(SAMPLES / "moon_boat.gb18030.txt")
    assert "".join(s["text"] for s in data["scenes"]).replace("\n", "") == story.body.replace("\n", "")


def test_cli_storyboard_writes_yaml_file(tmp_path):
    out = tmp_path / "kite.yaml"
    result = CliRunner().invoke(cli, ["storyboard", str(SAMPLES / "kite_day.txt"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert load_storyboard(out).title == "林小雨的风筝"
