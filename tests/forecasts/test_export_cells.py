"""Every CSV cell the product writes is safe to open in a spreadsheet (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from forecasts.exports.cells import FORMULA_STARTS, csv_text, neutralise, restore
from tests.support.builders import make_resolved_pair, make_user

ATTACK = '=HYPERLINK("http://evil.example","x")'


def test_formula_starts_are_neutralised_and_plain_text_is_not():
    for start in FORMULA_STARTS:
        assert neutralise(start + "1+1") == "'" + start + "1+1"
    assert neutralise("Finn") == "Finn"
    assert neutralise("'tis") == "''tis"  # so that restore() undoes exactly what was added
    assert neutralise(-0.25) == -0.25  # a negative score is a number, not a formula
    assert neutralise(None) is None


@given(st.lists(st.text(max_size=30), min_size=1, max_size=5))
def test_no_written_cell_starts_a_formula_and_text_survives(cells):
    text = csv_text([f"c{i}" for i in range(len(cells))], [cells])
    row = next(iter(list(csv.reader(io.StringIO(text)))[1:]))
    for written, original in zip(row, cells, strict=True):
        assert not written.startswith(FORMULA_STARTS)
        assert written in (original, "'" + original)
        assert restore(written) == original


def test_the_cli_leaderboard_csv_neutralises_a_hostile_display_name(runner, session, manager,
                                                                     tmp_path):
    hostile = make_user(session, "mallory")
    hostile.display_name = ATTACK
    session.add(hostile)
    session.commit()
    make_resolved_pair(session, manager, hostile)
    path = tmp_path / "board.csv"
    result = runner.invoke(args=["scores", "leaderboard", "--csv", str(path)])
    assert result.exit_code == 0, result.output
    with path.open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    names = [row["name"] for row in rows]
    assert "'" + ATTACK in names and ATTACK not in names
    assert all(not cell.startswith(FORMULA_STARTS) or cell.startswith("-")
               for row in rows for key, cell in row.items() if key != "name")
