# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every module hides a secret the PBX echoes, wherever it sits in the result (a trunk's AuthPassword)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.threecx.xapi.plugins.modules import callflow_app, callflow_app_info, callflow_apps, entity, entity_info
from ansible_collections.threecx.xapi.tests.unit.plugins.entity_fakes import FakePbx
from ansible_collections.threecx.xapi.tests.unit.plugins.module_runner import run_module
from ansible_collections.threecx.xapi.tests.unit.plugins.xapi_fakes import FakeXapi

PASSWORD = "trunk-Passw0rd-echoed"
PIN = "4711-pin-echoed"
TRUNK = {"Id": 55, "Number": "10000", "AuthID": "provider-user", "AuthPassword": {"Value": PASSWORD, "Concealed": False}}


def apps():
    return FakeXapi(apps=[dict(Number="8100", Name="Night", Trunk=TRUNK), dict(Number="8200", Name="Day", Trunk=TRUNK)])


def pbx():
    return FakePbx(sets={"Trunks": [TRUNK, dict(TRUNK, Id=56, Number="10001")],
                         "Users": [dict(Id=3, Number="100", VMPIN=PIN, Phones=[{"MacAddress": "00a", "Secret": PIN}])]})


def trunks_of_apps(result, key):
    return [app["Trunk"] for app in result[key]]


CASES = {
    "callflow_app": (callflow_app.main, apps, dict(number="8100", name="Night"),
                     lambda result: [result["callflow_app"]["Trunk"]]),
    "callflow_apps": (callflow_apps.main, apps, dict(apps=[dict(number="8100"), dict(number="8200", name="Day")]),
                      lambda result: [item["callflow_app"]["Trunk"] for item in result["results"]]),
    "callflow_app_info": (callflow_app_info.main, apps, dict(),
                          lambda result: trunks_of_apps(result, "callflow_apps")),
    "entity": (entity.main, pbx, dict(entity_set="Trunks", id=55, properties={"AuthID": "provider-user"}),
               lambda result: [result["entity"]]),
    "entity_info": (entity_info.main, pbx, dict(entity_set="Trunks"), lambda result: result["entities"]),
    "entity_info by id": (entity_info.main, pbx, dict(entity_set="Trunks", id=56), lambda result: [result["entity"]]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_module_masks_a_trunk_password_the_pbx_echoes(case):
    main, make_fake, args, trunks = CASES[case]
    result = run_module(main, make_fake(), args, diff=True)
    assert result.rc == 0, result.stdout
    shown = trunks(result)
    assert shown and all(trunk["AuthPassword"] == "********" for trunk in shown)
    assert all(trunk["AuthID"] == "provider-user" for trunk in shown)  # only the secret is hidden
    assert PASSWORD not in result.stdout


@pytest.mark.parametrize("main, args", [
    (entity.main, dict(entity_set="Users", id=3, properties={"FirstName": "Ada"})),
    (entity_info.main, dict(entity_set="Users")),
])
def test_secrets_inside_lists_of_an_entity_are_masked(main, args):
    result = run_module(main, pbx(), args, diff=True)
    assert result.rc == 0, result.stdout
    user = result["entity"] if "entity" in result.json else result["entities"][0]
    assert user["VMPIN"] == "********" and user["Phones"] == [{"MacAddress": "00a", "Secret": "********"}]
    assert PIN not in result.stdout
