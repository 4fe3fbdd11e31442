import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';

/** The office's payment settings: the admin page (issue 12). */
export function paymentSettingsPages(_app: FastifyInstance, _services: Services): void {}
