"""Who answers for a unit's deadlines, declared to core's reminder engine."""

from __future__ import annotations

from accounts.models import OrgUnit, Role, RoleAssignment
from branches.models import LiaisonPoint
from core.reminders import Responsibles, register_responsibles


def unit_responsibles(unit_ids: set[int]) -> dict[int, Responsibles]:
    """Secretaries of each unit, offices above it, its liaison leaders: four queries in all."""
    loaded = list(OrgUnit.objects.filter(pk__in=unit_ids).order_by().only("pk", "path", "name"))
    units = {unit.pk: Responsibles(path=unit.path, name=unit.name) for unit in loaded}
    for user_id, unit_id in (
        RoleAssignment.objects.filter(role=Role.SECRETARY, org_unit_id__in=unit_ids)
        .order_by()
        .values_list("user_id", "org_unit_id")
    ):
        units[unit_id].secretaries.append(user_id)
    offices: dict[str, list[int]] = {}
    for user_id, path in (
        RoleAssignment.objects.filter(role=Role.OFFICE).order_by().values_list("user_id", "org_unit__path")
    ):
        offices.setdefault(path, []).append(user_id)
    for unit in loaded:  # the offices of the unit's few ancestors, not a test against every office
        above = unit.ancestor_paths()
        units[unit.pk].offices = [user_id for path in above for user_id in offices.get(path, ())]
    for leader_id, unit_id in (
        LiaisonPoint.objects.active()
        .filter(branch_id__in=unit_ids)
        .order_by()
        .values_list("leader_id", "branch_id")
    ):
        units[unit_id].leaders.append(leader_id)
    return units


register_responsibles(unit_responsibles)
