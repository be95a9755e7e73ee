"""Page pictures -> sRGB image XObjects in the PDF: PNG/JPEG data passed through when it can be, else converted."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageCms
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFObject, PDFObjectReference, PDFStream
from reportlab.pdfgen.canvas import Canvas

from storyboard.errors import UserError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ICC_NAME = "huibenSRGB"


@dataclass
class Picture:
    """A picture ready to draw: its size in pixels, its XObject name and what was done to it."""

    path: Path
    width: int  # px
    height: int  # px
    name: str  # the XObject name in the PDF
    notes: list[str] = field(default_factory=list)  # conversions worth telling the user about


class ImageStream(PDFObject):
    """An image XObject whose data is already encoded (Flate with PNG predictors, or DCT)."""

    def __init__(self, width: int, height: int, data: bytes, jpeg: bool, colors: int):
        self.width, self.height, self.data, self.jpeg, self.colors = width, height, data, jpeg, colors

    def format(self, document) -> bytes:
        d = {
            "Type": PDFName("XObject"),
            "Subtype": PDFName("Image"),
            "Width": self.width,
            "Height": self.height,
            "BitsPerComponent": 8,
            "ColorSpace": PDFObjectReference(_ICC_NAME) if self.colors == 3 else PDFName("DeviceGray"),
            # A single filter as a name, not an array: poppler ignores a dict DecodeParms beside an array Filter.
            "Filter": PDFName("DCTDecode" if self.jpeg else "FlateDecode"),
        }
        if not self.jpeg:
            # The PNG's own IDAT stream: PDF undoes the per-row PNG filters with Predictor 15.
            d["DecodeParms"] = PDFDictionary(
                {"Predictor": 15, "Colors": self.colors, "BitsPerComponent": 8, "Columns": self.width}
            )
        return PDFStream(PDFDictionary(d), self.data, filters=[]).format(document)


class ImageStore:
    """Loads each page picture once per book and embeds it once, however often it is drawn."""

    def __init__(self, canvas: Canvas, image_format: str = "png", jpeg_quality: int = 90):
        self.canvas = canvas
        self.image_format = image_format
        self.jpeg_quality = jpeg_quality
        self._loaded: dict[Path, Picture] = {}
        self._names: set[str] = set()
        self.image_bytes = 0  # encoded image data written into the PDF

    def load(self, path: Path) -> Picture:
        """Return the picture at `path`, embedded in the PDF; UserError if it is missing or unreadable."""
        path = Path(path)
        if path in self._loaded:
            return self._loaded[path]
        try:
            data = path.read_bytes()
        except OSError as e:
            raise UserError(f"{path}: page picture is missing or unreadable ({e.strerror}); re-run the build to render it") from None
        name = "img" + hashlib.blake2b(data, digest_size=10).hexdigest()
        width, height, encoded, jpeg, colors, notes = encode_picture(data, path, self.image_format, self.jpeg_quality)
        if name not in self._names:
            self._register(name, ImageStream(width, height, encoded, jpeg, colors))
            self.image_bytes += len(encoded)
        picture = Picture(path, width, height, name, notes)
        self._loaded[path] = picture
        return picture

    def draw(self, picture: Picture, x: float, y: float, w: float, h: float) -> None:
        """Draw `picture` stretched to the box (x, y, w, h) in pt; callers keep the aspect ratio."""
        c = self.canvas
        c._formsinuse.append(picture.name)
        c.saveState()
        c.transform(w, 0, 0, h, x, y)
        c._code.append(f"/{c._doc.getXObjectName(picture.name)} Do")
        c.restoreState()

    def _register(self, name: str, stream: ImageStream) -> None:
        doc = self.canvas._doc
        if not self._names:  # one sRGB ICC profile for every picture of the book: [/ICCBased <profile>]
            profile = PDFStream(PDFDictionary({"N": 3, "Alternate": PDFName("DeviceRGB")}), srgb_profile())
            doc.Reference(profile, _ICC_NAME + "Profile")
            doc.Reference(PDFArray([PDFName("ICCBased"), PDFObjectReference(_ICC_NAME + "Profile")]), _ICC_NAME)
        reg = doc.getXObjectName(name)
        doc.Reference(stream, reg)
        self._names.add(name)


@lru_cache(maxsize=1)
def srgb_profile() -> bytes:
    """Return an sRGB ICC profile (made by littlecms through Pillow: nothing to ship)."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def encode_picture(data: bytes, path: Path, image_format: str, quality: int) -> tuple[int, int, bytes, bool, int, list[str]]:
    """Return (width, height, encoded data, is_jpeg, colour channels, notes) for one picture file."""
    if image_format == "png":
        passed = png_idat(data)
        if passed:
            width, height, idat = passed
            return width, height, idat, False, 3, []
    if data[:2] == b"\xff\xd8" and data.rstrip(b"\0")[-2:] == b"\xff\xd9":
        info = _jpeg_info(data)
        if info:  # already JPEG: re-encoding would only lose quality
            width, height, colors = info
            return width, height, data, True, colors, []
    image, notes = open_as_srgb(data, path)
    buf = io.BytesIO()
    if image_format == "jpeg":
        # 4:4:4 chroma at high quality keeps coloured line art crisp in print.
        image.save(buf, "JPEG", quality=quality, subsampling=0 if quality >= 90 else 2)
        return image.width, image.height, buf.getvalue(), True, 3, notes
    image.save(buf, "PNG", compress_level=6)
    width, height, idat = png_idat(buf.getvalue())
    return width, height, idat, False, 3, notes


