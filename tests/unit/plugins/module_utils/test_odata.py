# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    from urllib.parse import parse_qsl
except ImportError:  # pragma: no cover
    from urlparse import parse_qsl  # type: ignore

import pytest

from ansible_collections.threecx.xapi.plugins.module_utils import odata
from ansible_collections.threecx.xapi.plugins.module_utils.client import XapiError
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import BASE_URL, FakeResponse, FakeXapi, make_client


@pytest.mark.parametrize("value, expected", [
    ("O'Brien", "'O''Brien'"),
    ("''", "''''''"),
    ("8100", "'8100'"),
    (17, "17"),
    (0, "0"),
    (True, "true"),
])
def test_literal(value, expected):
    assert odata.literal(value) == expected


def test_eq_quotes_strings_and_leaves_ints_bare():
    assert odata.eq("Name", "O'Brien's app") == "Name eq 'O''Brien''s app'"
    assert odata.eq("Id", 5) == "Id eq 5"


def test_all_of_wraps_each_clause_only_when_joining():
    assert odata.all_of("Id eq 5") == "Id eq 5"
    assert odata.all_of(None, "Id eq 5", "") == "Id eq 5"
    assert odata.all_of("A eq 1 or B eq 2", "Id eq 5") == "(A eq 1 or B eq 2) and (Id eq 5)"


def test_build_query_keeps_dollar_names_and_encodes_values():
    text = "Name eq 'Tom & Jerry #1 Zoë+'"
    query = odata.build_query(filter=text, select=["Id", "Name"], expand=["Groups"], top=100, skip=200)
    assert [pair.split("=", 1)[0] for pair in query.split("&")] == ["$filter", "$select", "$expand", "$top", "$skip"]
    assert dict(parse_qsl(query)) == {"$filter": text, "$select": "Id,Name", "$expand": "Groups", "$top": "100", "$skip": "200"}
    raw_filter = query.split("&", 1)[0]
    for char in " #+ë":
        assert char not in raw_filter
    assert "'Tom" in raw_filter  # quotes stay readable


def test_build_query_leaves_out_what_is_not_given():
    assert odata.build_query() == ""
    assert odata.build_query(top=100, skip=0) == "$top=100"


def _app_ids(fake):
    return [a["Id"] for a in sorted(fake.apps.values(), key=lambda a: a["Id"])]


def _many(count):
    return FakeXapi(apps=[dict(Number=str(8000 + i), Name="App %d" % i) for i in range(count)])


def test_iterate_reads_pages_of_100_until_a_short_page():
    fake = _many(250)
    seen = [app["Id"] for app in odata.iterate(make_client(fake), "/CallFlowApps", select=["Id"])]
    assert seen == _app_ids(fake)
    gets = fake.api_calls()
    assert [(c.query["$top"], c.query.get("$skip", "0")) for c in gets] == [("100", "0"), ("100", "100"), ("100", "200")]
    assert all(c.query["$orderby"] == "Id" for c in gets)


def test_iterate_asks_once_more_after_a_full_last_page():
    fake = _many(100)
    assert len(list(odata.iterate(make_client(fake), "/CallFlowApps"))) == 100
    assert len(fake.api_calls()) == 2


def test_iterate_stops_when_the_server_ignores_skip():
    fake = _many(250)
    fake.fail(FakeResponse(200, {"value": [{"Id": n} for n in range(1, 101)]}), method="GET", times=2)
    read = odata.iterate(make_client(fake), "/CallFlowApps", select=["Id"])
    with pytest.raises(XapiError) as caught:
        list(read)
    assert caught.value.message == ("GET /CallFlowApps: the page at $skip=100 holds only entities of the pages before "
                                    "it, so the server ignores $skip and the collection cannot be read in pages.")
    assert (caught.value.method, caught.value.path) == ("GET", "/CallFlowApps")
    assert caught.value.hint == "a proxy between here and the PBX must pass the query string on unchanged."
    assert len(fake.api_calls()) == 2


def test_iterate_reads_on_through_equal_pages_of_a_projection_without_the_key():
    fake = _many(250)
    same = FakeResponse(200, {"value": [{"Name": "App"}] * 100})
    fake.fail(same, method="GET", times=2)  # select=Name only: two pages of apps of one name are not a repeat
    assert len(list(odata.iterate(make_client(fake), "/CallFlowApps", select=["Name"]))) == 250
    assert len(fake.api_calls()) == 3


def test_iterate_never_asks_more_than_100():
    fake = _many(120)
    assert len(list(odata.iterate(make_client(fake), "/CallFlowApps", page_size=500))) == 120
    assert all(int(c.query["$top"]) <= 100 for c in fake.api_calls())


def test_iterate_passes_filter_select_and_expand():
    fake = _many(3)
    list(odata.iterate(make_client(fake), "/CallFlowApps", select=["Id", "Name"], expand=["Groups"], filter="Number eq '8001'"))
    call = fake.api_calls()[0]
    assert (call.query["$filter"], call.query["$select"], call.query["$expand"]) == ("Number eq '8001'", "Id,Name", "Groups")


