/** Where the run's own pods (the story's test pod, the nightly's probes) live: the namespace a bare `kubectl run` uses. */
export const TEST_POD_NAMESPACE = 'default';
