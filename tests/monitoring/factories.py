"""Indicators, periods and targets made through the services."""

from entas.monitoring import services
from entas.monitoring.models import Indicator

EXTREME_POOR = "extreme_poor_households"


def indicator(code: str = "kk-ekstrem", computation: str = EXTREME_POOR, unit: str = "KK") -> Indicator:
    return services.create_indicator(None, code=code, name_id="Keluarga miskin ekstrem",
                                     name_en="Extreme-poor households", unit=unit, computation=computation)
