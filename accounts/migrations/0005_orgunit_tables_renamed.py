from django.db import migrations


class Migration(migrations.Migration):
    """The tables take the name of their new app (ADR 0005); foreign keys follow a rename."""

    dependencies = [
        ("accounts", "0004_orgunit_joins_the_bottom_layer"),
        ("branches", "0003_orgunit_leaves_for_accounts"),
    ]

    operations = [
        migrations.AlterModelTable(name="orgunit", table=None),
        migrations.AlterModelTable(name="historicalorgunit", table=None),
    ]
