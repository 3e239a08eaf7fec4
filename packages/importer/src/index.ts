export { formatReport, type ImportReport, type ImportResult, type ReportEntry, type ReportKind } from './report.js';
