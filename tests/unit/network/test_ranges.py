from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cerulean.network import RangeTable


def test_the_earlier_rule_names_an_overlap():
    table = RangeTable([(10, 20, "wide"), (12, 14, "narrow"), (30, 30, "single")])
    assert [table.lookup(v) for v in (9, 10, 13, 20, 21, 29, 30, 31)] == [
        None, "wide", "wide", "wide", None, None, "single", None,
    ]  # fmt: skip
    assert len(table) == 2  # neighbours with the same owner merge


def test_empty_and_inverted_ranges():
    assert not RangeTable([])
    assert RangeTable([]).lookup(0) is None
    assert not RangeTable([(5, 4, "inverted")])


ranges = st.lists(
    st.tuples(st.integers(0, 300), st.integers(0, 300)).map(lambda t: (min(t), max(t))), max_size=30
)


@given(ranges, st.lists(st.integers(-5, 305), max_size=50))
def test_lookup_is_the_first_covering_rule(spans, values):
    labelled = [(first, last, f"rule{i}") for i, (first, last) in enumerate(spans)]
    table = RangeTable(labelled)
    for value in values:
        expected = next((label for first, last, label in labelled if first <= value <= last), None)
        assert table.lookup(value) == expected
