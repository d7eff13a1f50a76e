import { imageSize } from 'image-size';
import { AppError } from '../../lib/errors.ts';

/**
 * What a logo may be: PNG, JPEG or WebP — recognised by the bytes themselves (their
 * signature, then a full header parse for the dimensions), never by a file name or a
 * declared type — at most LOGO_MAX_BYTES and LOGO_MAX_SIDE pixels a side. SVG is never
 * accepted (it is a document that can carry script and links), nor anything else.
 */
export const LOGO_MAX_BYTES = 256 * 1024;
export const LOGO_MAX_SIDE = 2048;
export const LOGO_MIN_SIDE = 16;

export type LogoType = 'image/png' | 'image/jpeg' | 'image/webp';

export interface CheckedLogo {
  contentType: LogoType;
  width: number;
  height: number;
}

const SIGNATURES: Array<[LogoType, (b: Buffer) => boolean]> = [
  ['image/png', (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))],
  ['image/jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['image/webp', (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP'],
];
const PARSED_AS: Record<LogoType, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

function refuse(message: string): never {
  throw new AppError('invalid_logo', message);
}

export function checkLogo(bytes: Buffer): CheckedLogo {
  if (bytes.length === 0) refuse('The logo file is empty');
  if (bytes.length > LOGO_MAX_BYTES) refuse(`The logo is ${Math.ceil(bytes.length / 1024)} KB; the limit is ${LOGO_MAX_BYTES / 1024} KB`);
  const contentType = SIGNATURES.find(([, matches]) => matches(bytes))?.[0];
  if (!contentType) refuse('The logo must be a PNG, JPEG or WebP image (SVG and other files are not accepted)');
  let size: ReturnType<typeof imageSize>;
  try {
    size = imageSize(bytes);
  } catch {
    refuse(`The logo is not a readable ${contentType.slice(6).toUpperCase()} image`);
  }
  if (size.type !== PARSED_AS[contentType] || !size.width || !size.height) refuse(`The logo is not a readable ${contentType.slice(6).toUpperCase()} image`);
  const { width, height } = size;
  if (width > LOGO_MAX_SIDE || height > LOGO_MAX_SIDE) refuse(`The logo is ${width}×${height} pixels; at most ${LOGO_MAX_SIDE} a side`);
  if (width < LOGO_MIN_SIDE || height < LOGO_MIN_SIDE) refuse(`The logo is ${width}×${height} pixels; at least ${LOGO_MIN_SIDE} a side`);
  return { contentType, width, height };
}
