import { setDefinitionFunctionWrapper } from '@cucumber/cucumber';
import { ConfigurationError, DeadlineExceededError, InfrastructureError } from '../src/errors';
import { heldRun } from './run-holder';
import type { StoryWorld } from './world';

/**
 * Every step and hook runs through this wrapper: a failure's message and stack are masked before cucumber records
 * them, and an infrastructure failure's evidence (task log, journal, events) is attached next to the failed step.
 */
setDefinitionFunctionWrapper((definition: (...args: unknown[]) => unknown) => {
  const wrapped = async function (this: StoryWorld, ...args: unknown[]) {
    try {
      return await definition.apply(this, args);
    } catch (error) {
      // Run-level hooks have no World; their run is the one held for the process.
      const secrets = this?.run?.secrets ?? heldRun()?.secrets;
      if (error instanceof Error && secrets) {
        error.message = secrets.mask(error.message);
        if (error.stack) error.stack = secrets.mask(error.stack);
        // The suite's own errors carry what to do in their message; their stack frames only help whoever debugs the suite.
        if (isSuiteError(error) && process.env.SUITE_PROGRESS !== 'verbose') error.stack = `${error.name}: ${error.message}`;
        if (error instanceof InfrastructureError && error.evidence && typeof this?.attach === 'function') {
          this.attach(secrets.mask(error.evidence), { mediaType: 'text/plain', fileName: `diagnosis (${error.phase})` });
        }
      }
      throw error;
    }
  };
  // Cucumber reads a definition's arity to match step arguments; keep the original's.
  Object.defineProperty(wrapped, 'length', { value: definition.length });
  return wrapped;
});

function isSuiteError(error: Error): boolean {
  return error instanceof ConfigurationError || error instanceof InfrastructureError || error instanceof DeadlineExceededError;
}
