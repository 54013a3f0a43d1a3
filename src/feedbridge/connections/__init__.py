"""Connections: a company's authorised AliExpress seller accounts, their tokens and their account data."""
