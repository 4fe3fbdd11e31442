import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';

/** The office's payment settings: the JSON API (issue 12). */
export function paymentSettingsRoutes(_app: FastifyInstance, _services: Services): void {}
