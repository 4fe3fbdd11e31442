import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Table types. Portable column conventions (the same on SQLite and PostgreSQL):
 * ids are text UUIDs; timestamps are ISO-8601 UTC text (`2026-11-28T01:02:03.456Z`), which sorts
 * correctly as text; booleans are 0/1 integers; JSON is text; money is integer rupiah (bigint).
 */
export interface TenantsTable {
  id: string;
  code: string;
  name: string;
  time_zone: string;
  /** JSON array of host names that select this tenant. */
  hostnames: string;
  /** JSON: { primaryColour, logoText, address, phone, email }. */
  branding: string;
  created_at: string;
  /** The catalogue release (seed-data/catalogue-release.json) this office adopted; null: none yet. */
  catalogue_release: number | null;
  /** JSON array of channels, the office's fallback order for messages (null: whatsapp, sms, email). Migration 0012. */
  channel_order: string | null;
}

export interface UsersTable {
  id: string;
  tenant_id: string;
  role: string;
  name: string;
  email: string | null;
  phone: string | null;
  /** AES-256-GCM ciphertext of the NIK (applicants). */
  nik_encrypted: string | null;
  /** HMAC-SHA256 blind index of the NIK, for uniqueness and look-up without decrypting. */
  nik_index: string | null;
  password_hash: string;
  /** Which text of the personal-data notice (UU PDP 27/2022) the person agreed to, and when. */
  consent_version: string | null;
  consent_at: string | null;
  /** When the email and the WhatsApp number were each proved by a code sent to them (migration 0016). */
  email_verified_at: string | null;
  phone_verified_at: string | null;
  /** When the NIK's holder was last told of a registration with their NIK (at most once a day). */
  nik_attempt_notified_at: string | null;
  /** Officers' TOTP secret, encrypted like the NIK; enabled once a first code was confirmed. */
  totp_secret_encrypted: string | null;
  totp_enabled_at: string | null;
  /** The last TOTP time step used, so a code works only once. */
  totp_last_step: number | null;
  /** When the account last asked for a one-time code (the per-account cooldown). */
  code_requested_at: string | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
  /** Officers: the title printed under their name when they sign (e.g. Kepala DPMPTSP Kota Malang). */
  position: string | null;
  /** The language ('id' | 'en') and preferred channel ('whatsapp' | 'sms' | 'email') of messages; null: Indonesian, the office's order. */
  message_language: string | null;
  message_channel: string | null;
  /** What the applicant registered with (migration 0031): 'nik' (a KTP), or 'kitas' (a foreign resident's KITAS/KITAP and passport). */
  identity_kind: Generated<IdentityKind>;
  /** Foreign residents: the passport and KITAS/KITAP numbers, encrypted like the NIK; the nationality as typed. */
  passport_encrypted: string | null;
  stay_permit_encrypted: string | null;
  nationality: string | null;
}

/** How an applicant proved who they are at registration. */
export type IdentityKind = 'nik' | 'kitas';

export interface SessionsTable {
  /** SHA-256 of the token; the token itself is never stored. */
  id: string;
  tenant_id: string;
  user_id: string;
  kind: 'cookie' | 'bearer';
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
  /** 1 while an officer's page session still waits for the second factor (set-up or code). */
  mfa_pending: number;
}

export interface LoginAttemptsTable {
  id: Generated<number>;
  tenant_id: string;
  /** HMAC of the identifier tried (email/phone), so the table holds no personal data. */
  subject: string;
  client_ip: string;
  succeeded: number;
  attempted_at: string;
}

export interface PermitTypesTable {
  id: string;
  tenant_id: string;
  code: string;
  enabled: number;
  current_version: number;
  created_at: string;
}

export interface PermitTypeVersionsTable {
  id: string;
  tenant_id: string;
  permit_type_id: string;
  version: number;
  /** JSON: the validated permit type definition. */
  definition: string;
  /** JSON: the validated workflow definition, frozen with the version. */
  workflow: string;
  published_at: string;
  published_by: string | null;
}

