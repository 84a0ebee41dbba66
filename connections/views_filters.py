"""Filter forms of the list pages and the querysets they select.

Each filter is a query string parameter with the field's name, so a filtered
list can be bookmarked. An invalid value is reported beside its field and that
filter is ignored, while the valid filters still apply. The exception is the
run filter of request logs: an invalid run shows no logs, because the logs of
every run would look like the logs of the run that was meant.
"""

import re
import uuid

from django import forms
from django.db.models import Q

from clients.models import HttpClient
from connections.models import (
    IncomingConfiguration,
    OutgoingConfiguration,
    RequestLog,
    Run,
)

STATUS_CODE_PATTERN = re.compile(r"^[1-5](\d\d|xx)$")
# A run number as the pages show it: "29" or "#29".
RUN_NUMBER_PATTERN = re.compile(r"#?(\d{1,18})")


class DateInput(forms.DateInput):
    input_type = "date"


class FilterForm(forms.Form):
    # Fields that the filter bar keeps side by side in one cell, so that a
    # narrow window never separates them.
    PAIRS = (("date_from", "date_to"),)

    def field_groups(self):
        """Return the bound fields in the order of the form, one list per cell
        of the filter bar: a pair from PAIRS, or a single field."""
        second_of = {first: second for first, second in self.PAIRS}
        first_of = {second: first for first, second in self.PAIRS}
        groups = []
        for name in self.fields:
            if first_of.get(name) in self.fields:
                continue
            group = [self[name]]
            if second_of.get(name) in self.fields:
                group.append(self[second_of[name]])
            groups.append(group)
        return groups

    def style_widgets(self):
        """Give each widget its Bootstrap class, marking invalid values."""
        for name, field in self.fields.items():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            css += " form-control-sm" if css == "form-control" else " form-select-sm"
            if self.is_bound and name in self.errors:
                css += " is-invalid"
            widget.attrs["class"] = css

    def valid_data(self):
        """Return the cleaned values of the fields that passed validation."""
        self.is_valid()
        return {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if value not in (None, "") and name not in self.errors
        }

    def chip_value(self, name, value):
        field = self.fields[name]
        if isinstance(field, forms.ChoiceField) and not isinstance(
            field, forms.ModelChoiceField
        ):
            return dict(_flat_choices(field.choices)).get(value, value)
        return value


def _flat_choices(choices):
    for value, label in choices:
        if isinstance(label, list | tuple):
            yield from label
        else:
            yield value, label


def client_field():
    return forms.ModelChoiceField(
        queryset=HttpClient.objects.all(),
        to_field_name="identifier",
        required=False,
        empty_label="Any client",
        label="Client",
    )


def configuration_choices():
    """Return select choices grouped by kind, valued "incoming:<identifier>".

    Names need not be unique, so each label adds the unique identifier.
    """
    incoming = IncomingConfiguration.objects.values_list("identifier", "name")
    outgoing = OutgoingConfiguration.objects.values_list("identifier", "name")
    return [
        ("", "Any configuration"),
        (
            "Incoming",
            [(f"incoming:{ident}", f"{name} ({ident})") for ident, name in incoming],
        ),
        (
            "Outgoing",
            [(f"outgoing:{ident}", f"{name} ({ident})") for ident, name in outgoing],
        ),
    ]


def configuration_q(value, prefix=""):
    kind, _, identifier = value.partition(":")
    return Q(**{f"{prefix}{kind}__identifier": identifier})


class ConfigurationFilterForm(FilterForm):
    q = forms.CharField(required=False, max_length=100, label="Name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"] = client_field()
        self.style_widgets()

    def apply(self, queryset):
        data = self.valid_data()
        if "q" in data:
            queryset = queryset.filter(
                Q(name__icontains=data["q"]) | Q(identifier__icontains=data["q"])
            )
        if "client" in data:
            queryset = queryset.filter(client=data["client"])
        return queryset


class DateRangeMixin:
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned


def date_q(data, prefix=""):
    query = Q()
    if "date_from" in data:
        query &= Q(**{f"{prefix}created__date__gte": data["date_from"]})
    if "date_to" in data:
        query &= Q(**{f"{prefix}created__date__lte": data["date_to"]})
    return query


