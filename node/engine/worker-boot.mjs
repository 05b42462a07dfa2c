// Worker threads cannot load .ts files; this plain module registers tsx inside the worker and
// then imports the TypeScript entry named in workerData.entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
