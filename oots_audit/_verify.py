"""The verification procedure of ``oots-audit verify`` (see ``docs/audit.md`` §Verifying).

1. Every checkpoint must carry a valid signature by the log key, and all must
   name the same origin.
2. Checkpoints kept from earlier runs (the state directory) must not be larger
   than the log now (rollback) nor differ from a checkpoint of the same size
   (fork).
3. Every leaf of the latest tree must have an inclusion record whose audit path
   leads to the signed root: this fixes the leaf hash of every position.
4. The entries must hash, in order, to exactly those leaf hashes; any
   difference is reported as changed, removed, inserted or reordered entries.
5. Replaying the entries must give the signed root of every checkpoint.
6. Every checkpoint seen (now or before) must be consistent with the latest:
   a verified RFC 9162 consistency proof, or the replayed root of its size.
   Since all are prefixes of the latest tree, every pair is consistent.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from oots_audit._source import LogSource
from oots_audit._tlog import (
    Checkpoint,
    LogKey,
    VerifyError,
    check_consistency,
    check_inclusion,
    leaf_hash,
    open_checkpoint,
    roots_by_size,
)

__all__ = ["Report", "State", "verify_log"]


@dataclass
class Report:
    """Findings of one run: what held and what is wrong."""

    passed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    latest: Checkpoint | None = None

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems and self.latest is not None

    def render(self) -> str:
        """The readable verdict."""
        lines = [f"  ok    {p}" for p in self.passed]
        lines += [f"  FAIL  {p}" for p in self.problems]
        if self.ok and self.latest is not None:
            lines.append(
                f"VERDICT: VALID — {self.latest.size} entries, every check held "
                f"(origin {self.latest.origin})"
            )
        else:
            lines.append(f"VERDICT: INVALID — {len(self.problems)} problem(s) found")
        return "\n".join(lines)


class State:
    """Checkpoints kept between runs, one file per tree size, under ``root/<key id>``."""

    def __init__(self, root: Path, key: LogKey) -> None:
        """Keep the checkpoints of ``key``'s log under ``root``."""
        self._dir = root / f"{key.name.replace('/', '_')}-{key.key_id.hex()}"

    def load(self, key: LogKey) -> tuple[list[Checkpoint], list[str]]:
        """Checkpoints seen before, and problems with the stored ones."""
        seen: list[Checkpoint] = []
        problems: list[str] = []
        if not self._dir.is_dir():
            return seen, problems
        for path in sorted(self._dir.glob("*.note")):
            try:
                seen.append(open_checkpoint(path.read_bytes(), key))
            except (OSError, VerifyError) as exc:
                problems.append(f"stored checkpoint {path.name} is unreadable: {exc}")
        return seen, problems

    def save(self, checkpoints: Sequence[Checkpoint]) -> None:
        """Remember verified checkpoints (only after a fully successful run)."""
        self._dir.mkdir(parents=True, exist_ok=True)
        for cp in checkpoints:
            target = self._dir / f"{cp.size:020d}.note"
            if not target.exists():
                target.write_bytes(cp.note)


def _entry_label(data: bytes) -> str:
    try:
        obj = json.loads(data)
        return f"message {obj.get('message_id')!r}, event {obj.get('event')!r}"
    except ValueError:
        return "not JSON"


