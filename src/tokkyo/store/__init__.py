"""The one store of tokkyo: SQLAlchemy tables, engine setup, blobs, repositories, migrations."""
