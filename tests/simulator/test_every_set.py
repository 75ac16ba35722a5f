"""The generic rules, on every entity set and singleton of the registry."""

import pytest

from samples import (CREATABLE, DELETABLE, LISTABLE, READ_ONLY_SINGLETONS, READABLE, SINGLETON_NAMES, UPDATABLE,
                     WITH_ALT_KEY, WRITABLE_SINGLETONS, absent_key, key_path, new_body, patch_property)
from xapisim.model import TYPES
from xapisim.registry import SETS, SINGLETONS
from xapisim.server import served_operations

BIND_ERROR = {"error": {"code": "", "message": "The input was not valid.\n\ndelta:\nThe delta field is required."}}


def _create(client, set_name):
    answer = client.post(set_name, json=new_body(client, set_name))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    return body, body[SETS[set_name]["key"]]


def _allowed(info, kind):
    verbs = info["verbs"]
    table = {"collection": (("list", "GET"), ("create", "POST")),
             "entity": (("read", "GET"), ("update", "PATCH"), ("delete", "DELETE"))}[kind]
    return [method for verb, method in table if verb in verbs]


# -- verbs --------------------------------------------------------------------------------

@pytest.mark.parametrize("set_name", sorted(SETS))
def test_collection_path_serves_exactly_the_registry_verbs(client, set_name):
    allowed = _allowed(SETS[set_name], "collection")
    for method in ("GET", "POST", "PATCH", "DELETE", "PUT"):
        if method in allowed:
            continue
        answer = client.session.request(method, client.url(set_name), json={})
        if not allowed:
            assert answer.status_code == 404, (method, answer.text)
        else:
            assert answer.status_code == 405, (method, answer.text)
            assert answer.headers["Allow"] == ", ".join(allowed)


@pytest.mark.parametrize("set_name", sorted(n for n in SETS if SETS[n].get("key")))
def test_entity_path_serves_exactly_the_registry_verbs(client, set_name):
    info = SETS[set_name]
    allowed = _allowed(info, "entity")
    path = key_path(set_name, absent_key(set_name))
    for method in ("GET", "PATCH", "DELETE", "POST", "PUT"):
        answer = client.session.request(method, client.url(path), json={})
        if method in allowed:
            assert answer.status_code == 404, (method, answer.text)  # an unknown key, not a refused method
        else:
            assert answer.status_code == 405, (method, answer.text)
            assert answer.headers["Allow"] == ", ".join(allowed)


@pytest.mark.parametrize("name", SINGLETON_NAMES)
def test_singleton_serves_get_and_patch_only_when_the_registry_says(client, name):
    allowed = ["GET"] + (["PATCH"] if "update" in SINGLETONS[name]["verbs"] else [])
    for method in ("POST", "DELETE", "PUT", "PATCH"):
        if method not in allowed:
            answer = client.session.request(method, client.url(name), json={})
            assert answer.status_code == 405
            assert answer.headers["Allow"] == ", ".join(allowed)


def test_served_operations_cover_every_set_and_singleton():
    served = served_operations()
    for name, info in SETS.items():
        paths = [p for p in served if p == "/" + name or p.startswith("/%s(" % name)]
        assert paths, name
    for name, info in SINGLETONS.items():
        assert served["/" + name] == tuple(m for v, m in (("read", "get"), ("update", "patch")) if v in info["verbs"])


# -- lists and query options ------------------------------------------------------------

@pytest.mark.parametrize("set_name", LISTABLE)
def test_every_list_answers_with_every_query_option(client, set_name):
    etype = TYPES[SETS[set_name]["schema"]]
    first = next(n for n in etype.structural if not etype.props[n].many and etype.props[n].kind not in ("object", "any"))
    params = {"$top": "5", "$skip": "0", "$count": "true", "$select": first, "$orderby": first, "$expand": "*",
              "$filter": "%s ne null or %s eq null" % (first, first)}
    answer = client.get(set_name, params=params)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["@odata.context"].endswith("$metadata#%s(%s)" % (set_name, ",".join([first] + [
        "%s()" % n for n in etype.navigation])))
    assert isinstance(body["@odata.count"], int)
    for item in body["value"]:
        assert set(item) == {first} | set(etype.navigation)


