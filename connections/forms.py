"""Forms for incoming and outgoing configurations and for starting runs.

The Django admin uses the same configuration forms, so a configuration saved
there passes the same GraphQL and JSON checks as one saved in the dashboard.
"""

import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import slugify

from clients.models import HttpClient
from connections import validation
from connections.models import (
    IncomingConfiguration,
    Method,
    OutgoingConfiguration,
    Run,
)
from connections.runs import needing_entities, non_object_entity_error

MAX_QUERY_CHARS = 50_000
MAX_JSON_CHARS = 100_000
MAX_ENTITIES_CHARS = 2_000_000
MAX_ATTEMPTS = 10
MAX_PAGES = 10_000
# Dot-separated keys, where "*" stands for every item of a list.
PATH_PATTERN = re.compile(r"^[^.\s]+(\.[^.\s]+)*$")


class JSONObjectField(forms.CharField):
    """A textarea for a JSON object, cleaned to a dict."""

    def __init__(self, *, example='{"first": 50}', max_chars=MAX_JSON_CHARS, **kwargs):
        self.example = example
        self.max_chars = max_chars
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", code_textarea(rows=4))
        super().__init__(strip=False, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, dict | list):
            return json.dumps(value, indent=2, ensure_ascii=False) if value else ""
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if len(text) > self.max_chars:
            raise ValidationError(
                f"The text is {len(text):,} characters long, but the maximum is "
                f"{self.max_chars:,}."
            )
        return validation.parse_json_object(text, example=self.example)

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (initial or {})
        except ValidationError:
            return True


def code_textarea(rows):
    return forms.Textarea(
        attrs={"rows": rows, "class": "code", "spellcheck": "false", "wrap": "off"}
    )


