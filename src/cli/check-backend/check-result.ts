/** How one conformance check ended. */
export type Verdict = 'pass' | 'fail' | 'skip';

/**
 * One line of the report. `id` is stable (tests and scripts grep for it);
 * a failure always says what was seen (`detail`) and what to change (`fix`).
 */
export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly verdict: Verdict;
  readonly detail?: string;
  readonly fix?: string;
}

/** What a check function concludes; the runner adds the id and title. */
export type Outcome =
  | { readonly verdict: 'pass'; readonly detail?: string }
  | { readonly verdict: 'fail'; readonly detail: string; readonly fix: string }
  | { readonly verdict: 'skip'; readonly detail: string };

export const pass = (detail?: string): Outcome => (detail === undefined ? { verdict: 'pass' } : { verdict: 'pass', detail });
export const fail = (detail: string, fix: string): Outcome => ({ verdict: 'fail', detail, fix });
export const skip = (detail: string): Outcome => ({ verdict: 'skip', detail });

/** Collects results in the order the checks ran. */
export class CheckLog {
  private readonly entries: CheckResult[] = [];

  add(id: string, title: string, outcome: Outcome): Outcome {
    this.entries.push({ id, title, ...outcome });
    return outcome;
  }

  results(): readonly CheckResult[] {
    return this.entries;
  }
}
