# Dates written out as Indonesians write them: "4 Desember 2026" (Django's own `id` locale abbreviates
# the month, "4 Des 2026"); every other format falls back to Django's `id` locale.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H.i"
