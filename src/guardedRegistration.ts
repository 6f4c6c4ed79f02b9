// activate() registers each feature through this: a feature that throws while registering (or
// whose first work rejects) is logged with its stack and named in one error, and the others still
// register. No vscode import, so the unit suite can drive it.

export interface DisposableLike {
  dispose(): unknown;
}

/** What a feature's register function returns: a disposable, or one with work still under way. */
export type Registration = DisposableLike | { readonly disposable: DisposableLike; readonly ready?: Promise<unknown> };

export interface RegistrationLog {
  error(message: string): void;
}

export class GuardedRegistration {
  private readonly failed: string[] = [];
  private readonly pending: Promise<unknown>[] = [];
  private reported = false;

  /** `notify` shows the user one error: once for what failed while registering, then once per later failure. */
  constructor(
    private readonly subscriptions: { push(d: DisposableLike): unknown },
    private readonly log: RegistrationLog,
    private readonly notify: (message: string) => void,
  ) {}

  /** Runs `register`; returns its result, or undefined when it threw (then the failure is logged). */
  add<T extends Registration>(name: string, register: () => T): T | undefined {
    let r: T;
    try {
      r = register();
    } catch (e) {
      this.fail(name, e);
      return undefined;
    }
    if ('disposable' in r) {
      this.subscriptions.push(r.disposable);
      if (r.ready) this.pending.push(r.ready.catch((e: unknown) => this.fail(name, e)));
    } else this.subscriptions.push(r);
    return r;
  }

  private fail(name: string, e: unknown): void {
    this.failed.push(name);
    this.log.error(`${name} could not start: ${(e as Error)?.stack ?? String(e)}`);
    if (this.reported) this.notify(failureMessage([name]));
  }

  /** Called once registration is over: shows the one error for every feature that failed to register. */
  reportFailures(): void {
    this.reported = true;
    if (this.failed.length) this.notify(failureMessage(this.failed));
  }

  /** The features that failed so far. */
  get failures(): readonly string[] {
    return [...this.failed];
  }

  /** Resolves when every feature's first work has finished or failed; never rejects. */
  ready(): Promise<void> {
    return Promise.all(this.pending).then(() => undefined);
  }
}

function failureMessage(names: readonly string[]): string {
  return `ATT&CK Lens: ${names.join(', ')} could not start (details in the ATT&CK Lens output); the rest of the extension works.`;
}
