/**
 * What /readyz reports: ready once listening, until shutdown begins, and
 * only while every registered dependency check passes (e.g. Redis connected).
 */
export class Readiness {
  private listening = false;
  private stopping = false;
  private readonly checks = new Map<string, () => boolean>();

  /** A named dependency that must be healthy for this node to take traffic. */
  addCheck(name: string, healthy: () => boolean): void {
    this.checks.set(name, healthy);
  }

  markListening(): void {
    this.listening = true;
  }

  markStopping(): void {
    this.stopping = true;
  }

  status(): { ready: boolean; checks: Record<string, boolean> } {
    const checks: Record<string, boolean> = { listening: this.listening, accepting: !this.stopping };
    for (const [name, healthy] of this.checks) checks[name] = safely(healthy);
    return { ready: Object.values(checks).every(Boolean), checks };
  }
}

const safely = (check: () => boolean): boolean => {
  try {
    return check();
  } catch {
    return false;
  }
};
