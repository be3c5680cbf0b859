// Prints one plain closing line ("N passed, N failed, N skipped") and, when
// FINISHLINE_TEST_REQUIRE is set, fails the run if any test was skipped.
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    }
    console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
    if (process.env.FINISHLINE_TEST_REQUIRE && skipped > 0) {
      console.log(`FINISHLINE_TEST_REQUIRE=${process.env.FINISHLINE_TEST_REQUIRE}: ${skipped} skipped test(s) are not allowed`);
      process.exitCode = 1;
    }
  }
}
