"""Signed notes and checkpoints against the published ``golang.org/x/mod/sumdb/note`` example."""

from __future__ import annotations

import base64

import pytest

from gateway.audit._checkpoint import (
    Checkpoint,
    NoteSigner,
    NoteVerifier,
    generate_signer_key,
    open_checkpoint,
    open_note,
    sign_checkpoint,
    sign_note,
)
from gateway.audit._errors import CheckpointError

# The example of the sumdb/note package documentation (published values).
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_MSG = (
    GO_TEXT + "\n"
    "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngot"
    "pRZb6KE6RyyBwJnAM=\n"
).encode()


def test_go_signer_key_yields_go_verifier_key() -> None:
    signer = NoteSigner.parse(GO_SKEY)
    assert signer.verifier().encode() == GO_VKEY
    assert signer.encode() == GO_SKEY


def test_signing_reproduces_the_published_note() -> None:
    assert sign_note(GO_TEXT, NoteSigner.parse(GO_SKEY)) == GO_MSG


def test_opening_the_published_note() -> None:
    assert open_note(GO_MSG, NoteVerifier.parse(GO_VKEY)).text == GO_TEXT


def test_tampered_text_is_an_invalid_signature() -> None:
    tampered = GO_MSG.replace(b"problem,", b"problem;")
    with pytest.raises(CheckpointError, match="invalid signature by PeterNeumann"):
        open_note(tampered, NoteVerifier.parse(GO_VKEY))


def test_resigned_with_other_key_names_both_keys() -> None:
    other = generate_signer_key("PeterNeumann", b"\x07" * 32)
    resigned = sign_note(GO_TEXT, other)
    with pytest.raises(CheckpointError, match=r"not signed by the log key PeterNeumann\+c74f20a3"):
        open_note(resigned, NoteVerifier.parse(GO_VKEY))


def test_verifier_key_with_wrong_hash_is_refused() -> None:
    with pytest.raises(CheckpointError, match="hash does not match"):
        NoteVerifier.parse(GO_VKEY.replace("c74f20a3", "c74f20a4"))


def test_checkpoint_round_trip() -> None:
    signer = generate_signer_key("example.org/log", b"\x01" * 32)
    cp = Checkpoint("example.org/log", 8, bytes(range(32)), ("ext line",))
    msg = sign_checkpoint(cp, signer)
    lines = msg.decode().split("\n")
    assert lines[:4] == [
        "example.org/log",
        "8",
        base64.b64encode(bytes(range(32))).decode(),
        "ext line",
    ]
    assert lines[4] == ""
    assert lines[5].startswith("— example.org/log ")
    assert open_checkpoint(msg, signer.verifier(), origin="example.org/log") == cp
    with pytest.raises(CheckpointError, match="origin"):
        open_checkpoint(msg, signer.verifier(), origin="other.org/log")


@pytest.mark.parametrize(
    "body",
    [
        "o\n08\nAAAA\n",
        "o\n8\n",
        "o\n-1\n" + base64.b64encode(bytes(32)).decode() + "\n",
        "o\n1\nAAAA\n",
    ],
)
def test_malformed_checkpoint_bodies(body: str) -> None:
    with pytest.raises(CheckpointError):
        Checkpoint.parse(body)
