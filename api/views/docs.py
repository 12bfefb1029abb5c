"""The API's description: the OpenAPI 3 schema (/api/schema/, for programs: token or session) and its documentation
page (/api/docs/, a page of the portal: Swagger UI from the sidecar's static files, no CDN). The page loads its
start-up script from its own address (?script), so the portal's Content-Security-Policy (scripts from this site's
files only, nothing inline) holds on it as on every page."""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from ..permissions import OpensLikeThePages


class SchemaView(SpectacularAPIView):
    permission_classes = [OpensLikeThePages]


class DocsView(SpectacularSwaggerSplitView):
    """A portal page (the sign-in page first for anyone signed out); Try it out uses the session, with its CSRF token."""

    permission_classes = [OpensLikeThePages]
    url_name = "api:schema"
    template_name = "api/docs.html"

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        view.login_required = True  # DRF exempts its views from LoginRequiredMiddleware; this one is a page
        return view
