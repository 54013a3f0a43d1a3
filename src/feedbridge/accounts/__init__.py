"""Companies (tenants) and their users."""
