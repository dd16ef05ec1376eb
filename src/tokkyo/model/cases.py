"""A case (an application under one law) as the JPO Retrieval API describes it.

Every part is optional: a mirror file carries only the parts its operation answers
(`app_progress` carries progress, priorities and family; `registration_info` the
registration; …). `None` means "not carried", an empty tuple means "carried and empty".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tokkyo.model.citations import Citations
from tokkyo.model.dossier import DocumentBody, DossierGroup
from tokkyo.model.laws import Law
from tokkyo.model.parties import Party, PartyName
from tokkyo.model.registrations import Registration
from tokkyo.model.trademarks import TrademarkInfo


@dataclass(frozen=True, slots=True)
class Priority:
    """A priority claim: Paris Convention (foreign) or domestic (国内優先)."""

    paris_application_number: str = ""
    paris_date: dt.date | None = None
    paris_country: str = ""
    national_law_code: str = ""
    national_application_number: str = ""
    national_international_application_number: str = ""
    national_date: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ParentApplication:
    """`parentApplicationInformation`: the application this one was divided from."""

    application_number: str
    filing_date: dt.date | None = None
    category: str = ""
    law_code: str = ""


@dataclass(frozen=True, slots=True)
class Divisional:
    """One row of `divisionalApplicationInformation`."""

    application_number: str
    publication_number: str = ""
    ad_publication_number: str = ""
    national_publication_number: str = ""
    ad_national_publication_number: str = ""
    registration_number: str = ""
    international_application_number: str = ""
    international_publication_number: str = ""
    erasure_identifier: str = ""
    expire_date: dt.date | None = None
    disappearance_date: dt.date | None = None
    generation: str = ""


@dataclass(frozen=True, slots=True)
class Family:
    parent: ParentApplication | None
    divisionals: tuple[Divisional, ...] = ()


@dataclass(frozen=True, slots=True)
class Progress:
    """The scalar fields of `app_progress` with the parties and the dossier."""

    title: str = ""
    filing_date: dt.date | None = None
    publication_number: str = ""
    ad_publication_number: str = ""
    national_publication_number: str = ""
    ad_national_publication_number: str = ""
    publication_date: dt.date | None = None
    registration_number: str = ""
    registration_date: dt.date | None = None
    international_application_number: str = ""
    international_publication_number: str = ""
    international_publication_date: dt.date | None = None
    erasure_identifier: str = ""
    expire_date: dt.date | None = None
    disappearance_date: dt.date | None = None
    design_class: str | None = None            # None: not carried (`app_progress_simple`)
    principal_design_application_number: str | None = None
    parties: tuple[Party, ...] = ()
    dossier: tuple[DossierGroup, ...] = ()


@dataclass(frozen=True, slots=True)
class NumberReference:
    """The numbers a case is known under, in AD forms (`case_number_reference`,
    `pct_national_phase_application_number`). `None`: the source does not say."""

    publication_number: str | None = None
    national_publication_number: str | None = None
    registration_number: str | None = None
    international_application_number: str | None = None
    international_publication_number: str | None = None
    international_registration_number: str | None = None
    design_number: str | None = None


@dataclass(frozen=True, slots=True)
class CaseUpdate:
    """What one source says about one case; only the parts it carries are set."""

    law: Law
    application_number: str
    progress: Progress | None = None
    priorities: tuple[Priority, ...] | None = None
    family: Family | None = None
    registration: Registration | None = None
    citations: Citations | None = None
    fixed_address: str | None = None
    numbers: NumberReference | None = None
    trademark: TrademarkInfo | None = None
    bodies: tuple[DocumentBody, ...] = ()


@dataclass(frozen=True, slots=True)
class PartyNames:
    """What an `applicant_attorney` / `applicant_attorney_cd` answer says."""

    law: Law
    names: tuple[PartyName, ...]
