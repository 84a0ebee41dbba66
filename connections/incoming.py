"""Incoming runs: fetch entities from Centra, page by page, and store them.

The entities path decides what an entity is. When it ends at a list, each
item is an entity and null items are skipped (and counted in the run's
summary). When it ends at an object, that object is the one entity, which
suits queries of a single order. When it ends at null, the page has no
entities. Any other value fails the run.

A problem on the first page fails the run. A problem on a later page ends
the run as partial. A run cancelled on its page stops before its next
request and ends as cancelled. The entities of the earlier pages are kept, and the
error names the page where the run stopped. GraphQL errors accepted with
partial data on earlier pages are listed after that reason.
"""

import copy
import hashlib

from connections import exactjson
from connections.models import IncomingConfiguration, Run, RunEntity
from connections.paths import (
    PathNotFound,
    PathSyntaxError,
    describe,
    format_path,
    get_path,
    parse_path,
    set_path,
)
from connections.runcontext import RunStopped, merge, parse_object

Pagination = IncomingConfiguration.Pagination
BATCH_SIZE = 500


class Pager:
    """The pagination settings of a configuration and the state between pages."""

    def __init__(self, configuration, variables):
        self.mode = configuration.pagination
        self.max_pages = max(configuration.max_pages or 1, 1)
        self.page_size = configuration.page_size
        self.cursor = None
        self.seen_cursors = set()
        self.previous_signature = None

        if self.mode == Pagination.CURSOR:
            self.has_next_path = _required_path(
                configuration.has_next_path, "has-next-page path"
            )
            self.end_cursor_path = _required_path(
                configuration.end_cursor_path, "end-cursor path"
            )
            self.cursor_variable = _required_path(
                configuration.cursor_variable, "cursor variable"
            )
        elif self.mode == Pagination.PAGE:
            self.page_variable = _required_path(
                configuration.page_variable, "page variable"
            )
            try:
                start = get_path(variables, self.page_variable)
            except PathNotFound:
                start = None
            self.page_number = start if type(start) is int else 1

    def variables_for_page(self, variables):
        variables = copy.deepcopy(variables)
        if self.mode == Pagination.CURSOR and self.cursor is not None:
            set_path(variables, self.cursor_variable, self.cursor)
        elif self.mode == Pagination.PAGE:
            set_path(variables, self.page_variable, self.page_number)
        return variables

    def advance(self, page, document, raw_count, entities):
        """Prepare the next page and return True, or return False after the
        last page. Raises RunStopped when pagination cannot go on safely."""
        if self.mode == Pagination.NONE:
            return False

        signature = _signature(entities)
        if signature is not None and signature == self.previous_signature:
            raise RunStopped(
                f"Stopped after page {page}: it contains the same entities as "
                f"page {page - 1}. Check that the query passes the "
                f"{self._variable_name()} variable to the field that pages.",
                Run.Status.PARTIAL,
            )
        self.previous_signature = signature

        if self.mode == Pagination.CURSOR:
            more = self._cursor_has_next(page, document)
            remaining = "more pages remain"
        else:
            more = raw_count > 0 and not (self.page_size and raw_count < self.page_size)
            remaining = "more pages may remain"
        if not more:
            return False
        if page >= self.max_pages:
            raise RunStopped(
                f"Stopped after {page} pages (the configured maximum); {remaining}.",
                Run.Status.PARTIAL,
            )

        if self.mode == Pagination.CURSOR:
            self._take_cursor(page, document)
        else:
            self.page_number += 1
        return True

    def _variable_name(self):
        if self.mode == Pagination.CURSOR:
            return f"${format_path(self.cursor_variable)}"
        return f"${format_path(self.page_variable)}"

    def _cursor_has_next(self, page, document):
        path = format_path(self.has_next_path)
        try:
            has_next = get_path(document, self.has_next_path)
        except PathNotFound as error:
            raise RunStopped(
                f"Stopped after page {page}: the has-next-page path {path} is not "
                f"in the response. {error}",
                Run.Status.PARTIAL,
            ) from error
        if not isinstance(has_next, bool):
            raise RunStopped(
                f"Stopped after page {page}: {path} is {describe(has_next)}, "
                "expected true or false.",
                Run.Status.PARTIAL,
            )
        return has_next

    def _take_cursor(self, page, document):
        path = format_path(self.end_cursor_path)
        try:
            cursor = get_path(document, self.end_cursor_path)
        except PathNotFound as error:
            raise RunStopped(
                f"Stopped after page {page}: the end-cursor path {path} is not in "
                f"the response. {error}",
                Run.Status.PARTIAL,
            ) from error
        if cursor is None or cursor == "":
            raise RunStopped(
                f"Stopped after page {page}: hasNextPage is true but the end "
                f"cursor at {path} is {describe(cursor)}, so the next page cannot "
                "be requested.",
                Run.Status.PARTIAL,
            )
        if cursor in self.seen_cursors:
            raise RunStopped(
                f"Stopped after page {page}: Centra returned the end cursor "
                f"“{cursor}” again, which would fetch the same page in a loop.",
                Run.Status.PARTIAL,
            )
        self.seen_cursors.add(cursor)
        self.cursor = cursor


def _required_path(text, label):
    if not text or not text.strip():
        raise RunStopped(
            f"Pagination needs a {label}. Enter it in the configuration or switch "
            "pagination off."
        )
    try:
        return parse_path(text)
    except PathSyntaxError as error:
        raise RunStopped(f"The {label} is invalid: {error}") from error


def _signature(entities):
    if not entities:
        return None
    return hashlib.sha256(exactjson.dumps(entities).encode("utf-8")).hexdigest()


