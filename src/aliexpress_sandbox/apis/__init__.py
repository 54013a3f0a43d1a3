"""The API handlers, one module per family; importing this package registers them all."""

from . import account, auth, batch, categories, feeds, photobank, products  # noqa: F401
