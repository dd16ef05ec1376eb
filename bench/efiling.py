"""E-filing: checking and converting a 200-page application, next to a bare lxml.html
parse of the same file in the same process.

    python bench/efiling.py [--pages 200] [--repeat 5] [--style word|template]

Input: a GENERATED application. Its text is real: the paragraphs and claims of the three
JPO gazette publications in samples/jp-gazette (their <p> and <claim-text> content, U,
SUP and SUB kept), repeated in order until the description reaches --pages pages of 50
lines of 40 characters (the JPO's page); the request and abstract are the hand-built
sample's (tests/efiling/applications.py), the drawings ten black-and-white GIFs drawn
with Pillow. It is written as Word saves HTML (cp932, MsoNormal, VML image fallbacks) or
in the template's plain form.

Printed, each the median of --repeat runs, interleaved (one of each in turn, so that a
change in the machine's load touches all alike); wall-clock and CPU time:
  bare parse           lxml.html.document_fromstring over the HTML's bytes: the reference
  check                tokkyo's check of the HTML: decode, scan, items, every rule
  check+convert        the check and the XML package (Shift_JIS XML)
  ... with drawings    the same with the ten drawings given (--figure WxH pixels, 300 dpi):
                       each is opened and checked, and converted
and the ratios bare / each (target >= 0.2 for the HTML: the check does real work, but
stays within five times a bare parse). The drawings' work grows with their pixels, not
with the HTML, so it is shown apart.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import lxml.html
from lxml import etree

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from tests.efiling.applications import CLEAN, image, template_html, word_html  # noqa: E402
from tokkyo.efiling import service  # noqa: E402
from tokkyo.efiling.items import wide  # noqa: E402

GAZETTES = sorted((REPO / "samples" / "jp-gazette").glob("*.xml"))
PAGE_CHARS = 40 * 50
FIGURES = 10


def _inline(element: etree._Element) -> str:
    """An element's content as the HTML line Word would hold: text, U, SUP, SUB."""
    out = [element.text or ""]
    for child in element:
        tag = child.tag if child.tag in ("u", "sup", "sub") else ""
        inner = _inline(child)
        out.append(f"<{tag}>{inner}</{tag}>" if tag else inner)
        out.append(child.tail or "")
    return re.sub(r"\s+", " ", "".join(out).replace("<", "\x00").replace(">", "\x01")
                  ).strip().replace("&", "&amp;").replace("\x00", "<").replace("\x01", ">")


def real_text() -> tuple[list[str], list[str]]:
    """The paragraphs and claims of the real gazettes, each a line of HTML."""
    paragraphs, claims = [], []
    for path in GAZETTES:
        root = etree.parse(str(path)).getroot()
        paragraphs += [t for p in root.iter("p") if p.get("num") and (t := _inline(p))]
        claims += [t for c in root.iter("claim-text") if (t := _inline(c))]
    return paragraphs, claims


def application(pages: int) -> list[str]:
    paragraphs, claims = real_text()
    head = CLEAN[:CLEAN.index("【書類名】明細書")]
    lines = [*head, "【書類名】明細書", "【発明の名称】ウェーハの加工方法", "【技術分野】"]
    size, n = 0, 0
    while size < pages * PAGE_CHARS:
        text = paragraphs[n % len(paragraphs)]
        n += 1
        lines += [f"【{wide(n, 4)}】", f"　{text}"]
        size += len(text) + 6
    # the description's other required headings, each with a paragraph
    for heading in ("【発明が解決しようとする課題】", "【課題を解決するための手段】",
                    "【発明を実施するための形態】"):
        n += 1
        lines += [heading, f"【{wide(n, 4)}】", f"　{paragraphs[n % len(paragraphs)]}"]
    lines.insert(lines.index("【技術分野】") + 3, "【背景技術】")
    lines += ["【書類名】特許請求の範囲"]
    for i, text in enumerate(claims[:6], start=1):         # the first gazette's claims
        lines += [f"【請求項{wide(i)}】", f"　{text}"]
    lines += CLEAN[CLEAN.index("【書類名】要約書"):CLEAN.index("【書類名】図面") + 1]
    for i in range(1, FIGURES + 1):
        lines += [f"【図{wide(i)}】", f'<img src="fig{i}.gif">']
    return lines


def timed(runs: dict[str, Callable[[], object]], repeat: int
          ) -> dict[str, tuple[float, float]]:
    """(wall, cpu) seconds of each run, the medians of `repeat` interleaved rounds."""
    wall: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, work in runs.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            work()
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name]))
            for name in runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--style", choices=("word", "template"), default="word")
    parser.add_argument("--figure", default="800x600", help="drawing size in pixels")
    args = parser.parse_args()

    lines = application(args.pages)
    data = word_html(lines) if args.style == "word" else template_html(lines)
    width, height = (int(v) for v in args.figure.split("x"))
    drawing = image("gif", size=(width, height))
    files = {f"fig{i}.gif": drawing for i in range(1, FIGURES + 1)}
    text_only = service.Upload("bench.htm", data, {})
    whole = service.Upload("bench.htm", data, files)
    result = service.check(whole)
    codes: dict[str, int] = {}
    for f in result.findings:
        codes[f.code] = codes.get(f.code, 0) + 1
    assert result.ok, codes
    chars = len(data.decode("cp932" if args.style == "word" else "utf-8"))
    print(f"input: GENERATED application, {args.pages} pages of real gazette text "
          f"({args.style} HTML, {len(data) / 1e6:.2f} MB, {chars:,} characters, "
          f"{len(result.application.lines()):,} lines; {FIGURES} drawings of {width}x{height} "
          f"px); findings: {codes or 'none'}")

    def convert_text() -> object:
        checked = service.check(text_only)
        checked.findings = []            # only image-missing: convert the text anyway
        return service.convert(checked)

    figures = timed({
        "bare parse": lambda: lxml.html.document_fromstring(data),
        "check": lambda: service.check(text_only),
        "check+convert": convert_text,
        "check, drawings": lambda: service.check(whole),
        "check+convert, drawings": lambda: service.convert(service.check(whole)),
    }, args.repeat)
    bare_wall, bare_cpu = figures["bare parse"]
    print(f"{'run':<26}{'wall s':>9}{'cpu s':>9}{'MB/s':>8}{'bare/run wall':>15}"
          f"{'bare/run cpu':>14}")
    for name, (wall, cpu) in figures.items():
        print(f"{name:<26}{wall:>9.4f}{cpu:>9.4f}{len(data) / 1e6 / wall:>8.1f}"
              f"{bare_wall / wall:>15.3f}{bare_cpu / cpu:>14.3f}")
    print("target: bare/run >= 0.2 for check and check+convert of the HTML")


if __name__ == "__main__":
    main()
