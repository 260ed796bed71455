import { ACCESS_PROFILES, accessNeeds, needScope } from './access-needs';

/**
 * The README's "Kubernetes permissions" table, from the same list the preflight asks about: one row per rule and
 * profile (a build's worker shows as WORKER). test/suite/access-needs.test.ts fails when the README's copy differs, and prints this.
 */
export function renderAccessTable(): string {
  const rows = ACCESS_PROFILES.flatMap((profile) =>
    accessNeeds(profile).map((need) => {
      const names = need.names ? ` (only ${need.names.map((name) => `\`${name}\``).join(', ')})` : '';
      const where = needScope(need).words.replace(/^ in /, '') || 'cluster';
      return `| ${profile} | ${need.verbs.join(', ')} | \`${need.resource}\`${need.group ? ` (${need.group})` : ''}${names} | ${where} | ${need.why} |`;
    }),
  );
  return [
    `| Profile | Verbs | Resource | Where | What for |`,
    `|---|---|---|---|---|`,
    ...rows,
  ].join('\n');
}
