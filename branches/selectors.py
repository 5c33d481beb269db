from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Length, Replace
from django.utils.translation import gettext as _

from accounts.models import OrgUnit, Role, RoleAssignment, User, normalise_code
from branches.models import (
    MAX_LIAISON_POINTS,
    LiaisonPoint,
    Member,
    Position,
    Responsibility,
    ResponsibilityKind,
)
from core.jobs import JobError


def _secretary_name():
    return Subquery(
        Member.objects.filter(unit=OuterRef("pk"), position=Position.SECRETARY).values("name")[:1]
    )


# The scopes a unit select may search, each named questions of OrgUnit's queryset.
UNIT_SCOPES = {
    "visible": lambda user: OrgUnit.objects.visible_to(user),
    "kept": lambda user: OrgUnit.objects.kept_by(user),
    "writable": lambda user: OrgUnit.objects.writable_by(user),
    "branches": lambda user: OrgUnit.objects.visible_to(user).branches(),
}
SEARCH_PAGE = 20


def unit_search(user, scope: str, text: str) -> list[OrgUnit]:
    """A page of the units of `scope` whose name or code contains `text`, in tree order (one
    more than SEARCH_PAGE, to tell whether there are more)."""
    units = UNIT_SCOPES[scope](user)
    if text:
        units = units.filter(Q(name__icontains=text) | Q(code__icontains=text))
    return list(units.order_by("path")[: SEARCH_PAGE + 1])


def unit_tree(user) -> QuerySet[OrgUnit]:
    """Every unit the user may see, in tree order, with its secretary and member count."""
    return (
        OrgUnit.objects.visible_to(user)
        .annotate(member_count=Count("members"), secretary_name=_secretary_name())
        .order_by("path")
    )


TREE_ROWS = 150
DEPTH = Length("path") - Length(Replace("path", Value("/"), Value(""))) - 2


def tree_page(user, root: OrgUnit | None = None) -> tuple[list[OrgUnit], bool]:
    """The tree the organisation page shows: the units the user may see (under `root` when
    given), whole if there are at most TREE_ROWS, else only its top two levels, each unit of
    the second with `has_children` so that the page drills down to it. True when folded."""
    units = unit_tree(user)
    if root is not None:
        units = units.filter(path__under=root.path)
    if units.count() <= TREE_ROWS:
        return list(units), False
    top = root.depth if root else units.aggregate(top=Min(DEPTH))["top"]
    shown = units.alias(depth=DEPTH).filter(depth__lte=top + 1)
    return list(shown.annotate(has_children=Exists(OrgUnit.objects.filter(parent=OuterRef("pk"))))), True


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
    """Leaders holding their role on the units `user` manages, each with `active_points`, its
    number of active liaison points: those with none or more than allowed first, then by name.

    Their points themselves are fetched only for the leaders shown (`with_current_points`).
    """
    leader_ids = RoleAssignment.objects.filter(role=Role.LEADER).on_units_managed_by(user).values("user_id")
    counted = (
        LiaisonPoint.objects.active()
        .filter(leader=OuterRef("pk"))
        .order_by()
        .values("leader")
        .annotate(n=Count("pk"))
        .values("n")
    )
    flagged = Q(active_points=0) | Q(active_points__gt=MAX_LIAISON_POINTS)
    return (
        User.objects.filter(pk__in=leader_ids)
        .annotate(active_points=Coalesce(Subquery(counted), 0))
        .annotate(flagged=Case(When(flagged, then=Value(0)), default=Value(1)))
        .order_by("flagged", "username")
    )


def with_current_points(leaders: list[User], user) -> list[User]:
    """Each leader's active points as `current_points`, in tree order, in one query; each point's
    `may_end` says whether `user` may end it."""
    writable = LiaisonPoint.objects.writable_by(user).filter(pk=OuterRef("pk"))
    points = (
        LiaisonPoint.objects.active()
        .select_related("branch")
        .annotate(may_end=Exists(writable))
        .order_by("branch__path")
    )
    prefetch_related_objects(leaders, Prefetch("liaison_points", queryset=points, to_attr="current_points"))
    return leaders


def points_of_other_leaders(user) -> QuerySet[LiaisonPoint]:
    """Active points `user` may end whose leader is not among `leaders_in_scope`: a leader's own
    points, or those a leader from above holds in the units `user` manages."""
    leader_ids = RoleAssignment.objects.filter(role=Role.LEADER).on_units_managed_by(user).values("user_id")
    return (
        LiaisonPoint.objects.writable_by(user)
        .active()
        .exclude(leader__in=leader_ids)
        .select_related("leader", "branch")
        .order_by("leader__username", "branch__path")
    )


def top_unit(user, code: str | None) -> OrgUnit:
    """The unit with this code, or the top of the user's scope; JobError outside it."""
    units = OrgUnit.objects.visible_to(user)
    top = (units.filter(code=normalise_code(code)) if code else units).order_by("path").first()
    if top is None:
        raise JobError(_("No unit with code “%(value)s” in your organisation.") % {"value": code or ""})
    return top
