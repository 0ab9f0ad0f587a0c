/**
 * The approval stage: sign-off per period and unit (duyệt số liệu), frozen versions in meta, the
 * quality gate, the difference between a version and the current figures, and where sign-off
 * stands in a period. What the export stage and the entry points may use of it (README.md).
 */
export { approve, unapprove, setNotReporting } from './approve.ts';
export { approvalOverview, type ApprovalOverview } from './approval-overview.ts';
export { versionDiff, type VersionDiff } from './version-diff.ts';
export { listActions, approvalStates, findVersion } from './approval-log.ts';
export { storedHash } from './freeze.ts';
export { findApprovalPeriod, findApprovalUnit, type Actor, type ApprovalUnit } from './approval-target.ts';
export { frozenPartSql } from './version-content.ts';
export { currentPartSql } from './version-content.ts';
export { currentHash } from './freeze.ts';
