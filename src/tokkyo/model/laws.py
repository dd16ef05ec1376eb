"""The four laws of Japanese industrial property and the digit each carries in JPO codes."""

from __future__ import annotations

from enum import StrEnum


class Law(StrEnum):
    """A law under which a case is filed; the value is the JPO API path segment."""

    PATENT = "patent"
    UTILITY = "utility"
    DESIGN = "design"
    TRADEMARK = "trademark"

    @property
    def digit(self) -> str:
        """The law digit of JPO document codes (`A1523` = patent `A523`) and fixed addresses."""
        return _DIGITS[self]


_DIGITS = {Law.PATENT: "1", Law.UTILITY: "2", Law.DESIGN: "3", Law.TRADEMARK: "4"}

#: Laws the JPO Retrieval API serves (no utility models, HB1.4 §2(1)).
API_LAWS = (Law.PATENT, Law.DESIGN, Law.TRADEMARK)
