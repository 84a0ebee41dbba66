from django import forms
from django.contrib import admin

from clients.models import HttpClient
from clients.validators import auth_errors, short_secret_error, validate_secret


class HttpClientAdminForm(forms.ModelForm):
    """The admin form: the stored secret is never shown, only replaced."""

    replace_secret = forms.CharField(
        label="Replace token or secret",
        required=False,
        strip=True,
        validators=[validate_secret],
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Leave this empty to keep the stored secret.",
    )

    class Meta:
        model = HttpClient
        fields = [
            "name",
            "identifier",
            "description",
            "disabled",
            "prototype",
            "base_uri",
            "auth_kind",
            "auth_name",
            "extra_headers",
            "logging",
            "connect_timeout",
            "total_timeout",
        ]

    def clean(self):
        data = super().clean()
        connect, total = data.get("connect_timeout"), data.get("total_timeout")
        if connect and total and connect > total:
            self.add_error(
                "connect_timeout",
                "The connect timeout cannot exceed the total timeout.",
            )

        auth_kind = data.get("auth_kind")
        if data.get("prototype") == HttpClient.Prototype.CENTRA_GRAPHQL:
            auth_kind = HttpClient.AuthKind.BEARER
        if auth_kind and "replace_secret" not in self.errors:
            self._check_auth(data, auth_kind)
        return data

    def _check_auth(self, data, auth_kind):
        # clean() runs before the form's values are copied into the instance,
        # so the instance still shows the saved authentication here. A stored
        # secret is kept only for the same kind of authentication.
        instance = self.instance
        keeps_stored = instance.has_secret and instance.effective_auth_kind == auth_kind
        secret = data.get("replace_secret", "")
        available = bool(secret) or keeps_stored
        errors = auth_errors(auth_kind, data.get("auth_name", ""), available)
        too_short = short_secret_error(auth_kind, secret)
        if too_short:
            errors["secret"] = too_short
        if "secret" in errors:
            self.add_error("replace_secret", errors.pop("secret"))
        for name, message in errors.items():
            self.add_error(name, message)


@admin.register(HttpClient)
class HttpClientAdmin(admin.ModelAdmin):
    form = HttpClientAdminForm
    list_display = [
        "name",
        "identifier",
        "prototype",
        "base_uri",
        "disabled",
        "secret_state",
        "updated",
    ]
    list_filter = ["prototype", "disabled"]
    search_fields = ["name", "identifier", "description", "base_uri"]
    readonly_fields = ["code", "secret_state", "created", "updated"]
    fieldsets = [
        (None, {"fields": ["name", "identifier", "description", "disabled", "code"]}),
        (
            "Connection",
            {
                "fields": [
                    "prototype",
                    "base_uri",
                    "auth_kind",
                    "auth_name",
                    "secret_state",
                    "replace_secret",
                    "extra_headers",
                ]
            },
        ),
        (
            "Logging and timeouts",
            {"fields": ["logging", "connect_timeout", "total_timeout"]},
        ),
        (None, {"fields": ["created", "updated"]}),
    ]

    @admin.display(description="Secret")
    def secret_state(self, obj):
        return "A secret is stored" if obj.has_secret else "No secret"

    def save_model(self, request, obj, form, change):
        if obj.effective_auth_kind == HttpClient.AuthKind.NONE:
            obj.secret_encrypted = ""
        elif form.cleaned_data.get("replace_secret"):
            obj.set_secret(form.cleaned_data["replace_secret"])
        super().save_model(request, obj, form, change)
