import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';

/** The treasurer's money desk (held payments, reconciliation): the pages (issue 12). */
export function reconciliationPages(_app: FastifyInstance, _services: Services): void {}
