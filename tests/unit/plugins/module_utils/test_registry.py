# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The registry: every schema builds, and every curated override names something that exists."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.threecx.xapi.plugins.module_utils import overrides, registry, schema
from ansible_collections.threecx.xapi.plugins.module_utils.registry_data import SOURCE
from ansible_collections.threecx.xapi.plugins.module_utils.schema import SchemaError

COMPARE_RULES = (schema.EXACT, schema.TEXT, schema.FLAGS, schema.SUBSET, schema.LINK,
                 schema.SET_BY_KEY, schema.ORDERED_BY_KEY, schema.LIST, schema.SET)
KINDS = ("string", "int", "number", "bool", "datetime", "duration", "time", "date", "guid", "enum", "object", "any")
PER_PROPERTY_RULES = registry.RULES + ("keys", "compare", "min_items")
SET_RULES = ("title", "identity", "required_on_create", "create")


@pytest.fixture(autouse=True)
def fresh_registry(monkeypatch):
    """Build from an empty cache: what a test checks is then built by the code under test, not taken
    from schemas an earlier test (or the process a mutation run forks from) already built."""
    monkeypatch.setattr(registry, "_cache", {})


def every_schema():
    return [registry.entity_set(name) for name in registry.set_names()] + [
        registry.singleton(name) for name in registry.singleton_names()]


def properties_of(schema_name):
    """The properties of a schema with those of its bases."""
    names = set()
    for link in registry._chain(schema_name):
        names.update(registry.data()["schemas"][link]["props"])
    return names


def schema_rules():
    """(schema, rule, property, entry) for every curated per-property rule."""
    return [(schema_name, rule, api, entry) for schema_name, rules in sorted(overrides.SCHEMAS.items())
            for rule, entries in sorted(rules.items()) for api, entry in sorted(entries.items())]


def evidence_of(rule, entry):
    return entry[1] if rule in ("keys", "compare", "min_items") else entry


# -- every schema builds -------------------------------------------------------------------

def test_the_registry_holds_sets_singletons_schemas_and_enums():
    data = registry.data()
    assert len(data["sets"]) > 40 and len(data["singletons"]) > 30
    assert registry.set_names() == sorted(data["sets"]) and "CallFlowApps" in registry.set_names()
    assert registry.singleton_names() == sorted(data["singletons"]) and "OfficeHours" in registry.singleton_names()
    assert registry.build() == SOURCE["build"] == "20.0.10"


def test_the_registry_is_decoded_once_and_the_integer_keys_read_once():
    assert registry.data() is registry.data()
    assert registry._assigned_keys() is registry._assigned_keys()


def test_every_set_and_singleton_builds_with_its_fields_paths_and_projection():
    for entity in every_schema():
        assert entity.fields, entity.set_name
        select, expand = entity.projection()
        assert select is None or all(not entity.field(api).navigation for api in select)
        assert all(clause.split("(")[0] in entity.fields for clause in expand)
        if entity.singleton:
            assert entity.path(None) == "/" + entity.set_name
        elif entity.key:
            assert entity.path(1 if entity.key_type == "int" else "k").startswith(entity.entity_set + "(")
        for field in entity.fields.values():
            assert field.kind in KINDS, (entity.set_name, field.api)
            if field.kind == "object":
                assert field.schema is not None and field.schema.fields is not None
            if field.kind == "enum":
                assert field.values, (entity.set_name, field.api)


def test_every_fields_compare_rule_is_a_known_one():
    for schema_name in registry.data()["schemas"]:
        for field in registry.object_schema(schema_name).fields.values():
            assert field.compare in COMPARE_RULES, (schema_name, field.api, field.compare)
            if field.compare in schema.KEYED:
                assert field.key and field.many and field.kind == "object", (schema_name, field.api)


def test_option_names_are_identifiers_and_unique_per_set():
    for entity in every_schema():
        options = [entity.option(api) for api in entity.fields]
        assert all(option.isidentifier() and option == option.lower() for option in options), entity.set_name
        assert len(set(options)) == len(options), entity.set_name


def test_schemas_are_built_once_and_lazily():
    users = registry.entity_set("Users")
    assert registry.entity_set("Users") is users
    assert registry.singleton("OfficeHours") is registry.singleton("OfficeHours")
    assert registry.object_schema("Pbx.User") is registry.object_schema("Pbx.User")
    assert users.field("Groups").schema is registry.object_schema("Pbx.UserGroup")


def test_an_unknown_set_or_singleton_fails_naming_close_matches():
    with pytest.raises(SchemaError) as err:
        registry.entity_set("Usres")
    assert err.value.option == "entity_set"
    assert "'Usres' is not an entity set of XAPI 20.0.10. Did you mean Users?" in str(err.value)
    with pytest.raises(SchemaError) as err:
        registry.entity_set("Usres", option="sets[0]")
    assert err.value.option == "sets[0]"
    with pytest.raises(SchemaError) as err:
        registry.singleton("OficeHours")
    assert err.value.option == "singleton"
    assert str(err.value).startswith("singleton: 'OficeHours' is not a singleton of XAPI 20.0.10. Did you mean OfficeHours? "
                                     "Accepted: ")
    with pytest.raises(KeyError) as err:
        registry.object_schema("Pbx.Nothing")
    assert err.value.args == ("the registry has no schema Pbx.Nothing",)


