import type { CheckReport } from './check-backend.js';

const LABEL = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

/** The report as a person reads it: one line per check, and for each failure what was seen and the fix. */
export const formatReport = (report: CheckReport): string => {
  const lines = [`ECB backend conformance check: ${report.backendUrl}`, ''];
  const width = Math.max(...report.results.map((r) => r.id.length));
  for (const result of report.results) {
    const detail = result.verdict !== 'fail' && result.detail !== undefined ? `  (${result.detail})` : '';
    lines.push(`${LABEL[result.verdict]}  ${result.id.padEnd(width)}  ${result.title}${detail}`);
    if (result.verdict === 'fail') {
      lines.push(`      saw: ${result.detail ?? ''}`);
      lines.push(`      fix: ${result.fix ?? ''}`);
    }
  }
  const count = (verdict: 'pass' | 'fail' | 'skip'): number => report.results.filter((r) => r.verdict === verdict).length;
  lines.push('', `${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`);
  lines.push(report.passed ? 'The backend conforms to the ECB backend contract.' : 'The backend does NOT conform yet: fix the FAIL lines above.');
  return `${lines.join('\n')}\n`;
};
