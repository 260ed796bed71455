import { findLeaks, isLabCredentialFile } from '../src/secrets/report-scan';
import type { SecretRegistry } from '../src/secrets/secret-registry';

/**
 * The last word of every run: once cucumber and its formatters have written everything, the whole reports folder is
 * read for each secret this run handled (token secret, node token, private keys, kubeconfig credentials). A hit
 * fails the run, naming the file but not the secret.
 */
export function checkReportsForSecretsAtExit(secrets: SecretRegistry, reportsDir: string): void {
  process.on('exit', () => {
    const leaks = findLeaks(reportsDir, secrets.list(), isLabCredentialFile);
    if (!leaks.length) return;
    for (const leak of leaks) process.stderr.write(`SECRET LEAK: ${leak.file} contains a ${leak.secret}\n`);
    process.stderr.write(`${leaks.length} secret(s) found in ${reportsDir}; the run fails. Find what wrote them and mask it (src/secrets/secret-registry.ts).\n`);
    process.exitCode = 1;
  });
}
