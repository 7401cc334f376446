/**
 * What /readyz reports: ready once listening, until shutdown begins, and
 * only while every gating dependency check passes (e.g. Redis connected).
 * A check registered with `gating: false` is reported but never makes the
 * node unready (the backend: docs/reliability.md#readiness).
 */
export class Readiness {
  private listening = false;
  private stopping = false;
  private readonly checks = new Map<string, () => boolean>();
  private readonly reportedOnly = new Set<string>();

  /** A named dependency that must be healthy for this node to take traffic (unless `gating: false`). */
  addCheck(name: string, healthy: () => boolean, options: { readonly gating?: boolean } = {}): void {
    this.checks.set(name, healthy);
    if (options.gating === false) this.reportedOnly.add(name);
    else this.reportedOnly.delete(name);
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
    const ready = Object.entries(checks).every(([name, healthy]) => healthy || this.reportedOnly.has(name));
    return { ready, checks };
  }
}

const safely = (check: () => boolean): boolean => {
  try {
    return check();
  } catch {
    return false;
  }
};
