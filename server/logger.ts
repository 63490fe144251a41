// One pino logger for the process; modules take a child logger as a dependency.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: { paths: ['req.headers.cookie', 'password', '*.password', 'totp', '*.totp'], remove: true },
  });
}
