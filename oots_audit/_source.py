"""Where the verifier reads a log from: an export directory or the auditor HTTP endpoints.

Both carry the same records (``docs/audit.md``):

- checkpoint record ``{"size": n, "note": "<signed note text>"}``;
- entry: the canonical entry bytes, one per line;
- inclusion record ``{"index": i, "size": n, "leaf_hash": b64, "proof": [b64, ...]}``;
- consistency record ``{"old": m, "new": n, "proof": [b64, ...]}``.

Nothing read here is trusted: the verifier checks every record.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from oots_audit._tlog import VerifyError

__all__ = ["DirSource", "HttpSource", "InclusionRecord", "LogSource", "open_source"]

InclusionRecord = tuple[bytes, list[bytes]]
"""``(leaf hash, audit path)`` of one leaf."""

_PAGE = 1000


def _hashes(values: Any, what: str) -> list[bytes]:
    if not isinstance(values, list):
        raise VerifyError(f"{what} is not a list of hashes")
    try:
        return [base64.b64decode(v, validate=True) for v in values]
    except (TypeError, ValueError) as exc:
        raise VerifyError(f"{what} holds a value that is not base64") from exc


def _json(line: bytes | str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except ValueError as exc:
        raise VerifyError(f"{what} is not JSON") from exc
    if not isinstance(value, dict):
        raise VerifyError(f"{what} is not a JSON object")
    return value


def _inclusion(obj: dict[str, Any], size: int) -> tuple[int, InclusionRecord]:
    try:
        index, rec_size = int(obj["index"]), int(obj["size"])
        leaf = _hashes([obj["leaf_hash"]], "leaf_hash")[0]
        proof = _hashes(obj["proof"], "inclusion proof")
    except (KeyError, TypeError, ValueError) as exc:
        raise VerifyError(f"malformed inclusion record: {exc}") from exc
    if rec_size != size:
        raise VerifyError(f"inclusion record for size {rec_size}, expected {size}")
    return index, (leaf, proof)


class LogSource(Protocol):
    """What the verifier needs from a log."""

    def describe(self) -> str:
        """Where the log is read from."""
        ...

    def checkpoints(self) -> list[bytes]:
        """Every signed checkpoint note the log has issued."""
        ...

    def entries(self, size: int) -> list[bytes]:
        """All entries (canonical bytes) the log has, up to ``size`` of them or more."""
        ...

    def inclusion(self, size: int) -> dict[int, InclusionRecord]:
        """Leaf hash and audit path of every leaf in the tree of ``size``."""
        ...

    def consistency(self, old: int, new: int) -> list[bytes] | None:
        """Consistency proof from ``old`` to ``new``; ``None`` when not available."""
        ...


class DirSource:
    """An export directory written by ``oots-gateway audit export``."""

    def __init__(self, root: Path) -> None:
        """Read from ``root``."""
        self._root = root

    def describe(self) -> str:
        """The directory path."""
        return str(self._root)

    def _lines(self, name: str) -> Iterator[bytes]:
        path = self._root / name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise VerifyError(f"cannot read {path}: {exc.strerror}") from exc
        return iter(data.splitlines())

    def checkpoints(self) -> list[bytes]:
        """``checkpoints.jsonl``."""
        out = []
        for line in self._lines("checkpoints.jsonl"):
            note = _json(line, "checkpoint record").get("note")
            if not isinstance(note, str):
                raise VerifyError("checkpoint record has no note")
            out.append(note.encode("utf-8"))
        return out

    def entries(self, size: int) -> list[bytes]:
        """``entries.jsonl``, one canonical entry per line."""
        del size
        return list(self._lines("entries.jsonl"))

    def inclusion(self, size: int) -> dict[int, InclusionRecord]:
        """``inclusion.jsonl``."""
        out: dict[int, InclusionRecord] = {}
        for line in self._lines("inclusion.jsonl"):
            obj = _json(line, "inclusion record")
            if int(obj.get("size", -1)) != size:
                continue
            index, record = _inclusion(obj, size)
            out[index] = record
        return out

    def consistency(self, old: int, new: int) -> list[bytes] | None:
        """``consistency.jsonl``."""
        for line in self._lines("consistency.jsonl"):
            obj = _json(line, "consistency record")
            if obj.get("old") == old and obj.get("new") == new:
                return _hashes(obj.get("proof"), "consistency proof")
        return None


class HttpSource:
    """The auditor endpoints of a running gateway (``gateway.audit.web``)."""

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        """Read from ``base_url`` (e.g. ``https://gw.example.de/audit``)."""
        import httpx  # optional dependency: only the URL mode needs it

        self._base = base_url.rstrip("/")
        self._client = httpx.Client(timeout=timeout)
        self._http_error = httpx.HTTPError

    def describe(self) -> str:
        """The base URL."""
        return self._base

    def _get(self, path: str, **params: int | str) -> bytes:
        try:
            response = self._client.get(f"{self._base}{path}", params=params)
            response.raise_for_status()
        except self._http_error as exc:
            raise VerifyError(f"GET {path} failed: {exc}") from exc
        return response.content

    def checkpoints(self) -> list[bytes]:
        """``GET /checkpoints``."""
        out = []
        for line in self._get("/checkpoints").splitlines():
            note = _json(line, "checkpoint record").get("note")
            if not isinstance(note, str):
                raise VerifyError("checkpoint record has no note")
            out.append(note.encode("utf-8"))
        return out

    def entries(self, size: int) -> list[bytes]:
        """``GET /entries?start=&end=`` page by page for the first ``size`` leaves.

        A live log may grow while we read it: leaves beyond the latest checkpoint
        we verified are left for the next run."""
        out: list[bytes] = []
        while len(out) < size:
            start = len(out)
            end = min(size, start + _PAGE)
            page = self._get("/entries", start=start, end=end).splitlines()
            out.extend(page)
            if len(page) < end - start:
                break  # fewer entries than signed: the verifier names the missing ones
        return out

    def inclusion(self, size: int) -> dict[int, InclusionRecord]:
        """``GET /proofs/inclusion?start=&end=&size=`` page by page."""
        out: dict[int, InclusionRecord] = {}
        for start in range(0, size, _PAGE):
            end = min(size, start + _PAGE)
            body = self._get("/proofs/inclusion", start=start, end=end, size=size)
            for line in body.splitlines():
                index, record = _inclusion(_json(line, "inclusion record"), size)
                out[index] = record
        return out

    def consistency(self, old: int, new: int) -> list[bytes] | None:
        """``GET /proof/consistency?old=&new=``."""
        obj = _json(self._get("/proof/consistency", old=old, new=new), "consistency record")
        return _hashes(obj.get("proof"), "consistency proof")


def open_source(location: str) -> LogSource:
    """A :class:`HttpSource` for ``http(s)://`` locations, else a :class:`DirSource`."""
    if location.startswith(("http://", "https://")):
        return HttpSource(location)
    path = Path(location)
    if not path.is_dir():
        raise VerifyError(f"{location} is neither an http(s) URL nor a directory")
    return DirSource(path)
