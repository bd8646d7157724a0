#!/usr/bin/env node
// `npx madina`: runs the TypeScript source through tsx's loader, in this process (signals reach
// `madina serve` directly), from whatever directory it is started in.
import { register } from 'tsx/esm/api';

register();
const { run } = await import(new URL('../src/cli.ts', import.meta.url).href);
await run(process.argv);
