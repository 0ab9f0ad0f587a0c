/** A worker thread deciding subtrees for publish-decisions.ts (decide-subtree.ts). */
import { serveTasks } from '../../lib/ts-worker.ts';
import { decideSubtree } from './decide-subtree.ts';

serveTasks(decideSubtree);
