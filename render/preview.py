"""The preview renderer: an offline storyboard sketch per scene, no model weights, deterministic."""

from __future__ import annotations

import random
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from storyboard.build import to_simplified
from storyboard.models import Storyboard

from .jobs import RenderJob

VERSION = "preview/1"
WIDTH, HEIGHT = 1200, 900  # 4:3; 200 dpi across a 152 mm picture box

# Setting words -> what the sketch shows. Checked on the simplified text, first match wins per group.
_SKIES = [
    (("夜", "晚上", "月亮", "睡觉", "梦"), ((24, 32, 74), (70, 78, 140)), "night"),
    (("傍晚", "黄昏", "夕阳", "晚霞"), ((246, 160, 110), (252, 214, 160)), "dusk"),
    (("雨",), ((140, 150, 165), (196, 202, 210)), "rain"),
    (("雪", "冬"), ((200, 214, 230), (240, 244, 250)), "snow"),
    (("早上", "早晨", "太阳", "清晨"), ((120, 190, 240), (250, 236, 190)), "morning"),
]
_DAY_SKY = ((128, 192, 236), (214, 236, 250))
_GROUNDS = [
    (("河", "湖", "海", "水", "船"), (92, 160, 210), "water"),
    (("秋", "落叶", "金黄"), (214, 160, 80), "autumn"),
    (("雪",), (236, 240, 246), "snow"),
    (("街", "巷", "路", "院子", "房子", "学校", "教室"), (196, 180, 160), "town"),
]
_GRASS = (120, 180, 100)
_TREE_WORDS = ("森林", "树", "林", "公园", "草地", "山")


class PreviewRenderer:
    """Draws a composed sketch: sky and ground from the text, labelled figures, page number."""

    name = "preview"
    batch_size = 8

    def __init__(self, font_path: str = ""):
        self.font_path = font_path
        self.notes: list[str] = []
        self.flagged: dict[str, int] = {}

    def plan_portraits(self, board: Storyboard) -> list[RenderJob]:
        """Return no portrait jobs: a sketch needs no reference embeddings."""
        return []

    def encode_references(self, portraits: dict, out_dir) -> dict[str, str]:
        """Return no references (see plan_portraits)."""
        return {}

    def load_inversions(self, board: Storyboard) -> None:
        """Do nothing: textual inversions mean nothing to a sketch."""

    def plan_jobs(self, board: Storyboard, references: dict[str, str] | None = None) -> list[RenderJob]:
        """Return one job per scene; the sketch depends on text, cast and seeds only."""
        jobs = []
        names = {form for c in board.characters for form in (c.name, *c.aliases)}
        for page, scene in enumerate(board.scenes, start=1):
            cast = [[name, board.character(name).seed, board.character(name).kind] for name in scene.characters]
            # The setting is read from the text without names: 小雨 is a girl, not rain.
            setting = scene.text
            for form in sorted(names, key=len, reverse=True):
                setting = setting.replace(form, "·")
            jobs.append(
                RenderJob(
                    page=page,
                    renderer=VERSION,
                    prompt=scene.prompt,
                    seed=scene.seed,
                    width=WIDTH,
                    height=HEIGHT,
                    extra={"setting": setting, "cast": cast},
                )
            )
        return jobs

    def render(self, jobs: list[RenderJob]) -> list[Image.Image]:
        """Return one sketch per job."""
        return [self.draw_sketch(job) for job in jobs]

    def draw_sketch(self, job: RenderJob) -> Image.Image:
        """Return the sketch image for one job."""
        rng = random.Random(job.seed)
        text = to_simplified(job.extra.get("setting", ""))
        img = Image.new("RGB", (job.width, job.height))
        draw = ImageDraw.Draw(img)
        w, h = job.width, job.height
        horizon = int(h * 0.62)

        sky, mood = _pick_sky(text)
        _gradient(draw, 0, horizon, w, sky[0], sky[1])
        if mood == "night":
            for _ in range(40):
                x, y, r = rng.randrange(w), rng.randrange(horizon), rng.choice((2, 2, 3, 4))
                draw.ellipse((x - r, y - r, x + r, y + r), fill=(250, 240, 190))
            draw.ellipse((w * 0.78, h * 0.08, w * 0.78 + 110, h * 0.08 + 110), fill=(250, 236, 170))
            draw.ellipse((w * 0.78 + 30, h * 0.08 - 10, w * 0.78 + 140, h * 0.08 + 100), fill=sky[0])
        elif mood in ("morning", "day", "dusk"):
            cx, cy = w * 0.82, h * 0.16
            draw.ellipse((cx - 60, cy - 60, cx + 60, cy + 60), fill=(255, 214, 90) if mood != "dusk" else (250, 120, 70))
        elif mood == "rain":
            for _ in range(120):
                x, y = rng.randrange(w), rng.randrange(h)
                draw.line((x, y, x - 8, y + 26), fill=(225, 232, 240), width=2)
        elif mood == "snow":
            for _ in range(90):
                x, y, r = rng.randrange(w), rng.randrange(h), rng.choice((3, 4, 5))
                draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255))

        ground = _pick_ground(text)
        draw.rectangle((0, horizon, w, h), fill=ground)
        if any(word in text for word in _TREE_WORDS):
            for _ in range(rng.randint(3, 6)):
                _tree(draw, rng.randrange(w), horizon + rng.randint(-10, 30), rng, autumn="秋" in text)
        if mood == "night":
            # Dim everything below the horizon too: a night scene is dark all over.
            shade = Image.new("RGB", (w, h - horizon), (20, 24, 60))
            img.paste(Image.blend(img.crop((0, horizon, w, h)), shade, 0.45), (0, horizon))
            draw = ImageDraw.Draw(img)

        cast = job.extra.get("cast", [])
        for i, (name, seed, kind) in enumerate(cast):
            x = w * (i + 1) / (len(cast) + 1)
            _figure(draw, x, horizon + h * 0.22, seed, kind, name, self._font(34))

        # Page number badge and the PREVIEW mark: a preview must never pass for a final picture.
        draw.ellipse((24, 24, 124, 124), fill=(255, 255, 255), outline=(60, 60, 60), width=4)
        _centered(draw, (74, 74), str(job.page), self._font(52), (40, 40, 40))
        label = "预览 PREVIEW"
        font = self._font(40)
        box = draw.textbbox((0, 0), label, font=font)
        bw = box[2] - box[0] + 40
        draw.rectangle((w - bw - 24, h - 84, w - 24, h - 24), fill=(200, 40, 40))
        _centered(draw, (w - 24 - bw / 2, h - 54), label, font, (255, 255, 255))
        return img

    def _font(self, size: int) -> ImageFont.ImageFont:
        return _load_font(self.font_path, size)


