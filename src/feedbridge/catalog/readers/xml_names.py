"""Field names for XML: `parent.child` for nesting, `element@attr` for attributes, namespaces dropped.

Raw keys are lxml's Clark-notation tags (`{http://base.google.com/ns/1.0}shipping`) joined by PATH,
with ATTRIBUTE before an attribute name: two control characters no XML name or URI can hold. Namespaces are dropped from
the names a merchant sees (`g:id` → `id`) unless two elements share a local name: then the one with no
namespace (or the item's own, as in Atom) keeps the plain name, else Google's `g:` one does, and
the others keep their prefix (`g:title` next to a plain `title`).
"""

from __future__ import annotations

from collections import defaultdict

PATH, ATTRIBUTE = "\x1f", "\x1e"
GOOGLE_NAMESPACES = ("http://base.google.com/ns/1.0", "http://base.google.com/cns/1.0")


def split(tag: str) -> tuple[str | None, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return None, tag


def display_names(keys: list[str], item_tag: str, prefixes: dict[str, str]) -> dict[str, str]:
    """Map each raw key to the field name a merchant sees (before de-duplication)."""
    main_namespace, item_local = split(item_tag)
    namespaces_of: dict[str, set[str | None]] = defaultdict(set)
    for key in keys:
        for segment in _segments(key):
            namespace, local = split(segment)
            namespaces_of[local].add(namespace)

    def rank(namespace: str | None) -> int:
        if namespace is None or namespace == main_namespace:
            return 0
        return 1 if namespace in GOOGLE_NAMESPACES else 2

    def segment_name(segment: str) -> str:
        namespace, local = split(segment)
        rivals = namespaces_of[local]
        if len(rivals) == 1 or rank(namespace) < min(rank(n) for n in rivals if n != namespace):
            return local
        prefix = prefixes.get(namespace or "") or "ns"
        return f"{prefix}:{local}"

    names = {}
    for key in keys:
        path, _, attribute = key.partition(ATTRIBUTE)
        if key == "#text":
            names[key] = item_local
            continue
        field = ".".join(segment_name(segment) for segment in path.split(PATH)) if path else item_local
        if attribute:
            field += "@" + split(attribute)[1]
        names[key] = field
    return names


def _segments(key: str) -> list[str]:
    path = key.partition(ATTRIBUTE)[0]
    return path.split(PATH) if path and key != "#text" else []