def test_a_schema_keeps_its_name_and_lists_the_fields_of_its_base_first():
    user = registry.object_schema("Pbx.User")
    assert user.name == "Pbx.User" and registry.singleton("OfficeHours").name == "Pbx.OfficeHours"
    base = list(registry.data()["schemas"]["Pbx.DN"]["props"])
    assert list(user.fields)[:len(base)] == base


def test_sets_carry_the_documents_facts_and_the_curated_ones():
    users = registry.entity_set("Users")
    assert (users.set_name, users.entity_set, users.name, users.key, users.key_type) == ("Users", "/Users", "Pbx.User", "Id", "int")
    assert users.alt_keys == ("Number",) and users.can("create") and users.can("delete")
    assert users.identity_apis == ("Number",) and users.title == "user"
    assert users.create["strategy"] == "post_then_patch" and "FirstName" in users.create["post"]
    apps = registry.entity_set("CallFlowApps")
    assert apps.required_on_create == ("Number", "Name") and apps.identity_apis == ("Number", "Name")
    assert apps.create == {"strategy": "post"} and apps.title == "Call Flow App"
    backups = registry.entity_set("Backups")
    assert (backups.key, backups.key_type, backups.title) == ("FileName", "string", "Backups")
    hours = registry.singleton("OfficeHours")
    assert hours.singleton and hours.title == "office hours" and hours.key is None and hours.verbs == ("read", "update")
    assert registry.singleton("GeneralSettingsForPbx").title == "GeneralSettingsForPbx"


def test_fields_carry_the_curated_rules_with_their_evidence():
    apps = registry.entity_set("CallFlowApps")
    number, script, trunk, groups = (apps.field(a) for a in ("Number", "ScriptCode", "Trunk", "Groups"))
    assert number.create_only and "create_only" in number.evidence  # inherited from Pbx.DN
    assert apps.field("Id").computed and apps.field("CompilationSucceeded").computed
    assert script.select_only and script.text_diff and script.compare == schema.TEXT
    assert trunk.link and trunk.compare == schema.LINK and trunk.navigation
    assert groups.key == "GroupId" and groups.compare == schema.SET_BY_KEY and groups.min_items == 1
    assert groups.evidence["key"].startswith("[TUT]") and groups.evidence["min_items"].startswith("[live]")
    assert not groups.link  # a collection is never a link
    users = registry.entity_set("Users")
    assert users.field("QueueStatus").runtime and not users.field("QueueStatus").settable
    assert users.field("VMPIN").secret and users.field("VMPIN").evidence["secret"] == "voicemail PIN"
    trunk_password = registry.entity_set("Trunks").field("AuthPassword")
    assert trunk_password.secret and trunk_password.evidence["secret"] == overrides.SECRET_TYPES["Pbx.ConcealedPassword"]
    assert registry.object_schema("Pbx.Gateway").field("Host") is not None
    assert not registry.entity_set("Trunks").field("Gateway").link  # an object of no entity set is a nested value


def test_integer_ids_are_computed_with_the_fact_they_rest_on():
    contact_id = registry.entity_set("Contacts").field("Id")  # no curated rule for it
    assert contact_id.computed and contact_id.evidence["computed"] == "[spec] the integer key of the entity set; the PBX assigns it"
    gateway_id = registry.object_schema("Pbx.Gateway").field("Id")  # a nested object's id: no entity set has it as key
    assert gateway_id.computed
    assert gateway_id.evidence["computed"] == "[inference] integer ids are assigned by the PBX; clients only name them in links"
    blocked_number = registry.entity_set("BlackListNumbers").field("Id")  # a text key the client chooses
    assert not blocked_number.computed and "computed" not in blocked_number.evidence


def test_fields_carry_the_documents_types_and_plain_defaults():
    users = registry.entity_set("Users")
    first_name = users.field("FirstName")
    assert first_name.parse(None) is None  # nullable unless the document says otherwise
    with pytest.raises(SchemaError, match="cannot be null"):
        users.field("Id").parse(None)
    assert users.field("PinProtectTimeout").fmt == "int32" and first_name.fmt is None
    assert users.field("Blfs").max_length == 20480 and first_name.max_length is None
    assert users.field("Tags").parse([]) == []  # no smallest number of elements unless curated
    assert users.field("Phones").navigation and not first_name.navigation
    assert users.field("TranscriptionMode").flags and users.field("TranscriptionMode").compare == schema.FLAGS
    assert not users.field("QueueStatus").flags and users.field("QueueStatus").compare == schema.EXACT
    location = registry.object_schema("Pbx.EmergencyGeoTrunkLocation").field("Location")
    assert not location.link and location.compare == schema.SUBSET  # an entity held as a value, not a navigation


