import type { FastifyInstance } from 'fastify';
import type { Services } from '../../services.js';

/** The built-in demo bank: where the demo citizen pays a bill by VA or QRIS (issue 12). */
export function demoBankPages(_app: FastifyInstance, _services: Services): void {}
