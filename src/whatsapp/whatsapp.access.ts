import { timingSafeEqual } from 'node:crypto';
import type { Application, User } from '../db/schema.js';

function sameCode(stored: string, typed: string): boolean {
  const a = Buffer.from(stored.toUpperCase());
  const b = Buffer.from(typed.toUpperCase());
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Who may learn about a file over WhatsApp (status, receipts, permit): the applicant writing from
 * their account's WhatsApp number once that number itself was verified by a code sent to it (a
 * number typed into a profile proves nothing, nor does a verified email) and while the account is active; or anyone who also sends the file's
 * tracking code, exactly as the public tracking page asks. A counter file nobody claimed has no
 * account, so only its tracking code opens it. Pure: the sender's account is looked up by number in
 * the file's office by the caller (test/unit/whatsapp-commands.test.ts has the table of cases).
 *
 * This is the access policy's rule for an anonymous channel, beside `trackApplication`'s (number and
 * code): the webhook has no signed-in actor, so it is decided here rather than by `requireAccess`.
 */
export function mayLearnAbout(
  app: Pick<Application, 'applicant_id' | 'tracking_code'>,
  sender: { phone: string; account: Pick<User, 'id' | 'phone' | 'phone_verified_at' | 'disabled_at'> | undefined },
  trackingCode: string | null,
): boolean {
  const account = sender.account;
  const verifiedApplicant =
    account !== undefined &&
    app.applicant_id === account.id &&
    account.phone === sender.phone &&
    account.phone_verified_at !== null &&
    account.disabled_at === null;
  if (verifiedApplicant) return true;
  return trackingCode !== null && app.tracking_code !== null && sameCode(app.tracking_code, trackingCode);
}
