"""Enrolment and everything recorded for an enrolled family move here from `programmes`, keeping
their rows: this migration only tells Django's state that the models are graduation's (their tables
keep the names they have, `programmes_*`, until 0004 renames them) and points the pathway's foreign
keys at them. `programmes/0003` then drops the models from programmes' state; no table is created,
copied or dropped."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('graduation', '0002_initial'),
        ('programmes', '0002_priority_list_level'),
        ('regions', '0001_initial'),
        ('registry', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Enrolment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('enrolled', 'Enrolled'), ('active', 'Active'), ('ready', 'Ready to graduate'), ('graduated', 'Graduated'), ('sustained', 'Sustained'), ('exited', 'Exited')], default='enrolled', max_length=12, verbose_name='status')),
                        ('enrolled_on', models.DateField(verbose_name='enrolled on')),
                        ('cohort', models.CharField(help_text='Quarter of enrolment, YYYY-Qn.', max_length=7, verbose_name='cohort')),
                        ('graduated_on', models.DateField(blank=True, null=True, verbose_name='graduated on')),
                        ('relapses', models.PositiveSmallIntegerField(default=0, verbose_name='relapses')),
                        ('exit_reason', models.CharField(blank=True, choices=[('moved', 'Moved away'), ('died', 'Died'), ('declined', 'Declined to continue'), ('ineligible', 'Found ineligible'), ('other', 'Other')], default='', max_length=12, verbose_name='exit reason')),
                        ('exited_on', models.DateField(blank=True, null=True, verbose_name='exited on')),
                        ('facilitator', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='enrolments', to='programmes.facilitator', verbose_name='facilitator')),
                        ('household', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='enrolments', to='registry.household', verbose_name='household')),
                        ('programme', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='enrolments', to='programmes.programme', verbose_name='programme')),
                        ('village', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='village')),
                    ],
                    options={
                        'verbose_name': 'enrolment',
                        'verbose_name_plural': 'enrolments',
                        'db_table': 'programmes_enrolment',
                        'indexes': [
                            models.Index(fields=['programme', 'village'], name='programmes_enrolment_place'),
                            models.Index(fields=['facilitator', 'status'], name='programmes_enrolment_caseload'),
                        ],
                        'constraints': [
                            models.UniqueConstraint(condition=models.Q(('status__in', ('enrolled', 'active', 'ready', 'graduated'))), fields=('programme', 'household'), name='programmes_one_open_enrolment'),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name='CaseloadAssignment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.CharField(max_length=200, verbose_name='reason')),
                        ('at', models.DateTimeField(verbose_name='when')),
                        ('from_facilitator', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='programmes.facilitator', verbose_name='from')),
                        ('to_facilitator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='programmes.facilitator', verbose_name='to')),
                        ('enrolment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to='graduation.enrolment', verbose_name='enrolment')),
                    ],
                    options={
                        'verbose_name': 'caseload assignment',
                        'verbose_name_plural': 'caseload assignments',
                        'ordering': ['enrolment', 'at', 'id'],
                        'db_table': 'programmes_caseloadassignment',
                    },
                ),
                migrations.CreateModel(
                    name='Visit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(verbose_name='date')),
                        ('notes', models.TextField(blank=True, default='', verbose_name='notes')),
                        ('enrolment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='visits', to='graduation.enrolment', verbose_name='enrolment')),
                        ('facilitator', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='visits', to='programmes.facilitator', verbose_name='facilitator')),
                    ],
                    options={
                        'verbose_name': 'home visit',
                        'verbose_name_plural': 'home visits',
                        'ordering': ['-date', '-id'],
                        'db_table': 'programmes_visit',
                    },
                ),
                migrations.CreateModel(
                    name='Assessment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(verbose_name='date')),
                        ('per_capita_income', models.BigIntegerField(blank=True, null=True, verbose_name='income per person per month (Rp)')),
                        ('income_sources', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='income sources')),
                        ('business_months', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='months the business has run')),
                        ('savings', models.BigIntegerField(blank=True, null=True, verbose_name='savings (Rp)')),
                        ('cooperative_member', models.BooleanField(blank=True, null=True, verbose_name='cooperative member')),
                        ('school_age_children', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='school-age children')),
                        ('children_in_school', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='school-age children in school')),
                        ('food_shortage', models.BooleanField(blank=True, null=True, verbose_name='food shortage in the past year')),
                        ('enrolment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assessments', to='graduation.enrolment', verbose_name='enrolment')),
                        ('visit', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='assessment', to='graduation.visit', verbose_name='visit')),
                    ],
                    options={
                        'verbose_name': 'assessment',
                        'verbose_name_plural': 'assessments',
                        'db_table': 'programmes_assessment',
                        'indexes': [
                            models.Index(fields=['enrolment', '-date', '-id'], name='programmes_assessment_latest'),
                        ],
                        'constraints': [
                            models.CheckConstraint(condition=models.Q(('per_capita_income__gte', 0), ('per_capita_income__isnull', True), _connector='OR'), name='programmes_assessment_income_not_negative'),
                            models.CheckConstraint(condition=models.Q(('savings__gte', 0), ('savings__isnull', True), _connector='OR'), name='programmes_assessment_savings_not_negative'),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name='Loan',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('scheme', models.CharField(choices=[('kur_super_mikro', 'KUR super mikro'), ('kur_mikro', 'KUR mikro'), ('kur_kecil', 'KUR kecil'), ('mekaar', 'PNM Mekaar'), ('ulamm', 'PNM ULaMM'), ('umi', 'UMi'), ('lpdb', 'LPDB'), ('revolving_fund', 'Revolving fund')], max_length=16, verbose_name='scheme')),
                        ('lender', models.CharField(max_length=200, verbose_name='lender')),
                        ('amount', models.BigIntegerField(verbose_name='amount (Rp)')),
                        ('applied_on', models.DateField(verbose_name='applied on')),
                        ('status', models.CharField(choices=[('applied', 'Applied'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('disbursed', 'Disbursed'), ('repaid', 'Repaid'), ('defaulted', 'Defaulted')], default='applied', max_length=10, verbose_name='status')),
                        ('status_on', models.DateField(verbose_name='status since')),
                        ('enrolment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='loans', to='graduation.enrolment', verbose_name='enrolment')),
                    ],
                    options={
                        'verbose_name': 'loan',
                        'verbose_name_plural': 'loans',
                        'db_table': 'programmes_loan',
                        'constraints': [
                            models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='programmes_loan_amount_not_negative'),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name='MarketAccess',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('channel', models.CharField(choices=[('e_catalogue', 'E-catalogue'), ('marketplace', 'Marketplace'), ('exhibition', 'Exhibition'), ('off_taker', 'Off-taker')], max_length=12, verbose_name='channel')),
                        ('date', models.DateField(verbose_name='date')),
                        ('sales_value', models.BigIntegerField(verbose_name='sales value (Rp)')),
                        ('enrolment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='market_access', to='graduation.enrolment', verbose_name='enrolment')),
                    ],
                    options={
                        'verbose_name': 'market access',
                        'verbose_name_plural': 'market access',
                        'db_table': 'programmes_marketaccess',
                        'constraints': [
                            models.CheckConstraint(condition=models.Q(('sales_value__gte', 0)), name='programmes_sales_not_negative'),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name='TrainingSession',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('training', 'Training'), ('mentoring', 'Mentoring')], max_length=10, verbose_name='kind')),
                        ('topic', models.CharField(max_length=200, verbose_name='topic')),
                        ('date', models.DateField(verbose_name='date')),
                        ('attendees', models.ManyToManyField(blank=True, related_name='sessions', to='graduation.enrolment', verbose_name='attendees')),
                        ('programme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sessions', to='programmes.programme', verbose_name='programme')),
                        ('region', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.region', verbose_name='region')),
                    ],
                    options={
                        'verbose_name': 'training session',
                        'verbose_name_plural': 'training sessions',
                        'db_table': 'programmes_trainingsession',
                    },
                ),
                migrations.AlterField(
                    model_name='followup',
                    name='enrolment',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='follow_ups', to='graduation.enrolment', verbose_name='enrolment'),
                ),
                migrations.AlterField(
                    model_name='statuschange',
                    name='enrolment',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='status_changes', to='graduation.enrolment', verbose_name='enrolment'),
                ),
            ],
        ),
    ]