@pytest.mark.parametrize("set_name", LISTABLE)
def test_every_list_refuses_top_above_100_and_unknown_properties(client, set_name):
    assert client.get(set_name, params={"$top": "101"}).status_code == 400
    assert client.get(set_name, params={"$top": "100"}).status_code == 200
    for option in ("$filter", "$select", "$orderby", "$expand"):
        value = "Bogus eq 1" if option == "$filter" else "Bogus"
        answer = client.get(set_name, params={option: value})
        assert answer.status_code == 400
        assert "Could not find a property named 'Bogus'" in answer.json()["error"]["message"]


@pytest.mark.parametrize("set_name", LISTABLE)
def test_navigation_properties_only_when_expanded(client, set_name):
    etype = TYPES[SETS[set_name]["schema"]]
    for item in client.get(set_name).json()["value"]:
        assert set(item) <= set(etype.structural)
        assert not set(etype.navigation) & set(item)


# -- create, read, update, delete -------------------------------------------------------

@pytest.mark.parametrize("set_name", CREATABLE)
def test_post_answers_201_with_the_entity_without_navigation(client, set_name):
    answer = client.post(set_name, json=new_body(client, set_name))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    etype = TYPES[SETS[set_name]["schema"]]
    assert body["@odata.context"].endswith("$metadata#%s/$entity" % set_name)
    assert set(body) - {"@odata.context"} == set(etype.structural)
    key = body[SETS[set_name]["key"]]
    assert answer.headers["Location"].endswith("/xapi/v1/" + key_path(set_name, key))


@pytest.mark.parametrize("set_name", sorted(n for n in CREATABLE if SETS[n]["key_type"] == "int"))
def test_int_keys_are_assigned_by_the_server(client, set_name):
    body = new_body(client, set_name)
    body["Id"] = 987654
    created = client.post(set_name, json=body).json()
    assert created["Id"] != 987654
    assert client.get(key_path(set_name, created["Id"])).status_code == 200


@pytest.mark.parametrize("set_name", sorted(n for n in CREATABLE if SETS[n]["key_type"] == "string"))
def test_string_keys_come_from_the_body_unique_and_fixed(client, set_name):
    key_name = SETS[set_name]["key"]
    body = new_body(client, set_name)
    created = client.post(set_name, json=body).json()
    assert created[key_name] == body[key_name]
    again = client.post(set_name, json=body)
    assert again.json()["error"]["details"] == [{"code": "", "message": "WARNINGS.XAPI.ALREADY_IN_USE",
                                                 "target": key_name}]
    missing = client.post(set_name, json={k: v for k, v in body.items() if k != key_name})
    assert missing.json()["error"]["details"][0]["message"] == "WARNINGS.XAPI.REQUIRED"
    if "update" in SETS[set_name]["verbs"]:
        changed = client.patch(key_path(set_name, body[key_name]), json={key_name: "other"})
        assert changed.json()["error"]["details"][0]["message"] == "WARNINGS.XAPI.FORBIDDEN_CHANGE"


@pytest.mark.parametrize("set_name", sorted(set(CREATABLE) & set(READABLE)))
def test_read_back_by_key(client, set_name):
    created, key = _create(client, set_name)
    body = client.get(key_path(set_name, key)).json()
    assert body["@odata.context"].endswith("$metadata#%s/$entity" % set_name)
    del body["@odata.context"], created["@odata.context"]
    hidden = TYPES[SETS[set_name]["schema"]].hidden
    assert body == {k: v for k, v in created.items() if k not in hidden}


@pytest.mark.parametrize("set_name", sorted(set(CREATABLE) & set(UPDATABLE)))
def test_patch_answers_204_and_changes_only_what_was_sent(client, set_name):
    created, key = _create(client, set_name)
    name, value = patch_property(set_name)
    answer = client.patch(key_path(set_name, key), json={name: value})
    assert answer.status_code == 204 and answer.content == b""
    after = client.get(key_path(set_name, key)).json()
    assert after[name] == value
    del after["@odata.context"], created["@odata.context"]
    hidden = TYPES[SETS[set_name]["schema"]].hidden
    assert {k: v for k, v in after.items() if k != name} == {k: v for k, v in created.items()
                                                             if k != name and k not in hidden}


