/**
 * Structured logging for the Lambdas and the local server: one JSON object per line on stdout.
 *
 * The fields keep the names Powertools Logger gave them (level, message, timestamp, service, cold_start,
 * function_arn, function_memory_size, function_name, function_request_id, xray_trace_id), so Logs
 * Insights queries written against the earlier logs keep working. Powertools cost about 20 KiB of every
 * bundle for the few methods the handlers use. Lines are written with process.stdout.write rather than
 * console.log, which Lambda would wrap in a record of its own. Logging never throws: a line whose
 * attributes cannot be serialised is written without them.
 */
import type { Context } from 'aws-lambda';

import type { BaseConfig, LogLevel } from './config';

export type LogAttributes = Readonly<Record<string, unknown>>;

/** What of the Lambda context goes into every line: ids and names, nothing from the event. */
export type LambdaInvocation = Pick<Context, 'awsRequestId' | 'functionName'> &
  Partial<Pick<Context, 'invokedFunctionArn' | 'memoryLimitInMB'>>;

export interface Logger {
  debug(message: string, attributes?: LogAttributes): void;
  info(message: string, attributes?: LogAttributes): void;
  warn(message: string, attributes?: LogAttributes): void;
  error(message: string, attributes?: LogAttributes): void;
  /** Adds keys to every following line until resetKeys. */
  appendKeys(attributes: LogAttributes): void;
  /** Drops the appended keys; the service and the Lambda invocation fields stay. */
  resetKeys(): void;
  /** The invocation's request id and function, on every following line. */
  addContext(context: LambdaInvocation): void;
}

type LineLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Powertools' scale, so LOG_LEVEL means what it meant before (CRITICAL passes nothing we write). */
const SEVERITY: Readonly<Record<LogLevel, number>> = {
  TRACE: 6,
  DEBUG: 8,
  INFO: 12,
  WARN: 16,
  ERROR: 20,
  CRITICAL: 24,
  SILENT: 28,
};

/** Set by the logger on every line; attributes of the same name are dropped. */
const RESERVED_KEYS = new Set(['level', 'message', 'timestamp', 'service']);

/** The Root part of `Root=1-...;Parent=...;Sampled=1`, which the Lambda runtime sets per invocation. */
function xrayTraceId(): string | undefined {
  const header = process.env._X_AMZN_TRACE_ID;
  if (!header) return undefined;
  if (!header.includes('=')) return header;
  return /(?:^|;)\s*Root=([^;]*)/.exec(header)?.[1];
}

interface Visited {
  readonly holder: object;
  readonly source: object;
}

/**
 * A JSON.stringify replacer for log lines: BigInt as a decimal string, an Error as its name, message,
 * stack and cause, and a reference back to an object being serialised dropped instead of throwing.
 */
function logReplacer(): (this: unknown, key: string, value: unknown) => unknown {
  // The chain of objects from the root to the current holder (JSON.stringify walks depth first).
  const path: Visited[] = [];
  return function (this: unknown, _key: string, value: unknown): unknown {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value !== 'object' || value === null) return value;
    while (path.length > 0 && path.at(-1)?.holder !== this) path.pop();
    if (path.some((visited) => visited.source === value)) return undefined;
    const replaced =
      value instanceof Error
        ? { name: value.name, message: value.message, stack: value.stack, cause: value.cause }
        : value;
    path.push({ holder: replaced, source: value });
    return replaced;
  };
}

/** Powertools left out attributes without a value; so do we. */
const hasValue = (value: unknown): boolean => value !== undefined && value !== null && value !== '';

export function createLogger(config: Pick<BaseConfig, 'serviceName' | 'logLevel'>): Logger {
  const threshold = SEVERITY[config.logLevel];
  // A provisioned environment was initialised before its first invocation, so none of its
  // invocations waited for a cold start.
  let coldStart = process.env.AWS_LAMBDA_INITIALIZATION_TYPE !== 'provisioned-concurrency';
  let invocation: Record<string, unknown> = {};
  let appendedKeys: LogAttributes = {};

  const write = (level: LineLevel, message: string, attributes: LogAttributes | undefined): void => {
    if (SEVERITY[level] < threshold) return;
    const fixed: Record<string, unknown> = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service: config.serviceName,
      ...invocation,
      xray_trace_id: xrayTraceId(),
    };
    let text: string;
    try {
      const line: Record<string, unknown> = { ...fixed };
      for (const source of [appendedKeys, attributes ?? {}]) {
        for (const [key, value] of Object.entries(source)) {
          if (!RESERVED_KEYS.has(key)) line[key] = value;
        }
      }
      const shown = Object.fromEntries(Object.entries(line).filter(([, value]) => hasValue(value)));
      text = JSON.stringify(shown, logReplacer());
    } catch {
      // A throwing getter or toJSON: keep the line, say why its attributes are missing.
      text = JSON.stringify({ ...fixed, log_error: 'attributes could not be serialised' });
    }
    try {
      process.stdout.write(`${text}\n`);
    } catch {
      // Nowhere left to report it; the request must not fail because a log line could not be written.
    }
  };

  return {
    debug: (message, attributes) => write('DEBUG', message, attributes),
    info: (message, attributes) => write('INFO', message, attributes),
    warn: (message, attributes) => write('WARN', message, attributes),
    error: (message, attributes) => write('ERROR', message, attributes),
    appendKeys: (attributes) => {
      try {
        appendedKeys = { ...appendedKeys, ...attributes };
      } catch {
        // A throwing getter: the keys appended before stay, as if this call had not happened.
      }
    },
    resetKeys: () => {
      appendedKeys = {};
    },
    addContext: (context) => {
      invocation = {
        cold_start: coldStart,
        function_arn: context.invokedFunctionArn,
        function_memory_size: context.memoryLimitInMB,
        function_name: context.functionName,
        function_request_id: context.awsRequestId,
      };
      coldStart = false;
    },
  };
}
