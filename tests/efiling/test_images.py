"""The image rules on images of each allowed and forbidden kind, made here with Pillow."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.efiling.applications import image
from tokkyo.efiling import images
from tokkyo.efiling.findings import Severity


def _grey_mode_in_black_and_white() -> bytes:
    """A PNG in grey mode that holds only black and white: binary by its content."""
    im = Image.new("L", (200, 100), 255)
    im.putpixel((3, 3), 0)
    out = io.BytesIO()
    im.save(out, "PNG", dpi=(300, 300))
    return out.getvalue()


ALLOWED = {
    "gif-1bit": image("gif"),
    "png-1bit-200": image("png", dpi=200),
    "png-1bit-400": image("png", dpi=400),
    "bmp-1bit": image("bmp"),
    "jpeg-grey": image("jpeg", mode="L"),
    "png-grey-mode-black-and-white": _grey_mode_in_black_and_white(),
}
#: (image, code, severity, message in English)
FORBIDDEN = {
    "png-grey": (image("png", mode="L"), "image-bit-depth", Severity.WARNING,
                 "is not black and white (L): it is converted to black and white."),
    "gif-colour": (image("gif", mode="RGB"), "image-bit-depth", Severity.WARNING,
                   "is not black and white (P): it is converted to black and white."),
    "bmp-grey": (image("bmp", mode="L"), "image-bit-depth", Severity.ERROR,
                 "a BMP must be black and white (1 bit)."),
    "jpeg-colour": (image("jpeg", mode="RGB"), "image-bit-depth", Severity.ERROR,
                    "a JPEG must be 8-bit grayscale, not RGB."),
    "jpeg-not-jfif": (image("jpeg", mode="L", jfif=False), "image-format", Severity.ERROR,
                      "is a JPEG but not JFIF: save it as JFIF."),
    "gif-animated": (image("gif", frames=2), "image-format", Severity.ERROR,
                     "is animated: an image must be a single still picture."),
    "tiff": (image("tiff"), "image-format", Severity.ERROR,
             "TIFF is not allowed: save it as a black-and-white PNG, GIF or BMP, or a "
             "grayscale JPEG."),
    "webp": (image("webp", mode="L"), "image-format", Severity.ERROR,
             "WEBP is not allowed: save it as a black-and-white PNG, GIF or BMP, or a "
             "grayscale JPEG."),
    "not-an-image": (b"GIF89a but not really", "image-format", Severity.ERROR,
                     "cannot be read as an image: save it as PNG, GIF, BMP or JPEG."),
}




@pytest.mark.parametrize("name", ALLOWED)
def test_allowed_kinds_pass(name):
    checked = images.check_image(name, ALLOWED[name])
    assert checked.problems == ()
    data, fmt = images.converted(checked, ALLOWED[name])
    assert fmt == ("jpg" if name.startswith("jpeg") else "gif")
    assert Image.open(io.BytesIO(data)).mode in (("L",) if fmt == "jpg" else ("1", "P", "L"))


@pytest.mark.parametrize("name", FORBIDDEN)
def test_forbidden_kinds_are_found(name):
    data, code, severity, message = FORBIDDEN[name]
    checked = images.check_image(name, data)
    first = checked.problems[0]
    assert (first.code, first.severity, first.args["reason_en"]) == (code, severity, message)
    assert checked.convertible is (severity is Severity.WARNING)


def test_a_grey_png_is_converted_to_black_and_white():
    data = image("png", mode="L", dpi=300)
    checked = images.check_image("grey.png", data)
    out, fmt = images.converted(checked, data)
    converted = Image.open(io.BytesIO(out)).convert("L")
    assert fmt == "gif" and converted.getextrema() == (0, 255)
    assert converted.size == (400, 300)


@pytest.mark.parametrize(("dpi", "ok"), [(200, True), (300, True), (400, True), (72, False),
                                         (600, False), (None, False)])
def test_resolutions(dpi, ok):
    checked = images.check_image("f.png", image("png", dpi=dpi))
    assert [p.code for p in checked.problems] == ([] if ok else ["image-dpi"])


def test_size_in_millimetres():
    # 2008 px at 300 dpi is 170.0 mm: allowed; 3013 px high is 255.1 mm: not
    assert images.check_image("a.png", image("png", size=(2008, 100), dpi=300)).problems == ()
    tall = images.check_image("b.png", image("png", size=(100, 3020), dpi=300))
    assert [(p.code, p.args) for p in tall.problems] == [
        ("image-size", {"width": "8.5", "height": "255.7"})]


def test_finding_an_image_by_the_name_the_html_gives():
    files = {"出願.files/image001.gif": b"1", "other/x.png": b"2"}
    assert images.find(files, "出願.files/image001.gif") == "出願.files/image001.gif"
    assert images.find(files, "%E5%87%BA%E9%A1%98.files/IMAGE001.GIF") == (
        "出願.files/image001.gif")
    assert images.find(files, "./x.png") == "other/x.png"          # by its last part
    assert images.find(files, "y.png") is None and images.find(files, "") is None
