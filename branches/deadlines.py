"""Who answers for a unit's deadlines, declared to core's reminder engine."""

from __future__ import annotations

from accounts.models import Role, RoleAssignment
from branches.models import LiaisonPoint, OrgUnit
from core.reminders import Responsibles, register_responsibles


def unit_responsibles(unit_ids: set[int]) -> dict[int, Responsibles]:
    """Secretaries of each unit, offices above it, its liaison leaders: four queries in all."""
    units = {
        unit.pk: Responsibles(path=unit.path, name=unit.name)
        for unit in OrgUnit.objects.filter(pk__in=unit_ids).only("pk", "path", "name")
    }
    for user_id, unit_id in RoleAssignment.objects.filter(
        role=Role.SECRETARY, org_unit_id__in=unit_ids
    ).values_list("user_id", "org_unit_id"):
        units[unit_id].secretaries.append(user_id)
    offices = list(RoleAssignment.objects.filter(role=Role.OFFICE).values_list("user_id", "org_unit__path"))
    for who in units.values():
        who.offices = [user_id for user_id, path in offices if who.path.startswith(path)]
    for leader_id, unit_id in (
        LiaisonPoint.objects.active().filter(branch_id__in=unit_ids).values_list("leader_id", "branch_id")
    ):
        units[unit_id].leaders.append(leader_id)
    return units


register_responsibles(unit_responsibles)
