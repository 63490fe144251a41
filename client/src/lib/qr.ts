// QR codes drawn in the browser, with nothing fetched: qrcode-generator (bundled by vite) finds the
// modules, and this turns them into one SVG path, a unit square per dark module, inside the quiet
// zone of 4 modules the standard asks for. Used for the otpauth:// URI of TOTP enrolment.
import qrcode from 'qrcode-generator';

/** The quiet zone around the code, in modules (ISO/IEC 18004). */
export const QR_QUIET_MODULES = 4;

export interface QrPath {
  /** Modules per side, quiet zone included: the SVG's viewBox is 0 0 size size. */
  size: number;
  /** The dark modules as one path. */
  d: string;
}

/** The QR code of `text` (byte mode, error correction M, the smallest version that holds it). */
export function qrPath(text: string): QrPath {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const parts: string[] = [];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.isDark(r, c)) parts.push(`M${c + QR_QUIET_MODULES} ${r + QR_QUIET_MODULES}h1v1h-1z`);
    }
  }
  return { size: n + 2 * QR_QUIET_MODULES, d: parts.join('') };
}
