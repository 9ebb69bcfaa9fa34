// Parses each Mermaid file named on the command line with Mermaid's own parser.
// Prints `ok FILE (TYPE)` or `error FILE: MESSAGE` per file.
// Exit status: 0 all parsed, 1 some did not, 2 Mermaid could not be loaded.
import { readFile } from 'node:fs/promises';

let mermaid;
try {
  ({ default: mermaid } = await import('mermaid'));
} catch (e) {
  console.error(`cannot load mermaid (run \`npm ci\` in tests/mermaid): ${e.message}`);
  process.exit(2);
}

let failed = 0;
for (const file of process.argv.slice(2)) {
  const text = await readFile(file, 'utf8');
  try {
    // suppressErrors: false makes a syntax error throw instead of returning false.
    const result = await mermaid.parse(text, { suppressErrors: false });
    console.log(`ok ${file} (${result.diagramType})`);
  } catch (e) {
    failed += 1;
    console.log(`error ${file}: ${String(e.message ?? e).replace(/\n/g, '\n    ')}`);
  }
}
process.exit(failed ? 1 : 0);
