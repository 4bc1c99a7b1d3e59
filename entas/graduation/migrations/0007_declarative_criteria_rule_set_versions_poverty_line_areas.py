"""Criteria become declarative data (measure, operator, threshold, unit, condition), rule sets get
a status (draft, active, retired) instead of an active flag, and poverty lines an area (urban,
rural or both). Existing rows are mapped: each fixed criterion code to its declarative form (the
map of entas.graduation.criteria.LEGACY, copied here so this migration never changes), an active
rule set stays active and the others are retired, a poverty line without an area is the total."""

from decimal import Decimal

from django.conf import settings
from django.db import migrations, models
from django.db.models import F, Q

LEGACY = {
    "income_above_line": ("per_capita_income", ">=", "poverty_line", 1),
    "income_sources": ("income_sources", ">=", "count", 2),
    "business_running": ("business_months", ">=", "months", 6),
    "savings": ("savings", ">=", "rp", 1),
    "cooperative_member": ("cooperative_member", "=", "yes_no", 1),
    "children_in_school": ("children_in_school_share", ">=", "percent", 100),
    "no_food_shortage": ("food_shortage", "=", "yes_no", 0),
}
CONDITIONS = {"has_business": "business_months", "has_school_age_children": "school_age_children"}


def declarative(apps, schema_editor):  # type: ignore[no-untyped-def]
    rule_set = apps.get_model("graduation", "RuleSet")
    rule_set.objects.filter(active=True).update(status="active", activated_at=F("created_at"))
    rule_set.objects.filter(active=False).update(status="retired")
    criterion = apps.get_model("graduation", "Criterion")
    for row in criterion.objects.all():
        field, operator, unit, threshold = LEGACY[row.code]
        if row.old_threshold is not None:
            threshold = row.old_threshold
            unit = "rp" if row.code == "income_above_line" else unit
        row.field, row.operator, row.unit, row.threshold = field, operator, unit, Decimal(threshold)
        if row.applies_when in CONDITIONS:
            row.condition_field, row.condition_operator, row.condition_value = (
                CONDITIONS[row.applies_when], ">", Decimal(0))
        row.position = row.pk
        row.save()


class Migration(migrations.Migration):

    dependencies = [
        ('graduation', '0006_programme_tally'),
        ('regions', '0002_region_urban_flag'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Rule sets: a status and who drafted and activated them.
        migrations.RemoveConstraint(model_name='ruleset', name='graduation_one_active'),
        migrations.AddField(model_name='ruleset', name='status', field=models.CharField(
            choices=[('draft', 'Draft'), ('active', 'Active'), ('retired', 'Retired')], default='draft',
            max_length=8, verbose_name='status')),
        migrations.AddField(model_name='ruleset', name='note', field=models.CharField(
            blank=True, default='', max_length=300, verbose_name='note')),
        migrations.AddField(model_name='ruleset', name='created_by', field=models.ForeignKey(
            blank=True, null=True, on_delete=models.deletion.SET_NULL, related_name='+',
            to=settings.AUTH_USER_MODEL, verbose_name='drafted by')),
        migrations.AddField(model_name='ruleset', name='activated_at', field=models.DateTimeField(
            blank=True, null=True, verbose_name='activated at')),
        migrations.AddField(model_name='ruleset', name='activated_by', field=models.ForeignKey(
            blank=True, null=True, on_delete=models.deletion.SET_NULL, related_name='+',
            to=settings.AUTH_USER_MODEL, verbose_name='activated by')),
        migrations.AddField(model_name='ruleset', name='retired_at', field=models.DateTimeField(
            blank=True, null=True, verbose_name='retired at')),
        # Criteria: the declarative fields next to the old ones, filled, then the old ones go.
        migrations.RenameField(model_name='criterion', old_name='threshold', new_name='old_threshold'),
        migrations.AlterField(model_name='criterion', name='code', field=models.CharField(
            max_length=40, verbose_name='code')),
        migrations.AddField(model_name='criterion', name='position', field=models.PositiveSmallIntegerField(
            default=0, verbose_name='position')),
        migrations.AddField(model_name='criterion', name='label', field=models.CharField(
            blank=True, default='', max_length=200, verbose_name='label')),
        migrations.AddField(model_name='criterion', name='field', field=models.CharField(
            default='', max_length=32, verbose_name='measure'), preserve_default=False),
        migrations.AddField(model_name='criterion', name='operator', field=models.CharField(
            default='>=', max_length=2, verbose_name='comparison'), preserve_default=False),
        migrations.AddField(model_name='criterion', name='threshold', field=models.DecimalField(
            decimal_places=2, default=0, max_digits=17, verbose_name='threshold'), preserve_default=False),
        migrations.AddField(model_name='criterion', name='unit', field=models.CharField(
            default='', max_length=16, verbose_name='unit'), preserve_default=False),
        migrations.AddField(model_name='criterion', name='condition_field', field=models.CharField(
            blank=True, default='', max_length=32, verbose_name='applies when')),
        migrations.AddField(model_name='criterion', name='condition_operator', field=models.CharField(
            blank=True, default='', max_length=2, verbose_name='condition comparison')),
        migrations.AddField(model_name='criterion', name='condition_value', field=models.DecimalField(
            blank=True, decimal_places=2, max_digits=17, null=True, verbose_name='condition value')),
        migrations.RunPython(declarative, migrations.RunPython.noop),
        migrations.RemoveField(model_name='criterion', name='old_threshold'),
        migrations.RemoveField(model_name='criterion', name='applies_when'),
        migrations.RemoveField(model_name='ruleset', name='active'),
        migrations.AddConstraint(model_name='ruleset', constraint=models.UniqueConstraint(
            condition=Q(status='active'), fields=('programme',), name='graduation_one_active')),
        migrations.AlterModelOptions(name='criterion', options={
            'ordering': ['rule_set', 'position', 'id'], 'verbose_name': 'criterion',
            'verbose_name_plural': 'criteria'}),
        migrations.AddConstraint(model_name='criterion', constraint=models.CheckConstraint(
            condition=Q(condition_field='', condition_value__isnull=True)
            | (~Q(condition_field='') & Q(condition_value__isnull=False)),
            name='graduation_criterion_condition_whole')),
        # Poverty lines: per province, area and date.
        migrations.RemoveConstraint(model_name='povertyline', name='graduation_poverty_line_once'),
        migrations.AddField(model_name='povertyline', name='area', field=models.CharField(
            choices=[('urban', 'Urban (perkotaan)'), ('rural', 'Rural (perdesaan)'), ('total', 'Urban and rural')],
            default='total', max_length=5, verbose_name='area')),
        migrations.AlterModelOptions(name='povertyline', options={
            'ordering': ['province', 'area', '-valid_from'], 'verbose_name': 'poverty line',
            'verbose_name_plural': 'poverty lines'}),
        migrations.AddConstraint(model_name='povertyline', constraint=models.UniqueConstraint(
            fields=('province', 'area', 'valid_from'), name='graduation_poverty_line_once')),
    ]
