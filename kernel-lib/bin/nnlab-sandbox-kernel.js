#!/usr/bin/env node
'use strict';
// The nnlab kernel as `nnlab grade` starts it inside a sandbox (src/homework/sandbox.ts): the same
// launcher (nnlab-kernel.js), reached over unix sockets. The sandbox has no network, so the grader
// writes a connection file with transport "ipc": Jupyter's client connects to `<ip>-<port>` while
// tslab binds `ipc://<ip>:<port>`; a symlink per port joins the two names.
const fs = require('fs');
const path = require('path');

const at = process.argv.indexOf('--config-path');
const configPath = at < 0 ? null : process.argv[at + 1];
if (configPath) {
  const conn = JSON.parse(fs.readFileSync(configPath, 'utf8'));
  if (conn.transport === 'ipc') {
    for (const key of ['shell_port', 'iopub_port', 'stdin_port', 'control_port', 'hb_port']) {
      const client = `${conn.ip}-${conn[key]}`;
      try { fs.unlinkSync(client); } catch { /* not there */ }
      fs.symlinkSync(path.basename(`${conn.ip}:${conn[key]}`), client);
    }
  }
}
// bwrap starts us in /: its chdir runs without the rights to enter the uid's 0700 home, we have them.
if (process.env.NNLAB_SANDBOX_HOME) process.chdir(process.env.NNLAB_SANDBOX_HOME);
require('./nnlab-kernel.js');
