"""publication views: how often each publication's page was read

Revision ID: 0026
Revises: 0025

Issue 17, item 4 (translation.md §4): an engine version change queues re-translation
newest and most viewed documents first. One row per publication ever viewed, with its
count of page views, added to in batches by the server processes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'publication_views',
        sa.Column('publication_id', sa.Integer(), nullable=False),
        sa.Column('views', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['publication_id'], ['publications.id'],
                                name=op.f('fk_publication_views_publication_id_publications'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('publication_id', name=op.f('pk_publication_views')),
    )


def downgrade() -> None:
    op.drop_table('publication_views')
