"""Build the sandbox's category tree (package data) from the real AliExpress category data in ../shared.

    python scripts/build_sandbox_categories.py [--shared ../shared] [--out src/aliexpress_sandbox/data]

Sources (see shared/data/README.md §1):
* the 2013 scrape — six level files whose rows name their parent by *name*; it is the primary tree;
* the 2024 datahub/devapi lists — two levels; they add roots and children whose ids the 2013 tree lacks;
* Google's product taxonomy in several languages — translations for categories whose English name equals
  the last segment of a Google category (others keep only `en`).

The output is deterministic (sorted keys, stable order, gzip mtime 0): rebuilding gives identical bytes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import itertools
import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
LEVEL_FILES = [
    "1_main_cats.csv",
    "2_sub_cats.csv",
    "3_sub_cats.csv",
    "4_sub_cats.csv",
    "5_sub_cats.csv",
    "6_sub_cats.csv",
]
# Google's `id` (Indonesian) is AliExpress's `in`.
GOOGLE_LANGUAGES = {"de": "de", "fr": "fr", "ja": "ja", "ko": "ko", "id": "in"}
CATEGORY_URL_ID = re.compile(r"/category/(\d+)/")
# Internal and test entries of the live platform that leaked into the 2024 lists.
INTERNAL_NAME_PATTERNS = [
    re.compile(r"^(\w)\1{2,}$"),  # "aaaa", "bbbb"
    re.compile(r"\btest", re.IGNORECASE),  # "Test category 06", "post cat q(test)", "test27"
    re.compile(r"\((hidden|old)\)", re.IGNORECASE),  # "Sports Bags(hidden)", "Books（old）"
    re.compile(r"[a-z]\d+$", re.IGNORECASE),  # copies suffixed with a digit: "Canned Food1", "Giftcard1"
    re.compile(r"commission category|for new seller|xinxiaoyuan", re.IGNORECASE),
]


def clean_name(name: str | None) -> str:
    """NFKC folds full-width brackets ("（For White）"); runs of spaces collapse."""
    return " ".join(unicodedata.normalize("NFKC", name or "").split())


def is_internal(name: str) -> bool:
    return not name or any(p.search(name) for p in INTERNAL_NAME_PATTERNS)


@dataclass
class Row:
    """One row of the 2013 scrape."""

    level: int
    index: int
    name: str
    parent_name: str
    id: int
    parent: Row | None = None


@dataclass
class Report:
    rows: Counter[int] = field(default_factory=Counter)
    ambiguous: int = 0  # rows whose parent name matches several categories of the previous level
    ambiguous_by_order: int = 0  # … settled by the scrape order alone
    ambiguous_guessed: int = 0  # … where several candidates remained and the earliest was taken
    duplicate_rows: int = 0  # rows repeating an id already placed (cross-listings); merged into it
    added_roots: list[str] = field(default_factory=list)
    added_children: int = 0
    known_ids: int = 0  # 2024 entries whose id the tree already had
    same_name_as_sibling: int = 0
    remapped: list[str] = field(default_factory=list)
    skipped_internal: list[str] = field(default_factory=list)


# --- 2013 scrape -------------------------------------------------------------------------------------


def read_levels(folder: Path, report: Report) -> list[list[Row]]:
    levels: list[list[Row]] = []
    for level, file_name in enumerate(LEVEL_FILES, start=1):
        with (folder / file_name).open(newline="", encoding="utf-8") as handle:
            rows = []
            for index, (name, parent_name, url) in enumerate(csv.reader(handle)):
                match = CATEGORY_URL_ID.search(url)
                if match is None:
                    raise SystemExit(f"{file_name} row {index + 1}: no category id in {url!r}")
                rows.append(Row(level, index, clean_name(name), clean_name(parent_name), int(match.group(1))))
        report.rows[level] = len(rows)
        levels.append(rows)
    return levels


def resolve_parents(levels: list[list[Row]], report: Report) -> None:
    """Point each row at a row of the previous level with its parent's name.

    The scraper walked the previous level in file order and wrote each parent's children as one block
    (unambiguous rows never go back to an earlier parent). So a block whose parent name is ambiguous
    belongs to a candidate after the previous block's parent and no later than the next unambiguous
    block's parent; when that window still holds several candidates, the earliest one is taken.
    """
    for previous, rows in itertools.pairwise(levels):
        by_name: dict[str, list[Row]] = defaultdict(list)
        for row in previous:
            by_name[row.name].append(row)
        blocks: list[list[Row]] = []
        for row in rows:
            if not by_name.get(row.parent_name):
                raise SystemExit(
                    f"level {row.level} row {row.index + 1}: no parent named {row.parent_name!r}"
                )
            if blocks and blocks[-1][0].parent_name == row.parent_name:
                blocks[-1].append(row)
            else:
                blocks.append([row])
        cursor = -1
        for number, block in enumerate(blocks):
            candidates = by_name[block[0].parent_name]
            upper = next(
                (
                    by_name[b[0].parent_name][0].index
                    for b in blocks[number + 1 :]
                    if len(by_name[b[0].parent_name]) == 1
                ),
                len(previous),
            )
            window = [c for c in candidates if cursor < c.index < upper]
            parent = (window or [c for c in candidates if c.index > cursor] or candidates)[0]
            if len(candidates) > 1:
                report.ambiguous += len(block)
                if len(window) == 1:
                    report.ambiguous_by_order += len(block)
                else:
                    report.ambiguous_guessed += len(block)
            for row in block:
                row.parent = parent
            cursor = parent.index


# --- the tree ----------------------------------------------------------------------------------------


@dataclass
class Node:
    id: int
    parent_id: int
    name: str
    children: list[int] = field(default_factory=list)


class Tree:
    def __init__(self) -> None:
        self.nodes: dict[int, Node] = {}
        self.roots: list[int] = []

    def add(self, category_id: int, parent_id: int, name: str) -> None:
        self.nodes[category_id] = Node(category_id, parent_id, name)
        (self.nodes[parent_id].children if parent_id else self.roots).append(category_id)

    def breadth_first(self) -> list[tuple[Node, int]]:
        """(node, level) with roots first and siblings in insertion order."""
        out: list[tuple[Node, int]] = []
        frontier, level = self.roots, 1
        while frontier:
            out += [(self.nodes[i], level) for i in frontier]
            frontier = [c for i in frontier for c in self.nodes[i].children]
            level += 1
        return out

    def path_names(self, category_id: int) -> list[str]:
        names: list[str] = []
        while category_id:
            node = self.nodes[category_id]
            names.append(node.name)
            category_id = node.parent_id
        return names[::-1]


def tree_from_scrape(levels: list[list[Row]], report: Report) -> Tree:
    """One node per id. A cross-listed id keeps its shallowest (then first) row; the rows under its other
    listings merge into it. Parents are always placed before their children, so no cycle can form."""
    tree = Tree()
    for rows in levels:
        for row in rows:
            if row.id in tree.nodes:
                report.duplicate_rows += 1
                continue
            tree.add(row.id, row.parent.id if row.parent else 0, row.name)
    return tree


# --- 2024 lists --------------------------------------------------------------------------------------


def lists_2024(folder: Path) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(top-level entry, its children) from both 2024 files, datahub first."""
    datahub = json.loads((folder / "aliexpress_category_list_2024_datahub.json").read_text(encoding="utf-8"))
    devapi = json.loads((folder / "aliexpress_category_list_2024_devapi.json").read_text(encoding="utf-8"))
    out = [(top, top.get("list", [])) for top in datahub["result"]["resultList"]]
    # devapi: the first entry of each list is the top-level category itself.
    out += [(entries[0], entries[1:]) for entries in devapi["body"].values()]
    return out


