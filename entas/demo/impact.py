"""The demo's impact analyses: the programme's effect on income, one for the whole country (for
`analis`) and one for Klaten (for `petugas-klaten`), run once, so that their pages open on a result."""

from entas.accounts.models import User
from entas.demo.programme import PROGRAMME
from entas.impact.models import ImpactAnalysis
from entas.impact.services import request_analysis, run_analysis
from entas.programmes.models import Programme

SEED = 2025


def ensure_impact_analyses() -> list[ImpactAnalysis]:
    programme = Programme.objects.filter(name=PROGRAMME).first()
    if programme is None or ImpactAnalysis.objects.filter(programme=programme).exists():
        return []
    done = []
    for username in ("analis", "petugas-klaten"):
        user = User.objects.filter(username=username).first()
        if user is not None:
            analysis = request_analysis(user, programme, "income", seed=SEED, queue=False)
            done.append(run_analysis(analysis.pk))
    return done
