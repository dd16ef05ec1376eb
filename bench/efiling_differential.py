"""E-filing: the same output before and after a change. Dumps what the reader, the check,
the preview and the conversion make of many generated inputs, once per tree, and
compares the dumps.

    git archive <before> src | tar -x -C /tmp/before          # the tree to compare with
    python bench/efiling_differential.py dump /tmp/before before.pkl [--fuzz N] [--apps N]
    python bench/efiling_differential.py dump .            after.pkl  [--fuzz N] [--apps N]
    python bench/efiling_differential.py compare before.pkl after.pkl

`dump` imports `tokkyo` from ROOT/src (one tree a process); the inputs come from this
checkout's generators with fixed seeds, so both dumps see the same ones. GENERATED inputs:
- `--fuzz` HTML fragments drawn from the tags the JPO's rules name and Word's and the
  template's habits (styles nested, unclosed, upper-case or with attributes, blanks and
  full-width blanks between tags, entities, PRE, images, links, comments, brackets,
  refused characters): every line's text, start, segments (text, styles, start, source),
  offsets (each character's, every 17th past 60) and images, and the reader's findings;
  every third also checked, previewed and converted;
- `--apps` variants of the clean application (tests/efiling/applications.py), 1 to 6
  edits each (styled, escaped, dual and refused characters, brackets, images, items
  added, lines removed or repeated), written as the template (UTF-8, cp932) or as Word
  (cp932, UTF-8): the check's findings, the preview, and the package converted with the
  findings set aside (as bench/efiling.py converts);
- the 200-page bench input in both styles (with and without its drawings), the clean
  application in both, and the samples in samples/efiling.
"""

from __future__ import annotations

import argparse
import pickle
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

_ALPHABET = [
    "<p>", "</p>", "</P>", "<P class=x>", "\n", "\r\n", "<u>", "</u>", "<U>", "</U>", "<sub>",
    "</sub>", "<sup>", "</sup>", "<SUP>", "<sub class=x>", "<u >", "</u >", "&amp;", "&nbsp;",
    "\xa0", "&#x2460;", "&copy;", " ", "  ", "\u3000", "\t", "<br>", "<BR/>", "<span>",
    "</span>", "<span lang=EN-US>", "<pre>", "</pre>", "<img src=a.gif>", "<img src='b.gif' />",
    "<b>", "</b>", "<!-- c -->", "<", ">", "【", "】", "【０００１】", "【請求項１】", "text",
    "ＡＢ", "abc", "日本語", "<div>", "</div>", "<o:p></o:p>", "<a href=x>", "</a>", "<title>",
    "</title>", "<table>", "<font size=3>", "</font>", "①", "〜", "−", "ｱ",
    "<p>【書類名】明細書</p>", "<u>下</u>", "<sub>2</sub>", "<sup>n</sup>", "<u> </u>",
    "<u>\u3000</u>", "<sub>a b</sub>", "<u>x\ny</u>", "&lt;", "&gt;", "</p>\n<p>", "</p> <p>",
    "<p> ", " </p>", "<!DOCTYPE html>", "<![if !vml]>", "<![endif]>", "<?xml x?>", "<x:y>",
    "<wbr>", "<nobr>", "\r", "<h1>", "<li>"]
_SNIPPETS = [
    "&amp;", "&lt;", "&gt;", "〜", "−", "∥", "～", "－", "<u>下線</u>", "<sub>2</sub>",
    "<sup>n</sup>", "<U>大</U>", "<u>a<sup>b</sup></u>", "<sub> </sub>", " ", "　", "<u>", "</u>",
    "<sup>", "</sup>", "①", "【", "】", "&nbsp;", "&#12354;", "<b>x</b>", "<br>",
    "<span>s</span>", "abc def", "<sub class=a>x</sub>", "<u>　</u>", '<img src="fig1.gif">',
    "\t", "<u>ー</u><u>を</u>", "<u>、内</u>", "<u>。</u> <u>図４</u>", "<sup>2</sup> <sub>3</sub>",
    "<u><sub>x</sub></u>", "<sub><u>x</u></sub>", "<u>x</u>\n<u>y</u>", "<u>x</u>  ",
    "  <u>x</u>", "Ｌｉ<sub>２</sub>ＣＯ<sub>３</sub>", "<u>&amp;</u>", "<u>a&nbsp;b</u>",
    "<U>x</U>", "<Sub>x</Sub>", "<u>x</U>", "<u>a", "b</u>", "<sup>x<sup>y</sup></sup>",
    "<pre>a\nb</pre>", "ＡＢＣ", "English words", "<u> a </u>", "<u>x</u><u>y</u>", "</u><u>",
    "<u></u>"]
_EXTRA_LINES = [
    "【化１】", '<img src="fig1.gif">', "【表１】", "【特許文献２】特開２０２１－１号公報",
    "【非特許文献１】文献", "【数１】", "【実施例１】", "　<u>下線</u>の行", "", "【】", "【図２】",
    "【請求項５】", "　請求項９に記載の電極。", "【０００１】", "【背景技術】", "<sub>x</sub>",
    "<u>全部</u>", "【物件名】図面　１", "【書類名】図面", "　a<u>b</u>c"]


