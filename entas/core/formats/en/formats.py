# The same day-month-year order in English ("4 December 2026"), so both languages read alike; every
# other format falls back to Django's `en` locale.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
