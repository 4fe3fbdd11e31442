import type { Kysely, CreateTableBuilder } from 'kysely';
import { autoIncrementId } from '../dialect.js';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ts = (name: string, t: CreateTableBuilder<any, any>) => t.addColumn(name, 'text', (c) => c.notNull());

export async function up(db: Db): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('hostnames', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('branding', 'text', (c) => c.notNull().defaultTo('{}'))
    .$call((t) => ts('created_at', t))
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('nik_encrypted', 'text')
    .addColumn('nik_index', 'text')
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('consent_version', 'text')
    .addColumn('consent_at', 'text')
    .addColumn('disabled_at', 'text')
    .$call((t) => ts('created_at', t))
    .$call((t) => ts('updated_at', t))
    .addUniqueConstraint('users_tenant_email', ['tenant_id', 'email'])
    .addUniqueConstraint('users_tenant_phone', ['tenant_id', 'phone'])
    .addUniqueConstraint('users_tenant_nik', ['tenant_id', 'nik_index'])
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .$call((t) => ts('created_at', t))
    .$call((t) => ts('last_seen_at', t))
    .$call((t) => ts('expires_at', t))
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('login_attempts')
    .$call((t) => autoIncrementId(db, t, 'id'))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('client_ip', 'text', (c) => c.notNull())
    .addColumn('succeeded', 'integer', (c) => c.notNull())
    .$call((t) => ts('attempted_at', t))
    .execute();
  await db.schema.createIndex('login_attempts_subject').on('login_attempts').columns(['tenant_id', 'subject', 'attempted_at']).execute();
  await db.schema.createIndex('login_attempts_ip').on('login_attempts').columns(['client_ip', 'attempted_at']).execute();

  await db.schema
    .createTable('permit_types')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('current_version', 'integer', (c) => c.notNull())
    .$call((t) => ts('created_at', t))
    .addUniqueConstraint('permit_types_tenant_code', ['tenant_id', 'code'])
    .execute();

  await db.schema
    .createTable('permit_type_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('permit_type_id', 'text', (c) => c.notNull().references('permit_types.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('workflow', 'text', (c) => c.notNull())
    .$call((t) => ts('published_at', t))
    .addColumn('published_by', 'text')
    .addUniqueConstraint('permit_type_versions_type_version', ['permit_type_id', 'version'])
    .execute();

  await db.schema
    .createTable('applications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('permit_type_id', 'text', (c) => c.notNull().references('permit_types.id'))
    .addColumn('permit_type_version_id', 'text', (c) => c.notNull().references('permit_type_versions.id'))
    .addColumn('permit_code', 'text', (c) => c.notNull())
    .addColumn('number', 'text')
    .addColumn('tracking_code', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('channel_detail', 'text')
    .addColumn('applicant_id', 'text', (c) => c.references('users.id'))
    .addColumn('applicant_name', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('intake_officer_id', 'text', (c) => c.references('users.id'))
    .addColumn('answers', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('fee_amount', 'bigint')
    .addColumn('payment_reference', 'text')
    .addColumn('fee_paid_at', 'text')
    .addColumn('inspection_result', 'text')
    .addColumn('inspection_recorded_at', 'text')
    .addColumn('idempotency_key', 'text')
    .addColumn('submitted_at', 'text')
    .$call((t) => ts('state_entered_at', t))
    .addColumn('decided_at', 'text')
    .$call((t) => ts('created_at', t))
    .$call((t) => ts('updated_at', t))
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('applications_tenant_number', ['tenant_id', 'number'])
    .addUniqueConstraint('applications_idempotency', ['tenant_id', 'created_by', 'idempotency_key'])
    .execute();
  await db.schema.createIndex('applications_tenant_state').on('applications').columns(['tenant_id', 'state']).execute();
  await db.schema.createIndex('applications_applicant').on('applications').columns(['tenant_id', 'applicant_id']).execute();

  await db.schema
    .createTable('number_sequences')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('last_value', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('number_sequences_pk', ['tenant_id', 'scope'])
    .execute();

  await db.schema
    .createTable('application_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_role', 'text')
    .addColumn('reason', 'text')
    .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
    .$call((t) => ts('created_at', t))
    .addUniqueConstraint('application_events_position', ['application_id', 'position'])
    .execute();

  await db.schema
    .createTable('documents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('requirement_code', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .$call((t) => ts('created_at', t))
    .addColumn('superseded_at', 'text')
    .addColumn('review_status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('review_reason', 'text')
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', 'text')
    .addUniqueConstraint('documents_version', ['application_id', 'requirement_code', 'version'])
    .execute();

  await db.schema
    .createTable('outbox')
    .$call((t) => autoIncrementId(db, t, 'id'))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .$call((t) => ts('created_at', t))
    .$call((t) => ts('available_at', t))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('done_at', 'text')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('outbox_pending').on('outbox').columns(['done_at', 'available_at']).execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('outbox_id', 'bigint', (c) => c.notNull().unique())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('recipient_user_id', 'text')
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .$call((t) => ts('created_at', t))
    .execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .$call((t) => ts('occurred_at', t))
    .addColumn('actor_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addUniqueConstraint('audit_events_tenant_seq', ['tenant_id', 'seq'])
    .execute();

  await db.schema
    .createTable('audit_heads')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('head_hash', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Db): Promise<void> {
  for (const table of [
    'audit_heads',
    'audit_events',
    'notifications',
    'outbox',
    'documents',
    'application_events',
    'number_sequences',
    'applications',
    'permit_type_versions',
    'permit_types',
    'login_attempts',
    'sessions',
    'users',
    'tenants',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