def png_idat(data: bytes) -> tuple[int, int, bytes] | None:
    """Return (width, height, IDAT data) of an 8-bit RGB non-interlaced PNG with intact chunks, else None."""
    if not data.startswith(PNG_SIGNATURE):
        return None
    pos, idat, header = 8, [], None
    while pos + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        crc = data[pos + 8 + length : pos + 12 + length]
        if len(body) != length or len(crc) != 4 or zlib.crc32(kind + body) != int.from_bytes(crc, "big"):
            return None  # damaged: let Pillow say what is wrong
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind in (b"iCCP", b"PLTE", b"tRNS", b"sBIT"):
            return None  # colour needs converting: the slow path
        elif kind == b"IEND":
            if header is None or not idat:
                return None
            width, height, depth, colour, _, _, interlace = header
            if depth != 8 or colour != 2 or interlace:
                return None
            return width, height, b"".join(idat)
        pos += 12 + length
    return None


def _jpeg_info(data: bytes) -> tuple[int, int, int] | None:
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.mode not in ("RGB", "L") or _foreign_icc(im):
                return None
            return im.width, im.height, 3 if im.mode == "RGB" else 1
    except Exception:  # noqa: BLE001 - any failure: decode it properly on the slow path
        return None


def _foreign_icc(im: Image.Image) -> bool:
    """Return whether the image carries an ICC profile other than sRGB."""
    icc = im.info.get("icc_profile")
    if not icc:
        return False
    try:
        desc = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc)))
    except (ImageCms.PyCMSError, OSError):
        return True
    return "srgb" not in desc.lower()


def open_as_srgb(data: bytes, path: Path) -> tuple[Image.Image, list[str]]:
    """Return the picture decoded as 8-bit sRGB, with notes on what had to be converted."""
    notes: list[str] = []
    try:
        im = Image.open(io.BytesIO(data))
        im.load()
    except Image.DecompressionBombError as e:
        raise UserError(f"{path}: page picture is far too large ({e}); render it smaller") from None
    except Exception as e:  # noqa: BLE001 - Pillow raises many types for damaged files
        raise UserError(f"{path}: page picture is damaged or not an image ({e}); re-run the build to render it again") from None
    if _foreign_icc(im):
        try:
            src = ImageCms.ImageCmsProfile(io.BytesIO(im.info["icc_profile"]))
            base = im if im.mode in ("RGB", "CMYK", "L") else im.convert("RGB")
            im = ImageCms.profileToProfile(base, src, ImageCms.createProfile("sRGB"), outputMode="RGB")
            notes.append("converted from its embedded colour profile to sRGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            notes.append("has an unreadable colour profile; treated as sRGB")
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        im = Image.new("RGB", rgba.size, (255, 255, 255))
        im.paste(rgba, mask=rgba.getchannel("A"))
        notes.append("had transparency; set on white")
    elif im.mode in ("I;16", "I;16B", "I;16L", "I"):
        im = im.point(lambda v: v / 257).convert("L")  # 16-bit grey -> 8-bit
        notes.append("was 16-bit grey; reduced to 8 bits")
    elif im.mode == "CMYK":
        notes.append("was CMYK without a profile; converted to sRGB naively (colours may shift)")
    if im.mode != "RGB":
        im = im.convert("RGB")
    return im, notes
