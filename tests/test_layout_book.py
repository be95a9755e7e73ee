"""The picture book as a printer and a reader get it: pages, fonts, pinyin, templates, print boxes, bad input."""

import io
import shutil
import zipfile

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from reportlab.lib.units import mm

from layout.book import write_book
from layout.export import export_pages, write_contact_sheet, write_zip
from layout.options import PAGE_SIZES_MM, BookOptions
from layout.pinyin import pinyin_for
from storyboard.errors import UserError
from storyboard.models import Scene, Storyboard
from storyboard.sentences import split_sentences

SCENES = [
    "小熊长大了，他想去银行看看。妈妈说：“我们重新出发吧！”",
    "小兔子快乐地跑进草地，还有一只小鸟在唱歌。",
    "晚上，月亮出来了。小熊数一数天上的星星，一颗、两颗、三颗……",
]
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
needs_poppler = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm (poppler-utils) not installed")


def make_board(texts=SCENES, layouts=None):
    layouts = layouts or [None] * len(texts)
    return Storyboard(title="小熊的月亮", seed=7, scenes=[Scene(text=t, seed=i, layout=lay) for i, (t, lay) in enumerate(zip(texts, layouts))])


def make_picture(path, size=(1200, 900), mode="RGB", colour=(120, 180, 230), fmt="PNG"):
    im = Image.new("RGB", size, colour)
    ImageDraw.Draw(im).ellipse((size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2), fill=(240, 200, 80))
    if mode != "RGB":
        im = im.convert(mode)
    im.save(path, fmt)
    return path


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pics")
    return [make_picture(tmp / f"{i}.png", colour=(40 * i, 150, 200)) for i in range(len(SCENES))]


def build(tmp_path, font_path, pictures, board=None, **options):
    pdf = tmp_path / "book.pdf"
    report = write_book(board or make_board(), pictures, pdf, font_path, BookOptions(**options))
    return report, PdfReader(pdf)


def flat_text(reader, pages=None):
    """Return the text of the pages (all by default) without whitespace or the page numbers drawn last."""
    last = len(reader.pages)
    out = []
    for number, page in enumerate(reader.pages, start=1):
        if pages is None or number in pages:
            text = "".join(page.extract_text().split())
            out.append(text.removesuffix(str(number - 1)) if 1 < number < last else text)
    return "".join(out)


# --- pages, metadata, fonts, text ---------------------------------------------------------------

def test_default_book_is_cover_one_page_per_scene_and_end_page(tmp_path, font_path, pictures):
    report, reader = build(tmp_path, font_path, pictures, author="王老师", credits={"model": "preview", "seeds": "7"})
    assert len(reader.pages) == report.page_count == len(SCENES) + 2
    assert report.pages == {1: [2], 2: [3], 3: [4]}
    assert report.pdf_bytes == (tmp_path / "book.pdf").stat().st_size
    meta = reader.metadata
    assert meta.title == "小熊的月亮" and meta.author == "王老师"
    assert "绘本" in meta.subject and "绘本" in meta["/Keywords"]
    assert len(reader.outline) == len(reader.pages)  # one bookmark per page
    assert "model:preview" in flat_text(reader, [len(reader.pages)])  # credits on the end page


def test_fonts_are_embedded_truetype_subsets(tmp_path, font_path, pictures):
    _, reader = build(tmp_path, font_path, pictures, pinyin=True)
    fonts = {}
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            f = f.get_object()
            fonts[f["/BaseFont"]] = f
    assert fonts
    for name, f in fonts.items():
        assert "/FontFile2" in f["/FontDescriptor"].get_object(), name
        assert "+" in name


@pytest.mark.parametrize("pinyin", [False, True])
def test_extracted_text_has_every_sentence_and_the_title(tmp_path, font_path, pictures, pinyin):
    report, reader = build(tmp_path, font_path, pictures, pinyin=pinyin)
    assert not [w for w in report.warnings if "does not fit" in w]  # a split sentence would be interleaved with pinyin
    flat = flat_text(reader)
    assert "小熊的月亮" in flat
    for text in SCENES:
        for sentence in split_sentences(text):
            assert "".join(sentence.split()) in flat, sentence


# --- pinyin -------------------------------------------------------------------------------------

@pytest.mark.parametrize("word, reading", [
    ("长大", ["zhǎng", "dà"]), ("银行", ["yín", "háng"]), ("重新", ["chóng", "xīn"]),
    ("快乐", ["kuài", "lè"]), ("还有", ["hái", "yǒu"]),
])
def test_polyphones_are_read_in_word_context(word, reading):
    assert pinyin_for(f"他{word}了。")[1:3] == reading


