"""JSON in, refused with a 400 (in JSON, as every API error) when nested deeper than any payload of
ours: the standard parser recurses once per level and a deep enough body ends in RecursionError."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 20  # our deepest payload is three levels: {"devices": [{...}]}


def _too_deep(value, limit: int) -> bool:
    """Whether containers nest more than `limit` deep, walked without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        elif not isinstance(item, list):
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in item if isinstance(child, (dict, list)))
    return False


class BoundedJSONParser(JSONParser):
    message = f"The JSON is nested too deeply (more than {MAX_DEPTH} levels)."

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(self.message) from error
        if _too_deep(data, MAX_DEPTH):
            raise ParseError(self.message)
        return data
