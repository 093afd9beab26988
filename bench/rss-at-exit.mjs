// Preloaded into the measured process (node --import): writes its peak RSS and its CPU time (every
// thread's: getrusage of the process) to $KFS_RSS_OUT at exit.
import { writeFileSync } from 'node:fs';

const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

process.on('exit', () => {
  if (process.env.KFS_RSS_OUT) writeFileSync(process.env.KFS_RSS_OUT, JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024, cpuSeconds: cpuSeconds() }));
});
