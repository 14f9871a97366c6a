/**
 * Change events as deployed (lib/events.ts): the stream source's settings, the dead-letter queues and
 * their alarms, the archive per stage, the platform queue, least-privilege IAM and the outputs.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';

import { EVENT_SOURCE } from '../../lambdas/events/change-events';
import { EVENTS_BATCH_SIZE, EVENTS_RETRY_ATTEMPTS, PLATFORM_QUEUE_MAX_RECEIVES } from '../../lib/events';
import type { ScimStack } from '../../lib/scim-stack';
import { asArray, cdkJsonStages, cfnText, logicalIdOf, resourcesOfType, synthStage } from './synth';
import type { Synthesised } from './synth';

let dev: Synthesised;
let prod: Synthesised;

beforeAll(() => {
  dev = synthStage('dev');
  prod = synthStage('prod');
}, 240_000);

const statementsOfRole = (template: Template, roleId: string): Record<string, unknown>[] =>
  Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
    .filter((policy) => asArray(policy.Properties?.Roles).some((role) => cfnText(role) === `<${roleId}>`))
    .flatMap(
      (policy) =>
        asArray((policy.Properties?.PolicyDocument as { Statement: unknown }).Statement) as Record<
          string,
          unknown
        >[],
    );

const idOf = (stack: ScimStack, construct: Parameters<typeof logicalIdOf>[1]): string =>
  logicalIdOf(stack, construct);

describe.each([
  ['dev', () => dev],
  ['prod', () => prod],
])('%s stage', (stageName, synthesised) => {
  it('feeds the table stream to the publisher: batches of 100, partial failures, bisect, bounded retries, DLQ', () => {
    const { stack, template } = synthesised();
    const mappings = Object.values(resourcesOfType(template, 'AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties).toEqual({
      EventSourceArn: { 'Fn::GetAtt': [idOf(stack, stack.table), 'StreamArn'] },
      FunctionName: { Ref: idOf(stack, stack.events.publisher.function) },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: EVENTS_BATCH_SIZE,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: EVENTS_RETRY_ATTEMPTS,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ParallelizationFactor: 1,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [idOf(stack, stack.events.deadLetterQueue), 'Arn'] } },
      },
    });
    expect(EVENTS_RETRY_ATTEMPTS).toBeGreaterThan(0);
  });

  it('gives the publisher the bus name and nothing of the table', () => {
    const { stack, template } = synthesised();
    const publisher = resourcesOfType(template, 'AWS::Lambda::Function')[
      idOf(stack, stack.events.publisher.function)
    ];
    const variables = (publisher?.Properties?.Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(variables.EVENT_BUS_NAME).toEqual({ Ref: idOf(stack, stack.events.bus) });
    expect(variables.TABLE_NAME).toBeUndefined();
    expect(variables.TENANT_SECRET_PREFIX).toBeDefined();
  });

  it('the publisher may read the stream, put to its bus and send to its DLQ: nothing else', () => {
    const { stack, template } = synthesised();
    const statements = statementsOfRole(template, idOf(stack, stack.events.publisher.role)).map(
      (statement) => ({
        actions: asArray(statement.Action).map(String).sort(),
        resources: asArray(statement.Resource).map(cfnText),
      }),
    );
    const tableId = idOf(stack, stack.table);
    expect(statements).toEqual(
      expect.arrayContaining([
        {
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`<${idOf(stack, stack.events.publisher.logGroup)}.Arn>`],
        },
        { actions: ['events:PutEvents'], resources: [`<${idOf(stack, stack.events.bus)}.Arn>`] },
        {
          actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
          resources: [`<${tableId}.StreamArn>`],
        },
        // No resource-level permissions exist for ListStreams.
        { actions: ['dynamodb:ListStreams'], resources: ['*'] },
        {
          actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
          resources: [`<${idOf(stack, stack.events.deadLetterQueue)}.Arn>`],
        },
      ]),
    );
    expect(statements).toHaveLength(5);
    // The publisher is the only principal allowed to put events, and it may not read tenant secrets.
    expect(statements.flatMap((statement) => statement.actions)).not.toContain(
      'secretsmanager:GetSecretValue',
    );
    // No other role of the stack may put events or read the stream: every IAM policy of the template.
    const publisherRole = `<${idOf(stack, stack.events.publisher.role)}>`;
    const elsewhere = Object.entries(resourcesOfType(template, 'AWS::IAM::Policy'))
      .filter(
        ([, policy]) => !asArray(policy.Properties?.Roles).some((role) => cfnText(role) === publisherRole),
      )
      .flatMap(([policyId, policy]) =>
        (
          asArray((policy.Properties?.PolicyDocument as { Statement: unknown }).Statement) as Record<
            string,
            unknown
          >[]
        )
          .flatMap((statement) => asArray(statement.Action).map(String))
          .filter(
            (action) =>
              action === '*' ||
              action.startsWith('events:') ||
              (action.startsWith('dynamodb:') &&
                (action.includes('Stream') || action === 'dynamodb:GetRecords')),
          )
          .map((action) => `${policyId}: ${action}`),
      );
    expect(elsewhere).toEqual([]);
    // Its role carries no managed policy (AWSLambdaBasicExecutionRole would grant logs on every group).
    const role = resourcesOfType(template, 'AWS::IAM::Role')[idOf(stack, stack.events.publisher.role)];
    expect(role?.Properties?.ManagedPolicyArns).toBeUndefined();
  });

  it('archives every change event for the retention set in cdk.json', () => {
    const { stack, template } = synthesised();
    const archives = Object.values(resourcesOfType(template, 'AWS::Events::Archive'));
    expect(archives).toHaveLength(1);
    const days = (cdkJsonStages()[stageName] as { eventArchiveRetentionDays: number })
      .eventArchiveRetentionDays;
    expect(typeof days).toBe('number');
    expect(archives[0]?.Properties).toMatchObject({
      SourceArn: { 'Fn::GetAtt': [idOf(stack, stack.events.bus), 'Arn'] },
      EventPattern: { source: [EVENT_SOURCE] },
      RetentionDays: days,
    });
    template.hasResourceProperties('AWS::Events::EventBus', { Name: `serverless-scim-${stageName}` });
  });

  it('delivers every event to the platform queue, whose failures go to its own DLQ', () => {
    const { stack, template } = synthesised();
    const { platformQueue, platformDeadLetterQueue } = stack.events;
    if (platformQueue === undefined || platformDeadLetterQueue === undefined)
      throw new Error('no platform queue');
    const rules = Object.values(resourcesOfType(template, 'AWS::Events::Rule'));
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties).toMatchObject({
      EventBusName: { Ref: idOf(stack, stack.events.bus) },
      EventPattern: { source: [EVENT_SOURCE] },
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [idOf(stack, platformQueue), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [idOf(stack, platformDeadLetterQueue), 'Arn'] } },
        },
      ],
    });
    const queues = resourcesOfType(template, 'AWS::SQS::Queue');
    expect(queues[idOf(stack, platformQueue)]?.Properties).toMatchObject({
      QueueName: `serverless-scim-${stageName}-events`,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [idOf(stack, platformDeadLetterQueue), 'Arn'] },
        maxReceiveCount: PLATFORM_QUEUE_MAX_RECEIVES,
      },
    });
    // EventBridge may send to the platform queue and its DLQ only on behalf of this rule.
    const ruleId = Object.keys(resourcesOfType(template, 'AWS::Events::Rule'))[0] ?? '';
    for (const queue of [platformQueue, platformDeadLetterQueue]) {
      const policies = Object.values(resourcesOfType(template, 'AWS::SQS::QueuePolicy')).filter((policy) =>
        asArray(policy.Properties?.Queues).some((ref) => cfnText(ref) === `<${idOf(stack, queue)}>`),
      );
      const allows = policies
        .flatMap(
          (policy) =>
            asArray((policy.Properties?.PolicyDocument as { Statement: unknown }).Statement) as Record<
              string,
              unknown
            >[],
        )
        .filter((statement) => statement.Effect === 'Allow');
      expect(allows).toHaveLength(1);
      expect(allows[0]).toMatchObject({
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
      });
      // Send only (CDK adds the two reads a sender uses), never receive or delete.
      const actions = asArray(allows[0]?.Action).map(String);
      expect(actions).toContain('sqs:SendMessage');
      for (const action of actions)
        expect(['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl']).toContain(action);
    }
    // Every queue is encrypted and refuses plain HTTP.
    expect(Object.values(queues)).toHaveLength(3);
    for (const queue of Object.values(queues)) expect(queue.Properties?.SqsManagedSseEnabled).toBe(true);
    expect(Object.values(resourcesOfType(template, 'AWS::SQS::QueuePolicy'))).toHaveLength(3);
  });

  it('alarms on both dead-letter queues and on publisher errors, to the alarm topic', () => {
    const { stack, template } = synthesised();
    const alarms = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm'));
    const on = (metricName: string, queue: Parameters<typeof logicalIdOf>[1]) =>
      alarms.filter(
        (alarm) =>
          alarm.Properties?.MetricName === metricName &&
          JSON.stringify(alarm.Properties.Dimensions).includes(idOf(stack, queue)),
      );
    const { deadLetterQueue, platformDeadLetterQueue, publisher } = stack.events;
    if (platformDeadLetterQueue === undefined) throw new Error('no platform DLQ');
    for (const queue of [deadLetterQueue, platformDeadLetterQueue]) {
      const [alarm, ...others] = on('ApproximateNumberOfMessagesVisible', queue);
      expect(others).toEqual([]);
      expect(alarm?.Properties).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      expect(alarm?.Properties?.AlarmActions).toEqual([{ Ref: idOf(stack, stack.alarmTopic) }]);
    }
    expect(on('Errors', publisher.function)).toHaveLength(1);
  });

  it('outputs the bus, archive, queue and dead-letter queue names', () => {
    const { stack, template } = synthesised();
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(cfnText(outputs.EventBusName?.Value)).toBe(`<${idOf(stack, stack.events.bus)}>`);
    expect(cfnText(outputs.EventArchiveName?.Value)).toBe(`<${idOf(stack, stack.events.archive)}>`);
    expect(outputs.EventQueueName?.Value).toEqual({
      'Fn::GetAtt': [idOf(stack, stack.events.platformQueue ?? stack.events.bus), 'QueueName'],
    });
    expect(outputs.EventQueueUrl?.Value).toEqual({
      Ref: idOf(stack, stack.events.platformQueue ?? stack.events.bus),
    });
    expect(outputs.EventsDeadLetterQueueName?.Value).toEqual({
      'Fn::GetAtt': [idOf(stack, stack.events.deadLetterQueue), 'QueueName'],
    });
  });

  it('is clean under cdk-nag AwsSolutions', () => {
    const { stack } = synthesised();
    expect(new AwsSolutionsChecks().validateScope(stack.events).violations).toEqual([]);
  });
});

describe('without the platform queue', () => {
  it('keeps the bus, archive and stream DLQ, and creates no rule or platform queue', () => {
    const { stack, template } = synthStage('dev', { stageOverrides: { platformEventQueue: false } });
    expect(stack.events.platformQueue).toBeUndefined();
    expect(Object.keys(resourcesOfType(template, 'AWS::Events::Rule'))).toEqual([]);
    expect(Object.keys(resourcesOfType(template, 'AWS::SQS::Queue'))).toEqual([
      idOf(stack, stack.events.deadLetterQueue),
    ]);
    expect(Object.keys(resourcesOfType(template, 'AWS::Events::Archive'))).toHaveLength(1);
    expect((template.toJSON().Outputs as Record<string, unknown>).EventQueueName).toBeUndefined();
  }, 120_000);
});
