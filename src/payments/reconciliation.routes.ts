import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';

/** The treasurer's money desk (held payments, reconciliation): the JSON API (issue 12). */
export function reconciliationRoutes(_app: FastifyInstance, _services: Services): void {}
