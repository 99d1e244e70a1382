// The entry of a step-pool worker thread (packages/core/src/workers.ts). Plain JavaScript on purpose:
// a worker starts without the main thread's loader hooks, so it registers tsx itself before it loads
// the TypeScript worker, as bin/tfpairs.js does for the process.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
