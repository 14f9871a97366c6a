import { Logger } from '@aws-lambda-powertools/logger';

import type { BaseConfig } from '../config';

export const createLogger = (config: Pick<BaseConfig, 'serviceName' | 'logLevel'>): Logger =>
  new Logger({ serviceName: config.serviceName, logLevel: config.logLevel });
