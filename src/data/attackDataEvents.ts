// What happened to the ATT&CK data since activation: each data source refused at activation and
// each reload (settings change, Update command) records whether it loaded new data or failed and kept the old. "Show loaded ATT&CK
// data" reports it, and tests wait on it.

export interface AttackDataEvent {
  readonly origin: 'activation' | 'settings' | 'update';
  readonly outcome: 'loaded' | 'failed' | 'unchanged';
  readonly message: string;
  readonly at: string;
}

const events: AttackDataEvent[] = [];

export function recordAttackDataEvent(origin: AttackDataEvent['origin'], outcome: AttackDataEvent['outcome'], message: string): void {
  events.push({ origin, outcome, message, at: new Date().toISOString() });
  if (events.length > 50) events.shift();
}

export function attackDataEvents(): readonly AttackDataEvent[] {
  return [...events];
}
