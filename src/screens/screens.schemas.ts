import { z } from 'zod';
import { MAX_DURATION, MAX_SLIDES, MAX_TEXT, MIN_DURATION, SLIDE_KINDS } from './screens.service.js';

const localised = z.object({ id: z.string(), en: z.string() });

export const screenSlideSchema = z
  .object({
    id: z.string(),
    position: z.number().int().describe('Order in the playlist, from 0'),
    kind: z.enum(SLIDE_KINDS),
    permitCode: z.string().nullable().describe('how_to_apply: the permit type whose guide it shows'),
    text: localised.nullable().describe('announcement: the text in Indonesian and English'),
    durationSeconds: z.number().int().min(MIN_DURATION).max(MAX_DURATION),
    enabled: z.boolean().describe('false: kept in the playlist, skipped on the screen'),
  })
  .meta({ id: 'ScreenSlide' });

export const screenPlaylistSchema = z
  .object({
    slides: z.array(screenSlideSchema).describe('In playlist order'),
    permitTypes: z.array(z.object({ code: z.string(), name: localised })).describe('The permit types a how-to slide may show'),
  })
  .meta({ id: 'ScreenPlaylist' });

export const screenSlideBody = z.strictObject({
  kind: z.enum(SLIDE_KINDS).describe('how_to_apply, digital_take_up, now_serving (the queue) or announcement'),
  permitCode: z.string().max(12).optional().describe('Required for how_to_apply: one of the office’s open permit types'),
  text: z
    .strictObject({ id: z.string().max(MAX_TEXT * 4), en: z.string().max(MAX_TEXT * 4) })
    .optional()
    .describe(`Required for announcement: 1 to ${MAX_TEXT} characters in each language`),
  durationSeconds: z.number().int().describe(`Seconds on screen, ${MIN_DURATION} to ${MAX_DURATION}`),
  enabled: z.boolean().optional().describe('Default true'),
});

export const slideParams = z.strictObject({ id: z.uuid({ message: 'must be a slide id' }) });

export const reorderBody = z.strictObject({
  slideIds: z.array(z.string().max(64)).max(MAX_SLIDES).describe('Every slide id of the playlist once, in the new order'),
});
