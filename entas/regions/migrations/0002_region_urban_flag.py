from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('regions', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='region',
            name='urban',
            field=models.BooleanField(db_default=False, default=False, verbose_name='urban'),
        ),
    ]
