import { App, Validations } from 'aws-cdk-lib';
import nag from 'cdk-nag';
import { ensureWebApp } from './build/web-app.ts';
import { DarkroomStack } from './stack.ts';

const app = new App();
const corsOrigins = String(app.node.tryGetContext('corsOrigins') ?? '')
  .split(',')
  .map((o) => o.trim())
  .filter(Boolean);
const storageLimit = app.node.tryGetContext('storageLimitBytes');
if (storageLimit !== undefined && !/^\d+$/.test(String(storageLimit))) {
  throw new Error(`-c storageLimitBytes=${storageLimit}: a whole number of bytes`);
}
new DarkroomStack(app, app.node.tryGetContext('stackName') ?? 'Darkroom', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  corsOrigins,
  webApp: await ensureWebApp(),
  ...(storageLimit !== undefined && { storageLimitBytes: Number(storageLimit) }),
});
// AWS Solutions checks run at every synth; a finding without an acknowledgement fails it.
Validations.of(app).addPlugins(new nag.AwsSolutionsChecks(app));
