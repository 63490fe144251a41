// The attachment types a case accepts, shared by the server (which refuses anything else, 415) and
// the browser (which checks a chosen file before the application is filed, so that a case is never
// filed without the attachment its applicant meant to send). A file must start with its type's
// magic bytes: no HTML, SVG or macros under a harmless name.
const ZIP = [0x50, 0x4b, 0x03, 0x04];

/** Extension → content type and the magic bytes the file must start with. */
export const ATTACHMENT_TYPES: Record<string, { type: string; magic: number[][] }> = {
  pdf: { type: 'application/pdf', magic: [[0x25, 0x50, 0x44, 0x46, 0x2d]] },
  png: { type: 'image/png', magic: [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]] },
  jpg: { type: 'image/jpeg', magic: [[0xff, 0xd8, 0xff]] },
  jpeg: { type: 'image/jpeg', magic: [[0xff, 0xd8, 0xff]] },
  tif: { type: 'image/tiff', magic: [[0x49, 0x49, 0x2a, 0x00], [0x4d, 0x4d, 0x00, 0x2a]] },
  tiff: { type: 'image/tiff', magic: [[0x49, 0x49, 0x2a, 0x00], [0x4d, 0x4d, 0x00, 0x2a]] },
  ofd: { type: 'application/ofd', magic: [ZIP] },
  docx: { type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', magic: [ZIP] },
  xlsx: { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', magic: [ZIP] },
};

/** The longest magic: how many leading bytes a check needs. */
export const MAGIC_BYTES = 8;

/** Whether bytes (the file's first ones) are what the extension says. */
export function bytesMatch(ext: string, bytes: ArrayLike<number>): boolean {
  const spec = ATTACHMENT_TYPES[ext];
  return !!spec && spec.magic.some((m) => m.every((b, i) => bytes[i] === b));
}
