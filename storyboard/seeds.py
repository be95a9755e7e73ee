"""Stable seeds: the same book seed and name give the same seed on every machine and run."""

import hashlib

DEFAULT_BOOK_SEED = 20261125


def derive_seed(book_seed: int, *parts: str | int) -> int:
    """Return a 32-bit seed from the book seed and ids; blake2b, never Python's salted hash()."""
    key = "\x1f".join([str(book_seed), *map(str, parts)]).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big") % 2**32
