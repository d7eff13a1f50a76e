import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { isTimeZone } from '../lib/time-zones.ts';

/**
 * Request validation. Bodies are validated exactly: no type coercion, no stripping of
 * unknown fields (schemas say additionalProperties: false, and it is enforced, not
 * silently applied). Path and query strings arrive as text, so they may be coerced.
 */
const shared: Options = {
  allErrors: false,
  removeAdditional: false,
  useDefaults: true,
  verbose: true,
  strict: true,
  keywords: ['errorMessage', 'example'],
};

function build(options: Options): Ajv {
  const ajv = new Ajv({ ...shared, ...options });
  addFormats.default(ajv);
  // Our own formats: checked against lists the runtime holds, too long for an `enum`.
  ajv.addFormat('time-zone', { type: 'string', validate: isTimeZone });
  return ajv;
}

const bodyAjv = build({ coerceTypes: false });
const paramAjv = build({ coerceTypes: true });

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : paramAjv).compile(schema);

const formAjv = build({ allErrors: true });
const formValidators = new WeakMap<object, ValidateFunction>();

/**
 * Validates `value` against an API body schema (the one source of rules) for a form: one
 * sentence per top-level field that is wrong, so a page can show each next to its field.
 */
export function fieldErrors(schema: object, value: unknown, options: { nested?: boolean } = {}): Record<string, string> {
  let validate = formValidators.get(schema);
  if (!validate) {
    validate = formAjv.compile(schema);
    formValidators.set(schema, validate);
  }
  if (validate(value)) return {};
  const errors: Record<string, string> = {};
  for (const error of validate.errors ?? []) {
    // By top-level field (`colors`), or with `nested` by its whole path (`colors.primary`).
    const path = options.nested ? error.instancePath.slice(1).replaceAll('/', '.') || undefined : error.instancePath.split('/')[1];
    const field = path ?? String(error.params.missingProperty ?? error.params.additionalProperty ?? '');
    errors[field] ??= describeValidationError(error, 'form');
  }
  return errors;
}

/** One human sentence naming the offending field, e.g. `theme_config.colors.primary must be …`. */
export function describeValidationError(error: ErrorObject, part: string): string {
  const path = error.instancePath.slice(1).replaceAll('/', '.');
  const where = (name?: string) => [path, name].filter(Boolean).join('.') || part;
  const custom = (error.parentSchema as { errorMessage?: string } | undefined)?.errorMessage;
  switch (error.keyword) {
    case 'required':
      return `${where(String(error.params.missingProperty))} is required`;
    case 'additionalProperties':
      return `${where(String(error.params.additionalProperty))} is not a recognised field`;
    case 'type':
      return `${where()} must be ${article(String(error.params.type))}`;
    case 'enum':
      return `${where()} must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
    default:
      if (custom) return `${where()} ${custom}`;
      return `${where()} ${error.message ?? 'is invalid'}`;
  }
}

function article(type: string): string {
  const words: Record<string, string> = {
    object: 'a JSON object',
    array: 'an array',
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
    null: 'null',
  };
  return type
    .split(',')
    .map((t) => words[t] ?? t)
    .join(' or ');
}

/** How deep a JSON body, query or path may nest. No request schema comes close. */
export const MAX_NESTING_DEPTH = 32;

/**
 * Text the database or our own code cannot take, found before any of it runs:
 * - U+0000 (PostgreSQL text cannot hold it: a 500 at the database);
 * - a lone UTF-16 surrogate (not a Unicode character; unencodable as UTF-8);
 * - nesting deeper than MAX_NESTING_DEPTH (recursive code further on would overflow).
 * The walk is iterative so that the check itself cannot run out of stack. Returns one
 * sentence naming the field, or undefined when the value is clean.
 */
export function findUnsafeInput(value: unknown, root = 'body'): string | undefined {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value: item, path, depth } = stack.pop()!;
    if (typeof item === 'string') {
      const problem = textProblem(item);
      if (problem) return `${path || root} ${problem}`;
      continue;
    }
    if (!item || typeof item !== 'object' || ArrayBuffer.isView(item)) continue; // bytes (an uploaded image) are not text
    // Named by its top-level field: the full path would be 32 segments of noise.
    if (depth >= MAX_NESTING_DEPTH) return `${path.split('.')[0] || root} nests deeper than ${MAX_NESTING_DEPTH} levels`;
    const entries: Array<[string, unknown]> = Array.isArray(item) ? item.map((v, i) => [String(i), v]) : Object.entries(item);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      const here = path ? `${path}.${key}` : key;
      const keyProblem = textProblem(key);
      if (keyProblem) return `${here} ${keyProblem}`;
      stack.push({ value: child, path: here, depth: depth + 1 });
    }
  }
  return undefined;
}

/** In a `u` regex a surrogate pair is one code point, so only an unpaired half matches. */
const LONE_SURROGATE = /\p{Cs}/u;

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must not contain a lone UTF-16 surrogate (not valid Unicode)';
  return undefined;
}

/**
 * A request body is read as UTF-8 (JSON) or as its bytes (forms): a body declared in any
 * other charset would be misread, so it is refused rather than guessed at.
 */
export function declaresForeignCharset(contentType: string | undefined): boolean {
  if (!contentType) return false;
  for (const param of contentType.split(';').slice(1)) {
    const [name, raw] = param.split('=');
    if (name?.trim().toLowerCase() !== 'charset') continue;
    const charset = (raw ?? '').trim().replace(/^"(.*)"$/, '$1').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') return true;
  }
  return false;
}
