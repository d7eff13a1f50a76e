import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

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

function build(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({ ...shared, coerceTypes });
  addFormats.default(ajv);
  return ajv;
}

const bodyAjv = build(false);
const paramAjv = build(true);

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : paramAjv).compile(schema);

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

/**
 * PostgreSQL text cannot hold U+0000, so a NUL anywhere in a JSON body would fail at the
 * database as a 500. Refuse it up front, naming the field.
 */
export function findNulCharacter(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path || 'body' : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findNulCharacter(item, path ? `${path}.${i}` : String(i));
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const here = path ? `${path}.${key}` : key;
      if (key.includes('\u0000')) return here;
      const found = findNulCharacter(item, here);
      if (found) return found;
    }
  }
  return undefined;
}
