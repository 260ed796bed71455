Feature: Bare cucumber run
  The baseline for the cold-start benchmark: the same toolchain (npx, Node 24, ts-node, cucumber-js) with nothing to do.

  Scenario: Nothing happens
    Given nothing