export interface ApplicationsTable {
  id: string;
  tenant_id: string;
  permit_type_id: string;
  permit_type_version_id: string;
  permit_code: string;
  number: string | null;
  tracking_code: string | null;
  state: string;
  channel: 'online' | 'courier' | 'walk_in' | 'assisted';
  /** Sub-channel for assisted intake: instagram, facebook, whatsapp, phone, … */
  channel_detail: string | null;
  applicant_id: string | null;
  applicant_name: string;
  /** Front-desk intake: the citizen's WhatsApp number or email, for the claim code. */
  applicant_contact: string | null;
  /** HMAC of the claim code the citizen uses to take the file into their account; null once claimed. */
  claim_code_hash: string | null;
  claim_expires_at: string | null;
  created_by: string;
  intake_officer_id: string | null;
  answers: string;
  fee_amount: number | null;
  payment_reference: string | null;
  fee_paid_at: string | null;
  inspection_result: string | null;
  inspection_recorded_at: string | null;
  idempotency_key: string | null;
  submitted_at: string | null;
  state_entered_at: string;
  decided_at: string | null;
  /** Migration 0035: the working days the office used by the SLA clock, written when the file closed (null: open, never filed, or not yet filled). */
  sla_used_working_days: number | null;
  /** Migration 0035: 1 closed within the permit type's service time, 0 late, null no service time (or not closed). */
  sla_met: number | null;
  created_at: string;
  updated_at: string;
  /** Incremented on every change: optimistic concurrency for edits. */
  revision: number;
  /** The officer holding the file (claimed or assigned), if any. */
  assigned_to: string | null;
  /** The planned field inspection: date (YYYY-MM-DD) and the technical officer going. */
  inspection_scheduled_for: string | null;
  inspection_officer_id: string | null;
  /** A renewal: the permit this application renews. */
  renews_permit_id: string | null;
  /**
   * The work queue's read model: the last working day the SLA allows (YYYY-MM-DD, office time zone;
   * sla.ts slaDueOn), set in each transition's transaction; null while no clock runs (not filed, with
   * the applicant, closed).
   */
  sla_due_on: string | null;
}

export interface NumberSequencesTable {
  tenant_id: string;
  scope: string;
  last_value: number;
}

export interface ApplicationEventsTable {
  id: string;
  tenant_id: string;
  application_id: string;
  /** The application's revision after this event: orders the timeline, and no two events share one. */
  position: number;
  action: string;
  from_state: string | null;
  to_state: string;
  actor_id: string | null;
  actor_role: string | null;
  reason: string | null;
  /** JSON with action details (fee amount, payment reference, …); never personal data. */
  data: string;
  created_at: string;
}

export interface DocumentsTable {
  id: string;
  tenant_id: string;
  application_id: string;
  requirement_code: string;
  version: number;
  file_name: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  uploaded_by: string;
  created_at: string;
  superseded_at: string | null;
  review_status: 'pending' | 'accepted' | 'refused';
  review_reason: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
}

export interface OutboxTable {
  id: Generated<number>;
  tenant_id: string;
  topic: string;
  payload: string;
  created_at: string;
  available_at: string;
  attempts: number;
  locked_by: string | null;
  locked_until: string | null;
  done_at: string | null;
  last_error: string | null;
}

/** A provider's delivery status that came before the message's provider id was recorded (applied once it is). */
export interface EarlyProviderStatusesTable {
  provider_message_id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at: string;
  error: string | null;
  received_at: string;
}

export interface NotificationsTable {
  id: string;
  tenant_id: string;
  /** The outbox row that produced it: unique, so a retried job never sends twice. */
  outbox_id: number;
  channel: 'email' | 'whatsapp' | 'sms' | 'in_app';
  recipient_user_id: string | null;
  recipient: string;
  subject: string;
  body: string;
  created_at: string;
  /** Delivery (migration 0012, src/notifications/deliveries.repository.ts): the message kind and its params (JSON). */
  kind: string;
  params: string;
  language: 'id' | 'en';
  status: 'mailbox' | 'pending' | 'sent' | 'delivered' | 'read' | 'failed' | 'dead';
  application_id: string | null;
  /** JSON array of { channel, address }, in the order to try; route_step is the entry in use. */
  route: string;
  route_step: number;
  attempts: number;
  channel_attempts: number;
  resends: number;
  available_at: string | null;
  locked_by: string | null;
  locked_until: string | null;
  provider_message_id: string | null;
  last_error: string | null;
  sent_at: string | null;
  status_at: string | null;
}

