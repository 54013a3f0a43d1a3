"""feedbridge: list a merchant catalogue on AliExpress and keep it in sync."""
