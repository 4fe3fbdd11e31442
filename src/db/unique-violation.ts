/**
 * The unique constraints code reacts to when it loses a race, by name, with their table and
 * columns: PostgreSQL names the constraint that lost; SQLite names the table and columns.
 */
const UNIQUE_CONSTRAINTS = {
  users_tenant_email: { table: 'users', columns: ['tenant_id', 'email'] },
  users_tenant_phone: { table: 'users', columns: ['tenant_id', 'phone'] },
  users_tenant_nik: { table: 'users', columns: ['tenant_id', 'nik_index'] },
  permit_type_versions_type_version: { table: 'permit_type_versions', columns: ['permit_type_id', 'version'] },
  applications_idempotency: { table: 'applications', columns: ['tenant_id', 'created_by', 'idempotency_key'] },
  applications_open_renewal: { table: 'applications', columns: ['renews_permit_id'] },
  payments_provider_payment: { table: 'payments', columns: ['tenant_id', 'provider', 'provider_payment_id'] },
  bills_one_open: { table: 'bills', columns: ['application_id'] },
  pdf_signing_roots_purpose: { table: 'pdf_signing_roots', columns: ['purpose'] },
  signing_keys_current: { table: 'signing_keys', columns: ['tenant_id'] },
  pdf_signing_certificates_current: { table: 'pdf_signing_certificates', columns: ['tenant_id'] },
  parcels_tracking_unique: { table: 'parcels', columns: ['tenant_id', 'direction', 'company_key', 'tracking_number'] },
  permit_status_statements_permit: { table: 'permit_status_statements', columns: ['permit_id'] },
} as const;
export type UniqueConstraint = keyof typeof UNIQUE_CONSTRAINTS;

/** The constraint a unique violation names, 'other' for one not listed above, or null when err is no unique violation. */
export function violatedConstraint(err: unknown): UniqueConstraint | 'other' | null {
  if (!err || typeof err !== 'object') return null;
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown };
  if (e.code === '23505') {
    // PostgreSQL: the constraint (or unique index) name.
    return typeof e.constraint === 'string' && e.constraint in UNIQUE_CONSTRAINTS ? (e.constraint as UniqueConstraint) : 'other';
  }
  if (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    // SQLite: "UNIQUE constraint failed: users.tenant_id, users.email" (or "index 'name'" for some indexes).
    const message = typeof e.message === 'string' ? e.message : '';
    const named = /index '([^']+)'/.exec(message)?.[1];
    if (named) return named in UNIQUE_CONSTRAINTS ? (named as UniqueConstraint) : 'other';
    const failed = message
      .replace(/^.*constraint failed:\s*/i, '')
      .split(',')
      .map((s) => s.trim())
      .sort()
      .join(',');
    for (const [name, c] of Object.entries(UNIQUE_CONSTRAINTS)) {
      if (
        c.columns
          .map((col) => `${c.table}.${col}`)
          .sort()
          .join(',') === failed
      )
        return name as UniqueConstraint;
    }
    return 'other';
  }
  return null;
}

/** True when err is a unique violation (of the named constraint, when one is given). */
export function isUniqueViolation(err: unknown, constraint?: UniqueConstraint): boolean {
  const lost = violatedConstraint(err);
  return constraint ? lost === constraint : lost !== null;
}
