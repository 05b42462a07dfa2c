// The bundle a client runs an inference of: a local folder, or a manifest CID fetched from the
// network (the client needs only the manifest: the workers hold the weights).
import type { Blocks } from '../../../protocols/blocks/index.js';
import type { BundleManifest } from '../../../storage/bundle/manifest.js';
import type { WeightStore } from '../../../storage/weights/index.js';
import { SplitUpError } from '../../errors.js';
import { retryWhileNoProviders } from '../provider-retry.js';
import { prepareBundle } from '../worker/prepare-bundle.js';
import { InferenceErrorCode } from './errors.js';

export interface ClientBundle {
  manifest: BundleManifest;
  bundleId: string;
}

export async function clientBundle(
  bundle: string,
  deps: {
    store: Pick<WeightStore, 'isPinned' | 'exportFile'>;
    blocks: Pick<Blocks, 'fetch'>;
    dataDir: string;
  },
  opts: {
    warn: (event: string, fields: Record<string, unknown>) => void;
    deadlineMs?: number;
    signal?: AbortSignal;
  },
): Promise<ClientBundle> {
  const prepared = await retryWhileNoProviders(() => prepareBundle(bundle, [], deps.dataDir, deps, opts), {
    bundle,
    warn: opts.warn,
    ...(opts.deadlineMs === undefined ? {} : { deadlineMs: opts.deadlineMs }),
    ...(opts.signal ? { signal: opts.signal } : {}),
    onGiveUp: (cause) =>
      new SplitUpError(
        InferenceErrorCode.BUNDLE_UNAVAILABLE,
        `no peer provided the manifest of bundle ${bundle}: check the CID, and that --bootstrap reaches a peer that published or fetched it`,
        { bundle },
        { cause },
      ),
  });
  return { manifest: prepared.manifest, bundleId: prepared.id };
}
