import json

from django import forms
from django.core.exceptions import ValidationError

from clients.models import (
    MAX_CONNECT_TIMEOUT,
    MAX_TOTAL_TIMEOUT,
    MIN_TIMEOUT,
    HttpClient,
    unique_identifier,
)
from clients.validators import (
    SECRET_WORDS,
    auth_errors,
    short_secret_error,
    validate_base_uri,
    validate_extra_headers,
    validate_secret,
)

Prototype = HttpClient.Prototype
AuthKind = HttpClient.AuthKind

# Fields that only the generic prototype shows, because Centra clients send
# a bearer token and nothing else.
GENERIC_FIELDS = ("auth_kind", "auth_name", "extra_headers")
MAX_HEADERS_TEXT = 20_000


def headers_to_text(headers):
    return "\n".join(f"{name}: {value}" for name, value in headers.items())


def parse_headers(text):
    """Parse extra headers from a JSON object or from "Name: value" lines."""
    text = text.strip()
    if not text:
        return {}
    if text.startswith(("{", "[")):
        try:
            headers = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValidationError(
                f"The JSON is not valid: {error.msg} at line {error.lineno}, "
                f"column {error.colno}."
            ) from error
        if isinstance(headers, dict):
            headers = {
                name: str(value) if isinstance(value, int | float) else value
                for name, value in headers.items()
            }
        return headers

    headers = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise ValidationError(
                f"Line {number} is not in the form Name: value, or the text "
                "is not a JSON object."
            )
        name = name.strip()
        if name.lower() in (key.lower() for key in headers):
            raise ValidationError(f"The header {name} appears twice.")
        headers[name] = value.strip()
    return headers


class HeadersField(forms.CharField):
    """Extra headers typed as a JSON object or as one "Name: value" per line."""

    widget = forms.Textarea(attrs={"rows": 3, "class": "code"})

    def __init__(self, **kwargs):
        super().__init__(max_length=MAX_HEADERS_TEXT, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, dict):
            return headers_to_text(value)
        return value

    def clean(self, value):
        text = super().clean(value)
        headers = parse_headers(text)
        validate_extra_headers(headers)
        return headers


