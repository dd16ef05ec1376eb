"""Field tables of the JPO API answers, in wire order (jpo-api.md §7)."""

from __future__ import annotations

from tokkyo.model.laws import Law
from tokkyo.model.wire.records import Field as Field  # re-exported: the field lists' type

PRIORITY_PATENT = (
    Field("parisPriorityApplicationNumber", "paris_application_number"),
    Field("parisPriorityDate", "paris_date", "date"),
    Field("parisPriorityCountryCd", "paris_country"),
    Field("nationalPriorityLawCd", "national_law_code"),
    Field("nationalPriorityApplicationNumber", "national_application_number"),
    Field("nationalPriorityInternationalApplicationNumber",
          "national_international_application_number"),
    Field("nationalPriorityDate", "national_date", "date"),
)
PRIORITY_OTHER = PRIORITY_PATENT[:3]


def priority_fields(law: Law) -> tuple[Field, ...]:
    return PRIORITY_PATENT if law is Law.PATENT else PRIORITY_OTHER


PARENT_PATENT = (
    Field("parentApplicationNumber", "application_number"),
    Field("filingDate", "filing_date", "date"),
)
PARENT_OTHER = (
    Field("parentApplicationCategory", "category"),
    Field("parentApplicationLawCode", "law_code"),
    Field("parentApplicationNumber", "application_number"),
)


def parent_fields(law: Law) -> tuple[Field, ...]:
    return PARENT_PATENT if law is Law.PATENT else PARENT_OTHER


DIVISIONAL = (
    Field("applicationNumber", "application_number"),
    Field("publicationNumber", "publication_number"),
    Field("ADPublicationNumber", "ad_publication_number"),
    Field("nationalPublicationNumber", "national_publication_number"),
    Field("ADNationalPublicationNumber", "ad_national_publication_number"),
    Field("registrationNumber", "registration_number"),
    Field("internationalApplicationNumber", "international_application_number"),
    Field("internationalPublicationNumber", "international_publication_number"),
    Field("erasureIdentifier", "erasure_identifier"),
    Field("expireDate", "expire_date", "date"),
    Field("disappearanceDate", "disappearance_date", "date"),
    Field("divisionalGeneration", "generation"),
)

DOSSIER_DOCUMENT = (
    Field("legalDate", "legal_date", "date"),
    Field("irirFlg", "irir_flag"),
    Field("availabilityFlag", "availability_flag"),
    Field("documentCode", "document_code"),
    Field("documentDescription", "description"),
    Field("documentNumber", "document_number"),
    Field("versionNumber", "version_number"),
    Field("documentSeparator", "separator"),
    Field("numberOfPages", "number_of_pages", "int"),
    Field("sizeOfDocument", "size", "int"),
)

PATENT_CITATION = (
    Field("draftDate", "draft_date", "date"),
    Field("citationType", "citation_type"),
    Field("citationOrder", "order", "int"),
    Field("documentNumber", "document_number"),
)

NON_PATENT_CITATION = (
    Field("draftDate", "draft_date", "date"),
    Field("citationType", "citation_type"),
    Field("citationOrder", "order", "int"),
    Field("documentType", "document_type"),
    Field("authorName", "author"),
    Field("paperTitle", "title"),
    Field("publicationName", "publication_name"),
    Field("issueCountryCd", "country"),
    Field("publisher", "publisher"),
    Field("issueDate", "issue_date"),
    Field("issueDateType", "issue_date_type"),
    Field("issueNumber", "issue_number"),
    Field("citationPages", "pages"),
)

# Block markers inside the ordered key lists below.
AA, PR, PA, DA, BI, TM, RP = ("<AA>", "<PR>", "<PA>", "<DA>", "<BI>", "<TM>", "<RP>")

PROGRESS_SCALARS = {
    "inventionTitle": Field("inventionTitle", "title"),
    "designArticle": Field("designArticle", "title"),
    "designClass": Field("designClass", "design_class"),
    "filingDate": Field("filingDate", "filing_date", "date"),
    "publicationNumber": Field("publicationNumber", "publication_number"),
    "ADPublicationNumber": Field("ADPublicationNumber", "ad_publication_number"),
    "nationalPublicationNumber": Field("nationalPublicationNumber",
                                       "national_publication_number"),
    "ADNationalPublicationNumber": Field("ADNationalPublicationNumber",
                                         "ad_national_publication_number"),
    "publicationDate": Field("publicationDate", "publication_date", "date"),
    "registrationNumber": Field("registrationNumber", "registration_number"),
    "registrationDate": Field("registrationDate", "registration_date", "date"),
    "internationalApplicationNumber": Field("internationalApplicationNumber",
                                            "international_application_number"),
    "internationalPublicationNumber": Field("internationalPublicationNumber",
                                            "international_publication_number"),
    "internationalPublicationDate": Field("internationalPublicationDate",
                                          "international_publication_date", "date"),
    "principalDesignApplicationNumber": Field("principalDesignApplicationNumber",
                                              "principal_design_application_number"),
    "erasureIdentifier": Field("erasureIdentifier", "erasure_identifier"),
    "expireDate": Field("expireDate", "expire_date", "date"),
    "disappearanceDate": Field("disappearanceDate", "disappearance_date", "date"),
}

