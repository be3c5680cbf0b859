// Arbitraries of malformed input for property tests: wrong types, unknown and
// prototype-polluting keys, deep nesting, broken JSON, unicode edge cases and
// SQL-looking text. How many runs a property gets is set by FINISHLINE_FUZZ_RUNS
// (small in `npm test`, thousands in `npm run chaos`).
import fc from 'fast-check';

export const FUZZ_RUNS = Number(process.env.FINISHLINE_FUZZ_RUNS ?? 10);

export const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', 'toString'];

export const SQL_LOOKING = [
  "Robert'); DROP TABLE tasks;--",
  "' OR '1'='1",
  '1; DELETE FROM users WHERE 1=1',
  "%' AND 1=0 UNION SELECT password_hash FROM users --",
  '\\"; select pg_sleep(0); --',
  '$1 $$ ?, ?',
  "'; ATTACH DATABASE '/tmp/x.db' AS x; --",
];

/** Strings that break naive code: control characters, NUL, lone surrogates, RTL, combining marks, emoji, very long. */
export const edgeString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', '\udfff x', '\u202e\u0645\u0631\u062d\u0628\u0627', 'e\u0301\u0301\u0301', '👩‍👩‍👧‍👦🏳️‍🌈', '\ufeffBOM', '\r\n\t', ' '.repeat(300), 'x'.repeat(20_001)),
  fc.constantFrom(...SQL_LOOKING),
);

/** A value nested `depth` times in arrays or objects. */
export function deeplyNested(depth: number, inObjects: boolean): string {
  return inObjects ? '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) : '['.repeat(depth) + ']'.repeat(depth);
}

/** Any JSON value that is not an object. */
export const notAnObject = fc.oneof(fc.integer(), fc.double(), edgeString, fc.boolean(), fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 4 }));

/** A value of another JSON type than `value` has (never null, which a nullable field may take). */
export function otherType(value: unknown): fc.Arbitrary<unknown> {
  const kinds: fc.Arbitrary<unknown>[] = [];
  if (typeof value !== 'string') kinds.push(edgeString.filter((s) => s.length > 0));
  if (typeof value !== 'number') kinds.push(fc.oneof(fc.integer(), fc.constantFrom(1e308, -0, 2 ** 53 + 1)));
  if (typeof value !== 'boolean') kinds.push(fc.boolean());
  if (!Array.isArray(value)) kinds.push(fc.array(fc.integer(), { minLength: 1, maxLength: 3 }));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) kinds.push(fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { minKeys: 1, maxKeys: 3 }));
  return fc.oneof(...kinds);
}

/** JSON text that does not parse. */
export const brokenJson = fc.constantFrom('{', '{"a":', '{"title": "x",}', "{'title': 'x'}", '{"title": "x"} trailing', 'NaN', '{"title": "\\ud800"', 'undefined', '{"a":1}{"b":2}', '');

/**
 * A body that must be refused, built from a valid one: not an object, broken
 * JSON, an unknown or polluting key, a field of the wrong type, a field nested
 * thousands deep.
 */
