#!/usr/bin/env node
// The vmm executable: parse nothing here, hand the arguments to the library's main().
import { main } from '../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