def split_entities(found, path_text):
    """Return the entities in the value found at the entities path, and how
    many null items were skipped."""
    if found is None:
        return [], 0
    if isinstance(found, dict):
        return [found], 0
    if isinstance(found, list):
        entities = [item for item in found if item is not None]
        return entities, len(found) - len(entities)
    raise RunStopped(
        f"The entities path {path_text} leads to {describe(found)}, not to a list "
        "or an object of entities."
    )


def run_incoming(context):
    """Fetch every page of an incoming configuration and store its entities.

    Returns the final status, error and summary for the run.
    """
    configuration = context.configuration
    run = context.run
    context.load_environment(
        ("variables", configuration.variables),
        ("input transformer", configuration.input_transformer),
        ("request URI", configuration.request_uri),
    )
    input_values = context.resolve(
        parse_object(configuration.input_transformer, "input transformer"),
        {},
        "input transformer",
    )
    variables = context.resolve(
        parse_object(configuration.variables, "variables"), input_values, "variables"
    )
    variables = merge(variables, input_values)
    request_uri = context.resolve_uri(input_values)
    try:
        entities_path = parse_path(configuration.entities_path)
    except PathSyntaxError as error:
        raise RunStopped(f"The entities path is invalid: {error}") from error
    path_text = format_path(entities_path)
    pager = Pager(configuration, variables)

    notes = []
    accepted_errors = []
    page = 0
    while True:
        page += 1
        try:
            fetched = _fetch_page(context, pager, variables, request_uri, page)
        except RunStopped as stop:
            raise _explain_stop(stop, run, notes, accepted_errors) from None
        document, errors = fetched
        accepted_errors.extend(f"page {page}: {error}" for error in errors)

        try:
            found = get_path(document, entities_path)
        except PathNotFound as error:
            stop = RunStopped(
                f"The entities path {path_text} is not in the response: {error}",
                Run.Status.PARTIAL if page > 1 else Run.Status.FAILED,
            )
            raise _explain_stop(stop, run, notes, accepted_errors) from error
        entities, skipped = split_entities(found, path_text)
        if skipped:
            notes.append(
                f"Skipped {skipped} null {_plural(skipped, 'entity', 'entities')} "
                f"at {path_text} on page {page}."
            )
        _store_entities(run, entities, page)
        run.pages.append(
            {"page": page, "entities": len(entities), "cursor": pager.cursor}
        )
        run.page_count = page
        context.save_progress()

        raw_count = len(found) if isinstance(found, list) else len(entities)
        try:
            more = pager.advance(page, document, raw_count, entities)
        except RunStopped as stop:
            raise _explain_stop(stop, run, notes, accepted_errors) from None
        if not more:
            break

    summary = _summary(run, path_text, notes)
    if accepted_errors:
        error = (
            "Centra returned GraphQL errors with partial data. The entities it "
            f"returned were kept. {_list_errors(accepted_errors)}"
        )
        return Run.Status.PARTIAL, error, summary
    return Run.Status.SUCCEEDED, "", summary


def _fetch_page(context, pager, variables, request_uri, page):
    """Request one page; return its document and the GraphQL errors accepted
    with partial data. Raises RunStopped when the page failed."""
    delivery = context.send(pager.variables_for_page(variables), request_uri, page=page)
    verdict = delivery.verdict
    accept = verdict.partial_data and context.configuration.accept_partial_data
    if not delivery.ok and not accept:
        message = delivery.message
        if verdict.partial_data:
            message += (
                " The response also has partial data, which is kept only when "
                "“Accept partial data” is on."
            )
        if page > 1:
            message = f"Page {page} failed: {message}"
        status = Run.Status.PARTIAL if page > 1 else Run.Status.FAILED
        raise RunStopped(message, status)
    return verdict.document, verdict.errors if accept else []


def _store_entities(run, entities, page):
    start = run.entity_count
    RunEntity.objects.bulk_create(
        (
            RunEntity(
                run=run,
                position=start + index,
                page=page,
                data=entity,
                status=RunEntity.Status.FOUND,
            )
            for index, entity in enumerate(entities, start=1)
        ),
        batch_size=BATCH_SIZE,
    )
    run.entity_count = start + len(entities)


def _summary(run, path_text, notes):
    count = run.entity_count
    if count == 0:
        text = f"0 entities at {path_text}."
    elif run.page_count == 1:
        text = f"{count} {_plural(count, 'entity', 'entities')}."
    else:
        text = (
            f"{count} {_plural(count, 'entity', 'entities')} on {run.page_count} pages."
        )
    return " ".join([text, *notes])


def _explain_stop(stop, run, notes, accepted_errors):
    """Add the summary of what was kept to `stop`, and to its message the
    GraphQL errors accepted with partial data before it."""
    stop.summary = _summary_after_stop(run, notes)
    if accepted_errors and stop.message:
        stop.message += (
            " Before that, Centra returned GraphQL errors with partial data: "
            f"{_list_errors(accepted_errors)}"
        )
    elif accepted_errors:
        stop.message = (
            "Centra returned GraphQL errors with partial data. The entities it "
            f"returned were kept. {_list_errors(accepted_errors)}"
        )
    return stop


def _summary_after_stop(run, notes):
    if run.page_count == 0:
        return ""
    count = run.entity_count
    text = (
        f"{count} {_plural(count, 'entity', 'entities')} kept from "
        f"{run.page_count} {_plural(run.page_count, 'page', 'pages')}."
    )
    return " ".join([text, *notes])


def _list_errors(errors):
    listed = errors[:10]
    text = " ".join(f"{index}) {error}" for index, error in enumerate(listed, start=1))
    if len(errors) > len(listed):
        text += f" … and {len(errors) - len(listed)} more"
    return text


def _plural(count, singular, plural):
    return singular if count == 1 else plural
