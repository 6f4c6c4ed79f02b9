// What happened to the ATT&CK data since activation: each data source refused at activation and
// each reload (settings change, Update command) records whether it loaded new data or failed and
// kept the old. LensContext owns the log; "Show loaded ATT&CK data" reports it, and tests wait on it.

export interface AttackDataEvent {
  readonly origin: 'activation' | 'settings' | 'update';
  readonly outcome: 'loaded' | 'failed' | 'unchanged';
  readonly message: string;
  readonly at: string;
}

/** The last 50 events, oldest first. */
export class AttackDataEventLog {
  private readonly events: AttackDataEvent[] = [];
  private readonly listeners = new Set<(event: AttackDataEvent) => void>();

  record(origin: AttackDataEvent['origin'], outcome: AttackDataEvent['outcome'], message: string): void {
    const event = { origin, outcome, message, at: new Date().toISOString() };
    this.events.push(event);
    if (this.events.length > 50) this.events.shift();
    for (const listener of this.listeners) listener(event);
  }

  /** Hears each event as it is recorded (the status bar, which shows a pin that could not be loaded). */
  onDidRecord(listener: (event: AttackDataEvent) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  get all(): readonly AttackDataEvent[] {
    return [...this.events];
  }
}
