"""The AliExpress channel."""
