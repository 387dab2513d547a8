import datetime

import pytest

from incidents.importers.cells import (
    CellError,
    name_from_slug,
    parse_date,
    parse_epoch_date,
    parse_incident_date,
    parse_int,
    parse_int_list,
    parse_joined_list,
    parse_object_id,
    parse_slug_list,
)
from incidents.importers.taxonomies import split_list_cell, unique_column_names


def test_it_reads_object_ids_in_mongoexport_form():
    assert parse_object_id("ObjectId(625763DB343edc875fe639ff)") == "625763db343edc875fe639ff"


def test_it_rejects_an_id_that_is_not_an_object_id():
    with pytest.raises(CellError, match="not an ObjectId"):
        parse_object_id("ObjectId(xyz)")


def test_it_reads_report_numbers_from_a_json_array():
    assert parse_int_list("[2,3,4]", column="reports") == [2, 3, 4]


def test_it_reads_an_unquoted_single_item_array():
    assert parse_int_list("[42]", column="reports") == [42]


def test_it_reads_an_empty_cell_as_an_empty_list():
    assert parse_int_list("", column="reports") == []


def test_it_rejects_a_report_list_that_is_not_json():
    with pytest.raises(CellError, match="reports '2;3' is not a JSON array"):
        parse_int_list("2;3", column="reports")


def test_it_reads_entity_slugs_without_repeats():
    assert parse_slug_list('["navya","keolis-north-america","navya"]', column="x") == [
        "navya",
        "keolis-north-america",
    ]


def test_it_splits_report_lists_on_comma_space():
    assert parse_joined_list("Jane Doe, John Roe") == ["Jane Doe", "John Roe"]


def test_it_also_accepts_json_arrays_where_lists_are_joined():
    assert parse_joined_list('["Allie Jasinski"]') == ["Allie Jasinski"]


def test_it_reads_iso_timestamps_as_dates():
    assert parse_date("2018-03-19T00:00:00.000Z", column="d") == datetime.date(2018, 3, 19)


def test_it_rejects_a_bad_date():
    with pytest.raises(CellError, match="date_published '2018-13-45' is not a date"):
        parse_date("2018-13-45", column="date_published")


def test_it_reads_epoch_seconds_and_milliseconds():
    assert parse_epoch_date("1521417600", column="e") == datetime.date(2018, 3, 19)
    assert parse_epoch_date("1521417600000", column="e") == datetime.date(2018, 3, 19)


def test_it_keeps_the_precision_of_an_incident_date():
    assert parse_incident_date("2019") == (datetime.date(2019, 1, 1), "year")
    assert parse_incident_date("2019-06") == (datetime.date(2019, 6, 1), "month")
    assert parse_incident_date("2019-06-03") == (datetime.date(2019, 6, 3), "day")


def test_it_reads_whole_numbers_written_as_floats():
    assert parse_int("12.0", column="incident_id") == 12


def test_it_rejects_a_non_integer_id():
    with pytest.raises(CellError, match="incident_id 'abc' is not a whole number"):
        parse_int("abc", column="incident_id")


def test_it_derives_entity_names_from_slugs():
    assert name_from_slug("keolis-north-america") == "Keolis North America"
    assert name_from_slug("uk-home-office") == "UK Home Office"


def test_it_numbers_repeated_header_names():
    assert unique_column_names(["AI System", "Notes", "AI System"]) == [
        "AI System",
        "Notes",
        "AI System (2)",
    ]


def test_it_keeps_known_list_items_with_commas_whole():
    cell = "Arts, entertainment and recreation, information and communication"
    assert split_list_cell(cell, field_name="Sector of Deployment") == [
        "Arts, entertainment and recreation",
        "information and communication",
    ]