def _diff_entries(entries: list[bytes], expected: list[bytes], report: Report) -> None:
    """Name what differs between the entries and the signed leaf hashes."""
    got = [leaf_hash(e) for e in entries]
    if got == expected:
        report.passed.append(f"all {len(entries)} entries match the signed leaf hashes")
        return
    position = {h: i for i, h in enumerate(expected)}
    present = set(got)
    if sorted(got) == sorted(expected):
        for j, h in enumerate(got):
            if h != expected[j]:
                report.problems.append(
                    f"entries reordered: line {j + 1} ({_entry_label(entries[j])}) "
                    f"is signed as leaf {position[h]}"
                )
        return
    matcher = difflib.SequenceMatcher(a=expected, b=got, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for j in range(j1, j2):
            label = f"line {j + 1} ({_entry_label(entries[j])})"
            if got[j] in position:
                report.problems.append(
                    f"entries reordered: {label} is signed as leaf {position[got[j]]}"
                )
            elif tag == "replace" and j - j1 < i2 - i1:
                report.problems.append(
                    f"entry changed: {label} does not match signed leaf {i1 + j - j1}"
                )
            else:
                report.problems.append(f"entry inserted: {label} is not in the signed tree")
        for i in range(i1, i2):
            changed = tag == "replace" and i - i1 < j2 - j1 and got[j1 + i - i1] not in position
            if expected[i] not in present and not changed:
                report.problems.append(f"entry removed: signed leaf {i} is missing from the log")


def verify_log(source: LogSource, key: LogKey, state: State | None) -> Report:
    """Run every check against ``source``; update ``state`` only when all holds."""
    report = Report()
    checkpoints: list[Checkpoint] = []
    for note in source.checkpoints():
        try:
            checkpoints.append(open_checkpoint(note, key))
        except VerifyError as exc:
            first = note.decode("utf-8", "replace").split("\n")[:2]
            report.problems.append(f"checkpoint {' / '.join(first)}: {exc}")
    if not checkpoints:
        report.problems.append("the log has no checkpoint signed by the log key")
        return report
    origins = {cp.origin for cp in checkpoints}
    if len(origins) != 1:
        report.problems.append(f"checkpoints name several origins: {sorted(origins)}")
    report.passed.append(f"{len(checkpoints)} checkpoint signature(s) by {key} verified")
    seen, stored_problems = state.load(key) if state else ([], [])
    report.problems.extend(stored_problems)
    latest = max(checkpoints, key=lambda cp: cp.size)
    report.latest = latest
    by_size: dict[int, Checkpoint] = {}
    for cp in [*checkpoints, *seen]:
        other = by_size.setdefault(cp.size, cp)
        if other.root != cp.root:
            report.problems.append(
                f"fork: two checkpoints of size {cp.size} with different roots "
                f"({other.root.hex()[:16]}… and {cp.root.hex()[:16]}…)"
            )
    for cp in seen:
        if cp.size > latest.size:
            report.problems.append(
                f"rollback: the log's latest tree has {latest.size} entries, "
                f"but a checkpoint of {cp.size} entries was seen before"
            )

    records = source.inclusion(latest.size)
    expected: list[bytes] = []
    for index in range(latest.size):
        record = records.get(index)
        if record is None:
            report.problems.append(f"no inclusion proof for leaf {index}")
            continue
        try:
            check_inclusion(index, latest.size, record[0], record[1], latest.root)
            expected.append(record[0])
        except VerifyError as exc:
            report.problems.append(str(exc))
    if len(expected) == latest.size:
        report.passed.append(f"inclusion of all {latest.size} leaves in the latest tree proven")

    entries = source.entries(latest.size)
    if len(expected) == latest.size:
        _diff_entries(entries, expected, report)
    sizes = sorted(by_size)
    replayed = roots_by_size([leaf_hash(e) for e in entries[: latest.size]], sizes)
    for size in sizes:
        if size <= len(entries) and replayed.get(size) != by_size[size].root:
            report.problems.append(f"replayed entries do not give the signed root of size {size}")

    for size in sizes:
        cp = by_size[size]
        if size > latest.size:
            continue
        proof = source.consistency(size, latest.size) if 0 < size < latest.size else []
        try:
            if proof is None:
                if replayed.get(size) != cp.root:
                    raise VerifyError(f"no consistency proof from {size} to {latest.size}")
            else:
                check_consistency(size, latest.size, cp.root, latest.root, proof)
        except VerifyError as exc:
            report.problems.append(str(exc))
    if not report.problems:
        report.passed.append(
            f"{len(sizes)} checkpoint(s) ({len(seen)} from earlier runs) consistent "
            f"with the latest tree of size {latest.size}"
        )
        if state is not None:
            state.save(list(by_size.values()))
    return report
