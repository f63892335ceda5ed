#!/usr/bin/env node
// The CLI runs compiled JavaScript so that start-up does not pay for a TypeScript loader.
import { main } from '../dist/cli/main.js';

await main(process.argv);
