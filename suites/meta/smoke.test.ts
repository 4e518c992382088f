// Temporary placeholder test: proves the test pipeline runs TypeScript tests at all
// and checks a few real facts about the repository layout that the rest of the
// suite relies on (ESM package, top-level folders, scripts). Remove or replace it
// once the real suites cover these facts. Uses node:assert (no extra dependency).

import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('meta: repository smoke test', () => {
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as {
    type?: string;
    scripts?: Record<string, string>;
  };

  it('is an ES module package', () => {
    assert.equal(pkg.type, 'module');
  });

  it('keeps the script names the harness and CI depend on', () => {
    for (const name of ['test', 'bench', 'typecheck', 'xvc', 'conformance']) {
      assert.equal(typeof pkg.scripts?.[name], 'string', `missing script "${name}"`);
    }
  });

  for (const dir of ['reference-emulator', 'harness', 'suites']) {
    it(`has the top-level folder ${dir}/`, () => {
      assert.ok(existsSync(`${root}${dir}`) && statSync(`${root}${dir}`).isDirectory(), `${dir}/ missing`);
    });
  }
});
