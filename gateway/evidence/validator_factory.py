"""The gateway's validator: the official kits plus every project rule set, in one call.

:meth:`Validator.from_settings` loads only what the installed kits hold. The gateway also
judges ``oots-edm:v2.0`` and ``oots-cs:v2.0`` messages with its own checks for the rules
the TDD 2.0.1 documents (the official 2.0.1 rule files are not in the reference kit; when
a user installs them, both run). Every caller that judges messages (CLI, node, mocks,
tests) builds its validator here, so no caller forgets a rule set.
"""

from __future__ import annotations

from gateway.evidence.common_services.cs_v2_rules import register_cs_v2_rules
from gateway.evidence.edm.v2_rules import register_v2_rules
from gateway.evidence.validation import Validator
from gateway.settings import Settings

__all__ = ["build_validator"]


def build_validator(settings: Settings) -> Validator:
    """A :class:`Validator` over the installed kits with the project's v2.0 checks registered."""
    validator = Validator.from_settings(settings)
    register_v2_rules(validator)
    register_cs_v2_rules(validator)
    return validator
