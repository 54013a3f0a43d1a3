"""AliExpress APIs: the channels of a project (connection, name, language, unique ID, API rules, settings)."""
