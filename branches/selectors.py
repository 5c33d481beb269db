from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, Role, RoleAssignment, User, normalise_code
from branches.models import LiaisonPoint, Member, Position, Responsibility, ResponsibilityKind
from core.jobs import JobError


def _secretary_name():
    return Subquery(
        Member.objects.filter(unit=OuterRef("pk"), position=Position.SECRETARY).values("name")[:1]
    )


def unit_tree(user) -> QuerySet[OrgUnit]:
    """Every unit the user may see, in tree order, with its secretary and member count."""
    return (
        OrgUnit.objects.visible_to(user)
        .annotate(member_count=Count("members"), secretary_name=_secretary_name())
        .order_by("path")
    )


POSITION_RANK = Case(
    *(When(position=position, then=Value(rank)) for rank, position in enumerate(Position.values)),
    default=Value(len(Position.values)),
)


def unit_members(unit: OrgUnit, user) -> QuerySet[Member]:
    """A unit's own members, its secretary and committee first."""
    return Member.objects.visible_to(user).filter(unit=unit).order_by(POSITION_RANK, "name")


def unit_secretary(unit: OrgUnit) -> Member | None:
    return Member.objects.filter(unit=unit, position=Position.SECRETARY).first()


@dataclass(frozen=True)
class ResponsibleRow:
    kind: ResponsibilityKind
    person: Member | None
    # The unit the assignment was made on, when it is inherited from above.
    inherited_from: OrgUnit | None


def unit_responsibilities(unit: OrgUnit) -> list[ResponsibleRow]:
    """The three responsible persons: set here, or on the nearest unit above.

    The directly responsible person defaults to the unit's own secretary.
    """
    nearest: dict[str, Responsibility] = {}
    for responsibility in (
        Responsibility.objects.filter(unit__path__in=unit.ancestor_paths())
        .select_related("unit", "person")
        .order_by("unit__path")
    ):
        nearest[responsibility.kind] = responsibility
    rows = []
    for kind in ResponsibilityKind:
        found = nearest.get(kind)
        if found is None and kind == ResponsibilityKind.DIRECT:
            rows.append(ResponsibleRow(kind, unit_secretary(unit), None))
        elif found is None:
            rows.append(ResponsibleRow(kind, None, None))
        else:
            inherited = found.unit if found.unit_id != unit.pk else None
            rows.append(ResponsibleRow(kind, found.person, inherited))
    return rows


def liaison_leaders(user) -> QuerySet[User]:
    """Leaders whose liaison points `user` keeps: those of the units it manages, and itself."""
    leader_roles = RoleAssignment.objects.filter(role=Role.LEADER)
    mine = leader_roles.on_units_managed_by(user) | leader_roles.filter(user=user)
    return User.objects.filter(pk__in=mine.values("user_id"))


def leaders_in_scope(user) -> QuerySet[User]:
    """Leaders holding their role on the units `user` manages, with their active liaison points."""
    leader_ids = RoleAssignment.objects.filter(role=Role.LEADER).on_units_managed_by(user).values("user_id")
    active = Q(liaison_points__ended_on__isnull=True)
    return (
        User.objects.filter(pk__in=leader_ids)
        .annotate(active_points=Count("liaison_points", filter=active))
        .prefetch_related(
            Prefetch(
                "liaison_points",
                queryset=LiaisonPoint.objects.active().select_related("branch").order_by("branch__path"),
                to_attr="current_points",
            )
        )
        .order_by("username")
    )


def top_unit(user, code: str | None) -> OrgUnit:
    """The unit with this code, or the top of the user's scope; JobError outside it."""
    units = OrgUnit.objects.visible_to(user)
    top = (units.filter(code=normalise_code(code)) if code else units).order_by("path").first()
    if top is None:
        raise JobError(_("No unit with code “%(value)s” in your organisation.") % {"value": code or ""})
    return top
