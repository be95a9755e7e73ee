import codecs

import pytest

from conftest import SAMPLES
from storyboard.errors import UserError
from storyboard.story_text import decode_story_bytes, read_story

STORY = "小猫的伞\n\n下雨了，小猫撑开一把红伞。“我们一起走吧！”她对小狗说。\n\n雨停了，天边挂着彩虹。"
STORY_HANT = "小貓的傘\n\n下雨了，小貓撐開一把紅傘。「我們一起走吧！」她對小狗說。\n\n雨停了，天邊掛著彩虹。"


@pytest.mark.parametrize(
    "encoding, prefix",
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("gb18030", b""),
        ("gbk", b""),
        ("big5", b""),
    ],
)
def test_reads_every_common_encoding(tmp_path, encoding, prefix):
    text = STORY_HANT if encoding == "big5" else STORY
    path = tmp_path / "story.txt"
    path.write_bytes(prefix + text.encode(encoding))
    story = read_story(path)
    assert story.title == text.split("\n")[0]
    assert story.body == text.split("\n", 2)[2]


def test_samples_decode_to_their_encodings():
    assert read_story(SAMPLES / "moon_boat.gb18030.txt").encoding == "gb18030"
    assert read_story(SAMPLES / "lantern_festival.big5.txt").encoding == "big5"
    assert read_story(SAMPLES / "kite_day.txt").title == "林小雨的风筝"
    assert "燈籠" in read_story(SAMPLES / "lantern_festival.big5.txt").body


def test_big5_bytes_are_not_mistaken_for_gb18030():
    data = (SAMPLES / "lantern_festival.big5.txt").read_bytes()
    assert data.decode("gb18030", errors="strict")  # both decodings succeed: the scorer must choose
    text, enc = decode_story_bytes(data)
    assert enc == "big5" and "元宵節" in text


def test_explicit_encoding_wins(tmp_path):
    path = tmp_path / "s.txt"
    path.write_bytes(STORY.encode("gb18030"))
    assert read_story(path, encoding="gb18030").body.endswith("彩虹。")
    with pytest.raises(UserError, match="not valid utf-8"):
        read_story(path, encoding="utf-8")
    with pytest.raises(UserError, match="unknown encoding"):
        read_story(path, encoding="klingon")


def test_no_title_line_uses_file_name(tmp_path):
    path = tmp_path / "rainy_day.txt"
    path.write_text("下雨了，小猫撑开一把红伞。她对小狗说：“一起走吧。”", encoding="utf-8")
    story = read_story(path)
    assert story.title == "rainy day"
    assert story.body.startswith("下雨了")


def test_normalises_crlf_controls_and_fullwidth_letters(tmp_path):
    path = tmp_path / "s.txt"
    path.write_bytes("题目\r\n\r\n小明有３个ＡＢＣ积木，\x07很开心。\r\n".encode("utf-8"))
    story = read_story(path)
    assert story.body == "小明有3个ABC积木，很开心。"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"  \n\t \n", "empty"),
        (bytes(range(256)) * 8, "binary"),
        (b"\x80\xff\x80\x81" * 50, "cannot tell the encoding"),
    ],
)
def test_bad_files_raise_user_errors(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(UserError, match=message):
        read_story(path)


def test_missing_and_directory(tmp_path):
    with pytest.raises(UserError, match="no such file"):
        read_story(tmp_path / "nope.txt")
    with pytest.raises(UserError, match="is a directory"):
        read_story(tmp_path)
