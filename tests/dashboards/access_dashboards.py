"""Dashboard URLs for the access matrix (tests/test_access_matrix.py).

Objects, built by `target()`:
- `home`: every account lands on its own home page;
- `overview` of 柳山镇 (LS): the township's readers (office, leaders, inspectors); a branch's
  secretary, a member and twohat (office of another township) never see it (404);
- `scorecard` of 柳山村第一党支部 (LS0101): its secretary (and twohat, its secretary too), its
  liaison leader, the township's readers; secretary2's branch and a member do not (404);
- `overview_export` of 柳山镇 for this half-year: a job for whoever reads the township.
"""

from __future__ import annotations

from django.utils import timezone

from core.models import Job
from core.periods import Period

LOGIN = 302
EXPECTED = {
    # ROLES: anonymous office leader leader2 secretary secretary2 inspector member twohat admin
    "dashboards:home": ("get", [LOGIN, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
    "dashboards:overview": ("get", [LOGIN, 200, 200, 200, 404, 404, 200, 404, 404, 200]),
    "dashboards:scorecard": ("get", [LOGIN, 200, 200, 200, 200, 404, 200, 404, 200, 200]),
    "dashboards:overview_export": ("post", [LOGIN, 302, 302, 302, 404, 404, 302, 404, 404, 302]),
}


def target(name: str, personas, units):
    from tests.test_access_matrix import Target

    if name == "dashboards:home":
        return Target()
    if name == "dashboards:overview":
        return Target(data={"unit": units["LS"].pk})
    if name == "dashboards:scorecard":
        return Target({"pk": units["LS0101"].pk})
    period = Period.containing(timezone.localdate()).code
    done = lambda: Job.objects.filter(kind="export", params__export="overview").exists()  # noqa: E731
    return Target(data={"unit": units["LS"].pk, "period": period}, done=done)
