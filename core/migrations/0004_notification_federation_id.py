"""Notification.federation becomes a plain tenant-key column: core refers to no app's model.

The column (federation_id) and its values stay; only the foreign-key constraint goes.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_backuprecord"),
        ("orgs", "0003_name_pinyin"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterField(
                    model_name="notification",
                    name="federation",
                    field=models.ForeignKey(
                        db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+",
                        to="orgs.federation",
                    ),
                ),
            ],
            state_operations=[
                migrations.RemoveField(model_name="notification", name="federation"),
                migrations.AddField(
                    model_name="notification",
                    name="federation_id",
                    field=models.BigIntegerField(db_index=True, default=0),
                    preserve_default=False,
                ),
            ],
        ),
    ]
