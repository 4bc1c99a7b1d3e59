from django import forms
from django.utils.translation import gettext_lazy as _

from entas.ingest import targets
from entas.ingest.models import ImportBatch

ALLOWED_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"))
    kind = forms.ChoiceField(label=_("Which file"), initial="auto")
    mode = forms.ChoiceField(label=_("If some rows are bad"), choices=ImportBatch.Mode.choices,
                             initial=ImportBatch.Mode.ALL_OR_NOTHING)
    source = forms.CharField(label=_("Source"), initial="DTSEN", max_length=64)
    extract_date = forms.DateField(
        label=_("Extract date"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The date of the extract; empty means today."),
    )

    def __init__(self, target: targets.Target, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = [(k, _("detect from the header") if k == "auto" else k)  # type: ignore[attr-defined]
                                       for k in target.kinds]

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not str(upload.name).lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(
                _("'%(name)s' is not a CSV or XLSX file."), params={"name": upload.name})
        if upload.size == 0:
            raise forms.ValidationError(_("'%(name)s' is empty."), params={"name": upload.name})
        return upload
