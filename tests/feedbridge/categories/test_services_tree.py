"""The connection's category tree from the sandbox: read once breadth first, cached, searched, reloaded."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from feedbridge.categories.services import category_tree, search_categories
from feedbridge.categories.tree import Match
from feedbridge.connections.account_data import CATEGORY_TREE, reload_account_data
from feedbridge.connections.models import AccountData
from support.shop import ConnectedShop

from .conftest import ALCOHOL, DRESSES, ELECTRONIC_CIGARETTES, SPECIAL, WOMEN


def _fetched_at(shop: ConnectedShop) -> datetime | None:
    with shop.sessions() as session:
        query = select(AccountData.fetched_at).where(
            AccountData.kind == CATEGORY_TREE, AccountData.language == ""
        )
        return session.scalar(query)


def test_the_tree_is_read_with_progress_then_served_from_the_cache(connected_shop: ConnectedShop) -> None:
    progress: list[tuple[int, int]] = []
    tree = category_tree(connected_shop.sessions, connected_shop.ctx, connected_shop.connection_id, refresh=True,
                         progress=lambda done, total: progress.append((done, total)))  # fmt: skip
    fetched = _fetched_at(connected_shop)

    # One call per category with children; the total grows as the walk discovers them.
    assert progress[0] == (1, 1 + sum(not node.is_leaf for node in tree.children()))
    assert progress[-1] == (1 + len(tree) - len(tree.leaf_ids()),) * 2
    assert len(tree) > 5000 and len(tree.leaf_ids()) > 4000
    assert tree.path_text(DRESSES, "fr") == "Vêtements et accessoires > Women > Robes"
    assert (
        tree.name(DRESSES, "ja") == "ワンピース・ドレス" and tree.is_leaf(DRESSES) and not tree.is_leaf(WOMEN)
    )

    again: list[tuple[int, int]] = []
    cached = category_tree(connected_shop.sessions, connected_shop.ctx, connected_shop.connection_id,
                           progress=lambda done, total: again.append((done, total)))  # fmt: skip
    assert again == [] and _fetched_at(connected_shop) == fetched
    assert cached.leaf_ids() == tree.leaf_ids() and cached.path_text(DRESSES, "de") == tree.path_text(
        DRESSES, "de"
    )


def test_categories_the_seller_may_not_post_in_are_not_in_the_tree(connected_shop: ConnectedShop) -> None:
    tree = category_tree(connected_shop.sessions, connected_shop.ctx, connected_shop.connection_id)
    for restricted in (ELECTRONIC_CIGARETTES, ALCOHOL, SPECIAL):
        assert tree.get(restricted) is None
    assert not any(hit.id == ELECTRONIC_CIGARETTES for hit in tree.search("cigarettes", "en"))
    assert tree.search("alcoholic beverages", "en") == []
    assert all("Special Category" not in path for path in tree.paths("en")["path"])


def test_search_by_name_in_any_language_with_paths_in_the_api_language(connected_shop: ConnectedShop) -> None:
    def search(text: str, language: str) -> list[tuple[int, str, str, Match]]:
        hits = search_categories(
            connected_shop.sessions, connected_shop.ctx, connected_shop.connection_id, text, language
        )
        return [(hit.id, hit.path, hit.language, hit.match) for hit in hits]

    # Several leaves are called Dresses (women, girls, …): each is an exact hit, in any language.
    exact = {hit[0]: hit for hit in search("Robes", "fr") if hit[3] is Match.EXACT}
    assert exact[DRESSES] == (DRESSES, "Vêtements et accessoires > Women > Robes", "fr", Match.EXACT)
    exact = {hit[0]: hit for hit in search("kleider", "en") if hit[3] is Match.EXACT}
    assert exact[DRESSES] == (DRESSES, "Apparel & Accessories > Women > Dresses", "de", Match.EXACT)
    assert set(exact) <= {hit[0] for hit in search("ワンピース", "en")}
    assert len(exact) == 6
    women_dresses = search("women dresses", "en")
    assert women_dresses[0] == (DRESSES, "Apparel & Accessories > Women > Dresses", "en", Match.PATH)
    assert all(path.endswith("Dresses") and "Women" in path for _, path, _, _ in women_dresses)
    # Leaves only: "Women" itself has sub-categories.
    assert WOMEN not in [hit[0] for hit in search("women", "en")]


def test_reloading_the_account_data_reads_a_cached_tree_again(connected_shop: ConnectedShop) -> None:
    category_tree(connected_shop.sessions, connected_shop.ctx, connected_shop.connection_id)
    before = _fetched_at(connected_shop)
    assert before is not None
    connected_shop.ctx.clock.sleep(60)  # the test clock: moves time, never waits

    reload_account_data(connected_shop.sessions, connected_shop.ctx, connected_shop.connection_id)

    after = _fetched_at(connected_shop)
    assert after is not None and after > before
