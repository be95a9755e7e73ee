"""Odd and hostile story files: each gives a storyboard or exit 2 with one clear line, never a traceback."""

import subprocess
import sys
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyboard.build import build_storyboard
from storyboard.story_text import StoryText


def huiben(*args):
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True, timeout=300)


def write(tmp_path, data: bytes, name="story.txt"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_only_punctuation_is_refused(tmp_path):
    result = huiben("storyboard", str(write(tmp_path, "。。。！！！……“”".encode())))
    assert result.returncode == 2 and "only punctuation" in result.stderr and "Traceback" not in result.stderr


def test_no_chinese_warns_and_still_gives_a_storyboard(tmp_path):
    result = huiben("storyboard", str(write(tmp_path, b"The Fox\n\nThe fox ran. The crow sang.\n")))
    assert result.returncode == 0 and "no Chinese characters" in result.stderr
    assert '"title": "The Fox"' in result.stdout


def test_latin1_story_is_decoded(tmp_path):
    result = huiben("storyboard", str(write(tmp_path, "Café\n\nLe café était ouvert. Zoé a dit bonjour.\n".encode("cp1252"))))
    assert result.returncode == 0 and "Zoé" in result.stdout


def test_nul_bytes_are_dropped(tmp_path):
    text = "小猫\n\n小猫在\x00草地上\x00玩。小狗说：“一起玩吧！”".encode()
    result = huiben("storyboard", str(write(tmp_path, text)))
    assert result.returncode == 0 and "草地上玩" in result.stdout


def test_long_unpunctuated_line_is_split_into_pages(tmp_path):
    line = "山间的小路弯弯曲曲一直通向远方" * 600  # 9,000 characters, no punctuation
    result = huiben("storyboard", str(write(tmp_path, f"山路\n\n{line}\n".encode())))
    assert result.returncode == 0, result.stderr
    import json

    scenes = json.loads(result.stdout)["scenes"]
    assert max(len(s["text"]) for s in scenes) <= 160
    assert "".join(s["text"] for s in scenes) == line


def test_ten_megabyte_file_is_bounded(tmp_path):
    para = "小兔子在森林里散步，看见一朵红色的花。它说：“真漂亮！”\n"
    data = ("大书\n\n" + para * (10_000_000 // len(para.encode()) - 1)).encode()
    assert 9_000_000 < len(data) <= 10 * 1024 * 1024
    started = time.monotonic()
    result = huiben("storyboard", str(write(tmp_path, data)))
    assert time.monotonic() - started < 120
    assert result.returncode == 2 and "cap of 200" in result.stderr and "Traceback" not in result.stderr
    too_big = write(tmp_path, data + b"x" * (1024 * 1024), "huge.txt")
    result = huiben("storyboard", str(too_big))
    assert result.returncode == 2 and "too large" in result.stderr


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=400).filter(lambda t: any(c.isalnum() for c in t)))
def test_storyboard_never_crashes_and_covers_the_text(text):
    story = StoryText(source="x", encoding="utf-8", sha256="-", title="t", body=text.strip() or "字")
    board = build_storyboard(story, max_pages=10_000)
    assert "".join("".join(s.text.split()) for s in board.scenes) == "".join(story.body.split())
    names = {c.name for c in board.characters}
    assert all(set(s.characters) <= names for s in board.scenes)
