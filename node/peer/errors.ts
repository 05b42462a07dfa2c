// Codes of a peer's configuration and start-up (options, config file, metrics endpoint).
import { type CodeOf, defineErrorCodes } from '../../storage/errors/index.js';

export const ConfigErrorCode = defineErrorCodes('CONFIG', {
  FILE_NOT_FOUND: 'CONFIG_FILE_NOT_FOUND',
  /** An option (flag, SPLITUP_* variable or config-file field) has a value the peer cannot use. */
  INVALID: 'CONFIG_INVALID',
});
export type ConfigErrorCode = CodeOf<typeof ConfigErrorCode>;

export const MetricsErrorCode = defineErrorCodes('METRICS', {
  LISTEN_FAILED: 'METRICS_LISTEN_FAILED',
});
export type MetricsErrorCode = CodeOf<typeof MetricsErrorCode>;
