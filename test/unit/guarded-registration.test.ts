import * as assert from 'assert';
import { DisposableLike, GuardedRegistration } from '../../src/guardedRegistration';

// activate()'s registration: one feature that throws must not keep the others from registering.

function setup() {
  const subscriptions: DisposableLike[] = [];
  const logged: string[] = [];
  const shown: string[] = [];
  const features = new GuardedRegistration(subscriptions, { error: (m) => logged.push(m) }, (m) => shown.push(m));
  return { subscriptions, logged, shown, features };
}

const disposable = (): DisposableLike => ({ dispose: () => undefined });

describe('guarded feature registration', () => {
  it('a feature that throws is logged with its stack and named in one error; the others register', () => {
    const { subscriptions, logged, shown, features } = setup();
    const first = disposable();
    const last = disposable();
    features.add('status bar', () => first);
    const broken = features.add('hover', (): DisposableLike => {
      throw new TypeError('boom');
    });
    features.add('completion', () => ({ disposable: last }));
    features.add('diagnostics', (): DisposableLike => {
      throw new Error('bang');
    });
    assert.strictEqual(broken, undefined);
    assert.deepStrictEqual(subscriptions, [first, last]);
    assert.strictEqual(logged.length, 2);
    assert.match(logged[0], /^hover could not start: TypeError: boom\n\s+at /);
    assert.deepStrictEqual(shown, [], 'nothing shown before registration is over');
    features.reportFailures();
    assert.strictEqual(shown.length, 1, 'one error for both');
    assert.match(shown[0], /hover, diagnostics could not start .*ATT&CK Lens output/);
    assert.deepStrictEqual(features.failures, ['hover', 'diagnostics']);
  });

  it('first work that rejects is logged and shown, and ready() still resolves', async () => {
    const { logged, shown, features } = setup();
    let fail!: (e: Error) => void;
    features.add('coverage view', () => ({ disposable: disposable(), ready: new Promise((_, reject) => (fail = reject)) }));
    features.add('priority gaps view', () => ({ disposable: disposable(), ready: Promise.resolve() }));
    features.reportFailures();
    assert.deepStrictEqual(shown, []);
    const ready = features.ready();
    fail(new Error('scan failed'));
    await ready;
    assert.match(logged[0], /^coverage view could not start: Error: scan failed/);
    assert.strictEqual(shown.length, 1);
    assert.match(shown[0], /^ATT&CK Lens: coverage view could not start/);
  });

  it('nothing is shown when every feature starts', () => {
    const { shown, features, subscriptions } = setup();
    features.add('a', disposable);
    features.add('b', disposable);
    features.reportFailures();
    assert.deepStrictEqual(shown, []);
    assert.strictEqual(subscriptions.length, 2);
  });
});
