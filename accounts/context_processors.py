from django.apps import apps

from accounts.models import Role


def roles(request):
    """Which parts of the navigation the user may open."""
    user = request.user
    if not user.is_authenticated:
        return {}
    notification = apps.get_model("core", "Notification")
    return {
        "nav_office": user.has_role(Role.OFFICE),
        "nav_liaison": user.has_role(Role.OFFICE, Role.LEADER),
        "nav_unread": notification.objects.inbox_of(user).filter(read_at__isnull=True).count,
    }