def test_a_curated_compare_rule_reaches_the_field(monkeypatch):
    curated = dict(overrides.SCHEMAS)
    curated["Pbx.Queue"] = dict(curated["Pbx.Queue"], compare={"Agents": ("ordered_by_key", "[live] hunt order")})
    monkeypatch.setattr(overrides, "SCHEMAS", curated)
    agents = registry.entity_set("Queues").field("Agents")
    assert agents.compare == schema.ORDERED_BY_KEY and agents.key == "Number"
    assert agents.evidence["compare"] == "[live] hunt order"


def test_is_entity_type_tells_entities_from_nested_values():
    assert registry.is_entity_type("Pbx.Trunk") and registry.is_entity_type("Pbx.User")
    assert not registry.is_entity_type("Pbx.Gateway") and not registry.is_entity_type("Pbx.Nothing")


def test_secret_names_hold_every_known_secret():
    names = registry.secret_names()
    for name in ("AuthPassword", "AccessPassword", "DeskphonePassword", "VMPIN", "PinNumber", "Password", "Secret",
                 "Token", "LicenseKey", "SftpPrivateKey", "SbcPrivateKey", "ClientPrivateKey", "PrivateKey",
                 "PhoneWebPassword"):
        assert name in names, name
    assert "Name" not in names and "Number" not in names
    assert registry.secret_names() is names


def test_a_property_of_a_secret_type_is_a_secret_everywhere():
    for schema_name, entry in registry.data()["schemas"].items():
        for api, desc in entry["props"].items():
            if desc.get("r") in overrides.SECRET_TYPES:
                assert registry.object_schema(schema_name).field(api).secret, (schema_name, api)
                assert api in registry.secret_names()


# -- every curated override names something that exists ----------------------------------------

def test_every_curated_schema_exists_in_the_registry():
    unknown = [name for name in list(overrides.SCHEMAS) + list(overrides.SECRET_TYPES) if name not in registry.data()["schemas"]]
    assert unknown == []


def test_every_curated_rule_is_one_the_registry_applies():
    assert sorted(set(rule for _schema, rule, _api, _entry in schema_rules()) - set(PER_PROPERTY_RULES)) == []


def test_every_curated_property_exists_in_its_schema():
    missing = [(name, rule, api) for name, rule, api, _entry in schema_rules() if api not in properties_of(name)]
    assert missing == []


def test_every_curated_element_key_exists_in_the_element_schema():
    for name, rule, api, entry in schema_rules():
        if rule != "keys":
            continue
        field = registry.object_schema(name).field(api)
        assert field.many and field.kind == "object", (name, api)
        assert entry[0] in field.schema.fields, (name, api, entry[0])


def test_every_curated_compare_rule_and_min_items_is_valid():
    for name, rule, api, entry in schema_rules():
        if rule == "compare":
            assert entry[0] in COMPARE_RULES, (name, api)
        if rule == "min_items":
            assert isinstance(entry[0], int) and entry[0] > 0, (name, api)


def test_every_curated_rule_carries_an_evidence_note():
    for name, rule, api, entry in schema_rules():
        note = evidence_of(rule, entry)
        assert isinstance(note, str) and note.strip(), (name, rule, api)
    for name, note in overrides.SECRET_TYPES.items():
        assert isinstance(note, str) and note.strip(), name
    for name, rules in list(overrides.SETS.items()) + list(overrides.SINGLETONS.items()):
        for rule, entry in rules.items():
            if rule != "title":
                assert isinstance(entry, tuple) and len(entry) == 2 and entry[1].strip(), (name, rule)


def test_every_curated_set_and_singleton_exists_and_names_its_own_properties():
    data = registry.data()
    assert sorted(set(overrides.SETS) - set(data["sets"])) == []
    assert sorted(set(overrides.SINGLETONS) - set(data["singletons"])) == []
    for name, rules in overrides.SETS.items():
        assert sorted(set(rules) - set(SET_RULES)) == [], name
        entity = registry.entity_set(name)
        named = list(rules.get("identity", ((), ""))[0]) + list(rules.get("required_on_create", ((), ""))[0])
        named += list(rules.get("create", ({}, ""))[0].get("post", ()))
        assert [api for api in named if api not in entity.fields] == [], name
        assert rules.get("create", ({"strategy": "post"}, ""))[0]["strategy"] in ("post", "post_then_patch", "template"), name
        assert rules["title"].strip(), name
        if "identity" in rules or "required_on_create" in rules:
            assert entity.can("create") or entity.can("list"), name
    for name, rules in overrides.SINGLETONS.items():
        assert sorted(set(rules) - set(SET_RULES)) == [] and rules["title"].strip(), name
