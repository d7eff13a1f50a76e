import { Type, type SchemaOptions, type TUnsafe } from '@sinclair/typebox';

/** A string enum as plain JSON Schema `enum` (clear errors and a clean OpenAPI document). */
export function StringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ ...options, type: 'string', enum: [...values] });
}

/** `{"error":{"code","message"}}`, the body of every 4xx/5xx answer. */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable machine-readable code', examples: ['invalid_request'] }),
      message: Type.String({ description: 'A sentence naming the field or problem' }),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: 'ErrorResponse', description: 'Error' },
);

/** Responses shared by every route: 4xx shapes documented once. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((s) => [s, Type.Ref('ErrorResponse')]));
}