def test_iterate_follows_next_link_on_the_pbx_host():
    fake = _many(3)
    fake.fail(FakeResponse(200, {"value": [{"Id": 1}],
                                 "@odata.nextLink": "https://elsewhere.example.net/xapi/v1/CallFlowApps?$select=Id&$skip=1&$top=99"}))
    seen = [app["Id"] for app in odata.iterate(make_client(fake), "/CallFlowApps", select=["Id"])]
    assert seen == [1, 2, 3]
    follow = fake.api_calls()[1]
    assert follow.url == BASE_URL + "/xapi/v1/CallFlowApps?$select=Id&$skip=1&$top=99"
    assert len(fake.api_calls()) == 2


def test_iterate_drops_odata_annotations_of_entities():
    fake = _many(1)
    fake.fail(FakeResponse(200, {"@odata.context": "x", "value": [{"@odata.etag": "W/1", "Id": 1, "Name": "A"}]}))
    assert list(odata.iterate(make_client(fake), "/CallFlowApps")) == [{"Id": 1, "Name": "A"}]


@pytest.mark.parametrize("count, pages", [
    (0, [0]), (1, [0]), (98, [0]), (99, [0]), (100, [0, 100]), (101, [0, 100]),
    (199, [0, 100]), (200, [0, 100, 200]), (201, [0, 100, 200]),
])
def test_iterate_reads_every_row_around_page_boundaries(count, pages):
    fake = _many(count)
    seen = [app["Id"] for app in odata.iterate(make_client(fake), "/CallFlowApps")]
    assert seen == _app_ids(fake) and len(seen) == count
    assert [int(c.query.get("$skip", 0)) for c in fake.api_calls()] == pages
    assert all(c.query["$top"] == "100" for c in fake.api_calls())


@pytest.mark.parametrize("page_size, count, pages", [(10, 25, [0, 10, 20]), (10, 30, [0, 10, 20, 30]), (1, 2, [0, 1, 2])])
def test_iterate_with_a_smaller_page_size(page_size, count, pages):
    fake = _many(count)
    assert len(list(odata.iterate(make_client(fake), "/CallFlowApps", page_size=page_size))) == count
    assert [int(c.query.get("$skip", 0)) for c in fake.api_calls()] == pages
    assert all(c.query["$top"] == str(page_size) for c in fake.api_calls())


def test_iterate_counts_the_rows_of_a_followed_next_link_toward_the_page():
    fake = _many(150)
    fake.fail(FakeResponse(200, {"value": [{"Id": i} for i in range(1, 51)],
                                 "@odata.nextLink": BASE_URL + "/xapi/v1/CallFlowApps?$skip=50&$top=50"}))
    seen = [app["Id"] for app in odata.iterate(make_client(fake), "/CallFlowApps", select=["Id"])]
    assert seen == list(range(1, 151))
    assert [c.raw_query.split("$skip=")[1].split("&")[0] if "$skip" in c.raw_query else "0" for c in fake.api_calls()] == [
        "0", "50", "100"]


def test_a_page_of_items_that_are_not_entities_is_not_checked():
    seen = {1, 2}
    odata.check_page("/CallFlowApps", 100, [1, 2], seen, "Id")
    odata.check_page("/CallFlowApps", 100, [{"Id": 1}, "2"], seen, "Id")
    assert seen == {1, 2}


def test_iterate_ends_when_the_links_of_a_server_that_pages_itself_held_more_than_a_page():
    fake = _many(150)  # a server that ignores $top and $skip and hands out the rest of the collection by link
    fake.fail(FakeResponse(200, {"value": [{"Id": i} for i in range(1, 101)],
                                 "@odata.nextLink": BASE_URL + "/xapi/v1/CallFlowApps?page=2"}))
    fake.fail(FakeResponse(200, {"value": [{"Id": i} for i in range(101, 151)]}))
    seen = [app["Id"] for app in odata.iterate(make_client(fake), "/CallFlowApps", select=["Id"])]
    assert seen == list(range(1, 151)) and len(fake.api_calls()) == 2


def test_iterate_stops_on_an_empty_answer():
    fake = _many(5)
    fake.fail(FakeResponse(204))
    assert list(odata.iterate(make_client(fake), "/CallFlowApps")) == []
    assert len(fake.api_calls()) == 1


def test_entity_leaves_other_values_alone():
    assert odata.entity(None) is None and odata.entity([1]) == [1]
    assert odata.entity({"@odata.context": "x", "Id": 1, "odata": 2}) == {"Id": 1, "odata": 2}


def test_build_query_options_in_order():
    query = odata.build_query(filter="Id eq 1", select=["Id"], expand=["Groups($expand=Rights)"], orderby="Id",
                              top=10, skip=20, count=True)
    assert query == "$filter=Id%20eq%201&$select=Id&$expand=Groups($expand=Rights)&$orderby=Id&$top=10&$skip=20&$count=true"
    assert odata.build_query(top=0) == "$top=0"


@pytest.mark.parametrize("value, expected", [(False, "false"), (-3, "-3"), (1.5, "'1.5'"), (None, "'None'")])
def test_literal_of_other_values(value, expected):
    assert odata.literal(value) == expected
