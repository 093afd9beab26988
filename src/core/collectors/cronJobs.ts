// Cron jobs: one row per container of the job template (init containers included) with its
// image, command and args, plus the schedule, suspend flag and last schedule/success times.
import { cronJobs } from '../schema/tables.js';
import { normalizeTime } from '../schema/time.js';
import type { Collector } from './types.js';
import { arr, common, meta, obj, perObjectCollector, rowEvent, str } from './common.js';

export const cronJobsCollector: Collector = perObjectCollector('cronJobs', 'cronjobs', function* (cj) {
  const m = meta(cj);
  const ns = str(m.namespace);
  const name = str(m.name);
  const spec = obj(cj.spec);
  const status = obj(cj.status);
  const podSpec = obj(obj(obj(obj(spec.jobTemplate).spec).template).spec);
  const containers = [
    ...arr(podSpec.initContainers).map((c) => ({ kind: 'init', c: obj(c) })),
    ...arr(podSpec.containers).map((c) => ({ kind: 'container', c: obj(c) })),
  ];
  const shared = {
    CronJobName: name,
    Uid: str(m.uid),
    Schedule: str(spec.schedule),
    TimeZone: str(spec.timeZone),
    Suspend: spec.suspend === true,
    LastScheduleTime: normalizeTime(str(status.lastScheduleTime) || null),
    LastSuccessfulTime: normalizeTime(str(status.lastSuccessfulTime) || null),
    ConcurrencyPolicy: str(spec.concurrencyPolicy),
  };
  // A template with no containers still gets a row, so the cron job is never missing.
  for (const { kind, c } of containers.length > 0 ? containers : [{ kind: '', c: {} as Record<string, unknown> }]) {
    const cmd = [...arr(c.command), ...arr(c.args)].map(str).join(' ');
    yield rowEvent(cronJobs.name, {
      ...common({
        time: str(m.creationTimestamp) || null,
        type: 'CronJob',
        namespace: ns,
        container: str(c.name),
        summary: `CronJob ${ns}/${name} "${shared.Schedule}"${shared.Suspend ? ' (suspended)' : ''} runs ${str(c.image) || 'nothing'}${cmd ? `: ${cmd}` : ''}`,
      }),
      ...shared,
      ContainerKind: kind,
      Image: str(c.image),
      Command: c.command ?? null,
      Args: c.args ?? null,
    });
  }
});
