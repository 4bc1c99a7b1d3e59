"""Forms of the data-sharing pages. They collect what the administrator typed; the services in
`sharing.clients` decide whether it makes a client, and their refusals land on these fields."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from entas.partnerships.models import DataSharing, Purpose
from entas.sharing import clients, keys, queries
from entas.sharing.models import Client

JWKS_PLACEHOLDER = '{"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "...", "x": "..."}]}'


def _lines(text: str) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


class KeysForm(forms.Form):
    """The client's public keys: a JWKS file, the JWKS pasted, or the address it is published at."""

    jwks_file = forms.FileField(label=_("JWKS file"), required=False,
                                widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}))
    jwks = forms.CharField(label=_("Or paste the JWKS"), required=False, max_length=keys.JWKS_MAX_BYTES,
                           widget=forms.Textarea(attrs={"rows": 4, "class": "code", "placeholder": JWKS_PLACEHOLDER,
                                                        "spellcheck": "false"}))
    jwks_uri = forms.URLField(label=_("Or the JWKS address"), required=False, max_length=200,
                              assume_scheme="https",
                              help_text=_("Entas fetches the keys from it now and again when it meets a new key id."))

    def clean_jwks_file(self) -> str:
        upload = self.cleaned_data.get("jwks_file")
        if not upload:
            return ""
        if upload.size > keys.JWKS_MAX_BYTES:
            raise forms.ValidationError(_("A JWKS file is at most %(max)d kB."), params={
                "max": keys.JWKS_MAX_BYTES // 1024})
        try:
            return str(upload.read().decode("utf-8"))
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not JSON text (UTF-8).")) from None

    def key_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"jwks": (data.get("jwks_file") or data.get("jwks") or "").strip() or None,
                "jwks_uri": (data.get("jwks_uri") or "").strip()}


class ClientForm(KeysForm):
    data_sharing = forms.ModelChoiceField(label=_("Data-sharing agreement (PKS)"),
                                          queryset=DataSharing.objects.none(),
                                          help_text=_("Only agreements whose data sharing is in force today."))
    client_id = forms.CharField(label=_("Client id"), max_length=64,
                                help_text=_("3 to 64 lower-case letters, digits, '.', '_' or '-'; also the "
                                            "sender_id of its messages."))
    name = forms.CharField(label=_("Name"), max_length=200)
    callback_uris = forms.CharField(label=_("Callback addresses"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
                                    help_text=_("One http(s) address per line: where answers to asynchronous "
                                                "searches and notifications are sent."))
    requests_per_minute = forms.IntegerField(label=_("Requests per minute"), min_value=1,
                                             max_value=clients.MAX_REQUESTS_PER_MINUTE, initial=600)
    records_per_day = forms.IntegerField(label=_("Records per day"), min_value=1,
                                         max_value=clients.MAX_RECORDS_PER_DAY, initial=100_000)

    field_order = ["data_sharing", "client_id", "name", "jwks_file", "jwks", "jwks_uri", "callback_uris",
                   "requests_per_minute", "records_per_day"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["data_sharing"].queryset = queries.agreements_in_force()  # type: ignore[attr-defined]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"data_sharing": data["data_sharing"], "client_id": data["client_id"], "name": data["name"],
                "callback_uris": _lines(data["callback_uris"]), "requests_per_minute": data["requests_per_minute"],
                "records_per_day": data["records_per_day"], **self.key_arguments()}


class ClientChangeForm(forms.Form):
    callback_uris = forms.CharField(label=_("Callback addresses"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
                                    help_text=_("One http(s) address per line."))
    requests_per_minute = forms.IntegerField(label=_("Requests per minute"), min_value=1,
                                             max_value=clients.MAX_REQUESTS_PER_MINUTE)
    records_per_day = forms.IntegerField(label=_("Records per day"), min_value=1,
                                         max_value=clients.MAX_RECORDS_PER_DAY)
    active = forms.BooleanField(label=_("Active"), required=False,
                                help_text=_("A stopped client is refused, and its access tokens stop at once."))

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"callback_uris": _lines(data["callback_uris"]), "requests_per_minute": data["requests_per_minute"],
                "records_per_day": data["records_per_day"], "active": data["active"]}

    @classmethod
    def of(cls, client: Client, data: Any = None) -> "ClientChangeForm":
        return cls(data, initial={"callback_uris": "\n".join(client.callback_uris),
                                  "requests_per_minute": client.requests_per_minute,
                                  "records_per_day": client.records_per_day, "active": client.active})


class DisclosureFilterForm(forms.Form):
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none(), required=False,
                                    empty_label=_("all"))
    purpose = forms.ChoiceField(label=_("Purpose"), choices=[("", _("all")), *Purpose.choices], required=False)

    def __init__(self, *args: Any, terms: DataSharing, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = Client.objects.filter(data_sharing=terms).order_by("name")  # type: ignore[attr-defined]
