"""Projects: one merchant catalogue each, owned by a company."""
