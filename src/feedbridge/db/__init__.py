"""Database access: engine and session factory, ORM base, Alembic migrations."""
