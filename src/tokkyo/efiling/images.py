"""The images of an application: found by the name the HTML gives, checked against the
JPO's image rules for patents and utility models, and converted for the XML package.

Rules: PNG, GIF or BMP in black and white (1 bit), or JPEG (JFIF) in 8-bit grayscale;
200, 300 or 400 dpi; at most 170 × 255 mm. A PNG or GIF in colour or grey is a warning
and is converted to black and white; a BMP that is not black and white, a JPEG that is
not grayscale, an animated image or any other format is an error. GIF stores no
resolution: it is read as 400 dpi, the finest allowed, so that its size is never
overstated.
"""

from __future__ import annotations

import io
import posixpath
from dataclasses import dataclass
from urllib.parse import unquote

from PIL import Image as Pillow
from PIL import UnidentifiedImageError

from tokkyo.efiling.findings import Severity

ALLOWED = ("PNG", "GIF", "BMP", "JPEG")
DPIS = (200, 300, 400)
GIF_DPI = 400
MAX_MM = (170.0, 255.0)
MM_PER_INCH = 25.4


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    severity: Severity
    args: dict[str, str]


@dataclass(frozen=True, slots=True)
class Checked:
    """An image as read: its format, size in pixels, resolution, whether it is black and
    white, and what is wrong with it."""

    name: str
    format: str
    width: int
    height: int
    dpi: int
    binary: bool
    problems: tuple[Problem, ...]

    @property
    def mm(self) -> tuple[float, float]:
        dpi = self.dpi or GIF_DPI
        return (self.width / dpi * MM_PER_INCH, self.height / dpi * MM_PER_INCH)

    @property
    def convertible(self) -> bool:
        return not any(p.severity is Severity.ERROR for p in self.problems)


def find(files: dict[str, bytes], src: str) -> str | None:
    """The name among `files` of the image an IMG names (its path as written, URL
    escapes undone, `./` and `..` resolved; else by its last part; case is ignored)."""
    if not src:
        return None
    wanted = posixpath.normpath(unquote(src).replace("\\", "/")).lstrip("./").lower()
    by_lower = {k.replace("\\", "/").lower(): k for k in files}
    if wanted in by_lower:
        return by_lower[wanted]
    base = wanted.rsplit("/", 1)[-1]
    matches = [k for low, k in by_lower.items() if low.rsplit("/", 1)[-1] == base]
    return matches[0] if len(matches) == 1 else None


def check_image(name: str, data: bytes) -> Checked:
    try:
        image = Pillow.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, ValueError):
        return Checked(name, "", 0, 0, 0, False, (_error(
            "image-format", "画像として読めません。PNG、GIF、BMP 又は JPEG で保存してください。",
            "cannot be read as an image: save it as PNG, GIF, BMP or JPEG."),))
    fmt = image.format or ""
    problems: list[Problem] = []
    if fmt not in ALLOWED:
        problems.append(_error(
            "image-format", f"{fmt} 形式は使えません。白黒の PNG、GIF、BMP 又はグレースケールの"
                            "JPEG で保存してください。",
            f"{fmt} is not allowed: save it as a black-and-white PNG, GIF or BMP, or a "
            "grayscale JPEG."))
    if getattr(image, "is_animated", False) or getattr(image, "n_frames", 1) > 1:
        problems.append(_error("image-format", "動画像（アニメーション）は使えません。",
                               "is animated: an image must be a single still picture."))
    binary = _binary(image)
    if fmt == "JPEG":
        if "jfif" not in image.info:
            problems.append(_error("image-format", "JPEG は JFIF 形式で保存してください。",
                                   "is a JPEG but not JFIF: save it as JFIF."))
        if image.mode != "L":
            problems.append(_error(
                "image-bit-depth",
                f"JPEG は 8 ビットのグレースケールにしてください（{image.mode}）。",
                f"a JPEG must be 8-bit grayscale, not {image.mode}."))
    elif fmt in ("PNG", "GIF", "BMP") and not binary:
        if fmt == "BMP":
            problems.append(_error("image-bit-depth", "BMP は白黒２値にしてください。",
                                   "a BMP must be black and white (1 bit)."))
        else:
            problems.append(Problem("image-bit-depth", Severity.WARNING, {
                "reason_ja": f"白黒２値ではありません（{image.mode}）。白黒に変換します。",
                "reason_en": f"is not black and white ({image.mode}): it is converted to "
                             "black and white."}))
    dpi = _dpi(image, fmt)
    if dpi not in DPIS and fmt in ALLOWED and fmt != "GIF":
        problems.append(Problem("image-dpi", Severity.ERROR,
                                {"dpi": f"{dpi} dpi" if dpi else "不明 / unknown"}))
    checked = Checked(name, fmt, image.width, image.height, dpi if dpi in DPIS else 0,
                      binary, tuple(problems))
    width, height = checked.mm
    if (dpi in DPIS or fmt == "GIF") and (width > MAX_MM[0] + 0.05 or height > MAX_MM[1] + 0.05):
        problems.append(Problem("image-size", Severity.ERROR,
                                {"width": f"{width:.1f}", "height": f"{height:.1f}"}))
        checked = Checked(name, fmt, image.width, image.height, checked.dpi, binary,
                          tuple(problems))
    return checked


def converted(checked: Checked, data: bytes) -> tuple[bytes, str]:
    """The image as the package holds it, and its format's name in the XML: black and
    white images as GIF (grey and colour ones thresholded at the middle; a black and
    white GIF as it is), JPEG as is."""
    if checked.format == "JPEG":
        return data, "jpg"
    if checked.format == "GIF" and checked.binary:
        return data, "gif"
    image: Pillow.Image = Pillow.open(io.BytesIO(data))
    if image.mode != "1":
        image = image.convert("L").point(lambda v: 255 if v >= 128 else 0).convert("1")
    out = io.BytesIO()
    image.save(out, "GIF")
    return out.getvalue(), "gif"


def _error(code: str, ja: str, en: str) -> Problem:
    return Problem(code, Severity.ERROR, {"reason_ja": ja, "reason_en": en})


def _binary(image: Pillow.Image) -> bool:
    """Whether the image holds only black and white, whatever its mode."""
    if image.mode == "1":
        return True
    if image.mode == "L":
        grey = image.getcolors(3)
        return grey is not None and {v for _, v in grey} <= {0, 255}
    if image.mode == "P" and image.palette is not None and image.palette.mode == "RGB":
        used = image.getcolors(3)
        palette = image.getpalette() or []
        black_white = ([0, 0, 0], [255, 255, 255])
        return used is not None and all(
            isinstance(i, int) and palette[3 * i:3 * i + 3] in black_white for _, i in used)
    if image.mode not in ("P", "RGB", "RGBA", "LA"):
        return False
    colours = image.convert("RGB").getcolors(3)
    return colours is not None and {c for _, c in colours} <= {(0, 0, 0), (255, 255, 255)}


def _dpi(image: Pillow.Image, fmt: str) -> int:
    if fmt == "GIF":
        return GIF_DPI
    dpi = image.info.get("dpi")
    if not dpi:
        return 0
    x, y = (float(v) for v in dpi[:2])
    if abs(x - y) > 1:
        return 0
    return round(x)
