import type { FastifyInstance } from 'fastify';
import type { Services } from '../services.js';

/** Bills (SKRD): the printable bill and how to pay (issue 12). */
export function billPages(_app: FastifyInstance, _services: Services): void {}
