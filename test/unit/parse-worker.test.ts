import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { checkRuleFile } from '../../src/checks/referenceChecks';
import { FromParseWorker, ToParseWorker } from '../../src/node/parseWorker';
import { parseTreated, Treatment } from '../../src/rules/treatment';
import { ADVERSARIAL_FORMATS, adversarialFile, INPUT_CLASSES, SIZES } from './helpers/adversarialCorpus';
import { index18, projectRoot, sharedRoot } from './helpers/attackData';

// dist/parseWorker.js, the extension's parse of large files off the main thread: what it
// answers is what the main thread's parse gives, for real rules and hostile 1 MB files alike.

const script = path.join(projectRoot, 'dist', 'parseWorker.js');

describe('the parse worker (dist/parseWorker.js) (needs ../shared)', function () {
  this.timeout(120_000);
  let worker: Worker;
  let next = 1;
  const answers = new Map<number, (m: FromParseWorker) => void>();
  before(() => {
    worker = new Worker(script);
    worker.on('message', (m: FromParseWorker) => answers.get(m.id)?.(m));
    worker.postMessage({ domains: index18().domains } satisfies ToParseWorker);
  });
  after(() => worker.terminate());

  const parseThere = (text: string, p: string, treatment: Treatment, root?: string, check?: 'withText' | 'withoutText') =>
    new Promise<FromParseWorker>((resolve) => {
      const id = next++;
      answers.set(id, resolve);
      worker.postMessage({ id, text, path: p, treatment, root, check } satisfies ToParseWorker);
    });

  it('parses SigmaHQ and Splunk rules as the main thread does', async () => {
    const corpora = path.join(sharedRoot, 'corpora');
    const files = [
      ...fs.readdirSync(path.join(corpora, 'sigma', 'rules', 'windows', 'process_creation')).slice(0, 40).map((f) => path.join(corpora, 'sigma', 'rules', 'windows', 'process_creation', f)),
      ...fs.readdirSync(path.join(corpora, 'splunk', 'detections', 'endpoint')).slice(0, 20).map((f) => path.join(corpora, 'splunk', 'detections', 'endpoint', f)),
    ];
    assert.strictEqual(files.length, 60);
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const answer = await parseThere(text, f, 'auto', corpora + '/');
      assert.ok('parsed' in answer, `${f}: ${'error' in answer ? answer.error : ''}`);
      assert.deepStrictEqual(answer.parsed, parseTreated(text, f, index18(), { treatment: 'auto', root: corpora + '/' }), f);
      assert.ok(answer.parsed.rules.length > 0, `${f}: a rule`);
    }
  });

  it('parses every hostile 1 MB file as the main thread does', async () => {
    for (const format of ADVERSARIAL_FORMATS) {
      for (const inputClass of INPUT_CLASSES) {
        const file = adversarialFile(format, inputClass, SIZES.large);
        const treatment: Treatment = format === 'generic' ? 'generic' : 'auto';
        const answer = await parseThere(file.text, file.path, treatment);
        assert.ok('parsed' in answer, `${format} ${inputClass}`);
        assert.deepStrictEqual(answer.parsed, parseTreated(file.text, file.path, index18(), { treatment }), `${format} ${inputClass}`);
      }
    }
  });

  it('checks what it parsed when asked, as the main thread does: with the text (fixes) or without it', async () => {
    const cases = [
      { format: 'sigma', inputClass: 'revoked-tags' },
      { format: 'elastic', inputClass: 'revoked-tags' },
      { format: 'splunk', inputClass: 'many-keys' },
    ] as const;
    for (const { format, inputClass } of cases) {
      const file = adversarialFile(format, inputClass, SIZES.large);
      const parsed = parseTreated(file.text, file.path, index18(), { treatment: 'auto' });
      for (const check of ['withText', 'withoutText'] as const) {
        const answer = await parseThere(file.text, file.path, 'auto', undefined, check);
        assert.ok('parsed' in answer, `${format} ${inputClass}`);
        const expected = checkRuleFile(parsed, check === 'withText' ? file.text : '', index18());
        assert.ok(expected.length > 0, `${format} ${inputClass}: the file has findings`);
        assert.deepStrictEqual(answer.findings, expected, `${format} ${inputClass} ${check}`);
      }
    }
    const unasked = await parseThere('title: x\n', '/x.yml', 'auto');
    assert.ok('parsed' in unasked && unasked.findings === undefined, 'no checks unless asked');
  });
});
