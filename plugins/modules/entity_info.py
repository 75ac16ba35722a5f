#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: entity_info
short_description: Read any 3CX XAPI entity set or settings object
version_added: 1.0.0
description:
  - Reads the entities of any XAPI entity set (V(Users), V(Groups), V(Queues), V(Peers), ...), or a settings
    singleton (V(OfficeHours), V(GeneralSettingsForPbx), ...), as the API spells them.
  - Collections are read in pages of at most 100 (the PBX refuses more per request), so every entity comes back.
  - Navigation properties (a user's C(Groups) and C(Phones), a queue's C(Agents), ...) are expanded by default,
    with the nested properties a comparison needs (a membership's C(Rights)).
extends_documentation_fragment:
  - threecx.xapi.connection
attributes:
  check_mode:
    description: Only reads; runs the same in check mode.
    support: full
  diff_mode:
    description: Returns no diff.
    support: none
  action_group:
    description: Use C(group/threecx.xapi.xapi) in C(module_defaults) to set the connection options.
    support: full
    membership:
      - threecx.xapi.xapi
options:
  entity_set:
    description:
      - The entity set to read, for example V(Users). Exactly one of O(entity_set) and O(singleton).
    type: str
  singleton:
    description:
      - The settings object to read, for example V(OfficeHours).
    type: str
  id:
    description:
      - The key of one entity (an integer C(Id) for most sets; a text key such as C(MacAddress) for a few); RV(entity) is
        returned for it (an empty dict when there is none).
    type: raw
  match:
    description:
      - "Properties every returned entity has, as the API spells them, for example V({Number: '101'})."
    type: dict
  filter:
    description:
      - An OData C($filter) expression, passed as given, for example V(startswith(LastName,'Sm')).
      - Combined with O(match) by C(and).
    type: str
  select:
    description:
      - Structural properties to return (C($select)). By default the PBX's default set (every structural property
        except a few long ones, such as a Call Flow App's C(ScriptCode)).
    type: list
    elements: str
  expand:
    description:
      - Navigation properties to expand (C($expand)), as OData clauses, for example V(Groups($expand=Rights)).
      - By default every navigation property, with the nested expands a comparison needs. V([]) expands none.
    type: list
    elements: str
seealso:
  - module: threecx.xapi.entity
author:
  - threecx.xapi maintainers (@threecx-xapi)
"""

EXAMPLES = r"""
- name: Every user with the department memberships
  threecx.xapi.entity_info:
    entity_set: Users
  register: users

- name: One user by extension number
  threecx.xapi.entity_info:
    entity_set: Users
    match:
      Number: "201"

- name: Users whose last name starts with Sm, names only
  threecx.xapi.entity_info:
    entity_set: Users
    filter: startswith(LastName,'Sm')
    select: [Id, Number, FirstName, LastName]
    expand: []

- name: The office hours of the PBX
  threecx.xapi.entity_info:
    singleton: OfficeHours
  register: hours
"""

RETURN = r"""
entities:
  description: The entities of the set, ordered by their key, as the API spells them (secrets masked).
  returned: when O(entity_set) is given without O(id)
  type: list
  elements: dict
  sample:
    - Id: 31
      Number: "201"
      FirstName: Ada
entity:
  description: The singleton, or the entity named by O(id) (V({}) when the PBX has none).
  returned: when O(singleton) or O(id) is given
  type: dict
  sample:
    TimeZoneId: "Europe/Berlin"
"""

# First, so that on a Python older than the collection supports the task fails with a clear message
from ansible_collections.threecx.xapi.plugins.module_utils import python_version  # noqa: F401 pylint: disable=unused-import
from ansible_collections.threecx.xapi.plugins.module_utils import generic, odata
from ansible_collections.threecx.xapi.plugins.module_utils.client import XapiError
from ansible_collections.threecx.xapi.plugins.module_utils.schema import SchemaError, unknown_name_message
from ansible_collections.threecx.xapi.plugins.module_utils.xapi_module import XapiModule, run


def projection(schema, params):
    select, expand = schema.projection()
    if params["select"] is not None:
        select = checked_names(schema, params["select"], "select", navigation=False)
    if params["expand"] is not None:
        expand = params["expand"]
        checked_names(schema, [clause.split("(")[0].strip() for clause in expand], "expand", navigation=True)
    return select, expand


def checked_names(schema, names, option, navigation):
    known = [api for api, field in schema.fields.items() if field.navigation == navigation]
    for name in names:
        if name not in known:
            kind = "navigation property" if navigation else "structural property"
            raise SchemaError(option, unknown_name_message(name, known, "a %s of %s" % (kind, schema.name)))
    return list(names)


def read(module):
    params = module.params
    target = generic.target(params, need_lookup=False)
    schema = target.schema
    select, expand = projection(schema, params)
    query = odata.build_query(select=select, expand=expand)
    client = module.client
    if schema.singleton or target.lookup is not None and target.lookup.by_key:
        try:
            entity = odata.entity(client.get(schema.path(target.lookup.key if target.lookup else None), query=query))
        except XapiError as exc:
            if exc.status != 404 or schema.singleton:
                raise
            entity = {}
        module.exit_json(changed=False, entity=entity or {})
    clauses = [odata.eq(api, value) for api, value in sorted((target.lookup.match if target.lookup else {}).items())]
    entities = odata.iterate(client, schema.entity_set, select=select, expand=expand,
                             filter=odata.all_of(params["filter"], *clauses), orderby=schema.key)
    module.exit_json(changed=False, entities=list(entities))


def main():
    module = XapiModule(
        dict(
            entity_set=dict(type="str"),
            singleton=dict(type="str"),
            id=dict(type="raw"),
            match=dict(type="dict"),
            filter=dict(type="str"),
            select=dict(type="list", elements="str"),
            expand=dict(type="list", elements="str"),
        ),
        required_one_of=[["entity_set", "singleton"]],
        mutually_exclusive=[["entity_set", "singleton"], ["id", "match"], ["id", "filter"]],
        supports_check_mode=True,
    )
    run(module, lambda: read(module))


if __name__ == "__main__":
    main()