def test_pinyin_is_one_per_character_and_none_for_punctuation_and_latin():
    text = "他说：“快乐地跑ABC 12！”"
    syllables = pinyin_for(text)
    assert len(syllables) == len(text)
    assert syllables[:2] == ["tā", "shuō"]
    assert syllables[4:7] == ["kuài", "lè", "de"]  # 快乐地: the adverbial particle, not dì
    assert all(s is None for ch, s in zip(text, syllables) if not ("\u4e00" <= ch <= "\u9fff"))


def test_structural_particles_and_yi_bu_tone_changes():
    assert pinyin_for("大地")[1] == "dì" and pinyin_for("走进草地")[3] == "dì"
    assert pinyin_for("跑得快")[1] == "de" and pinyin_for("得到")[0] == "dé"
    assert pinyin_for("一天")[0] == "yì" and pinyin_for("一个")[0] == "yí" and pinyin_for("第一")[1] == "yī"
    assert pinyin_for("不是")[0] == "bú" and pinyin_for("不好")[0] == "bù"
    assert pinyin_for("要迎着风")[2] == "zhe" and pinyin_for("睡着了")[1] == "zháo"


def test_pinyin_is_set_above_the_characters_and_extractable(tmp_path, font_path, pictures):
    _, plain = build(tmp_path, font_path, pictures)
    _, ruby = build(tmp_path, font_path, pictures, pinyin=True)
    page = flat_text(ruby, [2])
    for syllable in ("zhǎng", "yínháng", "chóngxīn"):
        assert syllable in page
    assert "zhǎng" not in flat_text(plain)


# --- templates, sizes, print boxes --------------------------------------------------------------

def test_scene_layout_overrides_the_book_template(tmp_path, font_path, pictures):
    board = make_board(layouts=[None, "spread", "full-bleed"])
    report, reader = build(tmp_path, font_path, pictures, board=board)
    assert report.pages == {1: [2], 2: [3, 4], 3: [5]}  # a spread is a picture page and a text page
    assert len(reader.pages) == len(SCENES) + 3
    assert "快乐" in flat_text(reader, [4]) and "快乐" not in flat_text(reader, [3])


@pytest.mark.parametrize("template", ["picture-above", "full-bleed", "spread"])
def test_every_template_keeps_all_text(tmp_path, font_path, pictures, template):
    report, reader = build(tmp_path, font_path, pictures, template=template, pinyin=True)
    flat = flat_text(reader)
    for text in SCENES:
        assert "".join(split_sentences(text)[0].split()) in flat


def test_unknown_template_in_the_storyboard_is_a_user_error(tmp_path, font_path, pictures):
    with pytest.raises(UserError, match=r"scenes\.1\.layout.*'comic'"):
        build(tmp_path, font_path, pictures, board=make_board(layouts=[None, "comic", None]))
    assert not (tmp_path / "book.pdf").exists()


@pytest.mark.parametrize("size", sorted(PAGE_SIZES_MM))
def test_page_sizes_give_the_trim_box(tmp_path, font_path, pictures, size):
    _, reader = build(tmp_path, font_path, pictures, page_size=size)
    w, h = PAGE_SIZES_MM[size]
    box = reader.pages[1].trimbox
    assert float(box.width) == pytest.approx(w * mm, abs=0.01) and float(box.height) == pytest.approx(h * mm, abs=0.01)


def test_bleed_grows_the_media_box_by_twice_the_bleed(tmp_path, font_path, pictures):
    _, plain = build(tmp_path, font_path, pictures)
    _, bled = build(tmp_path, font_path, pictures, bleed_mm=3)
    for a, b in zip(plain.pages, bled.pages):
        assert float(b.mediabox.width) - float(a.mediabox.width) == pytest.approx(6 * mm, abs=0.01)
        assert float(b.mediabox.height) - float(a.mediabox.height) == pytest.approx(6 * mm, abs=0.01)
        assert float(b.trimbox.width) == pytest.approx(float(a.trimbox.width), abs=0.01)
        assert float(b.bleedbox.width) == pytest.approx(float(b.trimbox.width) + 6 * mm, abs=0.01)


def test_crop_marks_sit_outside_the_bleed(tmp_path, font_path, pictures):
    _, marked = build(tmp_path, font_path, pictures, bleed_mm=3, crop_marks=True)
    page = marked.pages[1]
    assert float(page.mediabox.width) > float(page.bleedbox.width) + 10 * mm  # room for the marks
    assert b"1 1 1 1 K" in page.get_contents().get_data()  # registration colour strokes


