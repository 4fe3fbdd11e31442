/**
 * SNAP response codes for the services Izol answers as a biller: seven digits, HTTP status (3) +
 * service code (2) + case code (2), with a responseMessage of at most 150 characters.
 *
 * Source: ASPI SNAP developer site, "Keamanan" → Response Code, "Daftar Response Code" (the same
 * general table is repeated on the Virtual Account page); mirrored in mseptiaan/snap-aspi-go
 * `aspi/keamanan.md` and `aspi/virtual-account.md`. Service codes from the same pages: 73 access
 * token B2B, 24 VA inquiry, 25 VA payment, 26 VA inquiry status, 35 VA report.
 *
 * Messages are the spec's "Response Message" column. Where the spec leaves a placeholder
 * (`{field name}`, `[reason]`), the detail goes in square brackets after the text, the form SNAP
 * servers use in practice (BCA-style integrations): "Unauthorized. [Signature]",
 * "Invalid Field Format [X-TIMESTAMP]", "Invalid Mandatory Field [virtualAccountNo]".
 *
 * SNAP has no case of its own for a stale or malformed X-TIMESTAMP: like those banks we answer 400xx01
 * "Invalid Field Format [X-TIMESTAMP]" (`invalidTimestamp`); a wrong signature is 401xx00
 * "Unauthorized. [Signature]" (`invalidSignature`).
 */

/** Service codes (the middle two digits). */
export const SNAP_SERVICE = {
  accessTokenB2b: '73',
  vaInquiry: '24',
  vaPayment: '25',
  vaStatus: '26',
  vaReport: '35',
  /** QRIS MPM payment notification (the acquirer tells the merchant a QRIS was paid). */
  qrisNotify: '52',
} as const;
export type SnapService = keyof typeof SNAP_SERVICE;

interface SnapCaseDef {
  readonly httpStatus: number;
  readonly caseCode: string;
  /** The spec's responseMessage without its placeholder. */
  readonly message: string;
  /** The detail this case always carries (written "[detail]"); otherwise the caller's, if any. */
  readonly detail?: string;
}

/** The cases the access-token and VA inquiry/payment services need. */
export const SNAP_CASE = {
  /** 200xx00: the request succeeded. */
  success: { httpStatus: 200, caseCode: '00', message: 'Successful' },
  /** 400xx00: the message could not be parsed (not JSON, wrong shape). */
  badRequest: { httpStatus: 400, caseCode: '00', message: 'Bad Request' },
  /** 400xx01: a field (body or header) has the wrong format; the detail names it. */
  invalidFieldFormat: { httpStatus: 400, caseCode: '01', message: 'Invalid Field Format' },
  /** 400xx01 for X-TIMESTAMP: malformed, or outside the window of the server clock. */
  invalidTimestamp: { httpStatus: 400, caseCode: '01', message: 'Invalid Field Format', detail: 'X-TIMESTAMP' },
  /** 400xx02: a mandatory field (body or header) is missing or invalid; the detail names it. */
  invalidMandatoryField: { httpStatus: 400, caseCode: '02', message: 'Invalid Mandatory Field' },
  /** 401xx00: general unauthorised; the detail says why. */
  unauthorized: { httpStatus: 401, caseCode: '00', message: 'Unauthorized.' },
  /** 401xx00 for a wrong or missing X-SIGNATURE. */
  invalidSignature: { httpStatus: 401, caseCode: '00', message: 'Unauthorized.', detail: 'Signature' },
  /** 401xx00 for an X-CLIENT-KEY / X-PARTNER-ID the office does not know. */
  unknownClient: { httpStatus: 401, caseCode: '00', message: 'Unauthorized.', detail: 'Unknown client' },
  /** 401xx01: the bearer token does not exist or has expired. */
  invalidToken: { httpStatus: 401, caseCode: '01', message: 'Invalid Token (B2B)' },
  /** 404xx12: no such bill or virtual account (or it is blocked/suspended, e.g. voided). */
  billNotFound: { httpStatus: 404, caseCode: '12', message: 'Invalid Bill/Virtual Account' },
  /** 404xx13: the amount does not match the bill. */
  invalidAmount: { httpStatus: 404, caseCode: '13', message: 'Invalid Amount' },
  /** 404xx14: the bill has been paid. */
  billPaid: { httpStatus: 404, caseCode: '14', message: 'Paid Bill' },
  /** 404xx18: same paymentRequestId as an earlier request, different content. */
  inconsistentRequest: { httpStatus: 404, caseCode: '18', message: 'Inconsistent Request' },
  /** 404xx19: the bill (virtual account) has expired. */
  billExpired: { httpStatus: 404, caseCode: '19', message: 'Invalid Bill/Virtual Account' },
  /** 409xx00: X-EXTERNAL-ID already used today by this partner. */
  conflict: { httpStatus: 409, caseCode: '00', message: 'Conflict' },
  /** 429xx00: too many requests from this caller in a short time. */
  tooManyRequests: { httpStatus: 429, caseCode: '00', message: 'Too Many Requests' },
  /** 500xx00: anything unexpected on our side. */
  generalError: { httpStatus: 500, caseCode: '00', message: 'General Error' },
} as const satisfies Record<string, SnapCaseDef>;
export type SnapCase = keyof typeof SNAP_CASE;

export interface SnapResponseStatus {
  readonly httpStatus: number;
  /** Seven digits, e.g. "2002400". */
  readonly responseCode: string;
  readonly responseMessage: string;
}

/**
 * The status of an answer: `snapResponse('vaPayment', 'billPaid')` → 404, "4042514", "Paid Bill";
 * `snapResponse('vaInquiry', 'invalidMandatoryField', 'virtualAccountNo')` → "Invalid Mandatory Field [virtualAccountNo]".
 * The message is cut at SNAP's 150 characters.
 */
export function snapResponse(service: SnapService, kase: SnapCase, detail?: string): SnapResponseStatus {
  const def: SnapCaseDef = SNAP_CASE[kase];
  const shown = def.detail ?? (detail === '' ? undefined : detail);
  const responseMessage = (shown === undefined ? def.message : `${def.message} [${shown}]`).slice(0, 150);
  return { httpStatus: def.httpStatus, responseCode: `${def.httpStatus}${SNAP_SERVICE[service]}${def.caseCode}`, responseMessage };
}

/** Splits a seven-digit response code; null when it is not one. */
export function parseSnapResponseCode(code: string): { httpStatus: number; serviceCode: string; caseCode: string } | null {
  const m = /^([1-5]\d{2})(\d{2})(\d{2})$/.exec(code);
  if (!m || m[1] === undefined || m[2] === undefined || m[3] === undefined) return null;
  return { httpStatus: Number(m[1]), serviceCode: m[2], caseCode: m[3] };
}
