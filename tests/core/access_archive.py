"""Archive (回档) URLs for the access matrix (tests/test_access_matrix.py).

`archive`: the archive of 柳山村第一党支部 (LS0101) for this half-year, started by its office
or its secretary (twohat is its secretary too); its readers who keep nothing there are
refused (403), those who do not see the branch are answered 404.
"""

from __future__ import annotations

from django.utils import timezone

from core.models import Job
from core.periods import Period

LOGIN = 302
EXPECTED = {
    # ROLES: anonymous office leader leader2 secretary secretary2 inspector member twohat admin
    "core:archive": ("post", [LOGIN, 302, 403, 403, 302, 404, 403, 404, 302, 302]),
}


def target(name: str, personas, units):
    from tests.test_access_matrix import Target

    before = Job.objects.filter(kind="archive").count()
    return Target(
        {"pk": units["LS0101"].pk},
        data={"period": Period.containing(timezone.localdate()).code},
        done=lambda: Job.objects.filter(kind="archive").count() > before,
    )
