// Preloaded into the measured process (node --import): writes its peak RSS to $KFS_RSS_OUT at exit.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.KFS_RSS_OUT) writeFileSync(process.env.KFS_RSS_OUT, JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024 }));
});
