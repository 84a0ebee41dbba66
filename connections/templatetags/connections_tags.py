"""Template filters and tags of the connections pages."""

import json
from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from connections.models import Run

try:
    from connections import exactjson
except ImportError:
    exactjson = None

register = template.Library()

BADGE_CLASSES = {
    "succeeded": "text-bg-success",
    "sent": "text-bg-success",
    "ok": "text-bg-success",
    "failed": "text-bg-danger",
    "http_error": "text-bg-danger",
    "graphql_error": "text-bg-danger",
    "network_error": "text-bg-danger",
    "partial": "text-bg-warning",
    "user_error": "text-bg-warning",
    "invalid_response": "text-bg-warning",
    "running": "text-bg-primary",
    "cancelled": "text-bg-dark",
    "not_sent": "text-bg-secondary",
    "found": "text-bg-info",
}


@register.filter
def badge_class(status):
    """Return the Bootstrap badge class for a run, entity or request status."""
    return BADGE_CLASSES.get(status, "text-bg-secondary")


def _loads(text):
    if exactjson is not None:
        return exactjson.loads(text)
    return json.loads(text)


def _dumps(value):
    if exactjson is not None:
        return exactjson.dumps(value, indent=2)
    return json.dumps(value, indent=2, ensure_ascii=False)


@register.filter
def pretty_json(value):
    """Indent JSON data, or JSON text, for reading.

    Text that is not JSON (for example a body cut at the size limit) is
    returned unchanged.
    """
    if isinstance(value, str):
        try:
            value = _loads(value)
        except ValueError:
            return value
    try:
        return _dumps(value)
    except (TypeError, ValueError):
        return str(value)


@register.filter
def duration(value):
    """Format a timedelta as "850 ms", "12.3 s", "4 min 5 s" or "2 h 3 min"."""
    if not isinstance(value, timedelta):
        return ""
    return milliseconds(value.total_seconds() * 1000)


@register.filter
def milliseconds(value):
    """Format a number of milliseconds like `duration`."""
    if value is None or value == "":
        return ""
    ms = float(value)
    if ms < 1000:
        return f"{ms:.0f} ms"
    seconds = ms / 1000
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


@register.filter
def json_summary(data, length=500):
    """Return a one-line preview of an entity: its first scalar keys and values.

    The page cuts the line to the width of its cell with CSS, so `length`
    only bounds the HTML of a very large entity.
    """
    if isinstance(data, dict):
        parts = [
            f"{key}: {value}"
            for key, value in data.items()
            if not isinstance(value, dict | list)
        ]
        text = " · ".join(parts) or ", ".join(data)
    else:
        text = json.dumps(data, default=str, ensure_ascii=False)
    return text if len(text) <= length else text[: length - 1] + "…"


@register.filter
def time_ago(value):
    """Write a past moment as "just now" under a minute, else as "5 minutes ago"."""
    if not value:
        return ""
    if (timezone.now() - value).total_seconds() < 60:
        return "just now"
    return f"{timesince(value)} ago"


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """Return the current query string with some parameters set or removed.

    A parameter given an empty value is removed. Changing anything but the
    page number resets the page number.
    """
    query = context["request"].GET.copy()
    if set(changes) - {"page"}:
        query.pop("page", None)
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def run_status_label(status):
    """Return the display label of a run status value such as "succeeded"."""
    try:
        return Run.Status(status).label
    except ValueError:
        return status
