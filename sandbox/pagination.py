"""Page-number lists and Relay connections over sorted lists of dicts.

Cursors are base64 text naming one object ("Order:3957"). Paging after a
cursor compares the remaining objects with that object under the current
sort, rather than counting positions, so a page boundary stays put when
other orders change status between two requests.
"""

import base64
import binascii
from collections.abc import Callable

from graphql import GraphQLError

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 200

Compare = Callable[[dict, dict], int]


def argument_error(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"category": "graphql"})


def check_page_size(name: str, value: int, maximum: int = MAX_PAGE_SIZE) -> None:
    if not 0 <= value <= maximum:
        raise argument_error(
            f"Argument '{name}' must be between 0 and {maximum}, got {value}."
        )


def page_of(items: list[dict], limit: int, page: int) -> list[dict]:
    """Return page `page` (counted from 1) of `limit` items."""
    check_page_size("limit", limit)
    if page < 1:
        raise argument_error(f"Argument 'page' must be 1 or more, got {page}.")

    start = (page - 1) * limit
    return items[start : start + limit]


def encode_cursor(type_name: str, key: int | str) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode("ascii")


def decode_cursor(cursor: str, type_name: str) -> str:
    """Return the key that a cursor names, or raise a GraphQL error."""
    try:
        text = base64.b64decode(cursor.encode("ascii"), validate=True).decode()
    except (UnicodeError, binascii.Error):
        text = ""

    prefix = type_name + ":"
    if not text.startswith(prefix):
        raise argument_error(f"Invalid cursor '{cursor}' for a {type_name} list.")
    return text[len(prefix) :]


def connection(
    items: list[dict],
    *,
    compare: Compare,
    find: Callable[[str], dict | None],
    cursor_of: Callable[[dict], str],
    type_name: str,
    first: int | None,
    last: int | None,
    after: str | None,
    before: str | None,
) -> dict:
    """Build `{totalCount, pageInfo, edges}` for already sorted items.

    `find` looks up the object that a cursor key names, even when it no
    longer matches the filter, and `compare` orders two objects like the
    sort that produced `items`.
    """
    if first is not None:
        check_page_size("first", first)
    if last is not None:
        check_page_size("last", last)
    if first is None and last is None:
        first = DEFAULT_PAGE_SIZE

    start, end = 0, len(items)
    if after is not None:
        anchor = _anchor(after, type_name, find)
        start = next(
            (i for i, item in enumerate(items) if compare(item, anchor) > 0), end
        )
    if before is not None:
        anchor = _anchor(before, type_name, find)
        end = next(
            (i for i, item in enumerate(items) if compare(item, anchor) >= 0),
            len(items),
        )
        end = max(start, end)

    if first is not None:
        end = min(end, start + first)
    if last is not None:
        start = max(start, end - last)

    page = items[start:end]
    edges = [{"cursor": cursor_of(item), "node": item} for item in page]
    return {
        "totalCount": len(items),
        "pageInfo": {
            "hasPreviousPage": start > 0,
            "hasNextPage": end < len(items),
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
        "edges": edges,
    }


def _anchor(cursor: str, type_name: str, find) -> dict:
    anchor = find(decode_cursor(cursor, type_name))
    if anchor is None:
        raise argument_error(f"Cursor '{cursor}' names a {type_name} that is gone.")
    return anchor
