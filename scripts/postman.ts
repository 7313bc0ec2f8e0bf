// Writes docs/postman.json, the Postman collection of the API, from the OpenAPI document:
// `npm run postman` (tsx scripts/postman.ts). Deterministic: run it after changing the API and commit
// the result; a unit test fails while the committed file is out of date.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { postmanCollection } from '../lib/openapi/postman';

async function main(): Promise<void> {
  const file = path.join(__dirname, '..', 'docs', 'postman.json');
  const collection = await postmanCollection();
  const json = `${JSON.stringify(collection, null, 2)}\n`;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, json);
  console.log(`wrote ${path.relative(process.cwd(), file)} (${Buffer.byteLength(json)} bytes)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
