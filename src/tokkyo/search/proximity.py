"""Proximity and fold-aware matching over one text unit, in Python (portal.md §3.2, text).

`t1,nC,t2` holds where some occurrence of t2 starts at most n characters after an
occurrence of t1 ends (order as written); `t1,nN,t2` either order. A chain
`t1,nC,t2,mC,t3` holds where one occurrence of each term satisfies every link. Counted on
normalised text.
"""

from __future__ import annotations

from collections.abc import Sequence


def occurrences(text: str, term: str) -> list[int]:
    """Start offsets of every (overlapping) occurrence of `term` in `text`."""
    found, at = [], text.find(term)
    while at >= 0:
        found.append(at)
        at = text.find(term, at + 1)
    return found


def _linked(a: int, a_len: int, b: int, b_len: int, distance: int, ordered: bool) -> bool:
    if 0 <= b - (a + a_len) <= distance:
        return True
    return not ordered and 0 <= a - (b + b_len) <= distance


def near(text: str, parts: Sequence[str], gaps: Sequence[tuple[int, bool]]) -> bool:
    """Whether `text` has the terms `parts` linked by `gaps` ((distance, ordered) each)."""
    if not parts:
        return False
    reachable = occurrences(text, parts[0])
    for (distance, ordered), previous, term in zip(gaps, parts, parts[1:], strict=False):
        if not reachable:
            return False
        starts = occurrences(text, term)
        reachable = [b for b in starts
                     if any(_linked(a, len(previous), b, len(term), distance, ordered)
                            for a in reachable)]
    return bool(reachable)

