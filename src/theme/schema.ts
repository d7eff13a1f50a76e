import { Type, type Static, type TOptional, type TString } from '@sinclair/typebox';
import { StringEnum } from '../lib/schema.ts';
import { ownEntry } from '../lib/lookup.ts';
import { HOSTED_FONTS, hostedFont } from './fonts.ts';

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

export const COLOR_KEYS = ['primary', 'background', 'surface', 'text', 'muted', 'danger'] as const;
export type ColorKey = (typeof COLOR_KEYS)[number];

const palette = (description: string) =>
  Type.Object(Object.fromEntries(COLOR_KEYS.map((key) => [key, Type.Optional(HexColor)])) as Record<ColorKey, TOptional<TString>>, {
    additionalProperties: false,
    description,
  });

/** A logo's id: the SHA-256 (hex) of an image uploaded for the project. */
export const LogoId = Type.String({
  pattern: '^[0-9a-f]{64}$',
  errorMessage: 'must be the id of a logo uploaded for this project (PUT /api/admin/projects/{id}/logo)',
});

export const ThemeConfigSchema = Type.Object(
  {
    colors: Type.Optional(
      palette('The light palette. Themes written before `dark_colors` existed use it for dark mode too when `mode` is `dark`.'),
    ),
    dark_colors: Type.Optional(palette('The dark palette, used when `mode` is `dark`, or `system` and the customer\'s device is set to dark.')),
    font_family: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9 -]{1,40}$',
        errorMessage: `must be one of ${[...Object.keys(HOSTED_FONTS), ...Object.keys(FONT_STACKS)].join(', ')} or a font name of letters, digits, spaces and hyphens (at most 40)`,
        description:
          `Served by Langgan to every customer: ${Object.keys(HOSTED_FONTS).join(', ')}. ` +
          `System stacks: ${Object.keys(FONT_STACKS).join(', ')}. Any other family name is used only if it is installed on the customer's device.`,
        examples: ['inter', 'system'],
      }),
    ),
    border_radius: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 32, errorMessage: 'must be a whole number of pixels from 0 to 32' }),
    ),
    mode: Type.Optional(
      StringEnum(['light', 'dark', 'system'] as const, { description: "Appearance: always light, always dark, or follow the customer's system setting." }),
    ),
    logo: Type.Optional(LogoId),
  },
  {
    additionalProperties: false,
    description: 'Branding of the portal and the hosted login page. Values become CSS custom properties; anything that could inject CSS or HTML is refused.',
  },
);

export type ThemeConfigInput = Static<typeof ThemeConfigSchema>;

/** The CSS font-family value for a validated font_family (named stack or quoted family). */
export function fontStack(fontFamily: string | undefined): string {
  if (!fontFamily) return FONT_STACKS.system!;
  const hosted = hostedFont(fontFamily);
  if (hosted) return `"${hosted.family}", ${hosted.fallback}`;
  return ownEntry(FONT_STACKS, fontFamily) ?? `"${fontFamily}", ${FONT_STACKS.system}`;
}
