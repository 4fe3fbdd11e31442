import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';

/** Retribution revenue against the annual target: the JSON API (issue 12). */
export function revenueRoutes(_app: FastifyInstance, _services: Services): void {}
