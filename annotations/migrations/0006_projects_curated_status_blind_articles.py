"""Curated status (the gold layer of annotation projects) and blind articles (visibility restricted while annotating blind)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('annotations', '0005_modified_by_default_creator'),
        ('newsreader', '0002_restrict_revision_deletes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='BlindArticle',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(help_text='Who made it blind, e.g. project:7.', max_length=64, verbose_name='key')),
            ],
            options={
                'verbose_name': 'blind article',
                'verbose_name_plural': 'blind articles',
            },
        ),
        migrations.RemoveConstraint(
            model_name='annotation',
            name='annotation_status_valid',
        ),
        migrations.AlterField(
            model_name='annotation',
            name='status',
            field=models.CharField(choices=[('human', 'human'), ('suggested', 'suggested'), ('accepted', 'accepted'), ('rejected', 'rejected'), ('curated', 'curated')], default='human', max_length=9, verbose_name='status'),
        ),
        migrations.AddConstraint(
            model_name='annotation',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['human', 'suggested', 'accepted', 'rejected', 'curated'])), name='annotation_status_valid'),
        ),
        migrations.AddField(
            model_name='blindarticle',
            name='article',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='blind_rows', to='newsreader.article', verbose_name='article'),
        ),
        migrations.AddField(
            model_name='blindarticle',
            name='readers',
            field=models.ManyToManyField(blank=True, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='readers who see every mark'),
        ),
        migrations.AddConstraint(
            model_name='blindarticle',
            constraint=models.UniqueConstraint(fields=('article', 'key'), name='blind_article_unique_key'),
        ),
    ]