class CodeChoiceField(forms.ModelChoiceField):
    """A choice of a row by its UUID `code`, where any bad value is reported
    as an invalid choice instead of as a malformed UUID."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as error:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from error


class ClientChoiceField(CodeChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} (disabled)" if obj.disabled else obj.name


def check_path(value, example):
    if value and not PATH_PATTERN.match(value):
        raise ValidationError(
            f"Use keys separated by dots, with * for every item of a list, "
            f"for example {example}."
        )
    return value


def _without_placeholder_problems(value):
    """Return `value`, a JSON value, or raise its placeholder syntax errors."""
    problems = validation.placeholder_problems(value)
    if problems:
        raise ValidationError(problems)
    return value


class ConfigurationForm(forms.ModelForm):
    """Fields and checks that incoming and outgoing configurations share."""

    client = ClientChoiceField(
        queryset=HttpClient.objects.none(),
        to_field_name="code",
        label="HTTP client",
        empty_label="Choose an HTTP client",
        error_messages={
            "invalid_choice": "That HTTP client does not exist or is disabled. "
            "Choose one from the list."
        },
    )
    query = forms.CharField(
        label="GraphQL query",
        max_length=MAX_QUERY_CHARS,
        strip=False,
        widget=code_textarea(rows=12),
    )
    variables = JSONObjectField(
        help_text='A JSON object, for example {"first": 50}. Leave empty for none.'
    )
    # The `updated` time of the configuration when the form was opened, so a
    # save over a newer change by someone else is caught.
    updated_seen = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        fields = [
            "name",
            "identifier",
            "description",
            "disabled",
            "request_uri",
            "method",
            "query",
            "variables",
            "operation_name",
            "max_attempts",
            "client",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings = []
        self.document = None

        current = self.instance.client_id if self.instance.pk else None
        self.fields["client"].queryset = HttpClient.objects.filter(
            Q(disabled=False) | Q(pk=current)
        )
        self.fields["identifier"].required = False
        self.fields["identifier"].help_text = (
            "Filled from the name when left empty. Letters, digits, hyphens and "
            "underscores."
        )
        self.fields["request_uri"].help_text = (
            "Appended to the client's base URI. Centra's Integration API "
            "endpoint is /graphql."
        )
        self.fields["max_attempts"].min_value = 1
        self.fields["max_attempts"].max_value = MAX_ATTEMPTS
        self.fields["max_attempts"].widget.attrs.update(min=1, max=MAX_ATTEMPTS)
        if self.instance.pk:
            self.initial["updated_seen"] = self.instance.updated.isoformat()
            # model_to_dict gives the client's pk, but the choices are codes.
            self.initial["client"] = self.instance.client

        # Show the whole query without scrolling, up to a limit.
        query_lines = str(self["query"].value() or "").count("\n") + 2
        self.fields["query"].widget.attrs["rows"] = min(max(query_lines, 12), 40)

    def clean_max_attempts(self):
        value = self.cleaned_data["max_attempts"]
        if value is not None and not 1 <= value <= MAX_ATTEMPTS:
            raise ValidationError(f"Enter a number from 1 to {MAX_ATTEMPTS}.")
        return value

    def clean_request_uri(self):
        value = self.cleaned_data["request_uri"].strip()
        if "://" in value or value.startswith("//"):
            raise ValidationError(
                "Enter a path such as /graphql. The host comes from the HTTP "
                "client's base URI."
            )
        if any(char.isspace() for char in value):
            raise ValidationError("The request URI must not contain spaces.")
        if "#" in value:
            raise ValidationError(
                "The request URI must not contain a #fragment, because a "
                "fragment is never sent to the server. Remove it."
            )
        if validation.has_dot_segments(value):
            raise ValidationError(
                "The request URI must not contain . or .. path segments, which "
                "would leave the path of the client's base URI. Enter the path "
                "under the base URI, such as /graphql."
            )
        return value

    def clean_query(self):
        query = self.cleaned_data["query"]
        self.document = validation.parse_graphql(query)
        return query

    def clean_variables(self):
        return _without_placeholder_problems(self.cleaned_data["variables"])

    def clean(self):
        cleaned = super().clean()
        self._fill_identifier(cleaned)
        self._check_not_stale()
        if self.document is not None:
            self._check_request(cleaned)
        if cleaned.get("method") == Method.GET:
            self.warnings.append(
                "Centra's GraphQL API accepts POST requests only; GET is for "
                "other GraphQL servers."
            )
        return cleaned

    def _fill_identifier(self, cleaned):
        if cleaned.get("identifier") or not cleaned.get("name"):
            return
        base = slugify(cleaned["name"])[:90] or self._meta.model._meta.model_name
        others = self._meta.model.objects.exclude(pk=self.instance.pk)
        identifier, number = base, 1
        while others.filter(identifier=identifier).exists():
            number += 1
            identifier = f"{base}-{number}"
        cleaned["identifier"] = identifier

    def _check_not_stale(self):
        seen = self.cleaned_data.get("updated_seen")
        if not self.instance.pk or not seen:
            return
        current = (
            type(self.instance)
            .objects.filter(pk=self.instance.pk)
            .values_list("updated", flat=True)
            .first()
        )
        if current is None or current.isoformat() == seen:
            return

        # Let a second save go through on purpose: the hidden field now contains
        # the newer time.
        self.data = self.data.copy()
        self.data[self.add_prefix("updated_seen")] = current.isoformat()
        self.add_error(
            None,
            "Someone else saved this configuration after you opened it. Save "
            "again to replace their changes with yours, or reload the page to "
            "see them.",
        )

    def given_variables(self, cleaned):
        """Return the variable values by field, and the variables a run fills."""
        return {"variables": cleaned.get("variables") or {}}, {}

    def _check_request(self, cleaned):
        try:
            operation = validation.select_operation(
                self.document, cleaned.get("operation_name", "")
            )
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                self.add_error(field_name, messages)
            return

        self._warn_about_operation_type(operation.operation.value)
        values, names = self.given_variables(cleaned)
        report = validation.compare_variables(self.document, operation, values, names)
        for field_name, messages in report.errors.items():
            # A field that failed its own check has its error already, and
            # its value is missing from `cleaned`.
            if field_name in self.fields and field_name not in self.errors:
                self.add_error(field_name, messages)
        self.warnings.extend(report.warnings)

    def _warn_about_operation_type(self, operation_type):
        pass


class IncomingForm(ConfigurationForm):
    input_transformer = JSONObjectField(
        example='{"since": "${LAST_RUN}"}',
        help_text=(
            "A JSON object merged into the variables before each request. Values "
            "may use environment placeholders such as ${NAME}."
        ),
    )

    class Meta(ConfigurationForm.Meta):
        model = IncomingConfiguration
        fields = [
            *ConfigurationForm.Meta.fields,
            "subscriber",
            "entities_path",
            "input_transformer",
            "accept_partial_data",
            "pagination",
            "has_next_path",
            "end_cursor_path",
            "cursor_variable",
            "page_variable",
            "page_size",
            "max_pages",
        ]
        labels = {
            "has_next_path": "Has-next path",
            "end_cursor_path": "End-cursor path",
        }
        help_texts = {
            "has_next_path": "Where the response says whether another page "
            "exists, for example data.orderConnection.pageInfo.hasNextPage",
            "end_cursor_path": "Where the cursor of the last entity is, for "
            "example data.orderConnection.pageInfo.endCursor",
            "cursor_variable": "The variable that receives the end cursor, "
            "for example after",
            "page_variable": "The variable that receives the page number "
            "(1, 2, 3, …), for example page",
            "page_size": "Entities per page. With page pagination, a page with "
            "fewer entities is the last one.",
            "max_pages": "The run stops after this many pages.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["max_pages"].widget.attrs.update(min=1, max=MAX_PAGES)
        self.fields["page_size"].widget.attrs.update(min=1)

    PAGINATION_FIELDS = (
        "pagination",
        "has_next_path",
        "end_cursor_path",
        "cursor_variable",
        "page_variable",
        "page_size",
        "max_pages",
    )

    @property
    def pagination_open(self):
        """Whether the collapsible pagination section starts expanded."""
        if any(name in self.errors for name in self.PAGINATION_FIELDS):
            return True
        return self["pagination"].value() not in (None, "", "none")

    def clean_entities_path(self):
        return check_path(
            self.cleaned_data["entities_path"].strip(),
            "data.orderConnection.edges.*.node",
        )

    def clean_has_next_path(self):
        return check_path(
            self.cleaned_data["has_next_path"].strip(),
            "data.orderConnection.pageInfo.hasNextPage",
        )

    def clean_end_cursor_path(self):
        return check_path(
            self.cleaned_data["end_cursor_path"].strip(),
            "data.orderConnection.pageInfo.endCursor",
        )

    def clean_input_transformer(self):
        return _without_placeholder_problems(self.cleaned_data["input_transformer"])

    def clean_max_pages(self):
        value = self.cleaned_data["max_pages"]
        if value is not None and not 1 <= value <= MAX_PAGES:
            raise ValidationError(f"Enter a number from 1 to {MAX_PAGES:,}.")
        return value

    def clean_page_size(self):
        value = self.cleaned_data["page_size"]
        if value is not None and value < 1:
            raise ValidationError("Enter a number of at least 1, or leave it empty.")
        return value

    def clean(self):
        cleaned = super().clean()
        pagination = cleaned.get("pagination")
        if pagination == IncomingConfiguration.Pagination.CURSOR:
            required = ["has_next_path", "end_cursor_path", "cursor_variable"]
        elif pagination == IncomingConfiguration.Pagination.PAGE:
            required = ["page_variable"]
        else:
            required = []
        for field_name in required:
            if field_name in cleaned and not cleaned[field_name]:
                self.add_error(field_name, "Required for this kind of pagination.")
        return cleaned

    def given_variables(self, cleaned):
        values = {
            "variables": cleaned.get("variables") or {},
            "input_transformer": cleaned.get("input_transformer") or {},
        }
        names = {}
        pagination = cleaned.get("pagination")
        if pagination == IncomingConfiguration.Pagination.CURSOR:
            if cleaned.get("cursor_variable"):
                names["cursor_variable"] = cleaned["cursor_variable"]
        elif pagination == IncomingConfiguration.Pagination.PAGE:
            if cleaned.get("page_variable"):
                names["page_variable"] = cleaned["page_variable"]
        return values, names

    def _warn_about_operation_type(self, operation_type):
        if operation_type == "mutation":
            self.warnings.append(
                "The query is a mutation, so every run of this incoming "
                "configuration changes data in Centra."
            )


class OutgoingForm(ConfigurationForm):
    variables = JSONObjectField(
        example='{"number": "&{number}"}',
        help_text=(
            "A JSON object. &{path} takes a value from each entity, for example "
            '{"number": "&{number}"}. Centra checks the type of each value '
            "against the mutation's variables and rejects a request with a "
            "wrong one, which fails that entity."
        ),
    )

    class Meta(ConfigurationForm.Meta):
        model = OutgoingConfiguration
        fields = [*ConfigurationForm.Meta.fields, "publisher", "safe_to_repeat"]
        labels = {"query": "GraphQL mutation"}

    def _warn_about_operation_type(self, operation_type):
        if operation_type != "mutation":
            self.warnings.append(
                f"The request is a {operation_type}, not a mutation, so it "
                "changes nothing in Centra."
            )


class RunChoiceField(CodeChoiceField):
    def label_from_instance(self, obj):
        entities = "entity" if obj.entity_count == 1 else "entities"
        created = obj.created.strftime("%Y-%m-%d %H:%M")
        return (
            f"{obj.configuration_name} #{obj.pk} · {obj.entity_count} {entities} · "
            f"{created} · {obj.get_status_display()}"
        )


class OutgoingRunForm(forms.Form):
    """Entities for an outgoing run: typed as JSON or taken from an incoming run.

    `configurations` are the outgoing configurations that the run or runs
    publish with, which decide whether entities are required and what they
    may be.
    """

    RECENT_RUNS = 50

    entities = forms.CharField(
        required=False,
        strip=False,
        widget=code_textarea(rows=10),
        help_text='A JSON list of entity objects, for example [{"number": 3957}]. '
        "A single JSON object counts as a list of one.",
    )
    source_run = RunChoiceField(
        queryset=Run.objects.none(),
        to_field_name="code",
        required=False,
        label="Or the entities of an incoming run",
        empty_label="None: use the entities typed above",
        error_messages={
            "invalid_choice": "That run does not exist, or it found no entities. "
            "Choose one from the list."
        },
    )

    def __init__(self, *args, preselected=None, configurations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.configurations = list(configurations)
        runs = Run.objects.filter(
            kind=Run.Kind.INCOMING,
            status__in=[Run.Status.SUCCEEDED, Run.Status.PARTIAL],
            entity_count__gt=0,
        )
        recent = list(runs.values_list("pk", flat=True)[: self.RECENT_RUNS])
        if preselected is not None:
            recent.append(preselected.pk)
        self.fields["source_run"].queryset = runs.filter(pk__in=recent)
        if self.configurations and not needing_entities(self.configurations):
            self.fields["entities"].help_text += (
                " Leave both empty to send the request once, because it reads "
                "nothing from an entity."
            )

    def clean_entities(self):
        text = self.cleaned_data["entities"]
        if not text.strip():
            return None
        if len(text) > MAX_ENTITIES_CHARS:
            raise ValidationError(
                f"The text is {len(text):,} characters long, but the maximum is "
                f"{MAX_ENTITIES_CHARS:,}. Publish the entities of an incoming run "
                "instead."
            )

        value = validation.parse_json(text, exact_numbers=True)
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list):
            raise ValidationError(
                "Expected a JSON list of entities or a single JSON object, but the "
                f"text is {validation.describe_json_type(value)}."
            )
        if not value:
            raise ValidationError("The list is empty. Add at least one entity.")
        problem = non_object_entity_error(value, self.configurations)
        if problem:
            raise ValidationError(problem)
        return value

    def clean(self):
        cleaned = super().clean()
        if "entities" not in cleaned or "source_run" not in cleaned:
            return cleaned
        if cleaned["entities"] and cleaned["source_run"]:
            raise ValidationError(
                "Type entities or choose an incoming run, not both. Clear one of "
                "the two."
            )
        if not cleaned["entities"] and not cleaned["source_run"]:
            self._require_entities()
        return cleaned

    def _require_entities(self):
        """Reject a run without entities when a configuration reads from them.

        Without `configurations` the form cannot tell, so it requires entities.
        """
        if not self.configurations:
            self.add_error(
                "entities", "Type the entities to publish or choose an incoming run."
            )
            return
        needing = needing_entities(self.configurations)
        if not needing:
            return
        if len(self.configurations) == 1:
            _, placeholders = needing[0]
            reason = f"the request reads {placeholders}"
        else:
            reads = [f"“{c.name}” reads {placeholders}" for c, placeholders in needing]
            reason = reads[-1]
            if len(reads) > 1:
                reason = f"{', '.join(reads[:-1])} and {reason}"
        self.add_error(
            "entities",
            "Type the entities to publish or choose an incoming run, because "
            f"{reason} from each entity.",
        )
