"""Mail: mailboxes' folders, letters and their raw sources; interactions may refer to a letter

The sync cursors (UIDVALIDITY + last UID per folder) live in ``connector_state`` of 0007. On
PostgreSQL the letter tables notify ``inflow_changes`` like the tables of 0002, so the Mail
workspace of every desktop sees a new letter at once.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.persistence.types

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written by the sync of another process and shown live (inflow_notify_change() comes from 0002).
WATCHED = ("mail_folders", "mail_letters")


def upgrade() -> None:
    op.create_table('mail_folders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=True),
    sa.Column('created_at', app.persistence.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_mail_folders_channel_id_channels'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_folders')),
    sa.UniqueConstraint('channel_id', 'name', name=op.f('uq_mail_folders_channel_id_name'))
    )
    op.create_table('mail_letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('folder_id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.BigInteger(), nullable=True),
    sa.Column('uidvalidity', sa.BigInteger(), nullable=True),
    sa.Column('external_id', sa.String(length=500), nullable=False),
    sa.Column('message_id', sa.String(length=500), nullable=True),
    sa.Column('in_reply_to', sa.String(length=500), nullable=True),
    sa.Column('reference_ids', sa.JSON(), nullable=False),
    sa.Column('thread_key', sa.String(length=500), nullable=False),
    sa.Column('direction', sa.String(length=8), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('from_name', sa.String(length=300), nullable=True),
    sa.Column('from_address', sa.String(length=254), nullable=True),
    sa.Column('to_addresses', sa.JSON(), nullable=False),
    sa.Column('cc_addresses', sa.JSON(), nullable=False),
    sa.Column('reply_to', sa.String(length=254), nullable=True),
    sa.Column('sent_at', app.persistence.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('received_at', app.persistence.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('snippet', sa.String(length=300), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=True),
    sa.Column('html_body', sa.Text(), nullable=True),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('seen', sa.Boolean(), nullable=False),
    sa.Column('auto_kind', sa.String(length=16), nullable=True),
    sa.Column('intake', sa.String(length=32), nullable=True),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', app.persistence.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("direction IN ('in', 'out')", name=op.f('ck_mail_letters_direction_valid')),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_mail_letters_channel_id_channels'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['folder_id'], ['mail_folders.id'], name=op.f('fk_mail_letters_folder_id_mail_folders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_mail_letters_lead_id_leads'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_letters_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_letters')),
    sa.UniqueConstraint('folder_id', 'external_id', name=op.f('uq_mail_letters_folder_id_external_id'))
    )
    with op.batch_alter_table('mail_letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_letters_channel_id'), ['channel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_letters_from_address'), ['from_address'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_letters_lead_id'), ['lead_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_letters_message_id'), ['message_id'], unique=False)
        batch_op.create_index('ix_mail_letters_folder_id_received_at', ['folder_id', 'received_at'], unique=False)
        batch_op.create_index('ix_mail_letters_folder_id_thread_key', ['folder_id', 'thread_key'], unique=False)
        batch_op.create_index('ix_mail_letters_folder_id_seen', ['folder_id', 'seen'], unique=False)

    op.create_table('mail_letter_sources',
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['letter_id'], ['mail_letters.id'], name=op.f('fk_mail_letter_sources_letter_id_mail_letters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('letter_id', name=op.f('pk_mail_letter_sources'))
    )
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('letter_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_interactions_letter_id'), ['letter_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_interactions_letter_id_mail_letters'), 'mail_letters', ['letter_id'], ['id'], ondelete='SET NULL')

    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(
                f"CREATE TRIGGER {table}_notify_change AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION inflow_notify_change()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_notify_change ON {table}")
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_interactions_letter_id_mail_letters'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_interactions_letter_id'))
        batch_op.drop_column('letter_id')

    op.drop_table('mail_letter_sources')
    with op.batch_alter_table('mail_letters', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_letters_folder_id_seen')
        batch_op.drop_index('ix_mail_letters_folder_id_thread_key')
        batch_op.drop_index('ix_mail_letters_folder_id_received_at')
        batch_op.drop_index(batch_op.f('ix_mail_letters_message_id'))
        batch_op.drop_index(batch_op.f('ix_mail_letters_lead_id'))
        batch_op.drop_index(batch_op.f('ix_mail_letters_from_address'))
        batch_op.drop_index(batch_op.f('ix_mail_letters_channel_id'))

    op.drop_table('mail_letters')
    op.drop_table('mail_folders')
