import cProfile, pstats, time
from tests.annotations.api.test_annotations import _bulk_rows
def test_prof(user, seed_article):
    _bulk_rows(seed_article, user, 1000)
    from rest_framework.authtoken.models import Token
    from django.test import Client
    token = Token.objects.create(user=user)
    c = Client()
    url = f"/api/articles/{seed_article.pk}/annotations/?page=2&page_size=100"
    for _ in range(20): c.get(url, HTTP_AUTHORIZATION=f"Token {token.key}")
    t=time.perf_counter()
    for _ in range(100): r = c.get(url, HTTP_AUTHORIZATION=f"Token {token.key}")
    print("ms/request", (time.perf_counter()-t)*10, r.status_code)
    pr=cProfile.Profile(); pr.enable()
    for _ in range(100): c.get(url, HTTP_AUTHORIZATION=f"Token {token.key}")
    pr.disable(); pstats.Stats(pr).sort_stats('cumulative').print_stats(60)
