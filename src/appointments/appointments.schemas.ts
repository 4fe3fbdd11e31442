import { z } from 'zod';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 08:00');
const interval = z.strictObject({ from: hhmm, to: hhmm }).refine((i) => i.from < i.to, 'an opening interval must end after it starts');
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
export type Weekday = z.infer<typeof weekday>;
/** Date.getUTCDay() order. */
export const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** An office's appointment settings, stored as JSON in appointment_settings.settings. */
export const appointmentSettingsSchema = z.strictObject({
  services: z
    .array(
      z.strictObject({
        code: z.string().regex(/^[A-Z][A-Z0-9_]{1,29}$/),
        name: z.strictObject({ id: z.string().min(1).max(100), en: z.string().min(1).max(100) }),
      }),
    )
    .min(1)
    .max(30)
    .refine((s) => new Set(s.map((x) => x.code)).size === s.length, 'service codes must be unique'),
  /** Opening intervals per weekday; a day without intervals is closed. */
  hours: z.partialRecord(weekday, z.array(interval).max(4)),
  slotMinutes: z.number().int().min(5).max(240),
  /** Visitors at most per service group and slot (the crowd limit). */
  capacity: z.number().int().min(1).max(500),
});
export type AppointmentSettings = z.infer<typeof appointmentSettingsSchema>;

/**
 * The default every office gets (README "Appointments (first step)"): consultation, file submission and
 * permit pick-up; Monday to Thursday 08:00–15:00, Friday 08:00–11:00 (Friday prayers), closed at the
 * weekend; 30-minute slots for at most 10 visitors per service group.
 */
export const DEFAULT_APPOINTMENT_SETTINGS: AppointmentSettings = {
  services: [
    { code: 'KONSULTASI', name: { id: 'Konsultasi perizinan', en: 'Permit consultation' } },
    { code: 'PENGAJUAN', name: { id: 'Pengajuan berkas', en: 'File submission' } },
    { code: 'PENGAMBILAN', name: { id: 'Pengambilan izin', en: 'Permit pick-up' } },
  ],
  hours: {
    mon: [{ from: '08:00', to: '15:00' }],
    tue: [{ from: '08:00', to: '15:00' }],
    wed: [{ from: '08:00', to: '15:00' }],
    thu: [{ from: '08:00', to: '15:00' }],
    fri: [{ from: '08:00', to: '11:00' }],
  },
  slotMinutes: 30,
  capacity: 10,
};

// ── API shapes ─────────────────────────────────────────────────────────────────────────────────────
const serviceCode = z.string().trim().min(1).max(30);
export const slotsQuery = z.strictObject({
  service: serviceCode,
  from: z.iso.date(),
  days: z.coerce.number().int().min(1).max(31).default(7),
});
export const slotSchema = z.object({ start: z.string(), end: z.string(), capacity: z.number(), free: z.number() });
export const slotsResponse = z.object({
  service: z.object({ code: z.string(), name: z.string() }),
  timeZone: z.string(),
  slots: z.array(slotSchema),
});

export const bookBody = z.strictObject({
  service: serviceCode,
  start: z.iso.datetime({ offset: true }),
  name: z.string().trim().min(2).max(100),
  whatsapp: z.string().trim().min(8).max(25),
  permitTypeCode: z.string().trim().min(1).max(40).optional(),
  /** The 6-digit code sent to the WhatsApp number (requestAppointmentCode); not needed from the front desk or an account whose number is verified. */
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'the 6 digits sent to the WhatsApp number')
    .optional(),
});
export const codeRequestBody = z.strictObject({ whatsapp: z.string().trim().min(8).max(25) });
export const codeSentSchema = z.object({ sent: z.literal(true), minutes: z.number() });
export const rescheduleBody = z.strictObject({ code: z.string().trim().min(4).max(20), start: z.iso.datetime({ offset: true }) });
export const numberParams = z.strictObject({ number: z.string().regex(/^[A-Z0-9]{2,10}-APT-\d{8}-\d{4,6}$/) });
export const codeQuery = z.strictObject({ code: z.string().trim().min(4).max(20) });
export const codeBody = z.strictObject({ code: z.string().trim().min(4).max(20) });

export const appointmentSchema = z.object({
  number: z.string(),
  status: z.enum(['booked', 'cancelled', 'checked_in']),
  service: z.object({ code: z.string(), name: z.string() }),
  start: z.string(),
  end: z.string(),
  name: z.string(),
  permitTypeCode: z.string().nullable(),
});
export const bookedSchema = appointmentSchema.extend({ code: z.string() });
