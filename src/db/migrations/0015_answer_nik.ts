import type { Kysely, Migration } from 'kysely';
import { blindIndex, decryptField, encryptField } from '../../shared/crypto.js';
import { maskNik } from '../../shared/identifiers.js';

// Migrations are frozen in time: they must not depend on today's table types, hence `any`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

type Sealed = { nik: { masked: string; index: string; encrypted: string } };
const PAGE = 500;

/** The names of a definition's NIK fields (the catalogue's field type 'nik'). */
function nikFieldsOf(definition: string): string[] {
  const parsed = JSON.parse(definition) as { fields?: { name?: unknown; type?: unknown }[] };
  return (parsed.fields ?? []).filter((f) => f.type === 'nik' && typeof f.name === 'string').map((f) => f.name as string);
}

/** Rewrites every application's answers, a page at a time, with `change` applied to its NIK answers. */
async function rewriteNikAnswers(db: Db, change: (value: unknown) => unknown): Promise<number> {
  const versions = await db.selectFrom('permit_type_versions').select(['id', 'definition']).execute();
  const nikFields = new Map<string, string[]>(versions.map((v: { id: string; definition: string }) => [v.id, nikFieldsOf(v.definition)]));
  let after = '';
  let changed = 0;
  for (;;) {
    const rows = (await db
      .selectFrom('applications')
      .select(['id', 'permit_type_version_id', 'answers'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute()) as { id: string; permit_type_version_id: string; answers: string }[];
    if (rows.length === 0) return changed;
    for (const row of rows) {
      const fields = nikFields.get(row.permit_type_version_id) ?? [];
      if (fields.length === 0) continue;
      const answers = JSON.parse(row.answers) as Record<string, unknown>;
      let dirty = false;
      for (const name of fields) {
        if (!(name in answers)) continue;
        const next = change(answers[name]);
        if (next !== answers[name]) {
          answers[name] = next;
          dirty = true;
        }
      }
      if (dirty) {
        await db
          .updateTable('applications')
          .set({ answers: JSON.stringify(answers) })
          .where('id', '=', row.id)
          .execute();
        changed++;
      }
    }
    after = rows[rows.length - 1]!.id;
  }
}

/**
 * NIKs typed as form answers (the AK/I card, the NIB types) were kept in plain text in the answers
 * JSON. From here on each is stored sealed like the account NIK (ARCHITECTURE decision 10): the
 * AES-256-GCM ciphertext, the HMAC blind index and the masked form; this migration seals the
 * existing ones. It needs the data key: migrate.ts reads DATA_ENCRYPTION_KEY from the environment
 * (through loadConfig), and only when a row needs sealing. Down opens them again.
 */
export function answerNikMigration(dataKey: () => Buffer): Migration {
  return {
    async up(db: Db): Promise<void> {
      let key: Buffer | undefined;
      await rewriteNikAnswers(db, (value) => {
        if (typeof value !== 'string') return value;
        key ??= dataKey();
        const sealed: Sealed = { nik: { masked: maskNik(value), index: blindIndex(key, 'nik', value), encrypted: encryptField(key, value) } };
        return sealed;
      });
    },
    async down(db: Db): Promise<void> {
      let key: Buffer | undefined;
      await rewriteNikAnswers(db, (value) => {
        if (value === null || typeof value !== 'object' || !('nik' in value)) return value;
        key ??= dataKey();
        return decryptField(key, (value as Sealed).nik.encrypted);
      });
    },
  };
}