class HttpClientForm(forms.Form):
    """The settings of one HTTP client, with fields that depend on the prototype.

    A new client takes its prototype from a hidden field. An existing one
    (`instance`) keeps the prototype it was created with, and so does a copy
    of one (`source`).
    """

    prototype = forms.ChoiceField(
        choices=Prototype.choices,
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": "“%(value)s” is not a known prototype. Pick one again."
        },
    )
    name = forms.CharField(max_length=100)
    identifier = forms.SlugField(
        max_length=100,
        required=False,
        help_text=(
            "Used to refer to this client from commands and exports. "
            "Left empty, it is made from the name."
        ),
    )
    description = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    disabled = forms.BooleanField(
        required=False,
        help_text="Runs refuse a disabled client, but Test connection still works.",
    )
    base_uri = forms.CharField(
        label="Base URI",
        max_length=500,
        validators=[validate_base_uri],
        help_text=(
            "The address every request starts from, for example "
            "https://shop.centra.com/graphql."
        ),
    )
    auth_kind = forms.ChoiceField(
        label="Authentication", choices=AuthKind.choices, required=False
    )
    auth_name = forms.CharField(
        label="User, header or parameter name",
        max_length=200,
        required=False,
        help_text=(
            "The user name for basic authentication, the header name for a "
            "custom header, or the query parameter name."
        ),
    )
    # No max_length, because the browser would cut a longer paste silently
    # at the input's maxlength. validate_secret rejects it with a message.
    secret = forms.CharField(
        label="API token",
        required=False,
        validators=[validate_secret],
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    extra_headers = HeadersField(
        required=False,
        help_text=(
            'One header per line as Name: value, or a JSON object such as {"X-Store":'
            ' "eu"}. Stored and shown in plain text, so put secrets in the '
            "authentication fields."
        ),
    )
    logging = forms.ChoiceField(
        label="Request logging",
        choices=HttpClient.Logging.choices,
        help_text="What runs store about each request and response.",
    )
    connect_timeout = forms.FloatField(
        label="Connect timeout (seconds)",
        min_value=MIN_TIMEOUT,
        max_value=MAX_CONNECT_TIMEOUT,
        widget=forms.NumberInput(attrs={"step": "0.1"}),
        help_text="How long to wait for the connection to open.",
    )
    total_timeout = forms.FloatField(
        label="Total timeout (seconds)",
        min_value=MIN_TIMEOUT,
        max_value=MAX_TOTAL_TIMEOUT,
        widget=forms.NumberInput(attrs={"step": "0.1"}),
        help_text="How long one request may take in all, response body included.",
    )

    def __init__(self, *args, instance=None, source=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.source = source
        if instance is not None or source is not None:
            del self.fields["prototype"]
            self.prototype_value = (instance or source).prototype
        else:
            self.prototype_value = self._posted_prototype()
        if self.prototype_value == Prototype.CENTRA_GRAPHQL:
            for name in GENERIC_FIELDS:
                del self.fields[name]
        self._set_up_secret()

    def _set_up_secret(self):
        secret = self.fields["secret"]
        if self.prototype_value == Prototype.CENTRA_GRAPHQL:
            word = "token"
            secret.help_text = (
                "The access token created in Centra for this integration."
            )
        else:
            word = "secret"
            secret.label = "Secret"
            secret.help_text = (
                "The token, password, header value or parameter value, "
                "depending on the authentication."
            )

        if self.instance is not None and self.instance.has_secret:
            secret.label = f"Replace {word}"
            secret.help_text = f"Leave this empty to keep the stored {word}."
        elif self.source is not None and self.source.has_secret:
            secret.help_text = (
                f"Enter the {word} again, or leave this empty to copy the stored "
                f"{word} of “{self.source.name}”."
            )
        else:
            # With no stored secret to keep, every authentication except None
            # needs one, and the page marks the field as required.
            auth_kind = self._shown_auth_kind()
            secret.required = auth_kind in SECRET_WORDS
            if secret.required:
                secret.error_messages["required"] = (
                    f"Enter the {SECRET_WORDS[auth_kind]}."
                )

    def _shown_auth_kind(self):
        """Return the authentication that the posted or initial values choose."""
        if self.prototype_value == Prototype.CENTRA_GRAPHQL:
            return AuthKind.BEARER
        if self.is_bound:
            return self.data.get(self.add_prefix("auth_kind"), "")
        return self.initial.get("auth_kind", "")

    def _posted_prototype(self):
        if self.is_bound:
            value = self.data.get(self.add_prefix("prototype"))
        else:
            value = self.initial.get("prototype")
        return value if value in Prototype.values else None

    @property
    def secret_dropped(self):
        """True when a typed secret is not sent back because the form failed."""
        typed = self.is_bound and self.data.get(self.add_prefix("secret"))
        return bool(typed) and bool(self.errors) and "secret" not in self.errors

    def clean_identifier(self):
        identifier = self.cleaned_data["identifier"]
        others = HttpClient.objects.exclude(pk=getattr(self.instance, "pk", None))
        if identifier and others.filter(identifier=identifier).exists():
            raise ValidationError(
                f"Another HTTP client already uses the identifier “{identifier}”. "
                "Choose another one."
            )
        return identifier

    def clean(self):
        data = super().clean()
        prototype = self.prototype_value
        if prototype == Prototype.CENTRA_GRAPHQL:
            data["auth_kind"] = AuthKind.BEARER
            data["auth_name"] = ""
            data["extra_headers"] = {}
        elif prototype == Prototype.GENERIC and not data.get("auth_kind"):
            if "auth_kind" not in self.errors:
                self.add_error("auth_kind", "Choose an authentication.")

        auth_kind = data.get("auth_kind")
        if auth_kind == AuthKind.NONE:
            data["auth_name"] = ""
        if auth_kind:
            self._check_auth(data, auth_kind)

        connect, total = data.get("connect_timeout"), data.get("total_timeout")
        if connect and total and connect > total:
            self.add_error(
                "connect_timeout",
                "The connect timeout cannot exceed the total timeout.",
            )

        if data.get("name") and not data.get("identifier"):
            pk = getattr(self.instance, "pk", None)
            data["identifier"] = unique_identifier(data["name"], exclude_pk=pk)
        return data

    @property
    def stored_secret_owner(self):
        """The client whose stored secret an empty secret field keeps or copies."""
        owner = self.instance or self.source
        return owner if owner is not None and owner.has_secret else None

    def _keeps_stored_secret(self, auth_kind):
        # A stored secret is kept only for the same kind of authentication,
        # so a bearer token cannot silently become a basic password.
        owner = self.stored_secret_owner
        return owner is not None and owner.effective_auth_kind == auth_kind

    def _check_auth(self, data, auth_kind):
        secret = data.get("secret", "")
        available = bool(secret) or self._keeps_stored_secret(auth_kind)
        errors = auth_errors(auth_kind, data.get("auth_name", ""), available)
        if "secret" in errors and self.stored_secret_owner is not None:
            errors["secret"] = (
                "The authentication changed, so the stored secret does not "
                "apply. Enter the new secret."
            )
        too_short = short_secret_error(auth_kind, secret)
        if too_short:
            errors["secret"] = too_short
        for name, message in errors.items():
            if name not in self.errors:
                self.add_error(name, message)

    def fill(self, client):
        """Copy the cleaned values into `client` without saving it."""
        data = self.cleaned_data
        client.prototype = self.prototype_value
        for name in (
            "name",
            "identifier",
            "description",
            "disabled",
            "base_uri",
            "auth_kind",
            "auth_name",
            "extra_headers",
            "logging",
            "connect_timeout",
            "total_timeout",
        ):
            setattr(client, name, data[name])
        if data["auth_kind"] == AuthKind.NONE:
            client.secret_encrypted = ""
        elif data["secret"]:
            client.set_secret(data["secret"])
        elif self.source is not None and self._keeps_stored_secret(data["auth_kind"]):
            # The copy gets the same ciphertext, so the token is not decrypted.
            client.secret_encrypted = self.source.secret_encrypted


def initial_for(client):
    """Return the form's initial values for an existing client."""
    return {
        "name": client.name,
        "identifier": client.identifier,
        "description": client.description,
        "disabled": client.disabled,
        "base_uri": client.base_uri,
        "auth_kind": client.auth_kind,
        "auth_name": client.auth_name,
        "extra_headers": client.extra_headers,
        "logging": client.logging,
        "connect_timeout": client.connect_timeout,
        "total_timeout": client.total_timeout,
    }


def initial_for_copy(source):
    """Return the form's initial values for a copy of `source`.

    The copy gets a name and an identifier of its own. The secret field starts
    empty, because the form never shows a stored secret.
    """
    initial = initial_for(source)
    name_length = HttpClient._meta.get_field("name").max_length
    initial["name"] = f"{source.name} (copy)"[:name_length]
    initial["identifier"] = unique_identifier(initial["name"])
    return initial


def initial_for_new(prototype):
    return {
        "prototype": prototype,
        "auth_kind": AuthKind.BEARER,
        "logging": HttpClient.Logging.FULL,
        "connect_timeout": HttpClient._meta.get_field("connect_timeout").get_default(),
        "total_timeout": HttpClient._meta.get_field("total_timeout").get_default(),
    }