export function malformedBody(valid: Record<string, unknown>): fc.Arbitrary<{ text: string; why: string }> {
  const keys = Object.keys(valid);
  const variants: fc.Arbitrary<{ text: string; why: string }>[] = [
    notAnObject.map((v) => ({ text: JSON.stringify(v), why: 'not an object' })),
    // An empty JSON body is no body: refused where the route needs fields, a valid request where it needs none.
    brokenJson.filter((text) => keys.length > 0 || text !== '').map((text) => ({ text, why: 'broken JSON' })),
    fc.tuple(fc.constantFrom(...POLLUTING_KEYS), fc.jsonValue()).map(([key, v]) => ({
      text: JSON.stringify(valid).replace(/^\{/, `{${JSON.stringify(key)}:${JSON.stringify(key === '__proto__' ? { isAdmin: true, role: 'owner' } : v) ?? 'null'}${keys.length ? ',' : ''}`),
      why: `polluting key ${key}`,
    })),
    fc.string({ minLength: 1, maxLength: 12 }).map((s) => ({ text: JSON.stringify({ ...valid, [`zz_${s}`]: 1 }), why: 'unknown key' })),
  ];
  if (keys.length > 0) {
    variants.push(
      fc.constantFrom(...keys).chain((key) => otherType(valid[key]).map((v) => ({ text: JSON.stringify({ ...valid, [key]: v }), why: `${key} of the wrong type` }))),
      fc.tuple(fc.constantFrom(...keys), fc.boolean()).map(([key, inObjects]) => ({
        text: JSON.stringify({ ...valid, [key]: 0 }).replace(`${JSON.stringify(key)}:0`, `${JSON.stringify(key)}:${deeplyNested(5000, inObjects)}`),
        why: `${key} nested 5000 deep`,
      })),
    );
  }
  return fc.oneof(...variants);
}

/** Query strings of unknown, repeated, polluting and oversize parameters. */
export const malformedQuery = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom('limit', 'cursor', 'status', 'q', 'sort', 'format', 'assignee', 'dueBefore', 'from', 'to', 'action', ...POLLUTING_KEYS, 'a[b]', 'limit[]'), fc.string({ maxLength: 8 })),
      fc.oneof(edgeString, fc.constantFrom('-1', '0', '1e309', '201', 'NaN', '9'.repeat(400), 'csv', 'json', 'true', '[]', '{}', '%zz', 'x'.repeat(600))),
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((pairs) => pairs.map(([k, v]) => `${percentEncode(k)}=${v === '%zz' ? v : percentEncode(v)}`).join('&'));

/** Percent-encodes every byte but the unreserved ones; unlike encodeURIComponent, never throws (lone surrogates become U+FFFD). */
function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`)).join('');
}

/** Header sets of odd values: stale or broken If-Match, long Idempotency-Key, wrong content types, garbage auth. */
export const oddHeaders = fc.record(
  {
    'if-match': fc.oneof(fc.constantFrom('"1"', '"999999"', 'W/"2"', 'W/"1"', '*', 'garbage', '"-1"', '"1e3"', '""', '"stale-etag-0"', '"1", W/"2"', '"99999999999999999999"'), fc.string({ maxLength: 30 })),
    'idempotency-key': fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constant('k'.repeat(300))),
    accept: fc.constantFrom('text/html', 'application/xml', '*/*', 'application/json;q=0', 'garbage'),
    'last-event-id': fc.constantFrom('-1', '999999999999', 'abc', '1e400', '1e21', '1.5', ' 7', '0x10'),
    'x-forwarded-proto': fc.constantFrom('https', 'gopher', ''),
    cookie: fc.constantFrom('fl_session=fls_forged', 'fl_session=; fl_csrf=', '=;;=', 'fl_session=%zz'),
  },
  { requiredKeys: [] },
);

/** One value a cursor might carry: every JSON type, numbers out of any column's range, text no database can compare. */
const cursorValue = fc.oneof(
  fc.constantFrom('created', 'due', 'name', '-updated', 'x', '', '\u0000', 'a\u0000b', '\ud800', 'x'.repeat(5000)),
  edgeString,
  fc.integer(),
  fc.constantFrom(1e30, -1e30, 1.5, -0, 2 ** 63, Number.MAX_SAFE_INTEGER + 2),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);

/** Cursors a list never handed out: base64url JSON of the wrong shape, types or ranges (1e999 among them), or not base64url JSON at all. */
export const malformedCursor = fc.oneof(
  fc.array(cursorValue, { minLength: 0, maxLength: 4 }).map((values) => Buffer.from(JSON.stringify(values)).toString('base64url')),
  fc.constantFrom('[1e999,"x"]', '["created",1e999,"x"]', '[-1e999]', '["abc","x"]', '["created","1e30","x"]', '{"a":1}', '"x"', 'null').map((json) => Buffer.from(json).toString('base64url')),
  fc.constantFrom('%zz', '!!!', '====', 'x'.repeat(3000), '%00', 'WyJ'),
);

/** Path ids no route hands out: NUL, bytes that are not UTF-8, encoded lone surrogates, very long, traversal, SQL-looking. */
export const malformedPathId = fc.oneof(
  fc.constantFrom('ab%00cd', '%00', '%ff', '%c3%28', '%ed%a0%80', 'x'.repeat(5000), '..%2f..%2fetc', '%2e%2e', "1'%20OR%20'1'%3D'1", 'T-99999999999999999999', 'T-1e3', 'T--1', '%20', '%E2%80%AE'),
  edgeString.filter((text) => text.length > 0).map((text) => percentEncode(text)),
);
