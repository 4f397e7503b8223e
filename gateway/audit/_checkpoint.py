"""C2SP ``tlog-checkpoint`` bodies in C2SP ``signed-note`` envelopes, Ed25519 (sans I/O).

Formats (C2SP signed-note; reference ``golang.org/x/mod/sumdb/note``):

- verifier key: ``<name>+<hash>+<base64(0x01 || ed25519 public key)>`` where
  ``hash`` is 8 hex digits of the first 4 bytes (big-endian) of
  ``SHA-256(name || 0x0A || 0x01 || public key)``;
- signer key: ``PRIVATE+KEY+<name>+<hash>+<base64(0x01 || ed25519 seed)>``;
- note: text ending in ``\\n``, a blank line, then one line per signature
  ``— <name> <base64(key hash (4 bytes, big-endian) || signature)>\\n``
  (U+2014 em dash, space); the signature covers the text including its final
  newline but not the blank line.

Checkpoint body (C2SP tlog-checkpoint): origin line, tree size in decimal,
base64 root hash, optional extension lines, each ending in ``\\n``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from gateway.audit._errors import CheckpointError
from gateway.audit._merkle import HASH_SIZE

__all__ = [
    "Checkpoint",
    "NoteSigner",
    "NoteVerifier",
    "OpenedNote",
    "generate_signer_key",
    "open_checkpoint",
    "open_note",
    "sign_checkpoint",
    "sign_note",
]

_ALG_ED25519 = 1  # C2SP signed-note: signature type 0x01 is Ed25519
_SIG_PREFIX = "— "  # U+2014 EM DASH, U+0020
_MAX_SIGNATURES = 100
_SIZE_RE = re.compile(r"(0|[1-9][0-9]{0,19})")


def _key_hash(name: str, key: bytes) -> bytes:
    # signed-note: key ID = SHA-256(key name || 0x0A || signature type || public key)[:4]
    return hashlib.sha256(name.encode() + b"\n" + key).digest()[:4]


def _check_name(name: str) -> None:
    # signed-note: a key name is non-empty and has no Unicode spaces or plus signs.
    if not name or "+" in name or any(c.isspace() for c in name):
        raise CheckpointError(f"invalid key name {name!r}")


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise CheckpointError(f"{what} is not valid base64") from exc


@dataclass(frozen=True, slots=True)
class NoteVerifier:
    """A signed-note verifier key (Ed25519)."""

    name: str
    key_hash: bytes
    public_key: bytes

    @classmethod
    def parse(cls, vkey: str) -> NoteVerifier:
        """Parse ``<name>+<hash>+<keydata>``; the hash must match the key."""
        parts = vkey.strip().split("+", 2)
        if len(parts) != 3 or len(parts[1]) != 8:
            raise CheckpointError("verifier key must be <name>+<8 hex digits>+<base64 key>")
        name, hash_hex, key64 = parts
        _check_name(name)
        try:
            key_hash = bytes.fromhex(hash_hex)
        except ValueError as exc:
            raise CheckpointError("verifier key hash is not hex") from exc
        key = _b64decode(key64, "verifier key data")
        if len(key) != 33 or key[0] != _ALG_ED25519:
            raise CheckpointError("verifier key is not an Ed25519 (type 0x01) key")
        if _key_hash(name, key) != key_hash:
            raise CheckpointError("verifier key hash does not match its name and key")
        return cls(name=name, key_hash=key_hash, public_key=key[1:])

    def encode(self) -> str:
        """The ``<name>+<hash>+<keydata>`` text form."""
        data = base64.b64encode(bytes([_ALG_ED25519]) + self.public_key).decode()
        return f"{self.name}+{self.key_hash.hex()}+{data}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        """True when ``signature`` is this key's Ed25519 signature of ``message``."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True, slots=True)
class NoteSigner:
    """A signed-note signer key (Ed25519 seed). Keep it secret."""

    name: str
    seed: bytes

    @classmethod
    def parse(cls, skey: str) -> NoteSigner:
        """Parse ``PRIVATE+KEY+<name>+<hash>+<keydata>`` (Go ``note.NewSigner`` format)."""
        parts = skey.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"] or len(parts[3]) != 8:
            raise CheckpointError("signer key must be PRIVATE+KEY+<name>+<hash>+<base64 key>")
        name, hash_hex, key64 = parts[2:]
        _check_name(name)
        key = _b64decode(key64, "signer key data")
        if len(key) != 33 or key[0] != _ALG_ED25519:
            raise CheckpointError("signer key is not an Ed25519 (type 0x01) key")
        signer = cls(name=name, seed=key[1:])
        if signer.verifier().key_hash.hex() != hash_hex.lower():
            raise CheckpointError("signer key hash does not match its name and key")
        return signer

    def encode(self) -> str:
        """The ``PRIVATE+KEY+<name>+<hash>+<keydata>`` text form."""
        data = base64.b64encode(bytes([_ALG_ED25519]) + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier().key_hash.hex()}+{data}"

    def verifier(self) -> NoteVerifier:
        """The matching public verifier key."""
        public = (
            Ed25519PrivateKey.from_private_bytes(self.seed)
            .public_key()
            .public_bytes(Encoding.Raw, PublicFormat.Raw)
        )
        key = bytes([_ALG_ED25519]) + public
        return NoteVerifier(name=self.name, key_hash=_key_hash(self.name, key), public_key=public)

    def sign(self, message: bytes) -> bytes:
        """Ed25519 signature of ``message``."""
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)