def test_long_paragraph_moves_to_a_new_page_instead_of_being_cut(tmp_path, font_path, pictures):
    long = "".join(f"第{i}句话很长很长，小熊一直往前走，走过小河又走过大山。" for i in range(1, 16))
    board = make_board([SCENES[0], long, SCENES[2]])
    report, reader = build(tmp_path, font_path, pictures, board=board)
    assert len(report.pages[2]) >= 2
    assert report.page_count == len(reader.pages) == len(SCENES) + 1 + len(report.pages[2])
    assert any("story page 2" in w and "moved to PDF page" in w for w in report.warnings)
    flat = flat_text(reader, report.pages[2])
    for sentence in split_sentences(long):
        assert sentence in flat, sentence
    assert report.type_sizes[2] == 17  # shrunk to the level's smallest size before moving on


def test_text_shrinks_before_it_moves(tmp_path, font_path, pictures):
    medium = "小熊和小兔一起去森林里找蘑菇，他们走了很久很久，终于在一棵大树下找到了一大片又白又胖的蘑菇。"
    report, _ = build(tmp_path, font_path, pictures, board=make_board([SCENES[0], medium * 3, SCENES[2]]))
    assert report.type_sizes[1] == 22
    assert 17 <= report.type_sizes[2] < 22
    assert report.pages[2] == [3]


def test_reading_levels_set_smaller_type_for_older_readers(tmp_path, font_path, pictures):
    young, _ = build(tmp_path, font_path, pictures, level="grade1-2")
    old, _ = build(tmp_path, font_path, pictures, level="grade5-6")
    assert all(old.type_sizes[n] < young.type_sizes[n] for n in young.type_sizes)


# --- images -------------------------------------------------------------------------------------

def image_objects(reader):
    found = {}
    for page in reader.pages:
        for name, ref in page["/Resources"].get("/XObject", {}).items():
            found[ref.idnum] = ref.get_object()
    return list(found.values())


def test_pictures_are_srgb_and_each_is_embedded_once(tmp_path, font_path, pictures):
    _, reader = build(tmp_path, font_path, pictures)
    images = image_objects(reader)
    assert len(images) == len(pictures)  # the cover reuses the first picture's object
    for im in images:
        space = im["/ColorSpace"].get_object()
        assert space[0] == "/ICCBased" and space[1].get_object()["/N"] == 3


def test_jpeg_embedding_is_an_option_and_the_size_is_reported(tmp_path, font_path):
    noisy = []
    for i in range(len(SCENES)):
        path = tmp_path / f"noise{i}.png"
        Image.effect_noise((600, 450), 60 + i).convert("RGB").save(path)
        noisy.append(path)
    png, _ = build(tmp_path, font_path, noisy)
    jpeg, reader = build(tmp_path, font_path, noisy, image_format="jpeg", jpeg_quality=80)
    assert {im["/Filter"] for im in image_objects(reader)} == {"/DCTDecode"}
    assert jpeg.pdf_bytes < png.pdf_bytes
    assert jpeg.image_bytes < jpeg.pdf_bytes


def test_low_resolution_pictures_get_a_warning(tmp_path, font_path):
    small = [make_picture(tmp_path / f"s{i}.png", size=(240, 180)) for i in range(len(SCENES))]
    report, _ = build(tmp_path, font_path, small)
    warning = next(w for w in report.warnings if "dpi" in w)
    assert "under 300 dpi" in warning and "1–4" in warning  # the cover and three story pages


@pytest.mark.parametrize("mode, fmt, note", [
    ("RGBA", "PNG", "transparency"), ("CMYK", "JPEG", "CMYK"), ("P", "PNG", None), ("L", "PNG", None), ("I;16", "PNG", "16-bit"),
])
def test_pictures_in_other_modes_are_converted(tmp_path, font_path, pictures, mode, fmt, note):
    odd = make_picture(tmp_path / f"odd.{fmt.lower()}", mode=mode, fmt=fmt)
    report, reader = build(tmp_path, font_path, [pictures[0], odd, pictures[2]])
    assert len(reader.pages) == len(SCENES) + 2
    notes = [w for w in report.warnings if "odd" in w]
    assert (note is None and not notes) or (note and any(note in w for w in notes)), report.warnings


def test_a_strip_shaped_picture_is_reported(tmp_path, font_path, pictures):
    strip = make_picture(tmp_path / "strip.png", size=(2400, 200))
    report, _ = build(tmp_path, font_path, [pictures[0], strip, pictures[2]])
    assert any("strip.png" in w and "shape" in w for w in report.warnings)


@pytest.mark.parametrize("damage", ["missing", "truncated", "garbage"])
def test_bad_picture_is_a_user_error_and_no_pdf_is_written(tmp_path, font_path, pictures, damage):
    bad = tmp_path / "bad.png"
    if damage == "truncated":
        bad.write_bytes(pictures[1].read_bytes()[:2000])
    elif damage == "garbage":
        bad.write_bytes(b"not a picture at all" * 50)
    (tmp_path / "book.pdf").write_bytes(b"the old book")
    with pytest.raises(UserError, match="bad.png"):
        build(tmp_path, font_path, [pictures[0], bad, pictures[2]])
    assert (tmp_path / "book.pdf").read_bytes() == b"the old book"  # never half-written
    assert not list(tmp_path.glob("*.part"))


