"""What ingest tells the apps above it, which it must not import.

import_finished: sent once an import's data has been committed (never for a failed one), with
    batch     the ImportBatch (status done)
    target    the target's name, e.g. "registry"
    villages  frozenset of the village codes named by the loaded rows (`village_code`) and of those
              that updated rows moved away from; empty when the file has no such column (the
              receiver then finds the rows by their batch)
"""

import django.dispatch

import_finished = django.dispatch.Signal()
