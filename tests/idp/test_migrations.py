"""The Alembic migrations produce exactly the models' schema, on both backends."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from idp import migrate
from idp.db import Base, Database, import_models


def test_migrations_match_the_models(database_url):
    database = Database(database_url)
    migrate.upgrade(database)
    import_models()
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), Base.metadata)
    database.dispose()
    assert diff == []
