import * as assert from 'assert';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it');
import { attackUrl, httpBaseUrl } from '../../src/attack/ids';
import { clip, isHttpUrl, markdownLink, markdownText, noticeText, pickText } from '../../src/outsideText';

// Outside text reaches each surface through one helper; each test renders the way that surface
// does and checks that nothing but text comes out.

/** VS Code's own rule for `$(icon)` in QuickPick labels (src/vs/base/browser/ui/iconLabel): a preceding backslash escapes it. */
function renderedIcons(text: string): string[] {
  return [...text.matchAll(/(\\)?\$\(([A-Za-z0-9-]+(?:~[A-Za-z]+)?)\)/g)].filter((m) => !m[1]).map((m) => m[2]);
}

describe('outside text: notifications', () => {
  it('breaks every markdown link, command links included, and leaves other brackets alone', () => {
    const linkIn = (s: string) => /\[[^\]]*\]\(/.test(s);
    for (const name of ['Red team [x](command:workbench.action.quit)', '[a](https://x) and [b] (c) and [c]  (command:x)', 'nested [[x](y)](z)', 'glob [x]\n(command:y)']) {
      assert.ok(!linkIn(noticeText(name)), noticeText(name));
    }
    assert.strictEqual(noticeText('APT29 [v2] (2024) plan'), 'APT29 [v2] (2024) plan');
    assert.strictEqual(noticeText('Baseline “Q3”: 12 techniques'), 'Baseline “Q3”: 12 techniques');
  });

  it('clips a long value to one line of at most 200 characters', () => {
    const out = clip(`line one\n${'x'.repeat(5000)}`);
    assert.strictEqual(out.length, 200);
    assert.ok(!out.includes('\n'));
    assert.ok(out.endsWith('…'));
    assert.strictEqual(clip('short'), 'short');
  });
});

describe('outside text: QuickPick items', () => {
  it('shows $(icon) written in a rule literally', () => {
    for (const text of ['$(zap) urgent', 'attack.t1059 $(link-external)$(x)', 'a \\$(already) b $(bug~spin)']) {
      assert.deepStrictEqual(renderedIcons(pickText(text)), [], pickText(text));
      assert.ok(renderedIcons(text).length > 0, `the sample ${text} has an icon to begin with`);
    }
    assert.strictEqual(pickText('T1059.001 PowerShell ($5)'), 'T1059.001 PowerShell ($5)');
  });
});

describe('outside text: markdown', () => {
  const md = new MarkdownIt({ html: false, linkify: false });
  it('renders links, images, emphasis, HTML and command links as plain text', () => {
    for (const text of ['[x](command:workbench.action.quit)', '![i](https://x/y.png)', '**bold** _em_ `code`', '<img src=x onerror=alert(1)>', '# heading\n- item', '$(zap)', '[a]: command:x\n\n[a]']) {
      const html = md.render(markdownText(text));
      assert.doesNotMatch(html, /<(?!p>|\/p>)/, `${text} rendered as ${html}`);
    }
  });
});

describe('outside text: links', () => {
  const md = new MarkdownIt({ html: false, linkify: false });
  it('renders a link only to an http(s) URL, one that cannot be ended early', () => {
    const html = md.renderInline(markdownLink('T1059 [on] ATT&CK', 'https://mirror.example/t/T1059)(command:x)/'));
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    assert.deepStrictEqual(hrefs, ['https://mirror.example/t/T1059%29%28command:x%29/'], html);
    for (const bad of ['command:workbench.action.quit', 'javascript:alert(1)', 'file:///etc/passwd']) {
      assert.doesNotMatch(md.renderInline(markdownLink('x', bad)), /href/, bad);
    }
  });

  it('accepts only absolute http(s) URLs', () => {
    for (const ok of ['https://attack.mitre.org', 'http://mirror.internal:8080/attack']) assert.ok(isHttpUrl(ok), ok);
    for (const bad of ['command:workbench.action.quit', 'javascript:alert(1)', 'file:///etc/passwd', 'vscode://x', '/relative', 'attack.mitre.org', 'https://', '']) assert.ok(!isHttpUrl(bad), bad);
  });

  it('builds ATT&CK links on the ATT&CK site when the base is not http(s)', () => {
    assert.strictEqual(httpBaseUrl('https://mirror.example/attack/'), 'https://mirror.example/attack');
    for (const bad of ['command:workbench.action.quit?', 'javascript:alert(1)//', 'file:///tmp', 42, undefined]) {
      assert.strictEqual(httpBaseUrl(bad), undefined, String(bad));
      assert.strictEqual(attackUrl('T1059.001', bad as string), 'https://attack.mitre.org/techniques/T1059/001/');
    }
    assert.strictEqual(attackUrl('T1059.001', 'https://mirror.example/'), 'https://mirror.example/techniques/T1059/001/');
  });
});
