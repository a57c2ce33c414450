"""Disclosure control: counts from 1 to 4 show as "fewer than 5"; a sum with one cell held back
gets a second one held back (the smallest non-zero part, else its total), so nothing is worked
out by subtraction; the threshold is a setting; a table can be withheld as a whole."""

from devices.figures.counts import FigureTable, add_row_sum, add_total_row
from devices.figures.disclosure import PRIMARY, SECONDARY, held_back_cells, shown


def _table(rows, *, additive=(True,)):
    table = FigureTable(
        key="t",
        title="T",
        label_headers=["Unit"],
        columns=[f"c{i}" for i in range(len(rows[0][1]))],
        rows=[((label,), list(values)) for label, values in rows],
    )
    add_total_row(table, additive=list(additive))
    return table


def test_counts_from_one_to_four_show_as_fewer_than_five_and_zero_and_five_show_as_they_are():
    table = _table([("A", [0]), ("B", [3]), ("C", [5]), ("D", [4])])
    published = shown(table, limit=5)
    texts = [cells[0].text for _, cells in published.rows]
    assert texts[:4] == ["0", "fewer than 5", "5", "fewer than 5"]
    assert texts[4] == "12"  # two cells held back in the column: the total does not give either away


def test_a_lone_small_count_takes_a_second_cell_with_it_so_the_total_cannot_be_subtracted_back():
    table = _table([("A", [3]), ("B", [20]), ("C", [9])])
    held = held_back_cells(table, limit=5)
    assert held == {(0, 0): PRIMARY, (2, 0): SECONDARY}  # the smallest other count, not the total
    published = shown(table, limit=5)
    assert [cells[0].text for _, cells in published.rows] == ["fewer than 5", "20", "held back", "32"]
    assert any("C: c0: held back because" in note for note in published.notes)
    assert any("A: c0: held back because a count from 1 to 4" in note for note in published.notes)


def test_a_total_made_of_one_small_count_is_held_back_with_it():
    table = _table([("A", [2]), ("B", [0])])
    assert held_back_cells(table, limit=5) == {(0, 0): PRIMARY, (2, 0): PRIMARY}


def test_suppression_follows_rows_and_columns_until_no_sum_has_exactly_one_held_back():
    # Columns: two kinds and their row total.
    table = FigureTable(
        key="t",
        title="T",
        label_headers=["Unit"],
        columns=["phones", "tablets", "devices"],
        rows=[(("A",), [30, 2, 32]), (("B",), [40, 10, 50]), (("C",), [50, 20, 70])],
    )
    add_total_row(table, additive=[True, True, True])
    add_row_sum(table, total_column=2, part_columns=[0, 1])
    held = held_back_cells(table, limit=5)
    assert held[(0, 1)] == PRIMARY
    for total, parts in table.sums:
        assert sum(1 for cell in [total, *parts] if cell in held) != 1


def test_the_threshold_is_a_setting(settings):
    settings.FIGURES_DISCLOSURE_THRESHOLD = 10
    published = shown(_table([("A", [7]), ("B", [7])]))
    assert [cells[0].text for _, cells in published.rows] == ["fewer than 10", "fewer than 10", "14"]


def test_a_table_withheld_as_a_whole_carries_its_reason_instead_of_its_rows():
    table = _table([("A", [30])])
    table.withheld_reason = "Section 31(1)(a): law enforcement."
    published = shown(table, limit=5)
    assert published.rows == [] and published.notes == ["Withheld as a whole: Section 31(1)(a): law enforcement."]