def merge_2024(tree: Tree, folder: Path, report: Report) -> None:
    for top, children in lists_2024(folder):
        top_id, top_name = int(top["id"]), clean_name(top["name"])
        if is_internal(top_name):
            report.skipped_internal.append(
                f"{top_name or '<no name>'} ({top_id}) and its {len(children)} children"
            )
            continue
        known = tree.nodes.get(top_id)
        if known is None:
            tree.add(top_id, 0, top_name)
            report.added_roots.append(f"{top_name} ({top_id})")
        elif known.parent_id and not words([known.name]) & words([top_name]):
            # A 2013 id reused since for something else (200000345 was "Painting Pens", is now
            # "Women's Clothing"): the id can only be one of them, and 2013 comes first.
            report.remapped.append(
                f"{top_name} ({top_id}, was {known.name!r}) and its {len(children)} children"
            )
            continue
        for child in children:
            child_id, child_name = int(child["id"]), clean_name(child["name"])
            siblings = {norm(tree.nodes[i].name) for i in tree.nodes[top_id].children}
            if is_internal(child_name):
                report.skipped_internal.append(f"{child_name or '<no name>'} ({child_id})")
            elif child_id in tree.nodes:
                report.known_ids += 1
            elif norm(child_name) in siblings:
                # The two lists give some categories different ids ("Meat"); keep the first, not twins.
                report.same_name_as_sibling += 1
            else:
                tree.add(child_id, top_id, child_name)
                report.added_children += 1


# --- translations ------------------------------------------------------------------------------------


def norm(text: str) -> str:
    return " ".join(text.lower().replace("&", " and ").split())


def words(texts: list[str]) -> set[str]:
    return {w for t in texts for w in re.findall(r"\w+", norm(t)) if w != "and"}


