"""Which stored document files a document ZIP of each `app_doc_cont_*` operation holds,
under which entry names and in which order (jpo-api.md §9).

One rule serves both sides: the API builds its ZIPs with it, and the importer checks a
received ZIP against it, so a ZIP is only ever loaded when tokkyo can give it back entry
for entry (issue 19, item 1).

- opinion_amendment: `{code}_{number}/{file}` folders, A53 (opinions) first, then the
  rest (amendments), each by ascending document number.
- refusal_reason_decision, refusal_reason: flat `{file}`, by ascending document number.
- Within one document its files keep the order they were received in (`position`);
  files whose order was never received (loose files, rows from before positions were
  kept) follow, the main file (XML or HTM) first, then by name.

A file belongs to an operation's ZIP when its document code says so (A131 notices in
both notice operations; A01, A02, A191, A192 in refusal_reason_decision; A53, A52x in
opinion_amendment) or when it was received in a ZIP of that operation: a design or
trademark HTM says no code, and the ZIP it came in is then the only witness. A notice
received in refusal_reason belongs to refusal_reason_decision too (JPO puts the same
mailed document in both).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

OPINION_AMENDMENT = "app_doc_cont_opinion_amendment"
REFUSAL_REASON_DECISION = "app_doc_cont_refusal_reason_decision"
REFUSAL_REASON = "app_doc_cont_refusal_reason"
OPERATIONS = (OPINION_AMENDMENT, REFUSAL_REASON_DECISION, REFUSAL_REASON)

NOTICES = frozenset({"A131"})                                   # reasons for refusal
DECISIONS = NOTICES | {"A01", "A02", "A191", "A192"}  # + grant, refusal, dismissal of amendment
_MAIN_SUFFIXES = (".xml", ".htm", ".html")


class Placed(Protocol):
    """A stored or received document file, as far as the layout needs it."""

    @property
    def document_code(self) -> str: ...
    @property
    def document_number(self) -> str: ...
    @property
    def file_name(self) -> str: ...
    @property
    def position(self) -> int | None: ...
    @property
    def received_in(self) -> str: ...


F = TypeVar("F", bound=Placed)


def received(text: str) -> frozenset[str]:
    """The operations a stored `received_in` value names (space-separated)."""
    return frozenset(text.split())


def with_operation(text: str, operation: str) -> str:
    """`received_in` with `operation` added, in a stable (sorted) form."""
    return " ".join(sorted(received(text) | {operation})) if operation else text


def _opinion_or_amendment(code: str) -> bool:
    return code == "A53" or code.startswith("A52")


def belongs(operation: str, file: Placed) -> bool:
    """Whether `file` is part of `operation`'s ZIP."""
    ops = received(file.received_in)
    code = file.document_code
    if operation == OPINION_AMENDMENT:
        return bool(code) and (_opinion_or_amendment(code) or OPINION_AMENDMENT in ops)
    if operation == REFUSAL_REASON:
        return code in NOTICES or REFUSAL_REASON in ops
    if operation == REFUSAL_REASON_DECISION:
        return code in DECISIONS or bool(ops & {REFUSAL_REASON, REFUSAL_REASON_DECISION})
    raise ValueError(f"{operation} is not a document operation")


@dataclass(frozen=True, slots=True)
class _Membership:
    document_code: str
    received_in: str
    document_number: str = ""
    file_name: str = ""
    position: int | None = None


def serves_more(stored_code: str, stored_received_in: str, code: str, operation: str
                ) -> bool:
    """Whether a stored file, delivered again with `code` (or "") in a ZIP of
    `operation` (or ""), joins a document ZIP it was not part of before."""
    before = _Membership(stored_code, stored_received_in)
    after = _Membership(code or stored_code, with_operation(stored_received_in, operation))
    return any(belongs(op, after) != belongs(op, before) for op in OPERATIONS)


def entry_name(operation: str, file: Placed) -> str:
    if operation == OPINION_AMENDMENT:
        return f"{file.document_code}_{file.document_number}/{file.file_name}"
    return file.file_name


def _order(operation: str, file: Placed) -> tuple[bool, str, bool, int, bool, str]:
    main = file.file_name.lower().endswith(_MAIN_SUFFIXES)
    position = file.position
    return (operation == OPINION_AMENDMENT and file.document_code != "A53",
            file.document_number, position is None, position or 0, not main, file.file_name)


def layout(operation: str, files: Iterable[F]) -> list[tuple[str, F]]:
    """The files of `operation`'s ZIP with their entry names, in JPO's order."""
    chosen = sorted((f for f in files if belongs(operation, f)),
                    key=lambda f: _order(operation, f))
    return [(entry_name(operation, f), f) for f in chosen]


@dataclass(frozen=True, slots=True)
class Mismatch:
    """How a received ZIP differs from the one tokkyo would give back."""

    received: tuple[str, ...]
    served: tuple[str, ...]

    def describe(self) -> str:
        for index, (got, mine) in enumerate(zip(self.received, self.served, strict=False)):
            if got != mine:
                return (f"entry {index + 1} is {got!r} where tokkyo would give back "
                        f"{mine!r}")
        if len(self.received) > len(self.served):
            return f"entry {len(self.served) + 1} {self.received[len(self.served)]!r} " \
                   "would not be given back"
        return f"tokkyo would add {self.served[len(self.received)]!r}"


def check_round_trip(operation: str, entries: Sequence[str], files: Iterable[Placed]
                     ) -> Mismatch | None:
    """None when `files` (read from a ZIP of `operation` whose file entries were
    `entries`, in order) would be given back with the same names in the same order.
    Folder entries are not compared: tokkyo writes them as JPO does, one stored
    directory entry before each folder's first file."""
    served = tuple(name for name, _ in layout(operation, files))
    got = tuple(entries)
    return None if got == served else Mismatch(got, served)
