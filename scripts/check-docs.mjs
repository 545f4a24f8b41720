#!/usr/bin/env node
// Keeps the docs honest: every ```ts block of docs/*.md and README.md is
// written to .docs-check/, type-checked against the workspace sources, and the
// blocks whose first line is `// runs` are executed. A block whose first line
// is `// file: name.ts` is saved under that name, so later blocks can import it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, '.docs-check');
rmSync(out, { recursive: true, force: true });
mkdirSync(out);
const docs = [join(root, 'README.md'), ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(root, 'docs', f))];
const toRun = [];
let count = 0;
for (const doc of docs) {
  const text = readFileSync(doc, 'utf8');
  let n = 0;
  for (const match of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
    const code = match[1];
    n++;
    count++;
    const named = /^\/\/ file: ([\w.-]+\.ts)\n/.exec(code);
    const name = named ? named[1] : `${basename(doc, '.md')}-${n}.ts`;
    writeFileSync(join(out, name), code.includes('import ') || code.includes('export ') ? code : `${code}\nexport {};\n`);
    if (code.startsWith('// runs\n')) toRun.push({ name, doc: basename(doc) });
  }
}
writeFileSync(join(out, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', include: ['*.ts'] }, null, 2));
const bin = (name) => join(root, 'node_modules', '.bin', name);
try {
  execFileSync(bin('tsc'), ['-p', join(out, 'tsconfig.json'), '--noEmit'], { cwd: root, stdio: 'inherit' });
  for (const { name, doc } of toRun) {
    console.log(`--- ${doc}: ${name}`);
    execFileSync(bin('tsx'), [join(out, name)], { cwd: root, stdio: 'inherit' });
  }
  console.log(`check-docs: ${count} code blocks type-check; ${toRun.length} ran.`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
