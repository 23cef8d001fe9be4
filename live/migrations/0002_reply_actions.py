from django.db import migrations, models


class Migration(migrations.Migration):
    """Replies are pushed live too: three more event actions."""

    dependencies = [("live", "0001_initial")]

    operations = [
        migrations.RemoveConstraint(model_name="event", name="live_event_action_valid"),
        migrations.AlterField(
            model_name="event",
            name="action",
            field=models.CharField(
                choices=[
                    ("created", "created"),
                    ("updated", "updated"),
                    ("deleted", "deleted"),
                    ("carried_over", "carried over"),
                    ("hidden", "hidden"),
                    ("restored", "restored"),
                    ("reply_created", "reply created"),
                    ("reply_updated", "reply updated"),
                    ("reply_deleted", "reply deleted"),
                ],
                max_length=16,
                verbose_name="action",
            ),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    action__in=[
                        "created", "updated", "deleted", "carried_over", "hidden", "restored",
                        "reply_created", "reply_updated", "reply_deleted",
                    ]
                ),
                name="live_event_action_valid",
            ),
        ),
    ]
