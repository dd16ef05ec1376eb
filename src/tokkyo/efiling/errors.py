"""Errors of the e-filing conversion: input that is not an application at all. Defects
of an application are findings (`findings.py`), never exceptions."""

from __future__ import annotations

from tokkyo.errors import TerminalError


class EfilingError(TerminalError):
    """The input cannot be checked as an application."""


class UnreadableHtml(EfilingError):
    """The HTML cannot be decoded or holds no application."""


class NotConverted(EfilingError):
    """The application has errors: no XML is written until they are corrected."""


class BadPackage(EfilingError):
    """An uploaded ZIP or folder that holds no application HTML, or more than one."""