@pytest.mark.parametrize("set_name", sorted(set(CREATABLE) & set(DELETABLE)))
def test_delete_answers_204_then_404(client, set_name):
    _created, key = _create(client, set_name)
    answer = client.delete(key_path(set_name, key))
    assert answer.status_code == 204 and answer.content == b""
    assert client.delete(key_path(set_name, key)).status_code == 404
    if "read" in SETS[set_name]["verbs"]:
        assert client.get(key_path(set_name, key)).status_code == 404


@pytest.mark.parametrize("set_name", sorted(n for n in READABLE if SETS[n].get("key")))
def test_unknown_key_is_404(client, set_name):
    answer = client.get(key_path(set_name, absent_key(set_name)))
    assert answer.status_code == 404
    assert answer.json()["error"]["message"]


@pytest.mark.parametrize("set_name", WITH_ALT_KEY)
def test_alternate_key_number(client, set_name):
    if "create" in SETS[set_name]["verbs"]:
        created, key = _create(client, set_name)
        number = created["Number"]
    else:
        number = client.get(set_name, params={"$top": "1"}).json()["value"][0]["Number"]
        key = None
    body = client.get("%s(Number='%s')" % (set_name, number)).json()
    assert body["Number"] == number
    if key is not None:
        assert body[SETS[set_name]["key"]] == key
    assert client.get("%s(Number='nope')" % set_name).status_code == 404


# -- binding ------------------------------------------------------------------------------

@pytest.mark.parametrize("set_name", CREATABLE)
def test_post_with_an_unknown_property_is_the_bind_error(client, set_name):
    body = new_body(client, set_name)
    answer = client.post(set_name, json=dict(body, Bogus=1))
    assert answer.status_code == 400
    assert answer.json() == BIND_ERROR
    assert client.post(set_name, json=body).status_code == 201  # the same body without it is fine


@pytest.mark.parametrize("set_name", sorted(set(CREATABLE) & set(UPDATABLE)))
def test_patch_with_an_unknown_property_is_the_bind_error(client, set_name):
    _created, key = _create(client, set_name)
    answer = client.patch(key_path(set_name, key), json={"Bogus": 1})
    assert answer.status_code == 400
    assert answer.json() == BIND_ERROR


# -- singletons ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", SINGLETON_NAMES)
def test_singleton_has_a_complete_value(client, name):
    body = client.get(name).json()
    etype = TYPES[SINGLETONS[name]["schema"]]
    assert body["@odata.context"].endswith("$metadata#" + name)
    assert set(body) - {"@odata.context"} == set(etype.structural)
    for prop_name in etype.structural:
        if not etype.props[prop_name].nullable:
            assert body[prop_name] is not None, prop_name


@pytest.mark.parametrize("name", WRITABLE_SINGLETONS)
def test_singleton_patch_merges_the_properties_sent(client, name):
    before = client.get(name).json()
    sample = patch_property(name, before)
    answer = client.patch(name, json={sample[0]: sample[1]})
    assert answer.status_code == 204
    after = client.get(name).json()
    assert after[sample[0]] == sample[1]
    assert {k: v for k, v in after.items() if k != sample[0]} == {k: v for k, v in before.items() if k != sample[0]}
    bad = client.patch(name, json={"Bogus": True})
    assert bad.status_code == 400 and bad.json() == BIND_ERROR


def test_read_only_singletons_are_the_documented_ones():
    assert set(READ_ONLY_SINGLETONS) == {"Defs", "Firewall", "LicenseStatus", "SystemStatus"}


# -- what a client reads it can write back --------------------------------------------------

def _read_all(client, path):
    body = client.get(path, params={"$expand": "*"}).json()
    del body["@odata.context"]
    return body


@pytest.mark.parametrize("set_name", sorted(set(CREATABLE) & set(UPDATABLE)))
def test_an_entity_read_whole_can_be_written_back_unchanged(client, set_name):
    _created, key = _create(client, set_name)
    before = _read_all(client, key_path(set_name, key))
    answer = client.patch(key_path(set_name, key), json=before)
    assert answer.status_code == 204, answer.text
    assert _read_all(client, key_path(set_name, key)) == before


@pytest.mark.parametrize("name", WRITABLE_SINGLETONS)
def test_a_singleton_read_whole_can_be_written_back_unchanged(client, name):
    before = _read_all(client, name)
    answer = client.patch(name, json=before)
    assert answer.status_code == 204, answer.text
    assert _read_all(client, name) == before
