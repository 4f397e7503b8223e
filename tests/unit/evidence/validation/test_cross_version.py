"""Cross-check against the second independent run in ``../shared/oots-tdd-2.0/RESULTS.md``
(sections 2 and 3): the v2.0 messages and captured Common Services responses are RegRep-valid,
and the *v1.0* rule sets, applied on purpose (informative), fire exactly the error-level rule
ids recorded there. A normal Validator never applies v1.0 rules to them (GW:KIT-MISSING)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.evidence.validation import Severity, Validator
from gateway.evidence.validation.xsd import load_schema
from gateway.kits.driver import REGREP_DRIVER
from gateway.xml import parse_xml

KNOWN_V2 = ("oots-edm:v2.0", "oots-cs:v2.0")
REF = "samples/oots-france-reference/messages"
CS = "common-services/captured-acc"

# file -> error-level Schematron ids of the v1.0 rules (RESULTS.md section 3, info/warning out)
EXPECTED: dict[str, set[str]] = {
    f"{REF}/requete.xml": {"R-EDM-REQ-C001", "R-EDM-REQ-C027", "R-EDM-REQ-S022"},
    f"{REF}/reponse.xml": {"R-EDM-RESP-C002", "R-EDM-RESP-S015", "R-EDM-RESP-S033"},
    f"{REF}/erreur.xml": {"R-EDM-ERR-C001"},
    f"{REF}/erreurRequeteInvalide.xml": {"R-EDM-ERR-C001"},
    f"{REF}/erreurCapaciteNonSupportee.xml": {"R-EDM-ERR-C001"},
    f"{REF}/erreurExpiration.xml": {"R-EDM-ERR-C001"},
    f"{CS}/dsd_data_services_fi.xml": {"R-DSD-RESP-C003", "R-DSD-RESP-C015"},
    f"{CS}/dsd_aucun_service_fr.xml": set(),
    f"{CS}/eb_requirements_fr.xml": {"R-EB-REQ-C001", "R-EB-REQ-C012"},
    f"{CS}/eb_requirements_catalogue.xml": {"R-EB-REQ-C001", "R-EB-REQ-C012"},
    f"{CS}/eb_requirements_vides.xml": {"R-EB-ERR-017"},
    f"{CS}/eb_evidence_types_fr.xml": {"R-EB-EVI-C001", "R-EB-EVI-C012", "R-EB-EVI-C016"},
    f"{CS}/eb_evidence_types_fi.xml": {"R-EB-EVI-C001", "R-EB-EVI-C012", "R-EB-EVI-C016"},
}


@pytest.fixture(scope="module")
def v1_rules_for_everything(
    validator: Validator, tmp_path_factory: pytest.TempPathFactory
) -> Validator:
    """A Validator that knows no v2.0 line, so v1.0 rules judge every message (informative)."""
    return Validator(validator.kits, cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.mark.parametrize("relative", sorted(EXPECTED), ids=lambda p: Path(p).name)
def test_v1_rules_on_v2_messages_match_the_independent_run(
    v1_rules_for_everything: Validator,
    validator: Validator,
    shared_dir: Path,
    relative: str,
    tmp_path: Path,
) -> None:
    data = (shared_dir / "oots-tdd-2.0" / relative).read_bytes()
    report = v1_rules_for_everything.validate(data)
    fired = {
        f.rule_id or "(no id)"
        for f in report.findings
        if f.source == "schematron" and f.severity in (Severity.ERROR, Severity.FATAL)
    }
    assert fired == EXPECTED[relative]
    kit = validator.kit_for("oots-edm:v1.0")
    assert kit is not None
    regrep = load_schema(kit.path(REGREP_DRIVER), "RegRep XSD")
    assert regrep.validate(parse_xml(data)) == ()  # section 2: RegRep 4.0 layer valid
    normal = Validator([kit], cache_dir=tmp_path, known_specifications=KNOWN_V2).validate(data)
    assert normal.rule_sets == () and normal.info_rule_ids == ("GW:KIT-MISSING",)
