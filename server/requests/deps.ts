// What the request services need from the other domains: scope rules (relationTo), the archive
// domain's status function, the 督办 deadlines and the notices.
import type { AccessRules } from '../access/rules.ts';
import type { ArchivesService } from '../archives/service.ts';
import type { DeadlineService } from '../deadlines/service.ts';
import type { NotifyService } from '../notify/service.ts';

export interface RequestDeps {
  access: AccessRules;
  archives: ArchivesService;
  deadlines: DeadlineService;
  notify: NotifyService;
}
