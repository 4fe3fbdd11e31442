import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';

/** Retribution revenue against the annual target: the page, chart and CSV (issue 12). */
export function revenuePages(_app: FastifyInstance, _services: Services): void {}
