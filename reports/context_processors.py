"""Template context for every page."""

from django.conf import settings
from django.http import HttpRequest

from .alerts import alert_unread_count


def alerts(request: HttpRequest) -> dict[str, int]:
    """The bell's number: open alerts the user sees and has not read. One query; none for anonymous users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"alert_count": alert_unread_count(user=user)}


def demo_mode(request: HttpRequest) -> dict[str, bool]:
    """Whether the portal runs on demo accounts and demo data (演示数据), so every page can say so."""
    return {"demo_mode": bool(getattr(settings, "DEMO_MODE", False))}
