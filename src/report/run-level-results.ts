import { createDefaultWriter, ReporterRuntime } from 'allure-js-commons/sdk/reporter';

/** Something the whole run shows on the report's overview ("Global Attachments"), not one scenario. */
export interface RunAttachment {
  name: string;
  content: string;
  contentType: 'text/plain' | 'image/svg+xml';
  fileExtension: '.txt' | '.svg';
}

/**
 * What belongs to the run as a whole — its environment, the pictures of its phases, its changes — written into the
 * Allure results by allure-js-commons itself, as its `globalAttachment()` and `environmentInfo` write them. The run's
 * last hook has no scenario to attach through (cucumber's AfterAll has no World), so it uses the SDK directly.
 */
export function writeRunLevelResults(resultsDir: string, environment: Record<string, string>, attachments: RunAttachment[]): void {
  const runtime = new ReporterRuntime({ writer: createDefaultWriter({ resultsDir }), environmentInfo: environment });
  if (Object.keys(environment).length) runtime.writeEnvironmentInfo();
  runtime.applyGlobalRuntimeMessages(attachments.map((attachment) => ({
    type: 'global_attachment_content',
    data: {
      name: attachment.name,
      content: Buffer.from(attachment.content).toString('base64'),
      encoding: 'base64',
      contentType: attachment.contentType,
      fileExtension: attachment.fileExtension,
    },
  })));
}
