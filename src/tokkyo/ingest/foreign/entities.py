"""Entity names the USPTO's external DTDs define, bundled so that files using them parse
exactly without loading a DTD (exchange.md §11.2).

The HTML5 named-character table (Python's `html.entities.html5`) holds the ISO 8879
sets (ISOnum, ISOpub, ISOdia, ISOlat1/2, ISOamso, ...) and MathML's names; ISO 8879's
Greek set ISOgrk1 (`agr`, `Dgr`, ...) is not in HTML5 and is listed here from the
standard.
"""

from __future__ import annotations

from html.entities import html5

_ISOGRK1 = {
    "agr": "α", "Agr": "Α", "bgr": "β", "Bgr": "Β", "ggr": "γ", "Ggr": "Γ",
    "dgr": "δ", "Dgr": "Δ", "egr": "ε", "Egr": "Ε", "zgr": "ζ", "Zgr": "Ζ",
    "eegr": "η", "EEgr": "Η", "thgr": "θ", "THgr": "Θ", "igr": "ι", "Igr": "Ι",
    "kgr": "κ", "Kgr": "Κ", "lgr": "λ", "Lgr": "Λ", "mgr": "μ", "Mgr": "Μ",
    "ngr": "ν", "Ngr": "Ν", "xgr": "ξ", "Xgr": "Ξ", "ogr": "ο", "Ogr": "Ο",
    "pgr": "π", "Pgr": "Π", "rgr": "ρ", "Rgr": "Ρ", "sgr": "σ", "Sgr": "Σ",
    "sfgr": "ς", "tgr": "τ", "Tgr": "Τ", "ugr": "υ", "Ugr": "Υ", "phgr": "φ",
    "PHgr": "Φ", "khgr": "χ", "KHgr": "Χ", "psgr": "ψ", "PSgr": "Ψ", "ohgr": "ω",
    "OHgr": "Ω",
}

#: Name (without `&` and `;`) to text.
ISO_AND_MATHML: dict[str, str] = {
    **{name[:-1]: text for name, text in html5.items() if name.endswith(";")},
    **_ISOGRK1,
}
