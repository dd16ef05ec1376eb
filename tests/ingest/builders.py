"""Test data built from the real corpus: copies of real files with chosen changes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tests.conftest import GAZETTE

EXAMPLE1 = GAZETTE / "jp_example1.xml"
PUB1, APP1 = b"2021044377", b"2019165329"


def gazette_copy(serial: int, source: Path = EXAMPLE1) -> bytes:
    """A real gazette renumbered: publication 2021-9xxxxx of application 2019-9xxxxx."""
    data = source.read_bytes()
    return (data.replace(b"<doc-number>" + PUB1 + b"</doc-number>",
                         f"<doc-number>2021{900000 + serial:06d}</doc-number>".encode(), 1)
            .replace(b"<doc-number>" + APP1 + b"</doc-number>",
                     f"<doc-number>2019{900000 + serial:06d}</doc-number>".encode(), 1))


def retitled_copy(serial: int, title: str) -> bytes:
    """`gazette_copy(serial)` with the invention title replaced."""
    return gazette_copy(serial).replace("ウェーハの加工方法</invention-title>".encode(),
                                        f"{title}</invention-title>".encode(), 1)


def write_gazette_copies(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for serial in range(count):
        path = folder / f"copy{serial:05d}.xml"
        path.write_bytes(gazette_copy(serial))
        paths.append(path)
    return paths


def zip_of(members: dict[str, bytes], stored: bool = True) -> bytes:
    buffer = io.BytesIO()
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def corrupt_member(archive: bytes, member_content: bytes) -> bytes:
    """Flip one byte of a stored member's data: its CRC-32 no longer matches."""
    at = archive.index(member_content) + len(member_content) // 2
    return archive[:at] + bytes([archive[at] ^ 0xFF]) + archive[at + 1:]
