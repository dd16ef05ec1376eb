"""What the query language's atoms mean, whatever engine answers them (tantivy, Sphinx):
the relevance weight of each text field, the laws a screen keeps, the stored code schemes
each code field reads, the texts each text field searches, and the one-to-one pairing an
F-term set asks for. The engines' compilers read these; none of them is an engine's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tokkyo.model.text_fields import roles_of
from tokkyo.search import query as q

#: Weight of a matched unit of each field in the relevance score (a title hit counts more
#: than a paragraph hit).
WEIGHTS = {"TI": 8, "AB": 4, "CL": 2, "DE": 1, "AP": 3, "IN": 3, "AG": 1}

#: The laws a law filter keeps (the patent screen searches utility models too).
LAW_GROUPS = {"patent": ("patent", "utility"), "utility": ("utility",),
              "design": ("design",), "trademark": ("trademark",)}

#: The classification schemes (as stored) each code field of the language reads.
CODE_SCHEMES = {"DC": ("jp-design",), "DT": ("d-term",), "LC": ("locarno",),
                "NC": ("nice",), "SC": ("similar-group",), "VC": ("vienna",)}


@dataclass(frozen=True, slots=True)
class FieldTexts:
    """What a text field of the query language searches."""

    units: tuple[str, ...]                 # text unit fields (query/fields.py)
    case: str = ""                         # case-level texts: title, party, reading, goods
    roles: tuple[str, ...] = ()            # party roles for case-level names


#: The case-level text each text field also searches: the own title and party names of
#: cases without publications (API mirror), a trademark's readings and its goods.
CASE_TEXTS = {"TX": "title", "TI": "title", "AR": "title", "AP": "party", "IN": "party",
              "AG": "party", "CN": "reading", "GS": "goods"}
TEXT_FIELDS = {code: FieldTexts(f.units, CASE_TEXTS.get(code, ""), roles_of(f.units))
               for code, f in q.FIELDS.items() if f.type == "text"}


def pairing(stems: Sequence[str], additionals: Sequence[str], codes: set[str]) -> bool:
    """Whether the F-term set's terms (`stems`, theme + term) pair one to one with its
    listed additional codes over the codes present (bipartite matching; a code listed
    twice can pair twice)."""
    slots = list(enumerate(additionals))
    owner: dict[int, int] = {}

    def assign(i: int, seen: set[int]) -> bool:
        for slot, a in slots:
            if slot in seen or f"{stems[i]}.{a}" not in codes:
                continue
            seen.add(slot)
            if slot not in owner or assign(owner[slot], seen):
                owner[slot] = i
                return True
        return False

    return all(assign(i, set()) for i in range(len(stems)))
