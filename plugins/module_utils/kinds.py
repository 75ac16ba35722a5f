# -*- coding: utf-8 -*-
# Copyright: threecx.xapi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The kinds of a phone system's configuration, in the order a whole PBX is applied.

Each kind is a typed module (department, user, queue, ...) and a key of the
config that pbx_export returns and pbx applies. Everything a kind offers comes
from the registry; this file says only how each one is named and which options
name other entities instead of carrying their ids.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.threecx.xapi.plugins.module_utils import registry
from ansible_collections.threecx.xapi.plugins.module_utils.typed import (
    DepartmentIds, Department, Holidays, Kind, Memberships, Numbers, OutboundRoutes, TrunkLink)

# A queue rings its agents in list order with these strategies, a ring group its members with Hunt.
HUNT_QUEUE = ("Hunt", "HuntBy3s")
HUNT_RING_GROUP = ("Hunt",)
# A holiday given by its first day only lasts that day, every year, all day.
HOLIDAY_DEFAULTS = {"DayEnd": "=Day", "MonthEnd": "=Month", "Year": 0, "YearEnd": 0, "TimeOfStartDate": "PT0S",
                    "TimeOfEndDate": "PT23H59M59S"}
# Membership is kept on the member's side (a user's departments); a department does not list its members.
DEPARTMENT_SIDE = ("Members",)


def _kinds():
    sets = registry.entity_set
    return [
        Kind("holidays", "holiday", sets("Holidays"), identity=("name", "Name"), create_defaults=HOLIDAY_DEFAULTS),
        Kind("departments", "department", sets("Groups"), identity=("name", "Name"), exclude=DEPARTMENT_SIDE,
             refs=[Holidays("office_holidays", "OfficeHolidays")]),
        Kind("trunks", "trunk", sets("Trunks"), identity=("name", "Gateway.Name"),
             create_only={"template": ("The trunk template (a C(TrunkTemplates) id) the PBX builds the trunk from.",
                                       "Gateway.TemplateFilename")}),
        Kind("users", "user", sets("Users"), identity=("number", "Number"),
             refs=[Memberships(), Department("primary_department", "PrimaryGroupId")]),
        Kind("queues", "queue", sets("Queues"), identity=("number", "Number"),
             refs=[Memberships(), Numbers("agents", "Agents", extra={"skill_group": "SkillGroup"},
                                          ordered_by=("PollingStrategy", HUNT_QUEUE)),
                   Numbers("managers", "Managers")]),
        Kind("ring_groups", "ring_group", sets("RingGroups"), identity=("number", "Number"),
             refs=[Memberships(), Numbers("members", "Members", ordered_by=("RingStrategy", HUNT_RING_GROUP))]),
        Kind("receptionists", "receptionist", sets("Receptionists"), identity=("number", "Number"),
             refs=[Memberships()], renames={"Timeout": "menu_timeout"}),
        Kind("callflow_apps", "callflow_app", sets("CallFlowApps"), identity=("number", "Number"),
             refs=[Memberships(), TrunkLink("trunk", "Trunk")], hide_texts_option="diff_script"),
        Kind("inbound_rules", "inbound_rule", sets("InboundRules"), identity=("rule_name", "RuleName"),
             refs=[TrunkLink("trunk", "TrunkDN")]),
        Kind("outbound_rules", "outbound_rule", sets("OutboundRules"), identity=("name", "Name"),
             refs=[DepartmentIds("departments", "GroupIds"), OutboundRoutes("routes", "Routes")]),
        Kind("parameters", "parameter", sets("Parameters"), identity=("name", "Name")),
        Kind("office_hours", "office_hours", registry.singleton("OfficeHours"),
             refs=[Holidays("office_holidays", "OfficeHolidays")]),
    ]


_cache = {}


def all_kinds():
    """Every kind, in the order a whole PBX is created (what others refer to comes first)."""
    if "kinds" not in _cache:
        _cache["kinds"] = _kinds()
    return _cache["kinds"]


def kind(name):
    """A kind by its config key (users) or its module name (user)."""
    for candidate in all_kinds():
        if name in (candidate.name, candidate.module):
            return candidate
    raise KeyError(name)
