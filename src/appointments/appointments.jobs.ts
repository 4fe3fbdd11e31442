import type { Job } from '../jobs/jobs.js';
import type { AppointmentService } from './appointments.service.js';

/** The day-before reminders (appointments.service.ts remindTomorrow): every 15 minutes, safe on several instances. */
export function appointmentRemindersJob(appointments: Pick<AppointmentService, 'remindTomorrow'>): Job {
  return { name: 'appointments.reminders', intervalMs: 15 * 60_000, run: (clock) => appointments.remindTomorrow({ clock }) };
}
