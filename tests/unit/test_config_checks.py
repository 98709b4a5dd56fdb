"""Value checks against the world: text, counts, positions, regime knobs, strict files."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import DEMO, PROJECT, copy_demo, set_cell

from acutesim.config import checks
from acutesim.config.load import load_experiment, load_region
from acutesim.config.textfile import MAX_TOML_DEPTH, read_csv_table, read_toml
from acutesim.errors import ConfigError


# --- text -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kust\u202eziekenhuis", "U+202E RIGHT-TO-LEFT OVERRIDE) at position 5"),
        ("a\u2066b", "U+2066"),
        ("bell\x07", "a control character (U+0007"),
        ("two\nlines", "a control character (U+000A"),
    ],
)
def test_control_and_bidi_characters_are_named(text, expected):
    found = checks.bad_character(text)
    assert found is not None
    assert expected in found


@pytest.mark.parametrize(
    "text", ["Ziekenhuis 's-Hertogenbosch", "$x^2$ <script>", "Sneek–Leeuwarden"]
)
def test_ordinary_names_pass(text):
    assert checks.bad_character(text) is None


def test_descriptions_may_hold_line_breaks_but_not_overrides():
    assert checks.bad_character("one\ntwo\tthree", multiline=True) is None
    assert checks.bad_character("one\u202etwo", multiline=True) is not None


# --- numbers --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "count", "why"),
    [
        (594, 594, ""),
        ("594", 594, ""),
        (594.0, 594, ""),
        ("1.234", None, "written with a thousands separator: write 1234"),
        ("1,234", None, "thousands separator: write 1234"),
        ("1,5", None, "write decimals with a point: 1.5"),
        (1e20, None, "exceeds 20,000,000"),
        (-5, None, "negative"),
        (594.5, None, "not a whole number"),
        (math.nan, None, "missing"),
        (math.inf, None, "not a finite number"),
        ("", None, "empty"),
        ("veel", None, "not a number"),
        (True, None, "not a number"),
    ],
)
def test_population_counts_are_whole_bounded_and_never_guessed(value, count, why):
    got, message = checks.parse_count(value, maximum=checks.MAX_AREA_POPULATION)
    assert got == count
    assert why in message


def test_tree_check_refuses_non_finite_numbers_far_dates_and_overrides():
    import datetime as dt

    problems: list[str] = []
    data = {
        "a": {"b": [1.0, math.nan]},
        "c": math.inf,
        "max_minutes": math.inf,  # +inf is 'no truncation'
        "d": dt.date(9999, 12, 25),
        "name": "x\u202e",
        "description": "line one\nline two",
        "sources": ["a source,\nover two lines"],
        "scenarios": [{"description": "multi\nline", "name": "bad\nname"}],
    }
    checks.check_tree(data, "f.toml", problems)
    assert problems == [
        "f.toml [a.b[1]]: nan is not a finite number",
        "f.toml [c]: inf is not a finite number",
        "f.toml [d]: date 9999-12-25 lies outside 1990-01-01 .. 2100-12-31",
        "f.toml [name]: 'x\\u202e' contains a bidirectional formatting character "
        "(U+202E RIGHT-TO-LEFT OVERRIDE) at position 2; remove it",
        "f.toml [scenarios[0].name]: 'bad\\nname' contains a control character "
        "(U+000A) at position 4; remove it",
    ]


# --- positions ------------------------------------------------------------------------------
def test_the_box_is_the_area_of_use_of_rd_new_widened():
    x0, y0, x1, y1 = checks.rd_box()
    # Amsterdam Dam square, Vaals, Cadzand, Schiermonnikoog and Eemshaven lie inside
    for lon, lat in [(4.893, 52.373), (6.02, 50.77), (3.38, 51.37), (6.2, 53.48), (6.83, 53.44)]:
        x, y = checks.lonlat_to_rd(np.array([lon]), np.array([lat]))
        assert x0 < x[0] < x1
        assert y0 < y[0] < y1
    # Paris, London, Berlin and Luxembourg lie outside
    for lon, lat in [(2.35, 48.86), (-0.13, 51.51), (13.40, 52.52), (6.13, 49.61)]:
        x, y = checks.lonlat_to_rd(np.array([lon]), np.array([lat]))
        assert not (x0 < x[0] < x1 and y0 < y[0] < y1)


@pytest.mark.parametrize(
    ("given", "hint"),
    [
        (("lonlat", 52.97, 5.44), "lon and lat look swapped"),
        (("lonlat", 105.44, 52.97), "another country"),
        (("xy", 5.44, 52.97), "look like lon/lat degrees"),
        (("xy", 463_000.0, 155_000.0), "x and y look swapped"),
        (("xy", 155.0, 463.0), "thousands separator"),
    ],
)
def test_position_hints(given, hint):
    assert hint in checks.position_hint(*given)


def test_every_shipped_pack_lies_inside_the_area_of_use():
    for pack in sorted((PROJECT / "regions").iterdir()):
        if (pack / "region.toml").exists():
            assert load_region(pack).name


# --- regime knobs ---------------------------------------------------------------------------
def test_budget_knobs_are_foreign_to_fee_per_dbc():
    assert checks.check_regime_knobs({"budget_eur_per_year": 5e6}) == [
        "funding.budget_eur_per_year: a knob of regime 'fixed-budget', but this scenario's "
        "regime is 'fee-per-dbc', which ignores it (set funding.regime = 'fixed-budget', or "
        "remove it)"
    ]
    assert checks.check_regime_knobs({"regime": "fixed-budget", "schoning": "total"}) == []
    assert checks.check_regime_knobs({"beschikbaarheidbijdrage_eur_per_year": 1.0}) == []


def test_a_grid_over_a_budget_knob_on_a_fee_per_dbc_base_is_refused(tmp_path):
    path = tmp_path / "grid.toml"
    path.write_text(
        f'name = "g"\nregion = "{DEMO.as_posix()}"\nhorizon_days = 7\n'
        '[[scenarios]]\nname = "base"\n'
        '[grid]\nbase = "base"\nknobs = { "funding.schoning" = ["total", "hospital"] }\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"funding\.schoning: a knob of regime 'fixed-budget'"):
        load_experiment(path)


# --- strict files ---------------------------------------------------------------------------
def test_absurd_toml_nesting_is_refused_without_recursion_error(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text("x = " + "{ a = " * 5000 + "1" + " }" * 5000 + "\n", encoding="utf-8")
    problems: list[str] = []
    assert read_toml(path, problems) is None
    assert len(problems) == 1
    assert problems[0].startswith("deep.toml: line 1: arrays or tables nested more than ")
    assert f"more than {MAX_TOML_DEPTH} deep" in problems[0]


def test_a_truncated_toml_file_says_so(tmp_path):
    path = tmp_path / "cut.toml"
    path.write_text('a = 1\nb = "unfinished\n', encoding="utf-8")
    problems: list[str] = []
    assert read_toml(path, problems) is None
    assert len(problems) == 1
    assert problems[0].startswith("cut.toml: not valid TOML")


def test_csv_reader_drops_bom_and_refuses_ragged_rows(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b\n1,2\n3\n")
    problems: list[str] = []
    assert read_csv_table(path, problems) is None
    assert problems == [
        "x.csv row 2 (line 3): 1 fields, the header has 2; is the file truncated or a value "
        "unquoted?"
    ]
    path.write_bytes(b"\xef\xbb\xbfa,b\n1,2\n")
    table = read_csv_table(path, problems := [])
    assert table is not None
    assert table.header == ("a", "b")
    assert table.rows == ((1, {"a": "1", "b": "2"}),)


def test_dollar_signs_and_markup_in_names_are_data(tmp_path):
    """Others escape names when they draw or write them; the loader keeps them as given."""
    pack = copy_demo(tmp_path)
    set_cell(pack / "sites.csv", "kust", "name", "Kust $x^2$ <script>alert(1)</script>")
    region = load_region(pack)
    assert (
        next(s for s in region.sites if s.site_id == "kust").name
        == "Kust $x^2$ <script>alert(1)</script>"
    )


def test_all_problems_of_a_pack_come_at_once(tmp_path):
    pack = copy_demo(tmp_path)
    set_cell(pack / "sites.csv", "kust", "acute_beds", "1.234")
    text = (pack / "finance.toml").read_text(encoding="utf-8")
    (pack / "finance.toml").write_text(
        text.replace("fixed_eur_per_seh_per_year", "fixed_eur_per_seh_per_yr"), encoding="utf-8"
    )
    text = (pack / "region.toml").read_text(encoding="utf-8")
    (pack / "region.toml").write_text(
        text.replace("terminal_lon = 5.472079", "terminal_lon = nan"), encoding="utf-8"
    )
    with pytest.raises(ConfigError) as err:
        load_region(pack)
    joined = "\n".join(err.value.problems)
    assert "has 3 problems" in str(err.value), joined
    assert "sites.csv row 4 (site_id='kust'), column 'acute_beds'" in joined
    assert "finance.toml [costs]: unknown key 'fixed_eur_per_seh_per_yr'" in joined
    assert "region.toml [ferries[0].terminal_lon]: nan is not a finite number" in joined
