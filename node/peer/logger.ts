// Structured logging for the peer: one event name plus fields per line, as human-readable text
// or as JSON lines (one object per line, for log collectors and for tests that parse output).
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['human', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  format: LogFormat;
  level: LogLevel;
  write: (line: string) => void;
  now?: () => Date;
}

function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error)
    return { message: value.message, ...(hasCode(value) ? { code: value.code } : {}) };
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object' && value.constructor === Object) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  if (value !== null && typeof value === 'object') return String(value);
  return value;
}

function hasCode(err: Error): err is Error & { code: string } {
  return typeof (err as { code?: unknown }).code === 'string';
}

function humanValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(humanValue).join(',');
  const p = plain(value);
  const text = typeof p === 'string' ? p : JSON.stringify(p);
  return /[\s"]/.test(text) ? JSON.stringify(text) : text;
}

export function createLogger(options: LoggerOptions): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level);
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, event: string, fields: LogFields = {}) => {
    if (LOG_LEVELS.indexOf(level) < threshold) return;
    const time = now().toISOString();
    if (options.format === 'json') {
      options.write(JSON.stringify({ time, level, event, ...(plain(fields) as LogFields) }));
      return;
    }
    const rest = Object.entries(fields)
      .map(([k, v]) => `${k}=${humanValue(v)}`)
      .join(' ');
    options.write(`${time} ${level.toUpperCase().padEnd(5)} ${event}${rest ? ` ${rest}` : ''}`);
  };
  return {
    debug: (e, f) => emit('debug', e, f),
    info: (e, f) => emit('info', e, f),
    warn: (e, f) => emit('warn', e, f),
    error: (e, f) => emit('error', e, f),
  };
}
