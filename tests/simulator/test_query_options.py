"""Units of the OData query layer, without HTTP."""

import pytest

from xapisim.errors import ApiError
from xapisim.model import CALLFLOW_APP, TYPES
from xapisim.odata import (SelectExpand, compile_filter, context_clause, parse_orderby, parse_params, parse_query,
                           parse_select_expand, project, sort_entities, split_top_level)


def test_split_top_level_respects_parentheses_and_quotes():
    assert split_top_level("A,B($select=C,D),'x,y'", ",") == ["A", "B($select=C,D)", "'x,y'"]


def test_parse_params_decodes():
    assert parse_params("%24filter=Name%20eq%20%27a%2Bb%27&x=1") == [("$filter", "Name eq 'a+b'"), ("x", "1")]


@pytest.mark.parametrize("text, entity, expected", [
    ("Name eq 'a'", {"Name": "a"}, True),
    ("Name eq 'a'", {"Name": None}, False),
    ("Name ne null", {"Name": None}, False),
    ("Name eq null", {"Name": None}, True),
    ("not (Name eq 'a')", {"Name": None}, True),
    ("contains(Name,'x')", {"Name": None}, False),
    ("not contains(Name,'x')", {"Name": None}, False),
    ("Id gt 5 and Id le 6", {"Id": 6}, True),
    ("Id lt 5 or Id ge 6.5", {"Id": 6}, False),
    ("length(Name) eq 3", {"Name": "abc"}, True),
    ("substring(Name,1) eq 'bc'", {"Name": "abc"}, True),
    ("substring(Name,1,1) eq 'b'", {"Name": "abc"}, True),
    ("indexof(Name,'c') eq 2", {"Name": "abc"}, True),
    ("trim(toupper(Name)) eq 'ABC'", {"Name": " abc "}, True),
    ("CompilationLastSuccess gt 2024-01-01T00:00:00Z", {"CompilationLastSuccess": "2025-01-01T00:00:00.000000Z"}, True),
    ("InvalidScript", {"InvalidScript": True}, True),
    ("not InvalidScript", {"InvalidScript": True}, False),
    ("TranscriptionMode in ('Both', 'Inherit')", {"TranscriptionMode": "Inherit"}, True),
])
def test_filter_semantics(text, entity, expected):
    assert compile_filter(text, CALLFLOW_APP)(entity) is expected


@pytest.mark.parametrize("text", ["Name eq true", "Id eq 'x'", "contains(Id,'1')", "Name in (Id)",
                                  "TranscriptionMode eq 'Loud'", "Name eq 'unterminated", "Name % 2"])
def test_filter_errors(text):
    with pytest.raises(ApiError) as caught:
        compile_filter(text, CALLFLOW_APP)
    assert caught.value.status == 400


def test_select_expand_nested():
    shape = parse_select_expand("Id,Name", "Groups($select=GroupId;$expand=Rights($select=RoleName)),Trunk", CALLFLOW_APP)
    assert shape.select == ["Id", "Name"]
    assert set(shape.expand) == {"Groups", "Trunk"}
    assert shape.expand["Groups"].expand["Rights"].select == ["RoleName"]
    assert context_clause(shape) == "(Id,Name,Groups(GroupId,Rights(RoleName)),Trunk())"


def test_expand_star_expands_every_navigation():
    assert set(parse_select_expand(None, "*", CALLFLOW_APP).expand) == {"Groups", "Trunk"}


@pytest.mark.parametrize("expand", ["Groups($top=1)", "Groups($select=Bogus)", "Groups(", "Trunk($expand=Name)"])
def test_bad_nested_expand(expand):
    with pytest.raises(ApiError):
        parse_select_expand(None, expand, CALLFLOW_APP)


def test_project_rules():
    data = {"Id": 1, "Name": "n", "ScriptCode": "s", "Groups": [{"GroupId": 2, "Rights": {"RoleName": "users"}}],
            "Trunk": None}
    assert project(CALLFLOW_APP, data, SelectExpand()) == {"Id": 1, "Name": "n"}
    assert project(CALLFLOW_APP, data, SelectExpand(["ScriptCode", "Groups"])) == {"ScriptCode": "s"}
    assert project(CALLFLOW_APP, data, SelectExpand(["Id"], {"Groups": SelectExpand()})) == {
        "Id": 1, "Groups": [{"GroupId": 2}]}
    assert project(TYPES["Pbx.UserGroup"], data["Groups"][0], SelectExpand(None, {"Rights": SelectExpand()})) == {
        "GroupId": 2, "Rights": {"RoleName": "users"}}


def test_orderby_and_sort_with_nulls_first():
    items = [{"Name": "b"}, {"Name": None}, {"Name": "a"}]
    assert [i["Name"] for i in sort_entities(list(items), parse_orderby("Name", CALLFLOW_APP))] == [None, "a", "b"]
    assert [i["Name"] for i in sort_entities(list(items), parse_orderby("Name desc", CALLFLOW_APP))] == ["b", "a", None]
    with pytest.raises(ApiError):
        parse_orderby("Name sideways", CALLFLOW_APP)


def test_single_entity_refuses_collection_options():
    with pytest.raises(ApiError):
        parse_query([("$filter", "Id eq 1")], CALLFLOW_APP, collection=False)
    assert parse_query([("$select", "Id"), ("other", "x")], CALLFLOW_APP, collection=False).shape.select == ["Id"]
