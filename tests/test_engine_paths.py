import pytest

from connections.paths import (
    PathNotFound,
    PathSyntaxError,
    format_path,
    get_path,
    parse_path,
    set_path,
)

ANSWER = {
    "data": {
        "orderConnection": {
            "edges": [
                {"cursor": "c1", "node": {"number": 1, "lines": [{"sku": "a"}]}},
                {"cursor": "c2", "node": {"number": 2, "lines": [{"sku": "b"}]}},
            ],
            "pageInfo": {"hasNextPage": True, "endCursor": "c2"},
        },
        "total": 7,
    }
}


def test_dotted_path_reads_nested_value():
    assert get_path(ANSWER, "data.orderConnection.pageInfo.endCursor") == "c2"


def test_numeric_segment_indexes_list():
    assert get_path(ANSWER, "data.orderConnection.edges.1.node.number") == 2


def test_wildcard_maps_over_list():
    nodes = get_path(ANSWER, "data.orderConnection.edges.*.node")
    assert [node["number"] for node in nodes] == [1, 2]


def test_second_wildcard_flattens():
    skus = get_path(ANSWER, "data.orderConnection.edges.*.node.lines.*.sku")
    assert skus == ["a", "b"]


def test_missing_key_names_key_and_available_keys():
    with pytest.raises(PathNotFound) as raised:
        get_path(ANSWER, "data.orderConnectio.edges")

    assert str(raised.value) == (
        "Key “orderConnectio” not found at data; available keys: orderConnection, total"
    )


def test_missing_top_level_key():
    with pytest.raises(PathNotFound, match="not found at the top level"):
        get_path(ANSWER, "dat.orders")


def test_missing_key_inside_wildcard_names_item():
    answer = {"edges": [{"node": 1}, {"cursor": "x"}]}
    with pytest.raises(PathNotFound) as raised:
        get_path(answer, "edges.*.node")

    assert (
        str(raised.value) == "Key “node” not found at edges.1; available keys: cursor"
    )


def test_wildcard_over_object_is_rejected():
    with pytest.raises(PathNotFound, match="Expected a list at data for “\\*”"):
        get_path(ANSWER, "data.*")


def test_key_on_number_is_rejected():
    with pytest.raises(PathNotFound, match="the value is a number"):
        get_path(ANSWER, "data.total.value")


def test_key_on_list_asks_for_index():
    with pytest.raises(PathNotFound, match="use a number"):
        get_path(ANSWER, "data.orderConnection.edges.node")


def test_index_out_of_range():
    with pytest.raises(PathNotFound, match="Index 9 not found"):
        get_path(ANSWER, "data.orderConnection.edges.9")


def test_empty_object_is_named():
    with pytest.raises(PathNotFound, match="the object is empty"):
        get_path({"data": {}}, "data.orders")


def test_numeric_key_of_object():
    assert get_path({"2024": "year"}, "2024") == "year"


def test_quoted_segments():
    value = {"order id": {"a.b": 5}, "*": "star"}
    assert get_path(value, '"order id"."a.b"') == 5
    assert get_path(value, '"*"') == "star"


def test_escaped_quote_in_segment():
    assert get_path({'say "hi"': 1}, '"say \\"hi\\""') == 1


@pytest.mark.parametrize(
    "text",
    ["", "a..b", "a.", '"open', '"a"b', 'a"b'],
)
def test_malformed_paths_are_rejected(text):
    with pytest.raises(PathSyntaxError):
        parse_path(text)


def test_format_path_quotes_when_needed():
    assert format_path(parse_path('data."order id".0')) == 'data."order id".0'
    assert format_path(()) == "the top level"


def test_set_path_creates_nested_objects():
    variables = {"filter": {"status": "PENDING"}}
    set_path(variables, "filter.page", 3)
    assert variables == {"filter": {"status": "PENDING", "page": 3}}


def test_set_path_rejects_non_object_parent():
    with pytest.raises(PathNotFound, match="not an object"):
        set_path({"filter": 5}, "filter.page", 1)


def test_set_path_rejects_wildcard():
    with pytest.raises(PathSyntaxError):
        set_path({}, "a.*", 1)
