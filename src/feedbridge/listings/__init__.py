"""Listings: the build (AliExpress attributes from item fields), variant grouping, quality checks and preview."""
