// A worker thread's entry: TypeScript sources load through tsx here as in bin/csdl.js, since
// a worker does not inherit the loader its parent registered.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
