import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../lib/schema.ts';
import { ownEntry } from '../lib/lookup.ts';

/**
 * theme_config ends up inside a <style> block as CSS custom properties, so every value
 * is constrained to a shape that cannot carry CSS or HTML: hex colours only, a font
 * name from a tiny alphabet, a bounded integer radius, and a two-word enum.
 */
const HexColor = Type.String({
  pattern: '^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$',
  errorMessage: 'must be a hex colour such as #1a2b3c or #abc',
  examples: ['#4f46e5'],
});

/** Named font stacks anyone can pick; any other value is a single family name. */
export const FONT_STACKS: Record<string, string> = {
  system: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  'sans-serif': 'ui-sans-serif, system-ui, sans-serif',
  serif: 'ui-serif, Georgia, Cambria, "Times New Roman", Times, serif',
  monospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
  rounded: 'ui-rounded, "SF Pro Rounded", system-ui, sans-serif',
};

export const ThemeConfigSchema = Type.Object(
  {
    colors: Type.Optional(
      Type.Object(
        {
          primary: Type.Optional(HexColor),
          background: Type.Optional(HexColor),
          surface: Type.Optional(HexColor),
          text: Type.Optional(HexColor),
          muted: Type.Optional(HexColor),
          danger: Type.Optional(HexColor),
        },
        { additionalProperties: false },
      ),
    ),
    font_family: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9 -]{1,40}$',
        errorMessage: `must be one of ${Object.keys(FONT_STACKS).join(', ')} or a font name of letters, digits, spaces and hyphens (at most 40)`,
        examples: ['system', 'Inter'],
      }),
    ),
    border_radius: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 32, errorMessage: 'must be a whole number of pixels from 0 to 32' }),
    ),
    mode: Type.Optional(StringEnum(['light', 'dark'] as const)),
  },
  {
    additionalProperties: false,
    description: 'Portal branding. Values become CSS custom properties; anything that could inject CSS or HTML is refused.',
  },
);

export type ThemeConfigInput = Static<typeof ThemeConfigSchema>;

/** The CSS font-family value for a validated font_family (named stack or quoted family). */
export function fontStack(fontFamily: string | undefined): string {
  if (!fontFamily) return FONT_STACKS.system!;
  return ownEntry(FONT_STACKS, fontFamily) ?? `"${fontFamily}", ${FONT_STACKS.system}`;
}
