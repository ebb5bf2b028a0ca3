#!/usr/bin/env node
'use strict';
// The `nnlab` command line. The code lives in dist/cli (built from src/cli).
require('../dist/cli/main.js').main(process.argv.slice(2));