def generate_signer_key(name: str, seed: bytes) -> NoteSigner:
    """A signer for ``name`` from 32 bytes of caller-supplied randomness."""
    _check_name(name)
    if len(seed) != 32:
        raise CheckpointError("an Ed25519 seed is 32 bytes")
    return NoteSigner(name=name, seed=seed)


def sign_note(text: str, signer: NoteSigner) -> bytes:
    """Encode ``text`` as a signed note with one signature by ``signer``."""
    if not text.endswith("\n"):
        raise CheckpointError("note text must end with a newline")
    if "\n\n" in text or any(ord(c) < 0x20 and c != "\n" for c in text):
        raise CheckpointError("note text must not contain blank lines or control characters")
    body = text.encode()
    sig = signer.verifier().key_hash + signer.sign(body)
    line = f"{_SIG_PREFIX}{signer.name} {base64.b64encode(sig).decode()}\n"
    return body + b"\n" + line.encode()


@dataclass(frozen=True, slots=True)
class OpenedNote:
    """A note whose signature by the expected key verified."""

    text: str
    other_signers: tuple[str, ...]
    """``name+hash`` of signatures by keys we do not know (kept, not trusted)."""


def open_note(message: bytes, verifier: NoteVerifier) -> OpenedNote:
    """Check ``message`` is a signed note carrying a valid signature by ``verifier``."""
    try:
        decoded = message.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CheckpointError("signed note is not UTF-8") from exc
    if any(ord(c) < 0x20 and c != "\n" for c in decoded):
        raise CheckpointError("signed note contains control characters")
    split = decoded.rfind("\n\n")
    if split < 0:
        raise CheckpointError("signed note has no signature block")
    text, sigs = decoded[: split + 1], decoded[split + 2 :]
    if not sigs.endswith("\n"):
        raise CheckpointError("signed note signature block must end with a newline")
    lines = sigs[:-1].split("\n")
    if len(lines) > _MAX_SIGNATURES:
        raise CheckpointError("signed note has too many signatures")
    verified = False
    others: list[str] = []
    for line in lines:
        if not line.startswith(_SIG_PREFIX):
            raise CheckpointError(f"malformed signature line {line!r}")
        name, _, b64 = line[len(_SIG_PREFIX) :].partition(" ")
        _check_name(name)
        sig = _b64decode(b64, "signature")
        if len(sig) < 5:
            raise CheckpointError("signature is too short")
        if name != verifier.name or sig[:4] != verifier.key_hash:
            others.append(f"{name}+{sig[:4].hex()}")
            continue
        if not verifier.verify(text.encode(), sig[4:]):
            raise CheckpointError(f"invalid signature by {verifier.name}+{verifier.key_hash.hex()}")
        verified = True
    if not verified:
        found = ", ".join(others) or "none"
        raise CheckpointError(
            f"not signed by the log key {verifier.name}+{verifier.key_hash.hex()} "
            f"(signatures found by: {found})"
        )
    return OpenedNote(text=text, other_signers=tuple(others))


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A C2SP tlog-checkpoint body: origin, tree size, root hash, extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        """The checkpoint body, each line ending in a newline."""
        if not self.origin or "\n" in self.origin:
            raise CheckpointError("checkpoint origin must be one non-empty line")
        if len(self.root_hash) != HASH_SIZE or self.size < 0:
            raise CheckpointError("checkpoint needs a size >= 0 and a 32-byte root hash")
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode()]
        return "".join(f"{line}\n" for line in (*lines, *self.extensions))

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Parse a checkpoint body (the text of an opened note)."""
        if not text.endswith("\n"):
            raise CheckpointError("checkpoint must end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise CheckpointError("checkpoint needs origin, size and root hash lines")
        origin, size_text, root_text, *extensions = lines
        # tlog-checkpoint: size is ASCII decimal without leading zeros.
        if not origin or not _SIZE_RE.fullmatch(size_text):
            raise CheckpointError(f"malformed checkpoint origin or size {size_text!r}")
        root = _b64decode(root_text, "checkpoint root hash")
        if len(root) != HASH_SIZE:
            raise CheckpointError("checkpoint root hash is not 32 bytes")
        if any(not line for line in extensions):
            raise CheckpointError("checkpoint extension lines must not be empty")
        return cls(origin, int(size_text), root, tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signer: NoteSigner) -> bytes:
    """The signed-note encoding of ``checkpoint``."""
    return sign_note(checkpoint.text(), signer)


def open_checkpoint(
    message: bytes, verifier: NoteVerifier, origin: str | None = None
) -> Checkpoint:
    """Verify and parse a signed checkpoint; ``origin`` (when given) must match."""
    checkpoint = Checkpoint.parse(open_note(message, verifier).text)
    if origin is not None and checkpoint.origin != origin:
        raise CheckpointError(f"checkpoint origin {checkpoint.origin!r} is not {origin!r}")
    return checkpoint
