import { z } from 'zod';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 14:30');
const serviceCode = z.string().regex(/^[A-Z][A-Z0-9_]{1,29}$/);

/**
 * An office's queue settings, stored as JSON in queue_settings.settings (migration 0022). The service
 * groups themselves are the appointment settings'; a counter names the groups it serves.
 */
export const queueSettingsSchema = z.strictObject({
  counters: z
    .array(z.strictObject({ name: z.string().trim().min(1).max(30), services: z.array(serviceCode).min(1).max(30) }))
    .max(50)
    .refine((c) => new Set(c.map((x) => x.name.toLowerCase())).size === c.length, 'counter names must be unique'),
  /**
   * A priority visitor (elderly, disabled, pregnant) is called as if they had waited `weight` times as
   * long as they have; at most `maxInRow` priority calls follow one another while anyone else waits.
   */
  priority: z.strictObject({ weight: z.number().int().min(1).max(10), maxInRow: z.number().int().min(1).max(10) }),
  /** Office-local time after which no ticket is issued for the day; null: the end of the opening hours. */
  closesAt: hhmm.nullable(),
  /** Minutes after a booked visitor's slot start before a counter may mark them no-show. */
  graceMinutes: z.number().int().min(0).max(120),
  /** The service time assumed for estimates until the office has recorded a few of its own. */
  defaultServiceMinutes: z.number().int().min(1).max(120),
});
export type QueueSettings = z.infer<typeof queueSettingsSchema>;

/** Until an admin sets them: two counters serving every group, priority weight 2 and at most 2 in a row, 10 minutes' grace. */
export function defaultQueueSettings(services: readonly string[]): QueueSettings {
  return {
    counters: [
      { name: 'Loket 1', services: [...services] },
      { name: 'Loket 2', services: [...services] },
    ],
    priority: { weight: 2, maxInRow: 2 },
    closesAt: null,
    graceMinutes: 10,
    defaultServiceMinutes: 10,
  };
}
