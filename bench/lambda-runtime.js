// Runs the bundled reconciler once, in its own process, the way the Lambda runtime would: a fresh
// module, a context whose remaining time runs on the simulator's clock, and the process's peak
// RSS measured at the end. Plain JavaScript on purpose: no compiler in the measured memory.
// Input (argv[2]): {"event": ..., "timeoutMs": simulated ms, "speed": simulated ms per real ms}.
'use strict';
const path = require('path');

const input = JSON.parse(process.argv[2]);
const { handler } = require(path.resolve(__dirname, '..', 'assets', 'reconciler', 'reconcile.lambda', 'index.js'));
const deadline = Date.now() + input.timeoutMs / input.speed;
const context = {
  awsRequestId: `bench-${process.pid}-${Date.now()}`,
  functionName: 'reconciler',
  getRemainingTimeInMillis: () => Math.max(0, (deadline - Date.now()) * input.speed),
};

handler(input.event, context).then(
  (result) => {
    process.stdout.write(`\n@@result ${JSON.stringify({ result: result ?? null, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
  },
  (error) => {
    process.stdout.write(`\n@@result ${JSON.stringify({ error: String(error && error.message), maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
  },
);
