"""A worker process reading one part of an XML feed (started by xml_split, never by hand).

It gets its job as JSON on stdin, reports progress lines (`progress <bytes>`) on stdout, spills the
part's items (raw keys) to chunk files in the job's directory and ends with `done <json>`: the chunk
files, the count and what the document said about itself, whether the part ended where an item starts,
or the error it met.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from feedbridge.catalog.model import FeedError
from feedbridge.catalog.readers.columns import Columns
from feedbridge.catalog.readers.xml_items import ItemParser
from feedbridge.catalog.readers.xml_split import chunks


def main() -> None:
    job = json.loads(sys.stdin.read())
    columns = Columns(Path(job["directory"]), job["prefix"])
    parser = ItemParser(job["item"], job["encoding"], job["source"], columns)

    def report(done: int) -> None:
        print("progress", done, flush=True)

    answer: dict[str, object] = {}
    try:
        parser.feed_all([bytes.fromhex(job["prolog"])])
        parser.feed_all(chunks(Path(job["path"]), job["start"], job["end"], report))
        if job["last"]:
            parser.close()
        else:
            answer["boundary"] = parser.close_at_boundary()
    except FeedError as error:
        where = {"source": error.source, "line": error.line, "item": error.item, "hint": error.hint}
        answer["error"] = {"message": error.reason} | where
        print("done", json.dumps(answer), flush=True)
        return
    part = parser.part
    answer |= {
        "files": [str(path) for path in part.files],
        "count": part.count,
        "item_tag": part.item_tag,
        "encoding": part.encoding,
    }
    answer |= {"prefixes": part.prefixes, "ancestors": list(part.ancestors)}
    print("done", json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
