import type { FastifyPluginCallback } from 'fastify';
import type { Services } from '../services.js';

/**
 * The SNAP endpoints a bank calls (issue 12): the B2B access token, VA inquiry and payment, the QRIS
 * payment notification. A plugin with its own raw-body JSON parser (the signature is over the bytes).
 */
export function snapRoutes(_services: Services): FastifyPluginCallback {
  return (_scope, _options, done) => done();
}
