import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import nag from 'cdk-nag';
import { ensureWebApp } from '#infra/build/web-app.ts';
import { DarkroomStack } from '#infra/stack.ts';

export const CORS_ORIGIN = 'https://photos.example.com';

/** The stack's template without bundling (fast); cdk-nag runs as in the real app. The web app is built once per change. */
export const synthTemplate = async () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new DarkroomStack(app, 'Test', { corsOrigins: [CORS_ORIGIN], webApp: await ensureWebApp() });
  Validations.of(app).addPlugins(new nag.AwsSolutionsChecks(app));
  return { app, stack, template: Template.fromStack(stack) };
};

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are read as the test needs them.
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; DependsOn?: string[] };

/** Resources of a type whose logical id starts with `prefix`. */
export const resources = (template: Template, type: string, prefix = ''): [string, Resource][] =>
  Object.entries(template.findResources(type) as Record<string, Resource>).filter(([id]) => id.startsWith(prefix));

export const only = (template: Template, type: string, prefix = ''): Resource => {
  const found = resources(template, type, prefix);
  if (found.length !== 1) throw new Error(`expected one ${type} ${prefix}*, found ${found.length}`);
  return (found[0] as [string, Resource])[1];
};
