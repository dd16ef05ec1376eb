"""An application as filed with the office (a converted e-filing package), before the
office publishes it: what the operators' list shows of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tokkyo.model.laws import Law


@dataclass(frozen=True, slots=True)
class Filing:
    """The request's facts and the documents the package holds. `applicant_key` is the
    first applicant's 識別番号, or its name when the request gives none: with the
    applicant's reference number (整理番号) it names the filing, so that a package sent
    again is a new version of the same filing."""

    law: Law
    reference: str                          # 整理番号
    submission_date: dt.date | None         # 提出日
    title: str
    applicants: tuple[str, ...]
    inventors: tuple[str, ...]
    agents: tuple[str, ...]
    documents: tuple[str, ...]              # 特許願, 明細書, 特許請求の範囲, 要約書, 図面
    applicant_key: str = ""

    @property
    def key(self) -> str:
        return f"{self.law.value}/{self.applicant_key or '-'}/{self.reference}"