@lru_cache(maxsize=16)
def _load_font(path: str, size: int) -> ImageFont.ImageFont:
    if path:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def _pick_sky(text: str):
    for words, colours, mood in _SKIES:
        if any(word in text for word in words):
            return colours, mood
    return _DAY_SKY, "day"


def _pick_ground(text: str):
    for words, colour, _ in _GROUNDS:
        if any(word in text for word in words):
            return colour
    return _GRASS


def _gradient(draw: ImageDraw.ImageDraw, top: int, bottom: int, width: int, c0, c1) -> None:
    span = max(1, bottom - top)
    for y in range(top, bottom):
        t = (y - top) / span
        draw.line((0, y, width, y), fill=tuple(int(a + (b - a) * t) for a, b in zip(c0, c1)))


def _tree(draw: ImageDraw.ImageDraw, x: int, base: int, rng: random.Random, autumn: bool) -> None:
    trunk_h = rng.randint(70, 120)
    draw.rectangle((x - 10, base - trunk_h, x + 10, base), fill=(120, 84, 50))
    r = rng.randint(50, 80)
    leaf = rng.choice([(230, 160, 50), (214, 110, 50), (240, 200, 80)]) if autumn else rng.choice([(70, 140, 70), (90, 160, 80)])
    draw.ellipse((x - r, base - trunk_h - r * 1.5, x + r, base - trunk_h + r * 0.4), fill=leaf)


def _colour(seed: int) -> tuple[int, int, int]:
    """Return a friendly saturated colour fixed by the character's seed."""
    import colorsys

    r, g, b = colorsys.hsv_to_rgb((seed % 360) / 360, 0.55, 0.9)
    return int(r * 255), int(g * 255), int(b * 255)


def _figure(draw, x: float, feet: float, seed: int, kind: str, name: str, font) -> None:
    """Draw a simple labelled figure: body, head, ears for animals; its colour is fixed by its seed."""
    colour = _colour(seed)
    dark = tuple(int(c * 0.6) for c in colour)
    body_w, body_h, head_r = 90, 130, 52
    top = feet - body_h
    draw.rounded_rectangle((x - body_w / 2, top, x + body_w / 2, feet), radius=30, fill=colour, outline=dark, width=4)
    hy = top - head_r + 8
    if kind == "animal":
        for dx in (-30, 30):
            draw.ellipse((x + dx - 16, hy - head_r - 22, x + dx + 16, hy - head_r + 26), fill=colour, outline=dark, width=4)
    draw.ellipse((x - head_r, hy - head_r, x + head_r, hy + head_r), fill=(252, 228, 200) if kind != "animal" else colour, outline=dark, width=4)
    for dx in (-18, 18):
        draw.ellipse((x + dx - 6, hy - 8, x + dx + 6, hy + 4), fill=(40, 40, 40))
    draw.arc((x - 16, hy + 4, x + 16, hy + 26), 20, 160, fill=(40, 40, 40), width=3)
    box = draw.textbbox((0, 0), name, font=font)
    tw = box[2] - box[0]
    ly = feet + 14
    draw.rounded_rectangle((x - tw / 2 - 14, ly, x + tw / 2 + 14, ly + 52), radius=12, fill=(255, 255, 255), outline=dark, width=3)
    _centered(draw, (x, ly + 26), name, font, (30, 30, 30))


def _centered(draw, centre, text, font, fill) -> None:
    draw.text(centre, text, font=font, fill=fill, anchor="mm")
