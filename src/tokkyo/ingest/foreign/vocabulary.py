"""Element vocabularies per foreign format: the element names each format's DTD or schema
defines.

Tolerant recovery (exchange.md §11.3 (b), `repair.py`) needs them to tell a real tag from
a stray `<` in text: a `<` whose following name is not an element of the format is text
that the sender forgot to escape (`<heading><First Embodiment</heading>`). A name missing
here would make recovery escape a real tag, so each list errs on the side of the DTD's
full set, not just the names seen so far.
"""

from __future__ import annotations

#: SDOBI bibliographic tags (`B…`) of the ep-patent-document DTD v1.0–v1.5.1.
_EP_SDOBI = frozenset({
    "SDOBI", "B000", "eptags", "B001EP", "B002EP", "B003EP", "B004EP", "B005EP", "B006EP",
    "B007EP", "B008EP", "B009EP", "B050EP", "B051EP", "B052EP", "B053EP", "B070EP",
    "B078EP", "B100", "B110", "B120", "B121", "B121EP", "B130", "B132EP", "B140", "B150",
    "B151", "B155", "B190", "B200", "B210", "B220", "B240", "B241", "B242", "B243",
    "B245EP", "B250", "B251EP", "B260", "B270", "B300", "B310", "B320", "B330", "B400",
    "B405", "B430", "B450", "B451EP", "B452EP", "B453EP", "B472", "B475", "B477", "B480",
    "B500", "B510", "B510EP", "B511", "B512", "B513", "B516", "B517EP", "B520", "B520EP",
    "B521", "B522", "B527", "B540", "B541", "B542", "B560", "B561", "B562", "B563",
    "B565EP", "B570", "B575EP", "B577EP", "B590", "B598", "B600", "B610", "B620",
    "B620EP", "B630", "B631", "B632", "B640", "B641", "B642", "B650", "B700", "B710",
    "B711", "B720", "B721", "B730", "B731", "B740", "B741", "B780", "B781", "B784",
    "B800", "B840", "B844EP", "B845EP", "B848EP", "B849EP", "B860", "B861", "B862",
    "B863", "B870", "B871", "B880",
    # their content: names, addresses, document ids, dates, classifications
    "snm", "fnm", "sfx", "iid", "irf", "syn", "adr", "str", "city", "ctry", "pcode",
    "date", "bnum", "dnum", "anum", "pnum", "text", "parent", "pdoc", "cdoc", "kind",
    "classification-ipcr", "classifications-ipcr", "classification-cpc",
    "classifications-cpc", "ep-patent-document",
})

#: Text and its markup: abstract, description, claims, drawings, tables, formulae,
#: citations, the search report (the ST.36-based common part of the DTD).
_EP_TEXT = frozenset({
    "abstract", "description", "claims", "claim", "claim-text", "claim-ref", "drawings",
    "figure", "img", "p", "heading", "b", "i", "u", "o", "sub", "sup", "sub2", "sup2",
    "smallcaps", "br", "pre", "dl", "dt", "dd", "ul", "ol", "li", "figref", "crossref",
    "chemistry", "maths", "tables", "patcit", "nplcit", "document-id", "country",
    "doc-number", "name", "ep-reference-list", "search-report-data", "doc-page",
    "srep-info", "srep-for-pub", "srep-citations", "srep-admin", "amended-claims",
    "amended-claims-statement", "sequence-list-text", "ep-table-external-doc", "rel-claims",
    "rel-passage", "passage", "category",
    # non-patent literature citations
    "article", "author", "atl", "serial", "sertitle", "pubdate", "sdate", "edate", "vid",
    "ino", "pp", "ppf", "ppl", "book", "book-title", "imprint", "location", "issn",
    "isbn", "doi", "online", "online-title", "srchdate", "avail", "hostno", "absno",
    "misc", "refno", "cpyrt", "conference", "conftitle", "confdate", "confplace",
    "confno", "confsponsor", "subtitle", "section", "chapter", "edition", "pubid",
    "notes", "orgname", "title",
    # OASIS/CALS tables
    "table", "tgroup", "colspec", "spanspec", "thead", "tbody", "tfoot", "row", "entry",
    "entrytbl",
    # MathML 2 presentation and content elements
    "math", "mi", "mn", "mo", "mtext", "mspace", "ms", "mglyph", "mrow", "mfrac", "msqrt",
    "mroot", "mstyle", "merror", "mpadded", "mphantom", "mfenced", "menclose", "msub",
    "msup", "msubsup", "munder", "mover", "munderover", "mmultiscripts", "mprescripts",
    "none", "mtable", "mtr", "mlabeledtr", "mtd", "maligngroup", "malignmark", "maction",
    "semantics", "annotation", "annotation-xml",
})

#: Elements that are no part of the DTD but occur in real, well-formed published files:
#: `<style id="autoconsent-prehide"/>`, left by a browser extension when the corpus
#: files were saved (`application/v1-4-A1-1.xml`, `v1-5-1-A1-2.xml`).
_EP_SEEN_EXTRA = frozenset({"style"})

#: Every element name an `ep-patent-document` may use.
EP_PATENT_DOCUMENT: frozenset[str] = _EP_SDOBI | _EP_TEXT | _EP_SEEN_EXTRA

#: Vocabularies by format name, as `ForeignRead.format` and `ParseFailure.format` give it.
BY_FORMAT: dict[str, frozenset[str]] = {
    "ep-patent-document": EP_PATENT_DOCUMENT,
}
