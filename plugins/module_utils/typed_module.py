# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one function every typed module (department, user, queue, ...) runs."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.threecx.xapi.plugins.module_utils import kinds, reconcile
from ansible_collections.threecx.xapi.plugins.module_utils.references import PEER_TYPES, Directory, number_holder, number_taken
from ansible_collections.threecx.xapi.plugins.module_utils.schema import SchemaError
from ansible_collections.threecx.xapi.plugins.module_utils.typed import Context, argument_spec
from ansible_collections.threecx.xapi.plugins.module_utils.xapi_module import XapiModule, run

# Identity options read as text: raw, so that an unquoted YAML number reaches the schema's warning.
TEXT_IDENTITIES = ("number",)


def main(kind_name):
    kind = kinds.kind(kind_name)
    module = XapiModule(module_argument_spec(kind), supports_check_mode=True)
    run(module, lambda: ensure(module, kind))


def module_argument_spec(kind):
    return argument_spec(kind, text_options=[o for o in TEXT_IDENTITIES if kind.identity and kind.identity[0] == o])


def ensure(module, kind):
    params = module.params
    values = strip_none(dict((option, params.get(option)) for option in option_values(kind)))
    state = params.get("state") or "present"
    lookup = kind.lookup(values)
    kind.to_api(values, Context(warnings=[]))  # the shape of every option, before any request
    client = module.client
    desired = kind.to_api(values, Context(Directory(client), module.warnings_sink))
    module.protect(kind.schema, desired)

    current = reconcile.find(client, kind.schema, lookup) if lookup else reconcile.read(client, kind.schema)
    if current is None and state == "present":
        desired = kind.for_create(desired)
        kind.check_create(desired, values)
        check_number_free(client, kind, values)
    identity = dict(lookup.match) if lookup else None
    plan = reconcile.plan(kind.schema, current, desired, state, lookup, params.get("update_secrets") or "on_create",
                          identity=identity, rules=kind.compare_rules(desired, current),
                          create_args=dict((option, values.get(option)) for option in kind.extra_create_only))
    result = dict(changed=plan.changed, operation=plan.operation)
    if module._diff:
        result["diff"] = plan.diff(header="%s %s" % (kind.module, lookup.value()) if lookup else kind.module)
    if module.check_mode:
        reconcile.check_create(client, kind.schema, plan)
        result[kind.module] = plan.predicted
    else:
        result[kind.module] = reconcile.execute(client, kind.schema, plan)
    module.exit_json(**result)


def check_number_free(client, kind, values):
    """A new extension, queue, ... cannot take a number another DN holds: refused before any write, in check mode
    too (where the PBX would answer ALREADY_IN_USE to the real run)."""
    if kind.name not in PEER_TYPES:
        return
    option = kind.identity[0]
    holder = number_holder(client, values[option])
    if holder is not None:
        raise SchemaError(option, number_taken(values[option], holder))


def option_values(kind):
    names = list(kind.option_names()) + list(kind.extra_create_only)
    if kind.identity is not None and kind.identity[0] not in names:
        names.append(kind.identity[0])
    return names


def strip_none(value):
    """Options and sub-options not given (None, as the argument spec fills them in) are left out."""
    if isinstance(value, dict):
        return dict((key, strip_none(item)) for key, item in value.items() if item is not None)
    if isinstance(value, list):
        return [strip_none(item) for item in value]
    return value
