# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each module's argument spec is the one its documentation describes: types, defaults, choices, required.

ansible-test's validate-modules checks this too, but only in sanity runs; here a spec that drifts
from the documentation fails with the unit tests.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib
import os
import pkgutil
from unittest import mock

import pytest
import yaml

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.threecx.xapi.plugins.module_utils.entities import callflow_app
from ansible_collections.threecx.xapi.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.threecx.xapi.plugins.modules import token

MODULES = sorted(name for _finder, name, _pkg in pkgutil.iter_modules([os.path.dirname(token.__file__)]))
SPEC_KEYS = {"type", "default", "choices", "elements", "required", "no_log", "fallback", "options", "aliases",
             "required_if", "required_one_of", "mutually_exclusive", "required_together", "apply_defaults"}


class Captured(Exception):
    def __init__(self, kwargs):
        super(Captured, self).__init__("argument spec captured")
        self.kwargs = kwargs


def argument_spec(name):
    """The argument spec the module's main() hands to AnsibleModule (nothing else runs)."""
    module = importlib.import_module("ansible_collections.threecx.xapi.plugins.modules." + name)

    def capture(_self, *args, **kwargs):
        raise Captured(dict(kwargs, argument_spec=kwargs.get("argument_spec", args[0] if args else None)))

    with mock.patch.object(AnsibleModule, "__init__", capture):
        with pytest.raises(Captured) as captured:
            module.main()
    return module, captured.value.kwargs


def documented_options(module):
    options = dict(yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"])
    options.update(yaml.safe_load(module.DOCUMENTATION).get("options") or {})
    return options


# Lists of elements=raw whose items the module checks itself against a spec (so that an error names the item's
# index); the documented sub-options are that spec.
ITEMS_CHECKED_BY_THE_MODULE = {
    "callflow_apps.apps": callflow_app.argument_spec,
}


def compare(spec, doc, where):
    assert set(spec) <= SPEC_KEYS, "%s: unknown keys %s" % (where, sorted(set(spec) - SPEC_KEYS))
    assert spec.get("type", "str") == doc.get("type", "str"), where
    assert spec.get("default") == doc.get("default"), where
    assert list(spec.get("choices") or []) == list(doc.get("choices") or []), where
    assert spec.get("elements") == doc.get("elements"), where
    assert bool(spec.get("required")) == bool(doc.get("required")), where
    sub_spec, sub_doc = spec.get("options") or {}, doc.get("suboptions") or {}
    if where in ITEMS_CHECKED_BY_THE_MODULE:  # elements=raw: the module validates each item with this spec
        sub_spec = ITEMS_CHECKED_BY_THE_MODULE[where]()
    assert sorted(sub_spec) == sorted(sub_doc), where
    for name in sub_spec:
        compare(sub_spec[name], sub_doc[name], "%s.%s" % (where, name))


@pytest.mark.parametrize("name", MODULES)
def test_the_argument_spec_is_the_documented_one(name):
    module, kwargs = argument_spec(name)
    spec, doc = kwargs["argument_spec"], documented_options(module)
    assert sorted(spec) == sorted(doc)
    for option in spec:
        compare(spec[option], doc[option], "%s.%s" % (name, option))


@pytest.mark.parametrize("name", MODULES)
def test_check_mode_support_is_the_documented_one(name):
    module, kwargs = argument_spec(name)
    documented = yaml.safe_load(module.DOCUMENTATION).get("attributes", {}).get("check_mode", {}).get("support", "none")
    assert bool(kwargs.get("supports_check_mode")) == (documented != "none")
