import * as assert from 'assert';
import { detectRuleFormat } from '../../src/rules/index';
import { inDeprecatedFolder } from '../../src/rules/text';

// What a rule file's path alone says: a deprecated folder anywhere above it, and the extension
// that picks the parser, on POSIX paths, Windows paths and URI strings.

describe('rule paths', () => {
  it('knows a deprecated or _deprecated folder above the file, and only a folder', () => {
    const yes = ['deprecated/r.yml', 'rules/deprecated/r.yml', 'file:///w/rules/_Deprecated/windows/r.yml', 'C:\\rules\\DEPRECATED\\r.yml', '/a/deprecated/b/c/r.yml'];
    const no = ['rules/r.yml', 'rules/deprecated.yml', 'rules/notdeprecated/r.yml', 'rules/deprecated_old/r.yml', 'rules/__deprecated/r.yml', 'deprecated', 'file:///w/deprecated-rules/r.yml'];
    assert.deepStrictEqual(yes.filter((p) => !inDeprecatedFolder(p)), []);
    assert.deepStrictEqual(no.filter((p) => inDeprecatedFolder(p)), []);
  });

  it('takes the extension from the file name, not from a dotted folder or a dotfile', () => {
    const yaral = 'rule r {\n  meta:\n    author = "a"\n  events:\n    $e.metadata.event_type = "PROCESS_LAUNCH"\n  condition:\n    $e\n}\n';
    assert.strictEqual(detectRuleFormat(yaral, 'file:///w/rules.d/r.YARAL'), 'yaral');
    assert.strictEqual(detectRuleFormat(yaral, 'C:\\rules.d\\r.yl2'), 'yaral');
    // No extension (a dotted folder does not give one): the text decides.
    assert.strictEqual(detectRuleFormat(yaral, '/w/rules.v2/r'), 'yaral');
    assert.strictEqual(detectRuleFormat('title: t\nlogsource:\n  product: windows\n', '/w/rules.d/README'), 'sigma');
    // A dotfile has no extension either (the text decides), where another extension rules the text out.
    const elastic = '[metadata]\nmaturity = "production"\n[rule]\nname = "x"\nrule_id = "1"\n';
    assert.strictEqual(detectRuleFormat(elastic, '/w/.toml'), 'elastic');
    assert.strictEqual(detectRuleFormat(elastic, '/w/rules.toml.d/.hidden'), 'elastic');
    assert.strictEqual(detectRuleFormat(elastic, '/w/rules.toml.d/notes.md'), undefined);
  });
});
