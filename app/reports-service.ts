/**
 * The server's sign-off and export service, wired from the approval and export stages with the
 * configuration's quality gate and export folder (the server itself never imports pipelines/).
 */
import type { Config } from '../lib/config.ts';
import { approvalOverview, approve, listActions, setNotReporting, unapprove, versionDiff } from '../pipelines/approval/index.ts';
import { exportPackage } from '../pipelines/export/index.ts';
import type { ReportsService } from '../server/app-context.ts';

export function reportsService(config: Pick<Config, 'approvalGate' | 'exportDir'>): ReportsService {
  return {
    approve: (conn, req) => approve(conn, { ...req, gate: config.approvalGate }),
    unapprove: (conn, req) => unapprove(conn, req),
    setNotReporting: (conn, req) => setNotReporting(conn, req),
    overview: (conn, req) => approvalOverview(conn, req),
    diff: (conn, req) => versionDiff(conn, req),
    history: (conn, req) => listActions(conn, req),
    exportPackage: (conn, req) => exportPackage(conn, { ...req, outDir: config.exportDir }),
  };
}
