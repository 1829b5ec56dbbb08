"""Alembic's entry point for the plain `alembic` command (Reflex's `reflex db` does not need it).

`reflex db makemigrations` / `reflex db migrate` drive Alembic themselves with the app's
`db_url` (rxconfig.py) and the tables of `SQLModel.metadata`; this file gives the `alembic` CLI
the same two things, so `alembic upgrade head` and `reflex db migrate` agree.
"""

from logging.config import fileConfig

from sqlalchemy import engine_from_config, pool
from sqlmodel import SQLModel

import marketpulse.db.models  # noqa: F401  (defines the tables on SQLModel.metadata)
from alembic import context
from marketpulse.config import get_config

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)
config.set_main_option("sqlalchemy.url", get_config().db_url)
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    """Emit the migrations as SQL for the configured URL, without connecting."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Connect to the configured database and migrate it."""
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
