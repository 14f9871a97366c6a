/**
 * Change events (docs/events.md): the table's stream -> the events Lambda -> the stage's EventBridge bus,
 * with an archive to replay from and, by default, one rule delivering every event to an SQS queue for the
 * platform. Nothing is lost: partial batch failures resume at the failed record, a failing batch is
 * bisected and retried a bounded number of times, then lands in a dead-letter queue that alarms.
 */
import { CfnOutput, Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { Alarm, IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Archive } from 'aws-cdk-lib/aws-events';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../lambdas/events/change-events';
import { ScimFunction } from './scim-function';
import type { StageConfig } from './stage-config';

/** Stream records per invocation: the publisher sends them in PutEvents requests of 10. */
export const EVENTS_BATCH_SIZE = 100;
/** Retries of a failing batch (bisected on each function error) before it goes to the dead-letter queue. */
export const EVENTS_RETRY_ATTEMPTS = 10;
/** A batch of 100 records is 10+ PutEvents calls, each bounded in lambdas/events.ts: far under a minute. */
export const EVENTS_TIMEOUT = Duration.seconds(60);
/** Deliveries of one message to the platform queue's consumer before it moves to that queue's DLQ. */
export const PLATFORM_QUEUE_MAX_RECEIVES = 5;
/** SQS's longest retention: time to look at and redrive what failed. */
const DEAD_LETTER_RETENTION = Duration.days(14);
const ALARM_PERIOD_MINUTES = 5;

export type AlarmFactory = (id: string, metric: IMetric, threshold: number, description: string) => Alarm;

export interface ChangeEventsProps {
  readonly config: StageConfig;
  readonly table: Table;
  readonly entry: string;
  readonly projectRoot: string;
  readonly environment: Record<string, string>;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** The stack's alarm (to its SNS topic). */
  readonly alarm: AlarmFactory;
}

const queueDefaults = {
  encryption: QueueEncryption.SQS_MANAGED,
  enforceSSL: true,
} as const;

export class ChangeEvents extends Construct {
  readonly bus: EventBus;
  readonly archive: Archive;
  readonly publisher: ScimFunction;
  readonly deadLetterQueue: Queue;
  readonly platformQueue?: Queue;
  readonly platformDeadLetterQueue?: Queue;

  constructor(scope: Construct, id: string, props: ChangeEventsProps) {
    super(scope, id);
    const { config } = props;
    const alarmPeriod = Duration.minutes(ALARM_PERIOD_MINUTES);

    this.bus = new EventBus(this, 'Bus', { eventBusName: `serverless-scim-${config.stageName}` });
    this.archive = this.bus.archive('Archive', {
      archiveName: `serverless-scim-${config.stageName}-events`,
      description: 'Every change event of the stage, to replay a window (docs/events.md).',
      eventPattern: { source: [EVENT_SOURCE] },
      retention: Duration.days(config.eventArchiveRetentionDays),
    });

    this.publisher = new ScimFunction(this, 'Publisher', {
      name: 'events',
      description: 'SCIM change events: table stream -> EventBridge',
      entry: props.entry,
      projectRoot: props.projectRoot,
      environment: { ...props.environment, EVENT_BUS_NAME: this.bus.eventBusName },
      logLevel: config.logLevel,
      logRetention: props.logRetention,
      logRemovalPolicy: props.removalPolicy,
      timeout: EVENTS_TIMEOUT,
    });
    // Put to this bus only (grantPutEventsTo names the bus ARN).
    this.bus.grantPutEventsTo(this.publisher.role);

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      ...queueDefaults,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });
    this.publisher.function.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: EVENTS_BATCH_SIZE,
        bisectBatchOnError: true,
        retryAttempts: EVENTS_RETRY_ATTEMPTS,
        reportBatchItemFailures: true,
        // One invocation per shard at a time: a change of a resource is never published before an older one.
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.deadLetterQueue),
      }),
    );

    props.alarm(
      'DeadLetterAlarm',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        statistic: 'Maximum',
        period: alarmPeriod,
      }),
      1,
      'Stream records could not be published after every retry: their shard and sequence range is in the ' +
        'events dead-letter queue. Read them from the stream within 24 h and publish again (docs/events.md).',
    );
    props.alarm(
      'PublisherErrorsAlarm',
      this.publisher.function.metricErrors({ statistic: 'Sum', period: alarmPeriod }),
      1,
      'The events Lambda threw or timed out: its batch is retried (bisected), events may be late.',
    );

    if (config.platformEventQueue) {
      this.platformDeadLetterQueue = new Queue(this, 'PlatformDeadLetterQueue', {
        ...queueDefaults,
        retentionPeriod: DEAD_LETTER_RETENTION,
      });
      this.platformQueue = new Queue(this, 'PlatformQueue', {
        ...queueDefaults,
        queueName: `serverless-scim-${config.stageName}-events`,
        retentionPeriod: DEAD_LETTER_RETENTION,
        deadLetterQueue: {
          queue: this.platformDeadLetterQueue,
          maxReceiveCount: PLATFORM_QUEUE_MAX_RECEIVES,
        },
      });
      new Rule(this, 'ToPlatformQueue', {
        eventBus: this.bus,
        description: 'Every change event to the platform queue.',
        eventPattern: { source: [EVENT_SOURCE] },
        // Deliveries EventBridge gives up on land in the same DLQ as messages the consumer never managed.
        targets: [new SqsQueue(this.platformQueue, { deadLetterQueue: this.platformDeadLetterQueue })],
      });
      props.alarm(
        'PlatformDeadLetterAlarm',
        this.platformDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
          statistic: 'Maximum',
          period: alarmPeriod,
        }),
        1,
        'Change events did not reach, or were not consumed from, the platform queue: they wait in its ' +
          'dead-letter queue (redrive them to the queue once the consumer is fixed).',
      );
    }

    this.acknowledgeNagFindings();
    this.createOutputs();
  }

  private acknowledgeNagFindings(): void {
    Validations.of(this.publisher.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to Node.js 22, the line the project is built and tested for; moving to a newer runtime ' +
        'is a deliberate, tested change rather than a side effect of a CDK upgrade.',
    });
    Validations.of(this.publisher.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams, which Lambda needs to read the table stream, has no resource-level ' +
        'permissions (IAM allows only "*" for it); every other stream action names the stream ARN.',
    });
    for (const queue of [this.deadLetterQueue, this.platformDeadLetterQueue]) {
      if (queue === undefined) continue;
      Validations.of(queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself a dead-letter queue (of the stream source or of the event rule).',
      });
    }
  }

  private createOutputs(): void {
    new CfnOutput(Stack.of(this), 'EventBusName', {
      value: this.bus.eventBusName,
      description: 'EventBridge bus receiving the change events (docs/events.md).',
    });
    new CfnOutput(Stack.of(this), 'EventArchiveName', {
      value: this.archive.archiveName,
      description: 'Archive of every change event; replay a window with aws events start-replay.',
    });
    new CfnOutput(Stack.of(this), 'EventsDeadLetterQueueName', {
      value: this.deadLetterQueue.queueName,
      description: 'Stream batches that could not be published (shard and sequence range).',
    });
    if (this.platformQueue !== undefined) {
      new CfnOutput(Stack.of(this), 'EventQueueName', {
        value: this.platformQueue.queueName,
        description: 'SQS queue receiving every change event, for the platform.',
      });
      new CfnOutput(Stack.of(this), 'EventQueueUrl', { value: this.platformQueue.queueUrl });
    }
  }
}
