"""bulk data site

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 20:12:07.436014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tokkyo.store.types import UTCDateTime

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bulk_products',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('builder', sa.Text(), nullable=False),
    sa.Column('title_ja', sa.Text(), nullable=False),
    sa.Column('title_en', sa.Text(), nullable=False),
    sa.Column('description_ja', sa.Text(), server_default='', nullable=False),
    sa.Column('description_en', sa.Text(), server_default='', nullable=False),
    sa.Column('laws', sa.Text(), server_default='', nullable=False),
    sa.Column('format', sa.Text(), nullable=False),
    sa.Column('schema', sa.Text(), server_default='', nullable=False),
    sa.Column('frequency', sa.Text(), nullable=False),
    sa.Column('schedule', sa.Text(), server_default='', nullable=False),
    sa.Column('archive_unit', sa.Text(), server_default='', nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint('length(id) BETWEEN 1 AND 60', name=op.f('ck_bulk_products_id_length')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_products'))
    )
    op.create_table('bulk_archive_orders',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('units', sa.Text(), nullable=False),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('purpose', sa.Text(), server_default='', nullable=False),
    sa.Column('delivery', sa.Text(), server_default='', nullable=False),
    sa.Column('snapshot_at', UTCDateTime(), nullable=True),
    sa.Column('size_bytes', sa.BigInteger(), nullable=True),
    sa.Column('file_count', sa.Integer(), nullable=True),
    sa.Column('operator_note', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('requested', 'verifying', 'approved', 'sized', 'preparing', 'ready', 'delivered', 'closed', 'rejected', 'cancelled')", name=op.f('ck_bulk_archive_orders_status_known')),
    sa.CheckConstraint('length(units) > 0', name=op.f('ck_bulk_archive_orders_units_given')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_bulk_archive_orders_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_archive_orders'))
    )
    with op.batch_alter_table('bulk_archive_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulk_archive_orders_user_id'), ['user_id'], unique=False)

    op.create_table('bulk_releases',
    sa.Column('id', sa.Text(), nullable=False),
    sa.Column('product_id', sa.Text(), nullable=False),
    sa.Column('type', sa.Text(), nullable=False),
    sa.Column('period_from', sa.Date(), nullable=True),
    sa.Column('period_to', sa.Date(), nullable=True),
    sa.Column('published_at', UTCDateTime(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.CheckConstraint("type IN ('backfile', 'delta', 'replacement')", name=op.f('ck_bulk_releases_type_known')),
    sa.CheckConstraint('revision >= 1', name=op.f('ck_bulk_releases_revision_positive')),
    sa.ForeignKeyConstraint(['product_id'], ['bulk_products.id'], name=op.f('fk_bulk_releases_product_id_bulk_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_releases'))
    )
    with op.batch_alter_table('bulk_releases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulk_releases_product_id'), ['product_id'], unique=False)

    op.create_table('bulk_revoked_links',
    sa.Column('link_id', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('revoked_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_bulk_revoked_links_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('link_id', name=op.f('pk_bulk_revoked_links'))
    )
    op.create_table('bulk_files',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('release_id', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('bytes', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.Text(), nullable=False),
    sa.Column('media_type', sa.Text(), nullable=False),
    sa.Column('records_total', sa.Integer(), nullable=False),
    sa.Column('records_new', sa.Integer(), nullable=False),
    sa.Column('records_changed', sa.Integer(), nullable=False),
    sa.Column('records_deleted', sa.Integer(), nullable=False),
    sa.Column('coverage_from', sa.Date(), nullable=True),
    sa.Column('coverage_to', sa.Date(), nullable=True),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('supersedes', sa.Integer(), nullable=True),
    sa.Column('superseded_by', sa.Integer(), nullable=True),
    sa.Column('superseded_at', UTCDateTime(), nullable=True),
    sa.Column('reason', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("length(sha256) = 64 AND ltrim(sha256, '0123456789abcdef') = ''", name=op.f('ck_bulk_files_sha256_hex')),
    sa.CheckConstraint("name NOT LIKE '%/%' AND name NOT LIKE '.%'", name=op.f('ck_bulk_files_plain_name')),
    sa.CheckConstraint("status IN ('current', 'superseded', 'withdrawn')", name=op.f('ck_bulk_files_status_known')),
    sa.CheckConstraint('bytes >= 0', name=op.f('ck_bulk_files_bytes_not_negative')),
    sa.ForeignKeyConstraint(['release_id'], ['bulk_releases.id'], name=op.f('fk_bulk_files_release_id_bulk_releases')),
    sa.ForeignKeyConstraint(['superseded_by'], ['bulk_files.id'], name=op.f('fk_bulk_files_superseded_by_bulk_files')),
    sa.ForeignKeyConstraint(['supersedes'], ['bulk_files.id'], name=op.f('fk_bulk_files_supersedes_bulk_files')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_files'))
    )
    with op.batch_alter_table('bulk_files', schema=None) as batch_op:
        batch_op.create_index('ix_bulk_files_current_name', ['release_id', 'name'], unique=True, sqlite_where=sa.text("status = 'current'"), postgresql_where=sa.text("status = 'current'"))
        batch_op.create_index(batch_op.f('ix_bulk_files_release_id'), ['release_id'], unique=False)

    op.create_table('bulk_announcements',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('published_at', UTCDateTime(), nullable=False),
    sa.Column('category', sa.Text(), nullable=False),
    sa.Column('title_ja', sa.Text(), nullable=False),
    sa.Column('title_en', sa.Text(), nullable=False),
    sa.Column('body_ja', sa.Text(), server_default='', nullable=False),
    sa.Column('body_en', sa.Text(), server_default='', nullable=False),
    sa.Column('product_id', sa.Text(), nullable=True),
    sa.Column('release_id', sa.Text(), nullable=True),
    sa.Column('file_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', UTCDateTime(), nullable=True),
    sa.Column('ends_at', UTCDateTime(), nullable=True),
    sa.CheckConstraint("category IN ('new-data', 'replacement', 'outage', 'recovery', 'maintenance', 'format-change', 'end-of-provision')", name=op.f('ck_bulk_announcements_category_known')),
    sa.CheckConstraint('ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at', name=op.f('ck_bulk_announcements_window_forward')),
    sa.ForeignKeyConstraint(['file_id'], ['bulk_files.id'], name=op.f('fk_bulk_announcements_file_id_bulk_files')),
    sa.ForeignKeyConstraint(['product_id'], ['bulk_products.id'], name=op.f('fk_bulk_announcements_product_id_bulk_products')),
    sa.ForeignKeyConstraint(['release_id'], ['bulk_releases.id'], name=op.f('fk_bulk_announcements_release_id_bulk_releases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_announcements'))
    )
    with op.batch_alter_table('bulk_announcements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulk_announcements_published_at'), ['published_at'], unique=False)

    op.create_table('bulk_downloads',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('login_id', sa.Text(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Text(), nullable=False),
    sa.Column('ip', sa.Text(), server_default='', nullable=False),
    sa.Column('byte_range', sa.Text(), server_default='', nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=False),
    sa.Column('bytes', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['file_id'], ['bulk_files.id'], name=op.f('fk_bulk_downloads_file_id_bulk_files')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_bulk_downloads_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulk_downloads'))
    )
    with op.batch_alter_table('bulk_downloads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulk_downloads_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_bulk_downloads_file_id'), ['file_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bulk_downloads_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('bulk_downloads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulk_downloads_user_id'))
        batch_op.drop_index(batch_op.f('ix_bulk_downloads_file_id'))
        batch_op.drop_index(batch_op.f('ix_bulk_downloads_at'))

    op.drop_table('bulk_downloads')
    with op.batch_alter_table('bulk_announcements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulk_announcements_published_at'))

    op.drop_table('bulk_announcements')
    with op.batch_alter_table('bulk_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulk_files_release_id'))
        batch_op.drop_index('ix_bulk_files_current_name', sqlite_where=sa.text("status = 'current'"), postgresql_where=sa.text("status = 'current'"))

    op.drop_table('bulk_files')
    op.drop_table('bulk_revoked_links')
    with op.batch_alter_table('bulk_releases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulk_releases_product_id'))

    op.drop_table('bulk_releases')
    with op.batch_alter_table('bulk_archive_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulk_archive_orders_user_id'))

    op.drop_table('bulk_archive_orders')
    op.drop_table('bulk_products')
