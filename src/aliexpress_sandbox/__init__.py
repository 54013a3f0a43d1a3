"""A local emulator of the AliExpress Open Platform (wire protocol, OAuth, product APIs)."""
