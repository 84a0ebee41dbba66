"""Pages under System → Environment variables: list, add, edit, delete.

Values are always stored encrypted. A secret value is never sent back to the
page: the list shows a mask and the edit form keeps the stored value when its
field is left blank.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from clients.crypto import SecretUnreadable
from clients.http import MASK
from connections.models import (
    EnvironmentVariable,
    IncomingConfiguration,
    OutgoingConfiguration,
)
from connections.placeholders import ENV_NAME_RE, PlaceholderError, environment_names

MAX_VALUE_LENGTH = 10_000


class EnvironmentVariableForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text=(
            "Capital letters, digits and _, starting with a letter. Use it as "
            "${NAME} in variables, input transformers and request URIs."
        ),
    )
    value = forms.CharField(
        required=False,
        max_length=MAX_VALUE_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "code"}),
    )
    secret = forms.BooleanField(
        required=False,
        help_text=(
            "Mask the value here and in request logs. A secret value is never "
            "shown again after saving."
        ),
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, variable=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.variable = variable
        if variable is not None and variable.secret:
            self.fields[
                "value"
            ].help_text = (
                "A secret value is stored and not shown. Leave this blank to keep it."
            )
            self.fields["value"].widget = forms.PasswordInput(
                render_value=False, attrs={"autocomplete": "new-password"}
            )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        # Accept the placeholder form that users copy from a configuration.
        if name.startswith("${") and name.endswith("}"):
            name = name[2:-1].strip()
        if not ENV_NAME_RE.fullmatch(name):
            suggestion = "".join(
                char if char.isalnum() else "_" for char in name.upper()
            ).strip("_")
            hint = f" such as {suggestion}" if ENV_NAME_RE.fullmatch(suggestion) else ""
            raise ValidationError(
                f"“{name}” is not a valid name: use capital letters, digits and _, "
                f"starting with a letter{hint}."
            )
        same_name = EnvironmentVariable.objects.filter(name=name)
        if self.variable is not None:
            same_name = same_name.exclude(pk=self.variable.pk)
        if same_name.exists():
            raise ValidationError(f"An environment variable named {name} exists.")
        return name

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("value", "")
        keeps_secret = self.variable is not None and self.variable.secret
        if keeps_secret and value == "" and not cleaned.get("secret"):
            self.add_error(
                "value",
                "Enter the value again to make it visible: a secret value is "
                "never shown.",
            )
        if "\x00" in value:
            self.add_error("value", "The value must not contain NUL characters.")
        return cleaned

    def fill(self, variable):
        """Copy the cleaned data into `variable`; a blank value keeps a stored
        secret."""
        data = self.cleaned_data
        keep_stored = (
            variable.pk is not None and variable.secret and data["value"] == ""
        )
        variable.name = data["name"]
        variable.description = data["description"]
        if not keep_stored:
            variable.set_value(data["value"])
        variable.secret = data["secret"]


def _configurations_using(name):
    """Return the incoming and outgoing configurations that use ${name}."""
    using = []
    for model in (IncomingConfiguration, OutgoingConfiguration):
        for configuration in model.objects.all():
            templates = [configuration.variables, configuration.request_uri]
            if model is IncomingConfiguration:
                templates.append(configuration.input_transformer)
            try:
                names = set().union(*(environment_names(t) for t in templates))
            except PlaceholderError:
                continue
            if name in names:
                using.append(configuration)
    return using


def _shown_value(variable):
    if variable.secret:
        return MASK
    try:
        return variable.get_value()
    except SecretUnreadable:
        return None


def envvar_list(request):
    variables = list(EnvironmentVariable.objects.all())
    rows = [(variable, _shown_value(variable)) for variable in variables]
    ctx = {"page": "envvars", "rows": rows}
    return render(request, "connections/envvar_list.html", ctx)


def _save(request, form, variable):
    created = variable.pk is None
    old_name = variable.name
    form.fill(variable)
    try:
        with transaction.atomic():
            variable.save()
    except IntegrityError:
        form.add_error(
            "name",
            "Another environment variable took this name while you were editing.",
        )
        return None

    verb = "created" if created else "saved"
    messages.success(
        request, f"Environment variable {variable.placeholder} was {verb}."
    )
    if not created and old_name != variable.name:
        users = _configurations_using(old_name)
        if users:
            messages.warning(
                request,
                f"{len(users)} configuration(s) still use ${{{old_name}}}, and their "
                "runs fail until they use the new name.",
            )
    return redirect("envvar_list")


def _render_form(request, form, variable=None):
    ctx = {
        "page": "envvars",
        "form": form,
        "variable": variable,
        "used_by": _configurations_using(variable.name) if variable else [],
    }
    return render(request, "connections/envvar_form.html", ctx)


@require_http_methods(["GET", "POST"])
def envvar_add(request):
    if request.method == "POST":
        form = EnvironmentVariableForm(request.POST)
        if form.is_valid():
            response = _save(request, form, EnvironmentVariable())
            if response:
                return response
    else:
        form = EnvironmentVariableForm()
    return _render_form(request, form)


@require_http_methods(["GET", "POST"])
def envvar_edit(request, code):
    variable = get_object_or_404(EnvironmentVariable, code=code)
    if request.method == "POST":
        form = EnvironmentVariableForm(request.POST, variable=variable)
        if form.is_valid():
            response = _save(request, form, variable)
            if response:
                return response
    else:
        initial = {
            "name": variable.name,
            "secret": variable.secret,
            "description": variable.description,
        }
        if not variable.secret:
            initial["value"] = _shown_value(variable) or ""
        form = EnvironmentVariableForm(initial=initial, variable=variable)
    return _render_form(request, form, variable)


@require_http_methods(["GET", "POST"])
def envvar_delete(request, code):
    variable = get_object_or_404(EnvironmentVariable, code=code)
    if request.method == "POST":
        variable.delete()
        messages.success(
            request, f"Environment variable {variable.placeholder} was deleted."
        )
        return redirect("envvar_list")

    ctx = {
        "page": "envvars",
        "variable": variable,
        "used_by": _configurations_using(variable.name),
    }
    return render(request, "connections/envvar_delete.html", ctx)
