"""The public page and the help pages (filled in by issue 19)."""

app_name = "public"

urlpatterns: list = []
