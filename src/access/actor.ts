import type { Role } from '../workflow/workflow.schema.js';

/** Who is acting: resolved from a session at the edge, passed to every service function. */
export type Actor = {
  userId: string;
  tenantId: string;
  role: Role;
  name: string;
};
