"""The transition table is the one authority on state changes."""

from __future__ import annotations

import itertools

import pytest

from gateway.store import Direction, IllegalTransition, MessageState, check_transition
from gateway.store.states import TRANSITIONS, check_initial

S = MessageState

# The state machine as docs/store.md draws it, written out independently of the table.
EXPECTED = {
    Direction.INBOUND: {
        (S.RECEIVED, S.VERIFIED),
        (S.RECEIVED, S.FAILED),
        (S.VERIFIED, S.PROCESSING),
        (S.VERIFIED, S.FAILED),
        (S.PROCESSING, S.ANSWERED),
        (S.PROCESSING, S.FAILED),
        (S.FAILED, S.VERIFIED),
    },
    Direction.OUTBOUND: {
        (S.QUEUED, S.SENT),
        (S.QUEUED, S.FAILED),
        (S.SENT, S.SENT),
        (S.SENT, S.RECEIPT_RECEIVED),
        (S.SENT, S.FAILED),
        (S.FAILED, S.QUEUED),
    },
}


@pytest.mark.parametrize("direction", list(Direction))
def test_every_pair_is_legal_exactly_when_listed(direction: Direction) -> None:
    for source, target in itertools.product(MessageState, repeat=2):
        if (source, target) in EXPECTED[direction]:
            check_transition(direction, source, target)
        else:
            with pytest.raises(IllegalTransition) as info:
                check_transition(direction, source, target)
            assert info.value.code == "GW:STORE-ILLEGAL-TRANSITION"
            assert source.value in info.value.message


def test_terminal_states_have_no_way_out() -> None:
    assert TRANSITIONS[Direction.INBOUND][S.ANSWERED] == frozenset()
    assert TRANSITIONS[Direction.OUTBOUND][S.RECEIPT_RECEIVED] == frozenset()


def test_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        TRANSITIONS[Direction.INBOUND][S.ANSWERED] = frozenset({S.FAILED})  # type: ignore[index]


def test_initial_states() -> None:
    check_initial(Direction.INBOUND, S.RECEIVED)
    check_initial(Direction.INBOUND, S.VERIFIED)
    check_initial(Direction.OUTBOUND, S.QUEUED)
    for bad in (S.SENT, S.PROCESSING, S.FAILED):
        with pytest.raises(IllegalTransition):
            check_initial(Direction.OUTBOUND if bad is S.SENT else Direction.INBOUND, bad)