_TAIL = ("erasureIdentifier", "expireDate", "disappearanceDate")

PROGRESS_ORDER: dict[Law, tuple[str, ...]] = {
    Law.PATENT: ("applicationNumber", "inventionTitle", AA, "filingDate", "publicationNumber",
                 "ADPublicationNumber", "nationalPublicationNumber",
                 "ADNationalPublicationNumber", "publicationDate", "registrationNumber",
                 "registrationDate", "internationalApplicationNumber",
                 "internationalPublicationNumber", "internationalPublicationDate", *_TAIL,
                 PR, PA, DA, BI),
    Law.DESIGN: ("applicationNumber", "designArticle", "designClass", AA, "filingDate",
                 "publicationDate", "registrationNumber", "registrationDate",
                 "principalDesignApplicationNumber", *_TAIL, PR, PA, BI),
    Law.TRADEMARK: ("applicationNumber", AA, "filingDate", "publicationDate",
                    "registrationNumber", "registrationDate", *_TAIL, TM, PR, PA, BI),
}

_NOT_IN_SIMPLE = {PR, PA, DA, "designClass", "principalDesignApplicationNumber"}


def progress_order(law: Law, simple: bool) -> tuple[str, ...]:
    order = PROGRESS_ORDER[law]
    return tuple(k for k in order if k not in _NOT_IN_SIMPLE) if simple else order


REGISTRATION_SCALARS = {
    "filingDate": Field("filingDate", "filing_date", "date"),
    "registrationNumber": Field("registrationNumber", "registration_number"),
    "registrationDate": Field("registrationDate", "registration_date", "date"),
    "decisionDate": Field("decisionDate", "decision_date", "date"),
    "appealTrialDecisiondDate": Field("appealTrialDecisiondDate", "appeal_decision_date",
                                      "date"),
    "inventionTitle": Field("inventionTitle", "title"),
    "designArticle": Field("designArticle", "title"),
    "numberOfClaims": Field("numberOfClaims", "number_of_claims", "int:3"),
    "expireDate": Field("expireDate", "expire_date", "date"),
    "nextPensionPaymentDate": Field("nextPensionPaymentDate", "next_annuity_date", "date"),
    "lastPaymentYearly": Field("lastPaymentYearly", "last_paid_year", "int:2"),
    "erasureIdentifier": Field("erasureIdentifier", "erasure_identifier"),
    "disappearanceDate": Field("disappearanceDate", "disappearance_date", "date"),
    "updateDate": Field("updateDate", "update_date", "date"),
}

_REG_HEAD = ("applicationNumber", "filingDate", "registrationNumber", "registrationDate",
             "decisionDate", "appealTrialDecisiondDate", RP)
_REG_TAIL = ("expireDate", "nextPensionPaymentDate", "lastPaymentYearly", "erasureIdentifier",
             "disappearanceDate", "updateDate")

REGISTRATION_ORDER: dict[Law, tuple[str, ...]] = {
    Law.PATENT: (*_REG_HEAD, "inventionTitle", "numberOfClaims", *_REG_TAIL),
    Law.DESIGN: (*_REG_HEAD, "designArticle", *_REG_TAIL),
    # The SPEC schema puts the trademark block after RP, its example puts it last; the
    # example is what answers look like, so tokkyo follows it (jpo-api.md §7).
    Law.TRADEMARK: (*_REG_HEAD, *_REG_TAIL, TM),
}

NUMBER_REFERENCE: dict[Law, tuple[Field, ...]] = {
    Law.PATENT: (Field("publicationNumber", "publication_number"),
                 Field("nationalPublicationNumber", "national_publication_number"),
                 Field("registrationNumber", "registration_number"),
                 Field("internationalPublicationNumber", "international_publication_number")),
    Law.DESIGN: (Field("registrationNumber", "registration_number"),
                 Field("internationalRegistrationNumber", "international_registration_number"),
                 Field("designNumber", "design_number")),
    Law.TRADEMARK: (Field("registrationNumber", "registration_number"),),
}

TM_KEYS = ("trademarkForDisplay", "transliteration", "viennaClass", "goodsServiceInformation")
