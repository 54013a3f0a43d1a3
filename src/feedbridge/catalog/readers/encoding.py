"""Which text encoding a feed uses: a byte-order mark, UTF-16 by its NUL pattern, strict UTF-8, else cp1252.

A merchant may set the encoding instead; "latin-1"/"iso-8859-1" are read as Windows-1252, as web
browsers do (the files called Latin-1 in the wild almost always hold cp1252's €, “ ” and ’).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import IO

from feedbridge.catalog.model import FeedError

UTF8, UTF8_BOM, UTF16_LE, UTF16_BE, CP1252 = "utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "cp1252"

_ALIASES = {"latin-1": CP1252, "latin1": CP1252, "iso-8859-1": CP1252, "iso8859-1": CP1252}
_ALIASES |= {"windows-1252": CP1252, "cp-1252": CP1252, "utf8": UTF8, "utf-8": UTF8}
_ALIASES |= {"utf-16le": UTF16_LE, "utf-16be": UTF16_BE}


def _c1_controls(error: UnicodeError) -> tuple[str, int]:
    """cp1252's five unassigned bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) read as C1 controls, as browsers do."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("feedbridge-c1", _c1_controls)


def errors_for(encoding: str) -> str:
    """The decoding error mode: lenient for cp1252 (any byte is a character), strict otherwise."""
    return "feedbridge-c1" if encoding == CP1252 else "strict"


def normalise(name: str, *, source: str) -> str:
    """The Python codec name for an encoding a merchant typed, or a FeedError naming the problem."""
    wanted = name.strip().lower().replace("_", "-")
    wanted = _ALIASES.get(wanted, wanted)
    try:
        codecs.lookup(wanted)
    except LookupError as error:
        raise FeedError(
            f"unknown encoding {name!r}",
            source=source,
            hint="use utf-8, utf-16, windows-1252 (Latin-1) or leave it empty to detect it",
        ) from error
    return wanted


def bom_of(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return UTF8_BOM
    if head.startswith(codecs.BOM_UTF16_LE):
        return "utf-16"  # the utf-16 codec reads and drops the mark
    if head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    return None


def detect(head: bytes) -> str:
    """Detect from the first bytes: BOM, UTF-16 by where the NULs are, valid UTF-8, else cp1252."""
    bom = bom_of(head)
    if bom:
        return bom
    sample = head[:4096]
    if len(sample) >= 4:
        even_nuls = sample[0::2].count(0)
        odd_nuls = sample[1::2].count(0)
        half = len(sample) // 2
        if odd_nuls > half * 0.3 and even_nuls < half * 0.05:
            return UTF16_LE
        if even_nuls > half * 0.3 and odd_nuls < half * 0.05:
            return UTF16_BE
    return UTF8 if is_utf8(head) else CP1252


def is_utf8(head: bytes) -> bool:
    """True if `head` is valid UTF-8, allowing a character cut off at its end."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(head) - 3 and error.reason == "unexpected end of data"
    return True


def check_explicit(encoding: str, head: bytes, *, source: str) -> list[str]:
    """Catch an encoding set by the merchant that cannot be right; warnings for a doubtful one."""
    nuls = head[:4096].count(0)
    if encoding.startswith("utf-16") and bom_of(head) is None and nuls == 0 and head:
        raise FeedError(
            f"the file is set to be {encoding} but it has none of the NUL bytes UTF-16 text has",
            source=source,
            line=1,
            hint=f"it looks like {detect(head)}: clear the encoding setting to detect it",
        )
    if not encoding.startswith("utf-16") and nuls > len(head[:4096]) // 8:
        raise FeedError(
            f"the file is set to be {encoding} but it looks like UTF-16",
            source=source,
            line=1,
            hint="clear the encoding setting to detect it, or set utf-16",
        )
    if encoding == CP1252 and not head.isascii() and is_utf8(head):
        return [
            "the file was read as Windows-1252 as set, but it looks like UTF-8: "
            "accented letters may be garbled (clear the encoding setting to detect it)"
        ]
    return []


def decoded_chunks(
    stream: IO[bytes], encoding: str, *, source: str, chunk_size: int = 4 * 1024**2
) -> Iterator[str]:
    """Decode a byte stream piece by piece; a byte that does not fit gives a FeedError with its line."""
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors_for(encoding))
    lines_done = 0
    while True:
        data = stream.read(chunk_size)
        final = not data
        try:
            text = decoder.decode(data, final=final)
        except UnicodeDecodeError as error:
            good = error.object[: max(error.start, 0)]
            line = lines_done + good.decode(encoding, errors="replace").count("\n") + 1
            raise FeedError(
                f"byte {error.object[error.start : error.start + 1]!r} is not valid {encoding}",
                source=source,
                line=line,
                hint="set the file's real encoding (often windows-1252 or utf-16), or export it as UTF-8",
            ) from error
        lines_done += text.count("\n")
        if text:
            yield text
        if final:
            return
