"""What graduation tells the apps above it (monitoring), which it must not import.

enrolled_in_bulk: sent inside the transaction of a set-based enrolment (no model signals fire for
    it), with `programme` and `after_id`: the new enrolments of the programme have ids above it.
"""

import django.dispatch

enrolled_in_bulk = django.dispatch.Signal()
