import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../http/common.schemas.js';
import { requireActor } from '../http/context.js';
import type { Services } from '../services.js';
import { reorderBody, screenPlaylistSchema, screenSlideBody, screenSlideSchema, slideParams } from './screens.schemas.js';

const bearer = [{ bearer: [] }];
const tags = ['Screens'];

/** The videotron and kiosk playlist: the JSON API (issue 13, item 4). The screen itself is the page /layar. */
export function screenRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/screens/playlist', {
    schema: {
      operationId: 'getScreenPlaylist',
      tags,
      summary: 'Admin: the office’s videotron playlist in order (made with the default slides when the office has none)',
      security: bearer,
      response: { 200: screenPlaylistSchema, ...problemResponses },
    },
    handler: async (request) => services.screens.playlist({ actor: requireActor(request, 'screens.manage') }),
  });

  r.post('/api/v1/screens/playlist/slides', {
    schema: {
      operationId: 'addScreenSlide',
      tags,
      summary: 'Admin: a slide at the end of the playlist; a bad kind, permit type, text or duration (5–120 s) is 400 and changes nothing',
      security: bearer,
      body: screenSlideBody,
      response: { 201: screenSlideSchema, ...problemResponses },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await services.screens.addSlide({ actor: requireActor(request, 'screens.manage'), slide: request.body })),
  });

  r.put('/api/v1/screens/playlist/slides/:id', {
    schema: {
      operationId: 'updateScreenSlide',
      tags,
      summary: 'Admin: replace a slide’s kind, content, duration and whether it is shown; validated as when added',
      security: bearer,
      params: slideParams,
      body: screenSlideBody,
      response: { 200: screenSlideSchema, ...problemResponses },
    },
    handler: async (request) => services.screens.editSlide({ actor: requireActor(request, 'screens.manage'), id: request.params.id, slide: request.body }),
  });

  r.delete('/api/v1/screens/playlist/slides/:id', {
    schema: {
      operationId: 'removeScreenSlide',
      tags,
      summary: 'Admin: remove a slide from the playlist',
      security: bearer,
      params: slideParams,
      response: { 204: z.null(), ...problemResponses },
    },
    handler: async (request, reply) => {
      await services.screens.removeSlide({ actor: requireActor(request, 'screens.manage'), id: request.params.id });
      return reply.code(204).send(null);
    },
  });

  r.put('/api/v1/screens/playlist/order', {
    schema: {
      operationId: 'reorderScreenSlides',
      tags,
      summary: 'Admin: the playlist in a new order; slideIds names every slide exactly once (else 400, nothing changed)',
      security: bearer,
      body: reorderBody,
      response: { 200: z.object({ slides: z.array(screenSlideSchema) }), ...problemResponses },
    },
    handler: async (request) => ({
      slides: await services.screens.reorder({ actor: requireActor(request, 'screens.manage'), slideIds: request.body.slideIds }),
    }),
  });
}
