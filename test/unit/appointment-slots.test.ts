import { describe, expect, it } from 'vitest';
import { appointmentSettingsSchema, DEFAULT_APPOINTMENT_SETTINGS } from '../../src/appointments/appointments.schemas.js';
import { slotStarts } from '../../src/appointments/appointments.service.js';
import { zonedInstant } from '../../src/shared/time.js';

describe('appointment slots', () => {
  it('turns an office wall-clock time into the right instant in each Indonesian time zone', () => {
    expect(zonedInstant('2026-12-07', '08:00', 'Asia/Jakarta')).toBe('2026-12-07T01:00:00.000Z');
    expect(zonedInstant('2026-12-07', '08:00', 'Asia/Makassar')).toBe('2026-12-07T00:00:00.000Z');
    expect(zonedInstant('2026-12-07', '08:00', 'Asia/Jayapura')).toBe('2026-12-06T23:00:00.000Z');
    // A zone with daylight saving time, either side of the change.
    expect(zonedInstant('2026-03-27', '08:00', 'Europe/Berlin')).toBe('2026-03-27T07:00:00.000Z');
    expect(zonedInstant('2026-03-30', '08:00', 'Europe/Berlin')).toBe('2026-03-30T06:00:00.000Z');
  });

  it('cuts the opening hours into whole slots and leaves out holidays and the past', () => {
    const base = { settings: DEFAULT_APPOINTMENT_SETTINGS, timeZone: 'Asia/Jakarta', holidays: new Set<string>(), now: '2026-12-01T00:00:00.000Z' };
    // Friday 08:00–11:00 in 30-minute slots: 6; a 45-minute slot length fits 4 (the last would end after 11:00).
    expect(slotStarts({ ...base, dates: ['2026-12-04'] })).toHaveLength(6);
    expect(slotStarts({ ...base, settings: { ...DEFAULT_APPOINTMENT_SETTINGS, slotMinutes: 45 }, dates: ['2026-12-04'] })).toHaveLength(4);
    expect(slotStarts({ ...base, dates: ['2026-12-05', '2026-12-06'] })).toEqual([]);
    expect(slotStarts({ ...base, dates: ['2026-12-04'], holidays: new Set(['2026-12-04']) })).toEqual([]);
    expect(slotStarts({ ...base, dates: ['2026-12-04'], now: '2026-12-04T03:00:00.000Z' })).toEqual(['2026-12-04T03:30:00.000Z']);
  });

  it('refuses settings an office could not serve from', () => {
    expect(appointmentSettingsSchema.safeParse(DEFAULT_APPOINTMENT_SETTINGS).success).toBe(true);
    const bad = [
      { ...DEFAULT_APPOINTMENT_SETTINGS, services: [] },
      { ...DEFAULT_APPOINTMENT_SETTINGS, capacity: 0 },
      { ...DEFAULT_APPOINTMENT_SETTINGS, hours: { mon: [{ from: '15:00', to: '08:00' }] } },
      { ...DEFAULT_APPOINTMENT_SETTINGS, hours: { mon: [{ from: '8:00', to: '15:00' }] } },
      { ...DEFAULT_APPOINTMENT_SETTINGS, services: [...DEFAULT_APPOINTMENT_SETTINGS.services, DEFAULT_APPOINTMENT_SETTINGS.services[0]] },
    ];
    for (const s of bad) expect(appointmentSettingsSchema.safeParse(s).success).toBe(false);
  });
});