class GoogleTaxonomy:
    """English last segment -> Google categories, and each category's last segment per language."""

    def __init__(self, folder: Path) -> None:
        self.by_last: dict[str, list[tuple[int, list[str]]]] = defaultdict(list)
        for line in (folder / "taxonomy-with-ids.en-US.txt").read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or " - " not in line:
                continue
            google_id, path = line.split(" - ", 1)
            segments = path.split(" > ")
            self.by_last[norm(segments[-1])].append((int(google_id), segments))
        self.localized: dict[str, dict[int, str]] = {}
        for google_lang, ae_lang in GOOGLE_LANGUAGES.items():
            mapping = json.loads((folder / f"gpc_string_to_id_mapping_{google_lang}.json").read_text("utf-8"))
            self.localized[ae_lang] = {int(i): path.split(" > ")[-1].strip() for path, i in mapping.items()}

    def names(self, path_names: list[str]) -> dict[str, str]:
        """Translations of the last name of an AliExpress path; {} when no Google category matches.

        Several Google categories can share a last segment ("Accessories"); the one whose ancestors share
        the most words with the AliExpress ancestors wins, then the smallest id.
        """
        candidates = self.by_last.get(norm(path_names[-1]))
        if not candidates:
            return {}
        context = words(path_names[:-1])
        _, google_id = min(
            (-len(context & words(segments[:-1])), google_id) for google_id, segments in candidates
        )
        return {lang: names[google_id] for lang, names in self.localized.items() if google_id in names}


# --- output ------------------------------------------------------------------------------------------


def build(shared: Path) -> tuple[bytes, Report, dict[str, Any]]:
    report = Report()
    folder = shared / "data" / "aliexpress-categories"
    levels = read_levels(folder / "aliexpress_category_scrape_2013", report)
    resolve_parents(levels, report)
    tree = tree_from_scrape(levels, report)
    merge_2024(tree, folder, report)
    google = GoogleTaxonomy(shared / "data" / "labelled-titles" / "google_product_taxonomy")

    categories: list[list[Any]] = []
    for node, level in tree.breadth_first():
        names = {**google.names(tree.path_names(node.id)), "en": node.name}
        categories.append([node.id, node.parent_id, level, int(not node.children), names])
    document = {
        "format": "[id, parent_id (0 = root), level (roots = 1), is_leaf (0/1), names {language: name}]",
        "sources": "aliexpress_category_scrape_2013 + aliexpress_category_list_2024_{datahub,devapi}; "
        "translations from Google's product taxonomy (2021-09-21)",
        "categories": categories,
    }
    stats = {
        "categories": len(categories),
        "leaves": sum(c[3] for c in categories),
        "levels": dict(sorted(Counter(c[2] for c in categories).items())),
        "translated": sum(len(c[4]) > 1 for c in categories),
    }
    return (
        gzip_bytes(json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))),
        report,
        stats,
    )


def gzip_bytes(text: str) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as handle:
        handle.write(text.encode("utf-8"))
    return buffer.getvalue()


def print_summary(report: Report, stats: dict[str, Any]) -> None:
    print(
        "2013 scrape rows per level:", dict(sorted(report.rows.items())), "total", sum(report.rows.values())
    )
    print(
        f"  rows with an ambiguous parent name: {report.ambiguous} "
        f"({report.ambiguous_by_order} settled by scrape order, {report.ambiguous_guessed} took the earliest "
        "of several candidates)"
    )
    print(f"  rows repeating an id already in the tree (cross-listings, merged): {report.duplicate_rows}")
    print(
        f"2024 lists: {len(report.added_roots)} roots added, {report.added_children} children added, "
        f"{report.known_ids} entries already in the tree, {report.same_name_as_sibling} skipped as twins "
        "(another id with the same name under the same parent)"
    )
    print(
        f"  top-level entries whose id 2013 used for another category ({len(report.remapped)}), skipped:",
        "; ".join(report.remapped),
    )
    print("  roots added:", "; ".join(report.added_roots))
    print(f"  skipped as internal/test ({len(report.skipped_internal)}):", "; ".join(report.skipped_internal))
    share = stats["translated"] / stats["categories"]
    print(f"tree: {stats['categories']} categories, {stats['leaves']} leaves, per level {stats['levels']}")
    print(
        f"translated (de/fr/ja/ko/in from Google's taxonomy): {stats['translated']} ({share:.1%}); "
        "the others have only en"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the shared data folder")
    parser.add_argument("--out", type=Path, default=REPO / "src" / "aliexpress_sandbox" / "data")
    args = parser.parse_args()
    data, report, stats = build(args.shared)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "categories.json.gz").write_bytes(data)
    print_summary(report, stats)
    print(f"wrote {args.out / 'categories.json.gz'} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
