"""The one file pipeline: read CSV/XLSX in chunks, validate with Polars, stage, check across rows
in SQL, merge set-based into the target tables, write a rejects file. Apps register what they
import (entas.ingest.targets); this app knows nothing about households or enterprises."""
