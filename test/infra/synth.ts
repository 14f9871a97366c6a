/**
 * Test helpers: synthesise a stage from the real cdk.json settings, with bundling skipped (fast) and a
 * stand-in handler entry unless a test asks otherwise.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { isJsonObject } from '../../lambdas/scim/json';
import { buildApp } from '../../lib/app';
import { type ScimFunctionName, forEachFunction } from '../../lib/routes';
import type { ScimStack } from '../../lib/scim-stack';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const FIXTURE_HANDLER = path.join(__dirname, 'fixtures/handler.ts');
export const FIXTURE_ENTRIES: Readonly<Record<ScimFunctionName, string>> = forEachFunction(
  () => FIXTURE_HANDLER,
);

/** The `context` object of the committed cdk.json. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson: unknown = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8'));
  if (!isJsonObject(cdkJson) || !isJsonObject(cdkJson.context)) {
    throw new Error('cdk.json has no context object');
  }
  return cdkJson.context;
}

export function cdkJsonStages(): Record<string, unknown> {
  const stages = cdkJsonContext().stages;
  if (!isJsonObject(stages)) throw new Error('cdk.json context has no stages object');
  return stages;
}

export interface SynthOptions {
  /** Replaces settings of the stage (shallow merge) on top of cdk.json. */
  readonly stageOverrides?: Record<string, unknown>;
  readonly bundle?: boolean;
  readonly outdir?: string;
  readonly handlerEntries?: Readonly<Record<ScimFunctionName, string>>;
}

export interface Synthesised {
  readonly app: App;
  readonly stack: ScimStack;
  readonly template: Template;
}

export function synthStage(stage: string, options: SynthOptions = {}): Synthesised {
  const context = cdkJsonContext();
  const stages = cdkJsonStages();
  const stageSettings = isJsonObject(stages[stage]) ? stages[stage] : {};
  const app = new App({
    outdir: options.outdir,
    context: {
      ...context,
      stages: { ...stages, [stage]: { ...stageSettings, ...options.stageOverrides } },
      stage,
      ...(options.bundle === true ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const stack = buildApp(app, { handlerEntries: options.handlerEntries ?? FIXTURE_ENTRIES });
  return { app, stack, template: Template.fromStack(stack) };
}

/** The logical id, in `stack`'s template, of the CloudFormation resource behind `construct`. */
export function logicalIdOf(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

export type CfnResource = { readonly Type: string; readonly Properties?: Record<string, unknown> } & Record<
  string,
  unknown
>;

export function resourcesOfType(template: Template, type: string): Record<string, CfnResource> {
  return template.findResources(type) as Record<string, CfnResource>;
}

/**
 * Renders a CloudFormation value as text so ARNs can be inspected: `Ref` and `Fn::GetAtt` become
 * `<LogicalId>` / `<LogicalId.Attr>`, `Fn::Join` is joined.
 */
export function cfnText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isJsonObject(value)) {
    const ref = value.Ref;
    if (typeof ref === 'string') return `<${ref}>`;
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${getAtt.map(String).join('.')}>`;
    const join = value['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return join[1].map((part: unknown) => cfnText(part)).join(join[0]);
    }
  }
  throw new Error(`Cannot render CloudFormation value ${JSON.stringify(value)}`);
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** The CloudFormation properties of the synthesized Lambda function behind `fn`. */
export function lambdaProperties(synthesised: Synthesised, fn: IConstruct): Record<string, unknown> {
  const id = logicalIdOf(synthesised.stack, fn);
  const properties = resourcesOfType(synthesised.template, 'AWS::Lambda::Function')[id]?.Properties;
  if (properties === undefined) throw new Error(`no function ${id}`);
  return properties;
}

/** Where a bundling synthesis into `outdir` put the function's asset (index.js, index.js.map). */
export function lambdaAssetDirectory(synthesised: Synthesised, outdir: string, fn: IConstruct): string {
  const code = lambdaProperties(synthesised, fn).Code as { S3Key: string };
  return path.join(outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
}

/**
 * The function's environment as the template sets it, each CloudFormation reference (a table name, a
 * function name) replaced by what `resolve` gives for its variable.
 */
export function lambdaEnvironment(
  synthesised: Synthesised,
  fn: IConstruct,
  resolve: (variable: string) => string,
): Record<string, string> {
  const variables = (lambdaProperties(synthesised, fn).Environment as { Variables: Record<string, unknown> })
    .Variables;
  return Object.fromEntries(
    Object.entries(variables).map(([key, value]) => [key, typeof value === 'string' ? value : resolve(key)]),
  );
}