def dump(root: Path, out: Path, fuzz: int, apps: int) -> None:
    sys.path[:0] = [str(root / "src"), str(REPO), str(REPO / "bench")]
    import tokkyo

    assert Path(tokkyo.__file__).is_relative_to(root.resolve()), tokkyo.__file__
    from tests.efiling.applications import CLEAN, image, images, template_html, word_html
    from tokkyo.efiling import html_reader, preview, service
    from tokkyo.efiling.errors import UnreadableHtml

    def segment(s: Any) -> tuple[Any, ...]:
        if isinstance(s, html_reader.Text):
            return ("T", s.text, tuple(sorted(s.styles)), s.start, s.raw)
        return ("I", s.src, s.start)

    def line(ln: Any) -> tuple[Any, ...]:
        n = len(ln.text)
        at = range(n) if n < 60 else [*range(0, n, 17), n - 1]
        return (ln.text, ln.start, ln.pictured, tuple(segment(s) for s in ln.segments),
                tuple(ln.offset(i) for i in at), tuple(i.src for i in ln.images()))

    def read(data: bytes) -> Any:
        try:
            r = html_reader.read_html(data)
        except UnreadableHtml as exc:
            return ("unreadable", str(exc))
        return ([line(ln) for ln in r.lines], [f.as_json() for f in r.findings])

    def checked(data: bytes, files: dict[str, bytes]) -> Any:
        try:
            result = service.check(service.Upload("a.htm", data, files))
        except UnreadableHtml as exc:
            return ("unreadable", str(exc))
        found: list[Any] = [result.as_json(),
                            [p.as_json() for p in preview.preview(result.application)]]
        result.findings = []
        try:
            found.append(service.convert(result))
        except Exception as exc:     # a failure is output to compare too
            found.append(("convert failed", type(exc).__name__, str(exc)))
        return found

    def variant(rng: random.Random) -> list[str]:
        lines = list(CLEAN)
        for _ in range(rng.randint(1, 6)):
            i, r = rng.randrange(len(lines)), rng.random()
            if r < 0.6:
                at = rng.randint(0, len(lines[i]))
                lines[i] = lines[i][:at] + rng.choice(_SNIPPETS) + lines[i][at:]
            elif r < 0.75:
                lines.insert(i, rng.choice(_EXTRA_LINES))
            elif r < 0.85:
                del lines[i]
            else:
                lines.insert(i, lines[rng.randrange(len(lines))])
        return lines

    def written(lines: list[str], rng: random.Random) -> bytes:
        k = rng.random()
        try:
            if k < 0.45:
                return template_html(lines)
            if k < 0.55:
                return template_html(lines, "cp932")
            return word_html(lines) if k < 0.9 else word_html(lines, "utf-8")
        except UnicodeEncodeError:
            return word_html(lines)

    cases: dict[tuple[str, object], Any] = {}
    figure = {"a.gif": image("gif")}
    rng = random.Random(20261207)
    for n in range(fuzz):
        data = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 40)))
        if rng.random() < 0.5:
            data = "<p>【書類名】明細書</p>" + data
        cases["fuzz", n] = read(data.encode())
        if n % 3 == 0:
            cases["fuzz checked", n] = checked(data.encode(), figure)
    rng = random.Random(7)
    figures = {"fig1.gif": image("gif"), "fig2.gif": image("gif", size=(200, 100))}
    for n in range(apps):
        data = written(variant(rng), rng)
        cases["application", n] = checked(data, figures)
        if n % 10 == 0:
            cases["application read", n] = read(data)
    import efiling as bench

    big = bench.application(200)
    drawings = {f"fig{i}.gif": image("gif", size=(800, 600)) for i in range(1, 11)}
    styles: dict[str, Callable[[list[str]], bytes]] = {"template": template_html,
                                                       "word": word_html}
    for style, write in styles.items():
        data = write(big)
        cases["bench", style] = checked(data, drawings)
        cases["bench text", style] = checked(data, {})
        cases["bench read", style] = read(data)
        cases["clean", style] = checked(write(CLEAN), images())
    for path in sorted((REPO / "samples" / "efiling").rglob("*.htm*")):
        upload = service.from_path(path)
        cases["sample", path.name] = checked(upload.html, upload.files)
    out.write_bytes(pickle.dumps(cases))
    packages = [c[2] for c in cases.values() if isinstance(c, list) and isinstance(c[2], dict)]
    print(f"{len(cases):,} cases; {len(packages):,} packages converted "
          f"({sum(len(v) for p in packages for v in p.values()):,} bytes)")


def compare(before: Path, after: Path) -> int:
    a, b = pickle.loads(before.read_bytes()), pickle.loads(after.read_bytes())
    if a.keys() != b.keys():
        print("the dumps hold different cases: made with different --fuzz or --apps?")
        return 1
    differ = [k for k in a if a[k] != b[k]]
    print(f"{len(a):,} cases compared; {len(differ)} differ")
    for key in differ[:5]:
        print(key, repr(a[key])[:800], repr(b[key])[:800], sep="\n  ")
    return 1 if differ else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump", help="what one tree makes of the inputs")
    d.add_argument("root", type=Path, help="the tree whose src/tokkyo is imported")
    d.add_argument("out", type=Path)
    d.add_argument("--fuzz", type=int, default=30000)
    d.add_argument("--apps", type=int, default=2000)
    c = sub.add_parser("compare", help="two dumps, case by case")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        dump(args.root, args.out, args.fuzz, args.apps)
    else:
        sys.exit(compare(args.before, args.after))


if __name__ == "__main__":
    main()
