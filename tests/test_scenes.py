import re

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SAMPLE_FILES
from storyboard.build import build_storyboard
from storyboard.scenes import MAX_SCENE_CHARS, min_pages, split_scenes
from storyboard.sentences import split_sentences
from storyboard.story_text import read_story

_WS = re.compile(r"\s+")


def squeeze(text: str) -> str:
    return _WS.sub("", text)


def test_sentences_keep_quotes_whole():
    text = "松鼠摇摇头说：“你的刺会扎破我的尾巴！我不要！”说完就跑开了。「真的嗎？」他問。"
    assert split_sentences(text) == [
        "松鼠摇摇头说：“你的刺会扎破我的尾巴！我不要！”",
        "说完就跑开了。",
        "「真的嗎？」",
        "他問。",
    ]


def test_ellipsis_and_mixed_enders_stay_with_their_sentence():
    assert split_sentences("一颗、两颗、三颗……松果都扎在刺上。真的吗？！是的。") == [
        "一颗、两颗、三颗……",
        "松果都扎在刺上。",
        "真的吗？！",
        "是的。",
    ]


def test_unpunctuated_run_is_cut_at_the_limit():
    text = "山" * 1000
    parts = split_sentences(text, max_chars=120)
    assert "".join(parts) == text
    assert max(len(p) for p in parts) <= 120


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("小猫说：“你好！”「是嗎？」『』‘’。，！？…\n 山水ab1")), max_size=400))
def test_sentences_join_back_to_the_text(text):
    assert "".join(split_sentences(text)) == text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=600))
def test_scenes_cover_arbitrary_unicode_exactly_once(text):
    scenes = split_scenes(text)
    assert squeeze("".join(scenes)) == squeeze(text)
    assert all(s.strip() for s in scenes)


def test_samples_scenes_cover_story_in_order():
    for path in SAMPLE_FILES:
        story = read_story(path)
        board = build_storyboard(story)
        assert squeeze("".join(s.text for s in board.scenes)) == squeeze(story.body), path.name
        paragraphs = [p for p in story.body.split("\n") if p.strip()]
        assert len(board.scenes) == len(paragraphs), path.name  # short paragraphs: one page each


def test_long_paragraph_is_balanced_across_pages():
    paragraph = "".join(f"第{i}句话讲小兔子在森林里散步。" for i in range(40))
    scenes = split_scenes(paragraph)
    assert squeeze("".join(scenes)) == squeeze(paragraph)
    assert len(scenes) > 1 and all(len(s) <= MAX_SCENE_CHARS for s in scenes)
    assert max(map(len, scenes)) - min(map(len, scenes)) <= 30  # balanced, not greedy


def test_pages_turn_where_the_characters_change():
    rabbit = "小兔子在草地上采蘑菇。"  # 11 characters each
    bear = "小熊在河边钓到一条鱼。"

    def presence(sentence):
        return frozenset(n for n in ("小兔子", "小熊") if n in sentence)

    for n_rabbit, n_bear in ((3, 4), (4, 3)):
        paragraph = rabbit * n_rabbit + bear * n_bear  # 77 characters: two pages of at most 50
        scenes = split_scenes(paragraph, max_chars=50, presence=presence)
        assert scenes == [rabbit * n_rabbit, bear * n_bear]


def test_min_pages_is_a_lower_bound_of_the_split():
    for path in SAMPLE_FILES:
        body = read_story(path).body
        assert min_pages(body, 160) == len(split_scenes(body, 160))  # short paragraphs: exact
        for max_chars in (40, 80):
            assert min_pages(body, max_chars) <= len(split_scenes(body, max_chars))
