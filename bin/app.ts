/**
 * CDK entry point: `npx cdk synth -c stage=dev`, `npx cdk deploy -c stage=prod`.
 * Stage settings live in cdk.json (context "stages"); see README.md, Deploy.
 */
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app';
import { StageConfigError } from '../lib/stage-config';

const app = new App();
try {
  buildApp(app, {
    defaultAccount: process.env.CDK_DEFAULT_ACCOUNT,
    defaultRegion: process.env.CDK_DEFAULT_REGION,
  });
} catch (error: unknown) {
  if (error instanceof StageConfigError) {
    // A configuration mistake: print the message alone, not a stack trace.
    console.error(`\n${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
app.synth();
