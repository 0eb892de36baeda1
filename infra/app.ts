import { App } from 'aws-cdk-lib';
import { DarkroomStack } from './stack.ts';

const app = new App();
new DarkroomStack(app, app.node.tryGetContext('stackName') ?? 'Darkroom', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
