import { pino, type Logger } from 'pino';
import type { LogLevel } from '../../config.js';

export type { Logger };

/**
 * Structured JSON logs. Tokens never reach a log line: the adapters log no
 * credentials, and these paths are redacted in case one slips into a field.
 */
export const createLogger = (level: LogLevel, destination?: pino.DestinationStream): Logger =>
  pino(
    {
      level,
      base: { service: 'ecb' },
      redact: {
        paths: [
          'token',
          'userToken',
          'threadToken',
          'accessToken',
          'authorization',
          '*.token',
          '*.userToken',
          '*.threadToken',
          '*.accessToken',
          '*.authorization',
          'headers.authorization',
          'headers["x-thread-token"]',
          'headers["x-ecb-key"]',
        ],
        censor: '[redacted]',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