export interface AuditEventsTable {
  id: string;
  tenant_id: string;
  seq: number;
  occurred_at: string;
  actor_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string | null;
  data: string;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadsTable {
  tenant_id: string;
  seq: number;
  head_hash: string;
}

export interface OneTimeCodesTable {
  id: string;
  tenant_id: string;
  user_id: string;
  purpose: 'verify_contact' | 'reset_password';
  /** HMAC of the code; the code itself only ever exists in the message sent. */
  code_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  attempts: number;
  /** The email or number a verification code was sent to (migration 0016); it verifies only that. */
  address: string | null;
}

export interface HolidaysTable {
  tenant_id: string;
  /** YYYY-MM-DD, a day the office is closed. */
  date: string;
  kind: 'national' | 'cuti_bersama' | 'local';
  name: string;
  /** The decree the day comes from (e.g. SKB 3 Menteri 2026), so an auditor can check it. */
  decree: string;
  created_at: string;
  created_by: string | null;
}

export interface SlaAlertsTable {
  application_id: string;
  state_entered_at: string;
  tenant_id: string;
  created_at: string;
}

export interface ApplicationNotesTable {
  id: string;
  tenant_id: string;
  application_id: string;
  /** internal: only staff read it; to_applicant: a message the applicant reads and is notified of. */
  kind: 'internal' | 'to_applicant';
  author_id: string;
  author_role: string;
  body: string;
  created_at: string;
}

export interface SigningKeysTable {
  /** Derived from the public key (sha256 of its SPKI DER, 32 hex), so an id names exactly one key. */
  id: string;
  tenant_id: string;
  alg: 'Ed25519';
  public_key_pem: string;
  /** PKCS#8 PEM sealed with encryptField (dataEncryptionKey); never leaves the server. */
  private_key_encrypted: string;
  created_at: string;
  retired_at: string | null;
}

/** Migration 0038: the deployment's root CA for PDF signatures (one row, purpose 'pdf-root'). */
export interface PdfSigningRootsTable {
  /** sha256 of the certificate's DER, 32 hex. */
  id: string;
  purpose: 'pdf-root';
  subject: string;
  certificate_pem: string;
  /** PKCS#8 PEM sealed with encryptField (dataEncryptionKey). */
  private_key_encrypted: string;
  created_at: string;
}

/** Migration 0038: each office's PDF-signing certificates (RSA-2048, issued by the root), newest current. */
export interface PdfSigningCertificatesTable {
  /** sha256 of the certificate's DER, 32 hex. */
  id: string;
  tenant_id: string;
  root_id: string;
  subject: string;
  /** Hex, as in the certificate. */
  serial: string;
  certificate_pem: string;
  private_key_encrypted: string;
  created_at: string;
  not_after: string;
  retired_at: string | null;
}

export interface AuditCheckpointsTable {
  id: string;
  tenant_id: string;
  seq: number;
  head_hash: string;
  created_at: string;
  key_id: string;
  /** base64url signature over canonicalJson({ tenant_id, seq, head_hash, created_at }). */
  signature: string;
}

export type PermitStatus = 'valid' | 'revoked' | 'superseded';

export interface PermitsTable {
  id: string;
  tenant_id: string;
  application_id: string;
  permit_type_id: string;
  permit_code: string;
  /** Per office, type and year: SIPDOK/00012/MLG/2026. */
  number: string;
  /** What the QR code carries and people type: 10 readable characters, unique across offices. */
  verification_code: string;
  /** Stored status; "expired" is not stored but read from valid_until against the office's today. */
  status: PermitStatus;
  holder_name: string;
  business_name: string | null;
  /** 1 if the permit appears in the public registry (its type's certificate says so). */
  public_registry: number;
  /** canonicalJson of everything the permit says, including the PDF's SHA-256: what is signed. */
  document: string;
  key_id: string;
  /** base64url Ed25519 signature over `document`. */
  signature: string;
  pdf_sha256: string;
  pdf_size: number;
  applied_at: string | null;
  issued_at: string;
  /** The issue date (YYYY-MM-DD) in the office's time zone: the registry's IssuedDate and date filter. */
  issued_on: string;
  issued_by: string;
  /** YYYY-MM-DD in the office's time zone; valid_until null: no expiry. A renewal may start later than it was issued. */
  valid_from: string;
  valid_until: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  revocation_reason: string | null;
  supersedes_id: string | null;
  superseded_at: string | null;
  superseded_by_id: string | null;
  reminder_sent_at: string | null;
  /** Migration 0039: what the QR code carries, "IZ1:" + base45 COSE_Sign1 (src/signing/seal.ts); null before 0039. */
  sealed_text: string | null;
}

/** Migration 0037: a signed status statement (src/permits/status.statements.ts); append-only (triggers). */
export interface PermitStatusStatementsTable {
  id: string;
  tenant_id: string;
  permit_id: string;
  status: 'revoked' | 'superseded' | 'renewed';
  /** When the permit stopped being valid (ISO), as signed. */
  at: string;
  /** The audit event the change was recorded as (audit_events.id), as signed. */
  audit_event_id: string;
  /** canonicalJson of the statement: what is signed. */
  document: string;
  key_id: string;
  /** base64url Ed25519 signature over `document`. */
  signature: string;
}

export interface ReceiptsTable {
  id: string;
  tenant_id: string;
  application_id: string;
  /** filing: proof the file was received; payment: proof the fee was paid. */
  kind: 'filing' | 'payment';
  verification_code: string;
  /** canonicalJson of the receipt; `signature` is over it. */
  document: string;
  key_id: string;
  signature: string;
  created_at: string;
}

/** A first admin's one-time set-up link (npm run office:create): only the token's SHA-256 is kept. */
export interface SetupLinksTable {
  id: string;
  tenant_id: string;
  user_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  /** Ended by a newer link (npm run office:setup-link). */
  revoked_at: string | null;
}

/** A message a citizen sent to the office's WhatsApp number (migration 0013, src/whatsapp/). */
export interface WhatsAppInboundTable {
  id: string;
  tenant_id: string;
  /** Meta's message id: unique, so a webhook Meta delivers twice stores (and answers) the message once. */
  wamid: string;
  /** The sender's number, +<country><number> (+628… for Indonesian numbers). */
  sender: string;
  /** The WhatsApp profile name, as the sender set it. */
  sender_name: string | null;
  /** Meta's message type (text, image, …); only text is read. */
  type: string;
  body: string | null;
  /** What the text asked for (whatsapp.commands.ts): status, receipt, permit, help, other; null when not text. */
  command: string | null;
  /** open: kept for the help desk (questions, and commands over the reply limit); answered: a command Izol answered itself; ignored: a type Izol does not read. */
  status: 'open' | 'answered' | 'ignored';
  /** 1 if a reply was queued (0: not text, over the per-sender reply limit, or a question already acknowledged). */
  reply_queued: number;
  /** The message as Meta sent it (JSON), for the help desk (media ids, locations). */
  payload: string;
  /** When the citizen sent it (Meta's timestamp) and when Izol stored it. */
  sent_at: string;
  received_at: string;
}

/** An office's appointment settings (migration 0017): JSON validated by appointmentSettingsSchema. */
export interface AppointmentSettingsTable {
  tenant_id: string;
  settings: string;
  updated_at: string;
}

/** One service group's slot: the counter whose conditional increment enforces the capacity (migration 0017). */
export interface AppointmentSlotsTable {
  tenant_id: string;
  service_code: string;
  starts_at: string;
  capacity: number;
  booked: number;
}

export interface AppointmentsTable {
  id: string;
  tenant_id: string;
  /** MLG-APT-20261203-0007: unique per office, numbered per slot date. */
  number: string;
  service_code: string;
  starts_at: string;
  ends_at: string;
  name: string;
  phone: string;
  permit_type_code: string | null;
  user_id: string | null;
  /** SHA-256 of the booking code the citizen manages the booking with. */
  code_hash: string;
  status: 'booked' | 'cancelled' | 'checked_in';
  created_at: string;
  cancelled_at: string | null;
  /** Migration 0021: who booked (online, or the front desk for a caller: booked_by the officer). */
  channel: 'online' | 'front_desk';
  booked_by: string | null;
  /** The booker's language, for the pass and the reminder. */
  language: 'id' | 'en';
  /** Set by the reminder job's conditional update in the transaction that writes the reminder. */
  reminded_at: string | null;
  checked_in_at: string | null;
}

/** The latest WhatsApp code request of a number at an office (migration 0021), one row per number. */
export interface AppointmentCodesTable {
  tenant_id: string;
  phone: string;
  requested_at: string;
  language: 'id' | 'en';
  /** HMAC of the code, written by the outbox handler that sends it; null until then. */
  code_hash: string | null;
  expires_at: string | null;
  attempts: number;
  used_at: string | null;
  /** Requests counted in a rolling day from day_started_at (at most APPOINTMENT_CODE_POLICY.perDay). */
  day_started_at: string;
  day_count: number;
}
export type Appointment = Selectable<AppointmentsTable>;

/** One service group's ticket counter for an office-local day (migration 0019): incremented in each ticket's transaction. */
export interface QueueCountersTable {
  tenant_id: string;
  service_code: string;
  /** The office-local date, YYYY-MM-DD. */
  day: string;
  last_number: number;
  /** Migration 0022: priority tickets called in a row (reset by a call of any other), at most the policy's N. */
  priority_run: number;
}

export type QueueStatus = 'waiting' | 'called' | 'skipped' | 'serving' | 'completed' | 'no_show';

/** A queue ticket (migration 0019, src/queue/). The id is the visitor's capability for their ticket page. */
export interface QueueTicketsTable {
  id: string;
  tenant_id: string;
  service_code: string;
  day: string;
  seq: number;
  /** the service group's prefix and the day's number. */
  number: string;
  appointment_number: string | null;
  status: QueueStatus;
  counter: string | null;
  issued_at: string;
  called_at: string | null;
  updated_at: string;
  /** Migration 0022: 1 for a priority visitor (elderly, disabled, pregnant), weighted by the office's policy. */
  priority: number;
  /** The booking's slot start, for a booked visitor who checked in: not called before it, no-show only after the grace period. */
  slot_start: string | null;
  /** The number the ticket had before a counter transferred it to another service group. */
  transferred_from: string | null;
  /** The wait in minutes promised at issue (recent service times × people ahead ÷ counters), compared later with the actual wait. */
  promised_wait_minutes: number | null;
  /** The door: kiosk, front_desk or booking. */
  channel: string | null;
}
export type QueueTicket = Selectable<QueueTicketsTable>;

/** Each office's queue settings (migration 0022, src/queue/queue.settings.ts), validated JSON. */
export interface QueueSettingsTable {
  tenant_id: string;
  settings: string;
  updated_at: string;
}

/** A device an admin enrolled as the office's kiosk (migration 0025): only the SHA-256 of its token is kept. */
export interface QueueKiosksTable {
  id: string;
  tenant_id: string;
  name: string;
  token_hash: string;
  enrolled_by: string | null;
  enrolled_at: string;
  revoked_at: string | null;
}

/** One timestamped action on a ticket (issue, call, start, complete, no_show, recall, skip). */
export interface QueueEventsTable {
  id: string;
  tenant_id: string;
  ticket_id: string;
  action: string;
  from_status: string | null;
  to_status: string;
  counter: string | null;
  actor_id: string | null;
  at: string;
}

/** The door a contact came through (migration 0020, src/contacts/). */
export type ContactKind = 'help_request' | 'booking' | 'queue_ticket' | 'parcel' | 'application';

/**
 * One contact of a citizen with the office (migration 0020): written in the contact's own transaction by
 * `recordContact`. `channel` is the door's own word: online, walk_in, courier, assisted, whatsapp, instagram,
 * facebook, phone, email, web, kiosk, front_desk. `label` is a short, non-personal description for the
 * office's history view (a booking number, a ticket number, a parcel's courier and tracking number).
 */
export interface ContactsTable {
  id: string;
  tenant_id: string;
  user_id: string | null;
  /** Normalised (normalisePhone), or null. */
  phone: string | null;
  /** Lower-cased, or null. */
  email: string | null;
  kind: ContactKind;
  channel: string;
  /** The id of the booking, ticket, parcel, help request or application. */
  ref_id: string;
  label: string;
  at: string;
}
export type Contact = Selectable<ContactsTable>;

/** The door a help request came through (migration 0024, src/helpdesk/). */
export type HelpChannel = 'whatsapp' | 'instagram' | 'facebook' | 'phone' | 'email' | 'web';
export type HelpStatus = 'new' | 'answered' | 'waiting_for_citizen' | 'closed';

/** A help request (migration 0024): one question from one handle on one channel, with its first-response due date. */
export interface HelpRequestsTable {
  id: string;
  tenant_id: string;
  channel: HelpChannel;
  /** The number (+628…), email or social-media handle the citizen wrote from. */
  handle: string;
  name: string | null;
  subject: string;
  status: HelpStatus;
  applicant_id: string | null;
  application_id: string | null;
  /** The permit the question is about, for the canned answers (its guide's requirements, fee, SLA). */
  permit_code: string | null;
  assignee_id: string | null;
  created_by: string | null;
  /** The last working day (office calendar) by which the office must first answer (3 working days). */
  first_response_due_on: string;
  first_response_at: string | null;
  /** The citizen's last message: the WhatsApp 24-hour window runs from it. */
  last_inbound_at: string;
  created_at: string;
  updated_at: string;
  revision: number;
}
export type HelpRequest = Selectable<HelpRequestsTable>;

/** One entry of a help request's thread: what the citizen wrote, a reply, or an internal note. */
export interface HelpMessagesTable {
  id: string;
  tenant_id: string;
  request_id: string;
  kind: 'inbound' | 'reply' | 'note';
  body: string;
  author_id: string | null;
  /** How a reply went out: whatsapp_text (inside the 24-hour window), whatsapp_template, email, or by_hand (phone, Instagram, Facebook). */
  delivery: 'whatsapp_text' | 'whatsapp_template' | 'email' | 'by_hand' | null;
  /** The whatsapp_inbound row an inbound entry came from. */
  inbound_id: string | null;
  at: string;
}
export type HelpMessage = Selectable<HelpMessagesTable>;

/** A claim link (migration 0024): hands an assisted draft to the citizen's account; single use, expiring. */
export interface ClaimLinksTable {
  id: string;
  tenant_id: string;
  application_id: string;
  request_id: string | null;
  /** SHA-256 of the token; null until the message carrying it is composed (the plain token lives only in it). */
  token_hash: string | null;
  expires_at: string;
  used_at: string | null;
  used_by: string | null;
  created_by: string | null;
  created_at: string;
}
export type ClaimLink = Selectable<ClaimLinksTable>;

/** Which way a parcel went (migration 0023, src/parcels/): papers in from a citizen, or the permit / papers out to them. */
export type ParcelDirection = 'in' | 'out';
/** What an outgoing parcel holds. */
export type ParcelContents = 'permit' | 'returned_papers';

/** A courier parcel in or out (migration 0023, src/parcels/). */
export interface ParcelsTable {
  id: string;
  tenant_id: string;
  direction: ParcelDirection;
  company: string;
  /** The company lower-cased, for the uniqueness of (company, tracking number). */
  company_key: string;
  /** Upper-cased, without spaces. */
  tracking_number: string;
  /** In: who sent it, as written on the parcel. */
  sender_name: string | null;
  /** In: the sender's WhatsApp number (normalised) or email, where "your parcel was received" goes when the file has no other. */
  sender_contact: string | null;
  /** Out: what was sent. */
  contents: ParcelContents | null;
  /** In: the permit type the papers are for (the checklist's requirements). */
  permit_type_code: string | null;
  /** In: JSON [{ code, present }] against the permit type's requirements. */
  checklist: string | null;
  note: string | null;
  application_id: string | null;
  /** The receiving (in) or sending (out) officer. */
  officer_id: string;
  /** Received (in) or sent (out). */
  at: string;
  linked_at: string | null;
  linked_by: string | null;
  created_at: string;
}
export type Parcel = Selectable<ParcelsTable>;

/** A photo of a parcel (migration 0023), kept in the documents storage by its sha256. */
export interface ParcelPhotosTable {
  id: string;
  tenant_id: string;
  parcel_id: string;
  file_name: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  uploaded_by: string;
  created_at: string;
}
export type ParcelPhoto = Selectable<ParcelPhotosTable>;

/** One version of an office's PBG retribution coefficients for one filing year (migration 0026). */
export interface RetributionCoefficientsTable {
  id: string;
  tenant_id: string;
  year: number;
  /** 1, 2, … per office and year; the highest is in force. */
  version: number;
  /** JSON: the year's coefficients as src/fees/retribution.schema.ts validates them. */
  coefficients: string;
  reason: string;
  /** null: seeded from seed-data/retribution.json. */
  created_by: string | null;
  created_at: string;
}

/** The coefficient version the treasurer's fee assessment of an application used (migration 0026); the first one stays. */
export interface ApplicationFeeCoefficientsTable {
  application_id: string;
  tenant_id: string;
  coefficients_id: string;
  recorded_at: string;
}

/** One version of an office's annual retribution revenue target (migration 0030); the highest version is in force. */
export interface RevenueTargetsTable {
  id: string;
  tenant_id: string;
  year: number;
  version: number;
  /** Whole rupiah, above 0 (bigint: PostgreSQL returns it as a string, read it with Number). */
  amount: number;
  reason: string;
  created_by: string | null;
  created_at: string;
}

/** An office has a videotron playlist (migration 0033): made once, with the default slides. */
export interface ScreenPlaylistsTable {
  tenant_id: string;
  created_at: string;
  updated_at: string;
}

export type ScreenSlideKind = 'how_to_apply' | 'digital_take_up' | 'now_serving' | 'announcement';

/** One slide of the office's videotron playlist (migration 0033), shown in `position` order. */
export interface ScreenSlidesTable {
  id: string;
  tenant_id: string;
  position: number;
  kind: ScreenSlideKind;
  /** how_to_apply: the permit type's code. */
  permit_code: string | null;
  /** announcement: the text in Indonesian and English. */
  text_id: string | null;
  text_en: string | null;
  /** 5–120 seconds. */
  duration_seconds: number;
  /** 1: shown; 0: kept in the playlist but skipped. */
  enabled: number;
  created_at: string;
  updated_at: string;
}

/** A bill (SKRD) with its payment code (migration 0027). At most one open bill per application. */
export interface BillsTable {
  id: string;
  tenant_id: string;
  application_id: string;
  /** The bill's number, e.g. MLG-SKRD-2026-000123. */
  number: string;
  /** The customer number the payer types after the biller code (digits, unique per office, never reused). */
  customer_no: string;
  /** The SNAP virtualAccountNo: partnerServiceId left-padded with spaces to 8, then customer_no. */
  va_number: string;
  /** Whole rupiah; a closed bill (SNAP type C) is paid exactly this. */
  amount: number;
  /** open → paid, or open → voided (re-issued or cancelled). Expiry is `expires_at`, not a state. */
  state: 'open' | 'paid' | 'voided';
  issued_at: string;
  expires_at: string;
  /** The treasurer; null when the system issued it. */
  issued_by: string | null;
  /** The Perda article the bill rests on, from the office's payment settings. */
  legal_basis: string;
  /** JSON: the fee breakdown shown on the bill (the PBG formula's steps), or null. */
  breakdown: string | null;
  /** The dynamic QRIS string for this bill, when the office has QRIS merchant data. */
  qris: string | null;
  paid_at: string | null;
  voided_at: string | null;
  void_reason: string | null;
  /** The bill that replaced this one when it was re-issued. */
  replaced_by_id: string | null;
  /** The code under the bill's QR (/v/{code}), as for receipts. */
  verification_code: string;
  /** canonicalJson of the bill; `signature` is over it (the office's Ed25519 key). */
  document: string;
  key_id: string;
  signature: string;
}
export type Bill = Selectable<BillsTable>;

/** How a payment reached Izol. */
export type PaymentProvider = 'snap_va' | 'qris' | 'bank_counter';
/** Why a payment did not pay its bill and waits for the treasurer. */
export type PaymentHoldReason = 'amount_mismatch' | 'bill_voided' | 'bill_expired' | 'bill_paid' | 'unknown_bill';

/** One payment, once per provider payment id (migration 0027, unique payments_provider_payment). */
export interface PaymentsTable {
  id: string;
  tenant_id: string;
  provider: PaymentProvider;
  /** The provider's own id: SNAP paymentRequestId, the QRIS reference, the bank counter's reference (NTB). */
  provider_payment_id: string;
  bill_id: string | null;
  application_id: string | null;
  amount: number;
  paid_at: string;
  received_at: string;
  /** recorded: paid its bill; held: waits for the treasurer (hold_reason); resolved: the treasurer decided (resolution_note). */
  state: 'recorded' | 'held' | 'resolved';
  hold_reason: PaymentHoldReason | null;
  bank_reference: string | null;
  payer_name: string | null;
  /** JSON: what the provider sent that matters later (channel, trxDateTime, flagAdvise …); no secrets. */
  details: string;
  /** The treasurer for a bank-counter payment; null when a bank's notification recorded it. */
  recorded_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution_note: string | null;
}
export type Payment = Selectable<PaymentsTable>;

/** One office's payment settings (migration 0027); none: bills cannot be issued. */
export interface PaymentSettingsTable {
  tenant_id: string;
  /** Which adapter the office uses: the built-in demo bank, or a real bank over SNAP. */
  adapter: 'demo' | 'snap';
  /** The biller code (SNAP partnerServiceId), up to 8 digits. */
  partner_service_id: string;
  bill_expiry_days: number;
  legal_basis: string;
  /** JSON: { name, city, postalCode?, merchantId, mcc, guid? } for the dynamic QRIS; null: no QRIS. */
  qris_merchant: string | null;
  snap_client_id: string | null;
  /** encryptField(dataKey, clientSecret): the HMAC key of SNAP transactions, encrypted at rest. */
  snap_client_secret: string | null;
  /** PEM: the bank's public key that verifies its access-token requests. */
  snap_bank_public_key: string | null;
  snap_signature_encoding: 'base64' | 'hex';
  updated_at: string;
  updated_by: string | null;
}
export type PaymentSettings = Selectable<PaymentSettingsTable>;

/** A cache several instances keep in memory, and how often it changed (migration 0041; src/cache/cache-generations.ts). */
export interface CacheGenerationsTable {
  scope: string;
  generation: number;
  changed_at: string;
}

/** A B2B access token Izol gave a bank over SNAP (migration 0028): only its SHA-256 is kept. */
export interface SnapAccessTokensTable {
  token_hash: string;
  tenant_id: string;
  client_id: string;
  issued_at: string;
  expires_at: string;
}

/** An X-EXTERNAL-ID a bank used (migration 0028): once per (tenant, partner, day), the primary key refuses a replay. */
export interface SnapExternalIdsTable {
  tenant_id: string;
  partner_id: string;
  /** The day in the office's time zone (YYYY-MM-DD). */
  day: string;
  external_id: string;
  /** Which SNAP service it came with (vaInquiry, vaPayment, qrisNotify). */
  service: string;
  received_at: string;
}

/** One office's bank statement day (migration 0029): imported once; closed when every non-matched line is resolved. */
export interface ReconciliationDaysTable {
  id: string;
  tenant_id: string;
  /** The statement's day in the office's time zone (YYYY-MM-DD). */
  day: string;
  source: 'csv' | 'snap_va_report';
  file_name: string | null;
  statement_lines: number;
  /** Whole rupiah: the sum of the statement's amounts. */
  statement_total: number;
  state: 'open' | 'closed';
  imported_at: string;
  imported_by: string;
  closed_at: string | null;
  closed_by: string | null;
  close_note: string | null;
}
export type ReconciliationDay = Selectable<ReconciliationDaysTable>;

export type ReconciliationLineKind = 'matched' | 'missing' | 'unexpected' | 'amount_mismatch';

/** One line of a reconciled day (migration 0029): a statement line, an Izol payment, or both. */
export interface ReconciliationLinesTable {
  id: string;
  tenant_id: string;
  day_id: string;
  position: number;
  kind: ReconciliationLineKind;
  /** How a matched or mismatched line was paired: the reference, or the VA number and amount. */
  matched_by: 'reference' | 'va_amount' | null;
  /** The Izol payment (matched, missing, amount mismatch); null for an unexpected line. */
  payment_id: string | null;
  /** The statement's line number (CSV) or entry number (SNAP report); null for a missing payment. */
  statement_line: number | null;
  statement_reference: string | null;
  statement_account: string | null;
  statement_amount: number | null;
  statement_at: string | null;
  izol_amount: number | null;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution_note: string | null;
}
export type ReconciliationLine = Selectable<ReconciliationLinesTable>;

/** An invitation to the SKM survey (migration 0032): one per occasion, answered once through its token. */
export interface SurveyInvitationsTable {
  id: string;
  tenant_id: string;
  /** Random, unguessable (32 bytes, base64url): the /survei/{token} link. */
  token: string;
  /** 'permit_issued' | 'visit_completed' | 'help_closed'. */
  occasion: string;
  /** The application, ticket or help request the occasion was; never copied to the answer. */
  subject_id: string;
  /** 'permit' | 'queue' | 'helpdesk'. */
  service_kind: string;
  /** The permit type code, the queue service code, or 'HELPDESK'. */
  service_code: string;
  created_at: string;
  /** 1 once answered. */
  used: number;
}

/** One anonymous SKM answer (migration 0032): no person, file or invitation column, only service, office and month. */
export interface SurveyAnswersTable {
  id: string;
  tenant_id: string;
  service_kind: string;
  service_code: string;
  /** YYYY-MM in the office's time zone. */
  period: string;
  u1_requirements: number;
  u2_procedure: number;
  u3_time: number;
  u4_fee: number;
  u5_product: number;
  u6_competence: number;
  u7_behaviour: number;
  u8_complaints: number;
  u9_facilities: number;
  age_band: string | null;
  sex: string | null;
  education: string | null;
  occupation: string | null;
}

/** The kinds of a data subject's request (migration 0042, src/data-rights/). */
export type DataRequestKind = 'correction' | 'erasure';
/** open → corrected | refused (a correction); an erasure is done when it is recorded: completed. */
export type DataRequestStatus = 'open' | 'corrected' | 'refused' | 'completed';

/** A data subject's correction or erasure request (UU PDP 27/2022; migration 0042). */
export interface DataRequestsTable {
  id: string;
  tenant_id: string;
  user_id: string;
  /** What the citizen quotes: KOR-XXXXXX (correction) or HPS-XXXXXX (erasure), unique per office. */
  reference: string;
  kind: DataRequestKind;
  status: DataRequestStatus;
  /** A correction: which data is wrong (name, email, phone, identity, address, application, other). */
  subject: string | null;
  /** A correction about one application: that application. */
  application_id: string | null;
  current_value: string | null;
  requested_value: string | null;
  details: string | null;
  /** The office's answer (corrected or refused, with the reason the citizen reads). */
  resolution: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
  /** An erasure: JSON of what was erased and what was kept, with the reasons (data-rights.service.ts ErasureOutcome). */
  outcome: string | null;
  created_at: string;
  updated_at: string;
}
export type DataRequest = Selectable<DataRequestsTable>;

export interface Database {
  data_requests: DataRequestsTable;
  cache_generations: CacheGenerationsTable;
  survey_invitations: SurveyInvitationsTable;
  survey_answers: SurveyAnswersTable;
  bills: BillsTable;
  payments: PaymentsTable;
  payment_settings: PaymentSettingsTable;
  snap_access_tokens: SnapAccessTokensTable;
  snap_external_ids: SnapExternalIdsTable;
  reconciliation_days: ReconciliationDaysTable;
  reconciliation_lines: ReconciliationLinesTable;
  retribution_coefficients: RetributionCoefficientsTable;
  application_fee_coefficients: ApplicationFeeCoefficientsTable;
  revenue_targets: RevenueTargetsTable;
  screen_playlists: ScreenPlaylistsTable;
  screen_slides: ScreenSlidesTable;
  contacts: ContactsTable;
  help_requests: HelpRequestsTable;
  help_messages: HelpMessagesTable;
  claim_links: ClaimLinksTable;
  parcels: ParcelsTable;
  parcel_photos: ParcelPhotosTable;
  appointment_settings: AppointmentSettingsTable;
  appointment_slots: AppointmentSlotsTable;
  appointments: AppointmentsTable;
  appointment_codes: AppointmentCodesTable;
  queue_counters: QueueCountersTable;
  queue_tickets: QueueTicketsTable;
  queue_events: QueueEventsTable;
  queue_settings: QueueSettingsTable;
  queue_kiosks: QueueKiosksTable;
  whatsapp_inbound: WhatsAppInboundTable;
  setup_links: SetupLinksTable;
  permits: PermitsTable;
  permit_status_statements: PermitStatusStatementsTable;
  receipts: ReceiptsTable;
  signing_keys: SigningKeysTable;
  pdf_signing_roots: PdfSigningRootsTable;
  pdf_signing_certificates: PdfSigningCertificatesTable;
  audit_checkpoints: AuditCheckpointsTable;
  application_notes: ApplicationNotesTable;
  sla_alerts: SlaAlertsTable;
  holidays: HolidaysTable;
  one_time_codes: OneTimeCodesTable;
  tenants: TenantsTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_attempts: LoginAttemptsTable;
  permit_types: PermitTypesTable;
  permit_type_versions: PermitTypeVersionsTable;
  applications: ApplicationsTable;
  number_sequences: NumberSequencesTable;
  application_events: ApplicationEventsTable;
  documents: DocumentsTable;
  outbox: OutboxTable;
  notifications: NotificationsTable;
  early_provider_statuses: EarlyProviderStatusesTable;
  audit_events: AuditEventsTable;
  audit_heads: AuditHeadsTable;
}

export type Tenant = Selectable<TenantsTable>;
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Application = Selectable<ApplicationsTable>;
export type ApplicationUpdate = Updateable<ApplicationsTable>;
export type Document = Selectable<DocumentsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type Permit = Selectable<PermitsTable>;
export type Receipt = Selectable<ReceiptsTable>;
export type PermitStatusStatement = Selectable<PermitStatusStatementsTable>;
export type WhatsAppInbound = Selectable<WhatsAppInboundTable>;
