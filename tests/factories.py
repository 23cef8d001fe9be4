"""factory_boy factories shared by every test module."""

import factory
from django.contrib.auth import get_user_model

from newsreader.models import Source
from newsreader.services.articles import article_save


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    # Hashed at build time (a post-generation set_password would need a second save).
    password = factory.django.Password("pass-word-123")


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"مصدر {n}")
    slug = factory.Sequence(lambda n: f"source-{n}")


def make_article(*, source=None, title="عنوان تجريبي", body="فقرة أولى.\nفقرة ثانية.", **fields):
    """Create an article through the real service (revisions and all)."""
    return article_save(source=source or SourceFactory(), title=title, body=body, **fields).article
