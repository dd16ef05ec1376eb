"""Mark images as browsers can show them: the JPO's gazettes carry a mark as a TIFF
(`.IMG`: CCITT G4 bilevel, uncompressed bilevel or JPEG-in-TIFF colour), which no browser
displays, so a page of it is converted to PNG when a document page asks for it."""

from __future__ import annotations

import io


def mark_png(tiff: bytes, page: int = 0) -> bytes:
    """The mark image as PNG: one page (`page`, 0-based; a 3-D mark's gazette has one page
    per view) of the gazette's TIFF (`.IMG`: CCITT G4 bilevel, uncompressed bilevel, or
    JPEG-in-TIFF colour), same pixel size. Browsers show no TIFF, hence the conversion.
    ValueError when the bytes are not a TIFF image or have no such page."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(tiff), formats=["TIFF"])
        image.seek(page)
        image.load()
    except (UnidentifiedImageError, OSError, EOFError, SyntaxError) as exc:
        raise ValueError(f"not a readable TIFF mark image (page {page}): {exc}") from None
    shown = image if image.mode in ("1", "L", "RGB", "RGBA", "P", "LA") \
        else image.convert("RGB")
    out = io.BytesIO()
    shown.save(out, format="PNG", optimize=False)
    return out.getvalue()


def mark_pages(tiff: bytes) -> int:
    """How many pages (views) the mark's TIFF holds."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(tiff), formats=["TIFF"]) as image:
            return int(getattr(image, "n_frames", 1))
    except (UnidentifiedImageError, OSError) as exc:
        raise ValueError(f"not a readable TIFF mark image: {exc}") from None

