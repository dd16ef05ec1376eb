"""Errors of data exchange: a request the partners' records refuse, a delivery that
cannot be taken as a whole."""

from __future__ import annotations

from tokkyo.errors import TerminalError


class ExchangeError(TerminalError):
    """A request about partners, agreements or deliveries that cannot be done as asked."""

    status = 400


class PartnerNotFound(ExchangeError):
    status = 404


class AgreementNotFound(ExchangeError):
    status = 404


class InvalidRecord(ExchangeError):
    """A partner or agreement field with a value tokkyo cannot use; the message names the
    field, the value and what is accepted. Nothing is written."""


class DeliveryNotFound(ExchangeError):
    status = 404
