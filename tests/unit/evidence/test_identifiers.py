"""Identifier helpers: eIDAS identifiers, EUIDs for DE/NL/AT against the kit's BRIS list,
UUID message ids."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.errors import ConfigurationError, EvidenceError
from gateway.evidence.identifiers import (
    BRIS_REGISTERS_CSV,
    BrisRegisters,
    EidasIdentifier,
    Euid,
    austrian_euid,
    load_bris_registers,
    new_message_id,
    parse_euid,
    parse_urn_uuid,
    parse_uuid,
)


@pytest.fixture(scope="module")
def bris(shared_dir: Path) -> BrisRegisters:
    """The BRIS register list read from the reference kit at run time."""
    return load_bris_registers((shared_dir / BRIS_REGISTERS_CSV).read_bytes())


def _german_courts(shared_dir: Path) -> list[str]:
    text = (shared_dir / BRIS_REGISTERS_CSV).read_text(encoding="utf-8")
    return [r["register_identifier"] for r in csv.DictReader(io.StringIO(text))
            if r["country_code"] == "DE"]


def test_the_kit_list_has_the_116_german_register_courts(
    shared_dir: Path, bris: BrisRegisters
) -> None:
    courts = _german_courts(shared_dir)
    assert len(courts) == 116
    assert all(bris.knows("DE" + c) for c in courts)
    assert bris.knows("NLNHR") and bris.knows("ATBRA")


@pytest.mark.parametrize(
    ("value", "court", "rtype", "number", "suffix"),
    [
        ("DEK1101R.HRB116737", "K1101R", "HRB", "116737", None),
        ("DEX1517R.HRB395KI", "X1517R", "HRB", "395", "KI"),
        ("DEX1517R.VR1503KI", "X1517R", "VR", "1503", "KI"),
        ("DED2601V.GnR12", "D2601V", "GnR", "12", None),
        ("DEF1103R.HRB12345B", "F1103R", "HRB", "12345", "B"),
    ],
)
def test_german_euids(value: str, court: str, rtype: str, number: str, suffix: str | None,
                      bris: BrisRegisters) -> None:
    euid = parse_euid(value, bris)
    assert (euid.register, euid.register_type, euid.register_number, euid.suffix) == (
        court, rtype, number, suffix)
    assert str(euid) == value


@pytest.mark.parametrize(
    "value",
    [
        "DEF1103.HRB12345",  # IDENTIFIERS.md: the BRIS id is F1103R
        "DED2601.HRB1",  # München is D2601V in BRIS
        "DEK1101R.HRC1",  # unknown register type
        "DEK1101R.hrb1",  # register type is case-sensitive
        "DEK1101R-HRB1",
        "DEZ9999R.HRB1",  # not a register court
    ],
)
def test_bad_german_euids(value: str, bris: BrisRegisters) -> None:
    with pytest.raises(EvidenceError) as info:
        parse_euid(value, bris)
    assert info.value.code == "EDM:ERR:0003" and info.value.field == "euid"


def test_every_bris_court_forms_a_parsable_euid(shared_dir: Path, bris: BrisRegisters) -> None:
    for court in _german_courts(shared_dir):
        euid = Euid.german(court=court, register_type="HRB", number="4711")
        assert parse_euid(str(euid), bris) == euid


def test_dutch_euid(bris: BrisRegisters) -> None:
    assert parse_euid("NLNHR.90000471", bris).number == "90000471"
    for bad in ("NLNHR.9000047", "NLNHR.900004711", "NLKVK.90000471", "NL813384960.KVK"):
        with pytest.raises(EvidenceError):
            parse_euid(bad, bris)


def test_austrian_euid(bris: BrisRegisters) -> None:
    euid = parse_euid("ATBRA.123456-000", bris)
    assert euid.branch == "000" and euid.firmenbuch_number == "123456"
    assert austrian_euid("FN 123456a") == euid
    assert str(austrian_euid("FN 4711 b", branch=2)) == "ATBRA.004711-002"  # padding ASSUMED
    assert parse_euid("ATBRA.004711-002", bris).firmenbuch_number == "4711"
    for bad in ("ATBRA.12345-000", "ATBRA.123456", "ATBRA.123456a-000", "ATFB.123456-000"):
        with pytest.raises(EvidenceError):
            parse_euid(bad, bris)
    with pytest.raises(EvidenceError):
        austrian_euid("FN 1234567a")


def test_other_countries_are_refused(bris: BrisRegisters) -> None:
    with pytest.raises(EvidenceError, match="not supported"):
        parse_euid("SEBOLREG.5591674170", bris)


def test_a_list_without_nhr_refuses_dutch_euids() -> None:
    only_de = load_bris_registers(b"country_code,register_identifier\nDE,K1101R\n")
    assert parse_euid("DEK1101R.HRB1", only_de).register == "K1101R"
    with pytest.raises(EvidenceError, match="BRIS"):
        parse_euid("NLNHR.90000471", only_de)


def test_a_broken_register_list_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        load_bris_registers(b"code;name\nDE;x\n")
    with pytest.raises(ConfigurationError):
        load_bris_registers(b"\xff\xfe\x00")


@pytest.mark.parametrize("value", ["ES/AT/02635542Y", "DK/DE/123123123", "se/de/12132123Y",
                                   "EL/DE/" + "x" * 250])
def test_eidas_identifiers(value: str) -> None:
    ident = EidasIdentifier.parse(value)
    assert str(ident).upper() == value.upper()
    assert ident.issuing_country == value[:2].upper()


@pytest.mark.parametrize("value", ["ES-AT-1", "ES/AT/", "E/AT/1", "ES/AT/12 34", "1S/AT/1",
                                   "EL/DE/" + "x" * 251])
def test_bad_eidas_identifiers(value: str) -> None:
    with pytest.raises(EvidenceError):
        EidasIdentifier.parse(value)


def test_uuids() -> None:
    u = "4ffb5281-179d-4578-adf2-39fd13ccc797"
    assert parse_uuid(u) == uuid.UUID(u)
    assert parse_urn_uuid(f"urn:uuid:{u.upper()}") == uuid.UUID(u)
    for bad in (u[:-1], f"urn:{u}", "urn:uuid:", f"{u}x"):
        with pytest.raises(EvidenceError):
            parse_urn_uuid(bad)
    with pytest.raises(ValueError, match="16"):
        new_message_id(b"123")


@given(st.binary(min_size=16, max_size=16))
def test_new_message_ids_are_v4_urn_uuids(data: bytes) -> None:
    value = new_message_id(data)
    parsed = parse_urn_uuid(value)
    assert parsed.version == 4 and parsed.variant == uuid.RFC_4122
