"""The one exception a bad file raises: its message names the row and field and is shown as is
(in English as raised, translated by entas.core.messages where it is shown)."""

from django.utils.translation import gettext_noop

from entas.core.messages import Message

NOT_A_KIND = Message(gettext_noop("'%(kind)s' is not a kind of %(target)s file; choose one of %(kinds)s or auto"))
UNKNOWN_KIND = Message(gettext_noop("row 1 (header): cannot tell which kind of file this is (%(kinds)s); give the "
                                    "kind (--kind) or use the column names of docs/data-formats.md"))


class ImportFileError(ValueError):
    pass
