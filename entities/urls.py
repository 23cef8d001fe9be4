"""Entity, speaker and quote pages and their API (mounted at the site root)."""

app_name = "entities"
urlpatterns: list = []
