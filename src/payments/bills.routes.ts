import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';

/** Bills (SKRD): the JSON API (issue 12). */
export function billRoutes(_app: FastifyInstance, _services: Services): void {}
