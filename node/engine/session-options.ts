// The onnxruntime session settings every runner of a task uses, so that a task's outputs are
// bit-identical on every peer (a verifier compares sha256 of outputs).
import type { BundleManifest } from '../../storage/bundle/manifest.js';

export type GraphOptimizationLevel = BundleManifest['runtime']['graphOptimizationLevel'];

/** The subset of onnxruntime's SessionOptions we set; plain data so it crosses into a worker. */
export interface DeterministicSessionOptions {
  executionProviders: ['cpu'];
  graphOptimizationLevel: GraphOptimizationLevel;
  executionMode: 'sequential';
  intraOpNumThreads: number;
  interOpNumThreads: number;
  logSeverityLevel: 3;
  extra: {
    session: {
      // Several sessions share the cores of one process: spinning threads starve the others.
      intra_op: { allow_spinning: '0' };
      inter_op: { allow_spinning: '0' };
      // Ask kernels with a deterministic variant to use it.
      use_deterministic_compute: '1';
    };
  };
}

export function deterministicSessionOptions(
  graphOptimizationLevel: GraphOptimizationLevel,
  intraOpNumThreads: number,
): DeterministicSessionOptions {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel,
    // Parallel mode runs independent nodes concurrently; sequential keeps one fixed order.
    executionMode: 'sequential',
    intraOpNumThreads,
    interOpNumThreads: 1,
    logSeverityLevel: 3,
    extra: {
      session: {
        intra_op: { allow_spinning: '0' },
        inter_op: { allow_spinning: '0' },
        use_deterministic_compute: '1',
      },
    },
  };
}
