import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The house rule that keeps SQL in repositories, tried on code as a service and as a repository would hold it. */
describe('the lint rule: SQL only in repositories and src/db/', () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const query = `import type { Db } from '../db/database.js';
export async function names(db: Db) {
  return db.selectFrom('users').select('name').execute();
}
`;
  const rulesHit = async (code: string, filePath: string) =>
    (await eslint.lintText(code, { filePath }))[0]!.messages.map((m) => m.ruleId).filter((r) => r === 'no-restricted-syntax' || r === 'no-restricted-imports');

  it('refuses a query built in a service, a page or a route', async () => {
    expect(await rulesHit(query, 'src/applications/notes.service.ts')).toEqual(['no-restricted-syntax']);
    expect(await rulesHit(query, 'src/applications/work-queue.pages.ts')).toEqual(['no-restricted-syntax']);
    const raw = `import { sql } from 'kysely';\nimport type { Db } from '../db/database.js';\nexport const ping = (db: Db) => sql\`select 1\`.execute(db);\n`;
    expect(await rulesHit(raw, 'src/http/health.routes.ts')).toEqual(['no-restricted-imports', 'no-restricted-syntax']);
  });

  it('lets a repository and src/db/ build it', async () => {
    expect(await rulesHit(query, 'src/applications/notes.repository.ts')).toEqual([]);
    expect(await rulesHit(query, 'src/db/maintenance.ts')).toEqual([]);
  });
});
