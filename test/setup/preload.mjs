// Loaded by the test runner in every test process (see scripts/run-tests.mjs).
import '../../node/runtime/polyfills.ts';
