/**
 * How a criterion's task runs: `build` makes what the story needs (the story, the fault scenarios, the rehearsal);
 * `verify` only reads and reports what it finds (the nightly on a real cluster), and has no path to a write.
 */
export type StoryMode = 'build' | 'verify';
