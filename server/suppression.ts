/**
 * Small-cell suppression lives in lib/suppression.ts, where the export stage reads it too; the
 * server's routes keep importing it from here.
 */
export * from '../lib/suppression.ts';
