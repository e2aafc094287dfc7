"""``models.memo``: a remembered pure function answers as the function does, tells records of
different types apart, stays bounded, and a copy starts with no table."""

from __future__ import annotations

import pickle

from wspshare.models.calls import WSPCloseSocket, WSPSend
from wspshare.models.memo import Memo


def kind(call: object) -> str:
    return type(call).__name__


def test_records_with_equal_fields_of_different_types_get_their_own_answers() -> None:
    memo = Memo(kind)
    assert WSPSend(4) == WSPCloseSocket(4)  # plain NamedTuples compare by fields alone
    assert memo(WSPSend(4)) == "WSPSend"
    assert memo(WSPCloseSocket(4)) == "WSPCloseSocket"


def test_a_second_question_gets_the_first_answer_object() -> None:
    memo = Memo(lambda n: [n])
    assert memo(1) is memo(1)


def test_the_table_starts_afresh_at_its_limit() -> None:
    memo = Memo(lambda n: n, limit=3)
    for n in range(7):
        memo(n)
    assert len(memo.table) <= 3


def test_a_copy_starts_with_no_table() -> None:
    memo = Memo(kind)
    memo(WSPSend(4))
    copy = pickle.loads(pickle.dumps(memo))
    assert copy.table == {} and copy(WSPSend(4)) == "WSPSend"
