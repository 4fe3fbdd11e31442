/**
 * The one domain error. Services throw it with a stable code; the HTTP layer maps the code to a
 * status (see `statusFor`) and shows the citizen the message for the code in their language.
 * Services never throw HTTP errors (STYLE.md §7).
 */
export const ERROR_CODES = {
  /** The request body, query or path did not match what the endpoint accepts. */
  invalid_input: 400,
  /** Form answers did not pass the permit type's field rules. */
  invalid_answers: 422,
  /** Not signed in, or the session ended. */
  unauthenticated: 401,
  /** Signed in, but this role may not do this. */
  forbidden: 403,
  /** No such thing, or it belongs to someone else (we do not say which). */
  not_found: 404,
  /** The action does not fit the application's current state. */
  invalid_state: 409,
  /** An action's precondition (documents, fee, inspection) is not met yet. */
  precondition_failed: 409,
  /** The record changed since it was read; reload and try again. */
  conflict: 409,
  /** Email, phone or NIK already registered. */
  already_registered: 409,
  /** Wrong email/phone or password (never says which). */
  bad_credentials: 401,
  /** An officer signing in to the API must send the authenticator code too. */
  second_factor_required: 401,
  /** The authenticator code is wrong, expired or already used. */
  bad_second_factor: 401,
  /** An officer has not set up the authenticator yet: do it in the back office first. */
  second_factor_setup_required: 403,
  /** Too many attempts; try again later. */
  too_many_attempts: 429,
  /** The server is too busy right now (load shedding, src/http/load-shedding.ts): nothing was done; try again after Retry-After. */
  service_busy: 503,
  /** The uploaded file's content is not one of the accepted kinds, or does not match its name. */
  unsupported_file: 415,
  /** The virus scanner found malware (or the EICAR test file): the file is refused and the attempt audited. */
  infected_file: 422,
  /** The virus scanner cannot be reached or gave no verdict: the upload is refused (never kept unscanned); try again later. */
  scanner_unavailable: 503,
  /** The request body is larger than the server accepts. */
  request_too_large: 413,
  /** The uploaded file is larger than the requirement allows. */
  file_too_large: 413,
  /** The uploaded picture has more pixels than the server decodes (a "decompression bomb", or a photo far beyond a phone camera's). */
  image_too_large: 422,
  /** This permit type is not open for applications. */
  permit_type_disabled: 409,
  /** The application keeps as many document versions (or bytes) as it may. */
  upload_quota_exceeded: 409,
  /** The account's unsent applications (drafts) hold as many uploaded bytes as one account may. */
  draft_uploads_full: 409,
  /** Every place in the appointment slot is taken. */
  slot_full: 409,
  /** No appointment slot starts then: the past, outside opening hours, a holiday, or not a slot start. */
  slot_unavailable: 422,
  /** No queue of that service group at this office (queue tickets). */
  queue_service_unknown: 422,
  /** The office is not open now (its appointment hours, a holiday): no queue tickets. */
  queue_closed: 422,
  /** Nobody is waiting in that service group's queue today. */
  queue_empty: 409,
  /** The day's queue closed at the office's closing time: no more tickets today. */
  queue_closed_for_day: 422,
  /** A booked visitor may be marked no-show only once the grace period after their slot start has passed. */
  queue_grace_period: 409,
  /** Other counters kept calling the same group's tickets first: call again. */
  queue_busy: 409,
  /** Anonymous queue tickets come only from a device the office enrolled as its kiosk (or from the front desk). */
  queue_kiosk_required: 403,
  /** The WhatsApp code for an appointment is wrong, used up or expired (nothing is booked). */
  appointment_code_wrong: 422,
  /** A parcel's details do not fit: an unknown permit type or requirement, an application number that names nothing, a time ahead. */
  parcel_invalid: 422,
  /** A parcel with this courier company and tracking number is logged already. */
  parcel_duplicate: 409,
  /** The parcel has as many photos as a parcel may have. */
  parcel_photos_full: 409,
  /** The bank statement cannot be read: the line and why are in the message (nothing was imported). */
  statement_invalid: 422,
  /** The statement's day is closed: it cannot be imported again, nor its lines resolved. */
  reconciliation_day_closed: 409,
  /** The statement's day still has lines nobody resolved: it cannot be closed yet. */
  reconciliation_unresolved: 409,
  /** A held payment can pay its file only when it was for an expired bill still open, of the bill's amount, for a file waiting for payment. */
  payment_not_acceptable: 409,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * One field's problem. `code` picks the citizen's message (FIELD_MESSAGES in messages.ts);
 * `message` is the English fallback for developers and for codes without a translation.
 */
export type FieldProblem = { field: string; code: string; message: string; params?: Record<string, string | number> };

export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    /** For logs and developers; never personal data. */
    message: string,
    readonly details: { fields?: FieldProblem[]; params?: Record<string, string | number>; retryAfterSeconds?: number } = {},
  ) {
    super(message);
  }
  get status(): number {
    return ERROR_CODES[this.code];
  }
}