class RunFilterForm(DateRangeMixin, FilterForm):
    configuration = forms.ChoiceField(required=False, label="Configuration")
    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), *Run.Status.choices],
        label="Status",
    )
    date_from = forms.DateField(required=False, widget=DateInput, label="From")
    date_to = forms.DateField(required=False, widget=DateInput, label="To")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["configuration"].choices = configuration_choices()
        self.fields["client"] = client_field()
        self.order_fields(["configuration", "client", "status"])
        self.style_widgets()

    def apply(self, queryset):
        data = self.valid_data()
        if "configuration" in data:
            queryset = queryset.filter(configuration_q(data["configuration"]))
        if "client" in data:
            client = data["client"]
            queryset = queryset.filter(
                Q(incoming__client=client) | Q(outgoing__client=client)
            )
        if "status" in data:
            queryset = queryset.filter(status=data["status"])
        return queryset.filter(date_q(data))


def run_q(value, prefix=""):
    """Select a run by its number (an int) or its code (a UUID)."""
    if isinstance(value, int):
        return Q(**{f"{prefix}pk": value})
    return Q(**{f"{prefix}code": value})


class RequestLogFilterForm(DateRangeMixin, FilterForm):
    configuration = forms.ChoiceField(required=False, label="Configuration")
    run = forms.CharField(
        required=False,
        max_length=40,
        label="Run",
        widget=forms.TextInput(attrs={"placeholder": "#29 or code"}),
    )
    status_code = forms.CharField(
        required=False,
        max_length=3,
        label="Status code",
        widget=forms.TextInput(attrs={"placeholder": "200 or 4xx", "size": 6}),
    )
    outcome = forms.ChoiceField(
        required=False,
        choices=[("", "Any outcome"), *RequestLog.Outcome.choices],
        label="Outcome",
    )
    date_from = forms.DateField(required=False, widget=DateInput, label="From")
    date_to = forms.DateField(required=False, widget=DateInput, label="To")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["configuration"].choices = configuration_choices()
        self.fields["client"] = client_field()
        self.order_fields(["client", "configuration", "run"])
        self.style_widgets()

    def chip_value(self, name, value):
        if name == "run":
            run = Run.objects.filter(run_q(value)).first()
            if run is not None:
                return f"{run.configuration_name} #{run.pk}"
            return f"run #{value} (not found)" if isinstance(value, int) else value
        return super().chip_value(name, value)

    def clean_run(self):
        """Return the run filter as a run number (int) or a code (UUID)."""
        text = self.cleaned_data["run"].strip()
        if not text:
            return None
        number = RUN_NUMBER_PATTERN.fullmatch(text)
        if number:
            return int(number.group(1))
        try:
            return uuid.UUID(text)
        except ValueError:
            raise forms.ValidationError(
                "Enter a run's number as the pages show it (#29) or its code, as "
                "in the run page's URL."
            ) from None

    def clean_status_code(self):
        value = self.cleaned_data["status_code"].strip().lower()
        if value and not STATUS_CODE_PATTERN.match(value):
            raise forms.ValidationError(
                "Enter an HTTP status code such as 200, or a class such as 4xx."
            )
        return value

    def apply(self, queryset):
        data = self.valid_data()
        if "run" in self.errors:
            return queryset.none()
        if "client" in data:
            queryset = queryset.filter(client=data["client"])
        if "configuration" in data:
            queryset = queryset.filter(configuration_q(data["configuration"], "run__"))
        if "run" in data:
            queryset = queryset.filter(run_q(data["run"], "run__"))
        if "status_code" in data:
            code = data["status_code"]
            if code.endswith("xx"):
                first = int(code[0]) * 100
                queryset = queryset.filter(
                    status_code__gte=first, status_code__lte=first + 99
                )
            else:
                queryset = queryset.filter(status_code=int(code))
        if "outcome" in data:
            queryset = queryset.filter(outcome=data["outcome"])
        return queryset.filter(date_q(data))
