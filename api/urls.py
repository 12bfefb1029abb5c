"""The API's URLs (filled in by issue 19)."""

app_name = "api"

urlpatterns: list = []