# --- fonts --------------------------------------------------------------------------------------

def test_cff_font_is_refused_with_a_truetype_alternative(tmp_path, font_path, pictures):
    otf = tmp_path / "NotoSansCJK-Regular.otf"
    otf.write_bytes(b"OTTO" + bytes(200))
    with pytest.raises(UserError, match="CFF.*TrueType.*LXGW"):
        build(tmp_path, otf, pictures)


def test_a_file_that_is_no_font_is_a_user_error(tmp_path, pictures):
    junk = tmp_path / "font.ttf"
    junk.write_bytes(b"\x00\x01\x00\x00" + bytes(100))
    with pytest.raises(UserError, match="TrueType"):
        build(tmp_path, junk, pictures)


def test_missing_glyphs_are_listed_and_a_fallback_font_fills_them(tmp_path, font_path, pictures):
    board = make_board([SCENES[0], "小熊花了5₹买糖，还看见了𠀀。", SCENES[2]])
    plain, _ = build(tmp_path, font_path, pictures, board=board)
    warning = next(w for w in plain.warnings if "lacks" in w)
    assert "₹" in warning and "𠀀" in warning
    if not shutil.os.path.exists(DEJAVU):
        pytest.skip("DejaVu Sans not installed")
    helped, reader = build(tmp_path, font_path, pictures, board=board, fallback_font=DEJAVU)
    warning = next(w for w in helped.warnings if "neither" in w)
    assert "𠀀" in warning and "₹" not in warning
    assert any("DejaVu" in str(f.get_object()["/BaseFont"]) for f in reader.pages[2]["/Resources"]["/Font"].values())


# --- export -------------------------------------------------------------------------------------

@needs_poppler
def test_pages_contact_sheet_and_zip(tmp_path, font_path, pictures):
    report, _ = build(tmp_path, font_path, pictures, bleed_mm=3, crop_marks=True)
    story = [p for pages in report.pages.values() for p in pages]
    pages = export_pages(tmp_path / "book.pdf", tmp_path / "pages", dpi=30, pdf_pages=story)
    assert [p.name for p in pages] == ["01.png", "02.png", "03.png"]
    side = round(210 * mm * 30 / 72)  # trim only: no bleed, no marks
    assert Image.open(pages[0]).size == (side, side)
    sheet = write_contact_sheet(tmp_path / "book.pdf", tmp_path / "contact.png", thumb=120)
    im = Image.open(sheet)
    assert im.width >= 5 * 120 and im.height >= 120  # five pages in one row
    (tmp_path / "renders").mkdir()
    (tmp_path / "renders" / "cache.png").write_bytes(b"x")
    bundle = write_zip(tmp_path, tmp_path / "book.zip")
    names = zipfile.ZipFile(bundle).namelist()
    assert {"book.pdf", "contact.png", "pages/01.png"} <= set(names)
    assert not any(n.startswith("renders/") for n in names)


def test_export_pages_still_copies_pictures(tmp_path, pictures):
    out = export_pages(pictures, tmp_path / "pages")
    assert [p.read_bytes() for p in out] == [p.read_bytes() for p in pictures]
    assert io.BytesIO(out[0].read_bytes()).read(8) == b"\x89PNG\r\n\x1a\n"


# --- typesetting with the real font -------------------------------------------------------------

def test_set_lines_keep_kinsoku_rules_fit_and_are_justified(font_path):
    from layout.linebreak import NO_LINE_END, NO_LINE_START
    from layout.options import LEVELS
    from layout.typeset import MAX_STRETCH, Typesetter

    text = "他说：“今天天气真好，我们去公园吧！”妈妈笑了。「好啊，」爸爸说，「带上（小）风筝。」要迎着风，线要一点一点地放。”"
    for ruby in (False, True):
        setter = Typesetter(font_path, LEVELS["grade1-2"], ruby=ruby)
        for ems in range(5, 16):
            block = setter.set_block(text, 20, ems * 20)
            lines = ["".join(c.text for c in line.cells) for line in block.lines]
            assert "".join(lines) == text
            assert all(line[0] not in NO_LINE_START for line in lines[1:]), lines
            assert all(line[-1] not in NO_LINE_END for line in lines[:-1]), lines
            for line in block.lines:
                assert line.natural <= block.measure + 20.01  # at most one hanging mark
                if line.justify and ems >= 10:  # wide enough that every full line can be spread to the column
                    gaps = len(line.cells) - 1
                    assert block.width() - line.natural <= gaps * MAX_STRETCH * 20 + 0.01
