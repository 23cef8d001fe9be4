import time, cProfile, pstats
from tests.annotations.api.test_annotations import _bulk_rows
from tests.annotations.conftest import seed_parts
from newsreader.document import compose
from newsreader.services.articles import article_revise

def test_carry_perf(user, seed_article):
    _bulk_rows(seed_article, user, 1000)
    parts = seed_parts(); parts.pop("published_on")
    parts["body"] = ["فقرة جديدة."] + [p.replace("ّ", "") for p in parts["body"]]
    pr = cProfile.Profile(); pr.enable()
    article_revise(article=seed_article, document=compose(**parts))
    pr.disable(); pstats.Stats(pr).sort_stats('cumulative').print_stats(25)
