"""accounts

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tokkyo.store.types import UTCDateTime

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('access_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('login_id', sa.Text(), server_default='', nullable=False),
    sa.Column('ip', sa.Text(), server_default='', nullable=False),
    sa.Column('service', sa.Text(), nullable=False),
    sa.Column('law', sa.Text(), server_default='', nullable=False),
    sa.Column('operation', sa.Text(), nullable=False),
    sa.Column('status_code', sa.Text(), server_default='', nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=False),
    sa.Column('bytes', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log'))
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_log_at'), ['at'], unique=False)

    op.create_table('login_failures',
    sa.Column('login_id', sa.Text(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('first_at', UTCDateTime(), nullable=False),
    sa.Column('locked_until', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('login_id', name=op.f('pk_login_failures'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('login_id', sa.Text(), nullable=True),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('role', sa.Text(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), server_default='', nullable=False),
    sa.Column('address', sa.Text(), server_default='', nullable=False),
    sa.Column('purpose', sa.Text(), server_default='', nullable=False),
    sa.Column('desired_id', sa.Text(), server_default='', nullable=False),
    sa.Column('consent_version', sa.Text(), server_default='', nullable=False),
    sa.Column('consent_at', UTCDateTime(), nullable=True),
    sa.Column('api', sa.Boolean(), nullable=False),
    sa.Column('opd', sa.Boolean(), nullable=False),
    sa.Column('bulk', sa.Boolean(), nullable=False),
    sa.Column('archive', sa.Boolean(), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('updated_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('corporate', 'individual')", name=op.f('ck_users_kind_known')),
    sa.CheckConstraint("login_id IS NULL OR (length(login_id) BETWEEN 8 AND 15 AND ltrim(login_id, '0123456789abcdefghijklmnopqrstuvwxyz._-') = '')", name=op.f('ck_users_login_id_form')),
    sa.CheckConstraint("role IN ('user', 'provider', 'admin')", name=op.f('ck_users_role_known')),
    sa.CheckConstraint("status IN ('submitted', 'verifying', 'approved', 'active', 'suspended', 'rejected', 'closed')", name=op.f('ck_users_status_known')),
    sa.CheckConstraint("status NOT IN ('approved', 'active', 'suspended') OR login_id IS NOT NULL", name=op.f('ck_users_issued_users_have_an_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('login_id', name=op.f('uq_users_login_id'))
    )
    op.create_table('contacts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('department', sa.Text(), server_default='', nullable=False),
    sa.Column('title', sa.Text(), server_default='', nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('email', sa.Text(), nullable=False),
    sa.Column('phone', sa.Text(), nullable=False),
    sa.CheckConstraint("email LIKE '%_@_%'", name=op.f('ck_contacts_email_form')),
    sa.CheckConstraint('position BETWEEN 0 AND 2', name=op.f('ck_contacts_at_most_three')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_contacts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts')),
    sa.UniqueConstraint('user_id', 'position', name=op.f('uq_contacts_user_id_position'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contacts_user_id'), ['user_id'], unique=False)

    op.create_table('quota_counters',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('law', sa.Text(), nullable=False),
    sa.Column('operation', sa.Text(), nullable=False),
    sa.Column('used', sa.Integer(), nullable=False),
    sa.CheckConstraint('used >= 0', name=op.f('ck_quota_counters_used_not_negative')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quota_counters_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'day', 'law', 'operation', name=op.f('pk_quota_counters'))
    )
    with op.batch_alter_table('quota_counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quota_counters_user_id'), ['user_id'], unique=False)

    op.create_table('quota_grants',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('law', sa.Text(), nullable=False),
    sa.Column('operation', sa.Text(), nullable=False),
    sa.Column('factor', sa.Integer(), nullable=True),
    sa.Column('cap', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), server_default='', nullable=False),
    sa.CheckConstraint('cap IS NULL OR cap >= 0', name=op.f('ck_quota_grants_cap_not_negative')),
    sa.CheckConstraint('factor IS NULL OR factor IN (2, 5)', name=op.f('ck_quota_grants_factor_known')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quota_grants_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'law', 'operation', name=op.f('pk_quota_grants'))
    )
    with op.batch_alter_table('quota_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quota_grants_user_id'), ['user_id'], unique=False)

    op.create_table('rate_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('family', sa.Text(), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.CheckConstraint("family IN ('domestic', 'opd')", name=op.f('ck_rate_events_family_known')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_rate_events_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rate_events'))
    )
    with op.batch_alter_table('rate_events', schema=None) as batch_op:
        batch_op.create_index('ix_rate_events_user_family_at', ['user_id', 'family', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_rate_events_user_id'), ['user_id'], unique=False)

    op.create_table('tokens',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.Column('token_hash', sa.Text(), nullable=False),
    sa.Column('session', sa.Text(), nullable=False),
    sa.Column('issued_at', UTCDateTime(), nullable=False),
    sa.Column('expires_at', UTCDateTime(), nullable=False),
    sa.Column('revoked_at', UTCDateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('access', 'refresh')", name=op.f('ck_tokens_kind_known')),
    sa.CheckConstraint("length(token_hash) = 64 AND ltrim(token_hash, '0123456789abcdef') = ''", name=op.f('ck_tokens_token_hash_hex')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_tokens_token_hash'))
    )
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('user_ids',
    sa.Column('login_id', sa.Text(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('issued_at', UTCDateTime(), nullable=False),
    sa.Column('retired_at', UTCDateTime(), nullable=True),
    sa.CheckConstraint("length(login_id) BETWEEN 8 AND 15 AND ltrim(login_id, '0123456789abcdefghijklmnopqrstuvwxyz._-') = ''", name=op.f('ck_user_ids_login_id_form')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_ids_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('login_id', name=op.f('pk_user_ids'))
    )
    with op.batch_alter_table('user_ids', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_ids_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('user_ids', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_ids_user_id'))

    op.drop_table('user_ids')
    with op.batch_alter_table('tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tokens_user_id'))

    op.drop_table('tokens')
    with op.batch_alter_table('rate_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_events_user_id'))
        batch_op.drop_index('ix_rate_events_user_family_at')

    op.drop_table('rate_events')
    with op.batch_alter_table('quota_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quota_grants_user_id'))

    op.drop_table('quota_grants')
    with op.batch_alter_table('quota_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quota_counters_user_id'))

    op.drop_table('quota_counters')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_user_id'))

    op.drop_table('contacts')
    op.drop_table('users')
    op.drop_table('login_failures')
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_log_at'))

    op.drop_table('access_log')
