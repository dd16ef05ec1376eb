"""The claims' numbering and the claims they cite: 「請求項１に記載の」, 「請求項１又は２
に記載の」, 「請求項１乃至３のいずれか一項に記載の」, 「請求項１、３及び５」.

A claim citing more than one claim is a multiple dependent claim; since 2022 the JPO
refuses one that cites another multiple dependent claim (マルチマルチクレーム).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from tokkyo.efiling.findings import Finding
from tokkyo.efiling.items import Document, Item, number_of

_NUMBER = r"[0-9０-９]+"
_JOIN = r"(?:、|，|,|又は|または|若しくは|もしくは|及び|および|並びに|乃至|ないし|～|〜|から|－|-)"
REFERENCE = re.compile(rf"請求項(?:{_NUMBER})(?:\s*{_JOIN}\s*(?:請求項)?{_NUMBER})*")
_PART = re.compile(rf"({_NUMBER})|({_JOIN})")
_RANGE = {"乃至", "ないし", "～", "〜", "から", "－", "-"}


@dataclass(frozen=True, slots=True)
class Citation:
    claim: int           # the citing claim
    cited: int
    line_index: int      # which line of the claim (0: the item's own line)
    at: int              # index of the cited number in that line's text


@dataclass(frozen=True, slots=True)
class Claim:
    number: int
    item: Item
    citations: tuple[Citation, ...]

    @property
    def multiple(self) -> bool:
        return len({c.cited for c in self.citations}) > 1


def citations(item: Item, number: int) -> tuple[Citation, ...]:
    """Every claim number the claim's text cites, ranges spelled out (a range's numbers
    between its ends are placed at its end)."""
    found: list[Citation] = []
    for index, line in enumerate(item.lines()):
        text = line.text[item.value_from:] if index == 0 else line.text
        shift = item.value_from if index == 0 else 0
        for m in REFERENCE.finditer(text):
            previous: int | None = None
            ranged = False
            for part in _PART.finditer(m.group(0)):
                if part.group(1):
                    n = number_of(part.group(1))
                    at = shift + m.start() + part.start(1)
                    if ranged and previous is not None:
                        found += [Citation(number, k, index, at)
                                  for k in range(previous + 1, n)]
                    found.append(Citation(number, n, index, at))
                    previous, ranged = n, False
                else:
                    ranged = part.group(2) in _RANGE
    return tuple(found)


def read_claims(document: Document) -> list[Claim]:
    return [Claim(i.number or 0, i, citations(i, i.number or 0))
            for i in document.items if i.name == "請求項"]


Report = Callable[..., Finding]


def check_claims(document: Document, report: Report) -> list[Finding]:
    """Numbering (`claim-number-gap`) and citations (`claim-reference-missing`,
    `claim-reference-forward`, `multiple-dependency-wording`). `report(code, item,
    line, index, text, **args)` makes a finding at a place in the claim."""
    claims = read_claims(document)
    out: list[Finding] = []
    expected = 1
    for claim in claims:
        if claim.number != expected:
            out.append(report("claim-number-gap", claim.item, claim.item.line, None,
                              claim.item.bracketed, found=_wide(claim.number),
                              expected=_wide(expected)))
        expected = claim.number + 1
    present = {c.number: c for c in claims}
    for claim in claims:
        for c in claim.citations:
            line = claim.item.lines()[c.line_index]
            shown = f"請求項{_wide(c.cited)}"
            if c.cited not in present:
                out.append(report("claim-reference-missing", claim.item, line, c.at, shown,
                                  claim=claim.number, cited=c.cited,
                                  claim_w=_wide(claim.number), cited_w=_wide(c.cited)))
            elif c.cited >= claim.number:
                out.append(report("claim-reference-forward", claim.item, line, c.at, shown,
                                  claim=claim.number, cited=c.cited,
                                  claim_w=_wide(claim.number), cited_w=_wide(c.cited)))
            elif claim.multiple and present[c.cited].multiple:
                out.append(report("multiple-dependency-wording", claim.item, line, c.at,
                                  shown, claim=claim.number, cited=c.cited,
                                  claim_w=_wide(claim.number), cited_w=_wide(c.cited)))
    return out


def _wide(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
