"""Frozen models of the SDG content carried by Evidence Broker and DSD responses.

Shapes follow ``SDG-GenericMetadataProfile-v1.0.0.xsd`` (types ``RequirementType``,
``ReferenceFrameworkType``, ``EvidenceTypeListType``, ``EvidenceTypeType``,
``DataServiceEvidenceTypeType``, ``EvidenceTypeDistributionType``, ``DataServiceType``,
``EvidenceProviderType``, ``InformationConceptType``, ``JurisdictionDeterminationType``)
and, for ``oots-cs:v2.0``, what the 7 acceptance captures carry (TDD 2.0.1 README,
"What changed", items 8 and 12). Fields marked *v1.0 only* or *v2.0 only* are refused
by the builders for the other version, naming the field.

Texts (:class:`Text`), identifiers with ``schemeID`` (:class:`Identifier`) and addresses
(:class:`Address`) are the shared EDM building blocks of ``gateway.evidence.edm._sdg``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gateway.evidence.edm._sdg import Address, Identifier, Text
from gateway.namespaces import CommonServicesURI

__all__ = [
    "AccessService",
    "Address",
    "Code",
    "CsVersion",
    "DataServiceEvidenceType",
    "Distribution",
    "EvidenceType",
    "EvidenceTypeList",
    "Identifier",
    "InformationConcept",
    "Jurisdiction",
    "JurisdictionDetermination",
    "Publisher",
    "ReferenceFramework",
    "Requirement",
    "Service",
    "SupportedValue",
    "Text",
    "ValueKind",
]


class CsVersion(enum.Enum):
    """The Common Services response form (TDD 3.6.2, README item 13).

    ``V1_0`` is what the services answer without ``Accept-Version``: no
    ``SpecificationIdentifier`` slot (the token ``oots-cs:v1.0`` never travels).
    ``V2_0`` is asked with ``Accept-Version: oots-cs:v2.0`` and carries the slot.
    """

    V1_0 = "oots-cs:v1.0"
    V2_0 = CommonServicesURI.CS_V2


class Service(enum.Enum):
    """Which Common Service a message belongs to."""

    EB = "EB"
    DSD = "DSD"


@dataclass(frozen=True, slots=True)
class Code:
    """A code with an optional ``listID`` (``sdg:AdditionalJurisdictionClassification``)."""

    value: str
    list_id: str | None = None


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """``sdg:JurisdictionType``: country (ISO 3166-1), optional NUTS/LAU levels.

    ``additional`` (*v2.0 only*) holds the member-state classifications that replace the
    v1.0 jurisdiction levels (README item 8), e.g. ``AT13`` in list
    ``.../codelists/AT/NutsExtractATBundeslaender``.
    """

    admin_unit_level_1: str
    admin_unit_level_2: str | None = None
    admin_unit_level_3: str | None = None
    additional: tuple[Code, ...] = ()


@dataclass(frozen=True, slots=True)
class ReferenceFramework:
    """``sdg:ReferenceFramework`` (a procedure as a member state implements it).

    ``related_to`` holds the SDGR procedure code(s) (Procedures code list, e.g. ``R1``),
    each as a reference framework of its own (the XSD type is recursive).
    """

    identifier: str
    titles: tuple[Text, ...] = ()
    descriptions: tuple[Text, ...] = ()
    related_to: tuple[ReferenceFramework, ...] = ()
    jurisdiction: Jurisdiction | None = None


@dataclass(frozen=True, slots=True)
class EvidenceType:
    """``sdg:EvidenceType`` inside an evidence type list.

    ``jurisdictions`` is *v1.0 only*: v2.0 moved ``Jurisdiction`` to the list (item 8).
    """

    classification: str
    titles: tuple[Text, ...]
    descriptions: tuple[Text, ...] = ()
    jurisdictions: tuple[Jurisdiction, ...] = ()


@dataclass(frozen=True, slots=True)
class EvidenceTypeList:
    """``sdg:EvidenceTypeList``: alternative evidence types proving one requirement.

    ``jurisdictions`` is *v2.0 only* (README item 8).
    """

    identifier: str
    names: tuple[Text, ...] = ()
    evidence_types: tuple[EvidenceType, ...] = ()
    jurisdictions: tuple[Jurisdiction, ...] = ()


@dataclass(frozen=True, slots=True)
class Requirement:
    """``sdg:Requirement``; ``descriptions`` is *v2.0 only*.

    A "requirements" answer lists reference frameworks; an "evidence types" answer
    adds the evidence type lists.
    """

    identifier: str
    names: tuple[Text, ...]
    descriptions: tuple[Text, ...] = ()
    reference_frameworks: tuple[ReferenceFramework, ...] = ()
    evidence_type_lists: tuple[EvidenceTypeList, ...] = ()


@dataclass(frozen=True, slots=True)
class Distribution:
    """``sdg:DistributedAs`` of a data service evidence type.

    ``languages`` is *v2.0 only* (``sdg:Language``); ``transformation`` is *v1.0 only*
    (README item 8: a transformation is a distribution of its own in v2.0).
    """

    format: str
    conforms_to: str | None = None
    transformation: str | None = None
    languages: tuple[str, ...] = ()


class ValueKind(enum.Enum):
    """The choice inside ``sdg:SupportedValue`` (``SupportedValueType``)."""

    STRING = "StringValue"
    DATE = "DateValue"
    BOOLEAN = "BooleanValue"


@dataclass(frozen=True, slots=True)
class SupportedValue:
    """``sdg:SupportedValue``: one kind of values, kept in their lexical form."""

    kind: ValueKind
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class InformationConcept:
    """``sdg:InformationConceptType``: a classification concept of an evidence provider.

    Used as ``sdg:ClassificationConcept`` of a publisher (with supported values) and as
    ``sdg:EvidenceProviderClassification`` (what the user must tell, DSD:ERR:0005).
    """

    identifier: Identifier
    type: str | None = None
    value_expression: str | None = None
    descriptions: tuple[Text, ...] = ()
    supported_value: SupportedValue | None = None


@dataclass(frozen=True, slots=True)
class Publisher:
    """``sdg:Publisher`` (``EvidenceProviderType``): the evidence provider, corner 4.

    ``descriptions`` is *v2.0 only*.
    """

    identifier: Identifier
    names: tuple[Text, ...]
    address: Address
    jurisdiction: Jurisdiction
    descriptions: tuple[Text, ...] = ()
    classification_concepts: tuple[InformationConcept, ...] = ()


@dataclass(frozen=True, slots=True)
class AccessService:
    """``sdg:AccessService`` (``DataServiceType``): the access point serving the evidence.

    ``identifier`` is the AS4 party id of corner 3; ``conforms_to`` lists the EDM versions
    it speaks (``oots-edm:v1.0``, ``oots-edm:v2.0``); ``names`` is *v2.0 only*.
    """

    identifier: Identifier
    conforms_to: tuple[str, ...]
    publisher: Publisher
    names: tuple[Text, ...] = ()


@dataclass(frozen=True, slots=True)
class JurisdictionDetermination:
    """``sdg:EvidenceProviderJurisdictionDetermination`` (*v1.0 only*, README item 8)."""

    context_id: str
    contexts: tuple[Text, ...]
    level: str
    """``JurisdictionLevel`` code: ``Country``, ``NUTS1``-``NUTS3`` or ``LAU``."""


@dataclass(frozen=True, slots=True)
class DataServiceEvidenceType:
    """``sdg:DataServiceEvidenceType``: one evidence type served by data services.

    ``jurisdiction_determination`` is *v1.0 only*.
    """

    identifier: str
    classification: str
    titles: tuple[Text, ...]
    distributions: tuple[Distribution, ...]
    descriptions: tuple[Text, ...] = ()
    access_services: tuple[AccessService, ...] = ()
    level_of_assurance: str | None = None
    jurisdiction_determination: JurisdictionDetermination | None = None
    provider_classifications: tuple[InformationConcept, ...] = ()
