"""drf-spectacular post-processing for the published OpenAPI schema."""

from __future__ import annotations


def drop_unicode_word_patterns(result, generator, request, public):
    """Remove ``pattern``s that use ``\\w`` (Unicode slug fields).

    Python's ``\\w`` matches Arabic letters (``SlugField(allow_unicode=True)``
    accepts ``فريق``), JSON Schema's (ECMA-262) does not: a client validating
    our answers against the schema would reject valid Arabic slugs. The server
    still validates them; the schema just does not claim a pattern it cannot
    express portably.
    """

    def walk(node):
        if isinstance(node, dict):
            pattern = node.get("pattern")
            if isinstance(pattern, str) and "\\w" in pattern:
                del node["pattern"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(result)
    return result
