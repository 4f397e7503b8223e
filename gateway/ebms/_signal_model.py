"""Frozen ebMS3 signal models: Receipt (with NRI), Error, PullRequest (ebMS3 Core §5.2.3).

Receipts carry ``ebbp:NonRepudiationInformation`` (ebMS3 Part 2 / AS4 §5.1.8,
ebBP signals 2.0 schema): one ``ebbp:MessagePartNRInformation`` per
``ds:Reference`` of the signed UserMessage, each a copy of that reference.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field

from gateway.ebms._model import InvalidEbmsValue, MessageInfo
from gateway.errors import EbmsErrorCode

__all__ = [
    "NriReference",
    "NriTransform",
    "PullRequest",
    "Receipt",
    "SignalError",
    "SignalMessage",
]

SEVERITIES = ("warning", "failure")
"""ebMS3 Core §6.2.4: the only two values the schema allows (lower case)."""
CATEGORIES = ("Content", "Communication", "UnPackaging", "Processing")
"""ebMS3 Core §6.2.3."""
ORIGINS = ("ebMS", "reliability", "security")
"""ebMS3 Core §6.2.2 ``@origin`` values we write (others are accepted on reading)."""


@dataclass(frozen=True, slots=True)
class NriTransform:
    """One ``ds:Transform`` of a referenced part (algorithm + exc-c14n PrefixList)."""

    algorithm: str
    inclusive_prefixes: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.algorithm, str) or not self.algorithm:
            raise InvalidEbmsValue("must be a non-empty URI", field="ds:Transform@Algorithm")


@dataclass(frozen=True, slots=True)
class NriReference:
    """A ``ds:Reference`` as repeated in ``ebbp:MessagePartNRInformation``."""

    uri: str
    digest_method: str
    digest_value: bytes
    transforms: tuple[NriTransform, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.uri, str):
            raise InvalidEbmsValue("must be a string", field="ds:Reference@URI")
        if not isinstance(self.digest_method, str) or not self.digest_method:
            raise InvalidEbmsValue("must be a non-empty URI", field="ds:DigestMethod@Algorithm")
        if not isinstance(self.digest_value, bytes) or not self.digest_value:
            raise InvalidEbmsValue("must be non-empty bytes", field="ds:DigestValue")

    @property
    def digest_b64(self) -> str:
        """The digest as written in ``ds:DigestValue``."""
        return base64.b64encode(self.digest_value).decode("ascii")

    @classmethod
    def from_signed(cls, ref: object) -> NriReference:
        """Copy any reference-like object (e.g. AS4-security's ``SignedReference``).

        Needs attributes ``uri``, ``digest_method``, ``digest_value`` (bytes or
        base64 text) and ``transforms`` (algorithm URIs, or objects with
        ``algorithm`` and optionally ``inclusive_prefixes``/``prefix_list``).
        """
        if isinstance(ref, NriReference):
            return ref
        try:
            uri = getattr(ref, "uri")  # noqa: B009
            method = getattr(ref, "digest_method")  # noqa: B009
            raw = getattr(ref, "digest_value")  # noqa: B009
        except AttributeError as exc:
            raise InvalidEbmsValue(
                f"not a reference: {exc}", field="NonRepudiationInformation"
            ) from exc
        value = raw if isinstance(raw, bytes) else _b64(str(raw))
        transforms: list[NriTransform] = []
        for t in getattr(ref, "transforms", ()) or ():
            if isinstance(t, NriTransform):
                transforms.append(t)
            elif isinstance(t, str):
                transforms.append(NriTransform(t))
            else:
                prefixes = getattr(t, "inclusive_prefixes", None) or getattr(t, "prefix_list", None)
                algorithm = str(getattr(t, "algorithm"))  # noqa: B009
                transforms.append(NriTransform(algorithm, tuple(prefixes) if prefixes else None))
        return cls(uri=str(uri), digest_method=str(method), digest_value=value,
                   transforms=tuple(transforms))


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidEbmsValue(f"not base64: {text[:40]!r}", field="ds:DigestValue") from exc


@dataclass(frozen=True, slots=True)
class Receipt:
    """``eb:Receipt``. ``references`` is the NRI content (empty for a non-NRI receipt)."""

    references: tuple[NriReference, ...] = ()
    non_repudiation: bool = True
    """True when the receipt carries ``ebbp:NonRepudiationInformation``."""
    other_content: tuple[str, ...] = field(default=(), compare=False)
    """Clark names of other children (e.g. a copied ``eb:UserMessage``), kept when reading."""

    def __post_init__(self) -> None:
        for ref in self.references:
            if not isinstance(ref, NriReference):
                raise InvalidEbmsValue("must hold NriReference values", field="Receipt")
        if self.non_repudiation and not self.references:
            raise InvalidEbmsValue(
                "NonRepudiationInformation needs at least one MessagePartNRInformation",
                field="Receipt.NonRepudiationInformation",
            )


@dataclass(frozen=True, slots=True)
class SignalError:
    """``eb:Error`` (ebMS3 Core §6.2). ``severity`` is normalised to lower case."""

    error_code: str
    severity: str
    category: str | None = None
    origin: str | None = None
    ref_to_message_in_error: str | None = None
    short_description: str | None = None
    description: str | None = None
    description_lang: str | None = None
    error_detail: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.error_code, str) or not self.error_code.strip():
            raise InvalidEbmsValue("must not be empty", field="Error@errorCode")
        if self.severity not in SEVERITIES:
            raise InvalidEbmsValue(
                f"must be one of {SEVERITIES}, got {self.severity!r}", field="Error@severity"
            )
        if self.category is not None and not self.category:
            raise InvalidEbmsValue("must not be empty when present", field="Error@category")

    @property
    def code(self) -> EbmsErrorCode | None:
        """The known ebMS/AS4 code, or ``None`` for a code outside EBMS:0001-0303."""
        try:
            return EbmsErrorCode(self.error_code)
        except ValueError:
            return None

    @classmethod
    def for_code(
        cls,
        code: EbmsErrorCode,
        *,
        ref_to_message_in_error: str | None,
        description: str | None = None,
        error_detail: str | None = None,
        security: bool = False,
    ) -> SignalError:
        """Strict writer: severity, category and short name from the code tables."""
        if security or code in (
            EbmsErrorCode.FAILED_AUTHENTICATION,
            EbmsErrorCode.FAILED_DECRYPTION,
            EbmsErrorCode.POLICY_NONCOMPLIANCE,
        ):
            origin = "security"
        else:
            origin = "ebMS"
        return cls(
            error_code=code.value,
            severity=code.info.severity,
            category=code.info.category,
            origin=origin,
            ref_to_message_in_error=ref_to_message_in_error,
            short_description=code.short_name,
            description=description,
            description_lang="en" if description else None,
            error_detail=error_detail,
        )


@dataclass(frozen=True, slots=True)
class PullRequest:
    """``eb:PullRequest`` (ebMS3 Core §5.2.3.1); not used by OOTS (push only)."""

    mpc: str | None = None


@dataclass(frozen=True, slots=True)
class SignalMessage:
    """``eb:SignalMessage``: MessageInfo plus a PullRequest, a Receipt and/or Errors."""

    message_info: MessageInfo
    receipt: Receipt | None = None
    errors: tuple[SignalError, ...] = ()
    pull_request: PullRequest | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.message_info, MessageInfo):
            raise InvalidEbmsValue("must be a MessageInfo", field="SignalMessage.MessageInfo")
        if not isinstance(self.errors, tuple):
            raise InvalidEbmsValue("must be a tuple", field="SignalMessage.Error")
        if self.receipt is None and not self.errors and self.pull_request is None:
            raise InvalidEbmsValue(
                "needs a Receipt, an Error or a PullRequest", field="SignalMessage"
            )

    @property
    def message_id(self) -> str:
        """Shortcut for ``message_info.message_id``."""
        return self.message_info.message_id

    @property
    def kind(self) -> str:
        """``Receipt``, ``Error``, ``PullRequest`` or a ``+`` joined combination."""
        kinds = []
        if self.pull_request is not None:
            kinds.append("PullRequest")
        if self.receipt is not None:
            kinds.append("Receipt")
        if self.errors:
            kinds.append("Error")
        return "+".join(kinds)
