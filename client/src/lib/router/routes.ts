// The client's URLs (a fixed contract: mails link to them) and the page behind each, loaded
// lazily. The process modeler (issue 6) and the reading room (issue 9) add their lines here.
import { Router, type RouteDef } from './router.svelte.ts';

/** The process administrator's pages (流程管理, 运行监控). */
const PROCESS_ADMIN = ['process_admin'] as const;
/** Who reads the 材料收集 台账 and 催收通知 (material.read), and the 信息更正 cases (correction.read). */
const MATERIAL_READERS = ['archivist', 'archive_chief', 'auth_leader', 'producer'] as const;
const CORRECTION_READERS = ['archivist', 'archive_chief', 'auth_leader'] as const;
/** Who reads the office books 查阅登记簿 (register.read) and 借阅登记 (the office's loans; an applicant sees their own loan on their case). */
export const OFFICE_BOOK_READERS = ['archivist', 'archive_chief', 'auth_leader'] as const;
/** Who imports cadres, archives and catalogue rows into their office (archive.import, server/http/policy.ts). */
export const IMPORTERS = ['archivist', 'archive_chief'] as const;

export const ROUTES: RouteDef[] = [
  { path: '/login', load: () => import('../../pages/login/LoginPage.svelte'), public: true },
  { path: '/', load: () => import('../../pages/workbench/WorkbenchPage.svelte') },
  { path: '/inbox', load: () => import('../../pages/inbox/InboxPage.svelte') },
  { path: '/tasks/:taskId', load: () => import('../../pages/task/TaskPage.svelte') },
  { path: '/start', load: () => import('../../pages/start/StartListPage.svelte') },
  { path: '/start/:processKey', load: () => import('../../pages/start/StartFormPage.svelte') },
  { path: '/applications', load: () => import('../../pages/applications/ApplicationsPage.svelte') },
  { path: '/applications/:instanceId', load: () => import('../../pages/applications/ApplicationPage.svelte') },
  // 个人设置: my notification settings and my language (from the header).
  { path: '/settings', load: () => import('../../pages/settings/MySettingsPage.svelte') },
  { path: '/deadlines', load: () => import('../../pages/deadlines/DeadlinesPage.svelte') },
  { path: '/transfers', load: () => import('../../pages/transfers/TransfersPage.svelte') },
  { path: '/transfers/:id', load: () => import('../../pages/transfers/TransferPage.svelte') },
  // The reading room (issue 9): my current grants, and one grant's reading session.
  { path: '/reading', load: () => import('../../pages/reading/ReadingListPage.svelte') },
  { path: '/reading/:grantId', load: () => import('../../pages/reading/ReadingRoomPage.svelte') },
  // Issue 9, part B: scan quality checks and the copy register with its certified PDFs.
  { path: '/quality', load: () => import('../../pages/quality/QualityPage.svelte') },
  { path: '/copies', load: () => import('../../pages/copies/CopiesPage.svelte') },
  // The office books: 查阅登记簿 and 借阅登记.
  { path: '/reading-register', load: () => import('../../pages/office-books/ReadingRegisterPage.svelte'), roles: OFFICE_BOOK_READERS },
  { path: '/loans', load: () => import('../../pages/office-books/LoansPage.svelte'), roles: OFFICE_BOOK_READERS },
  // 材料收集: the 移交台账 and the 催收通知 (?tab=notices); 信息更正: the correction cases.
  { path: '/material-intakes', load: () => import('../../pages/intakes/IntakesPage.svelte'), roles: MATERIAL_READERS },
  { path: '/corrections', load: () => import('../../pages/corrections/CorrectionsPage.svelte'), roles: CORRECTION_READERS },
  // 档案管理: the cadre search, a cadre's record, an archive with its catalogue, scans and 数字化.
  { path: '/archives', load: () => import('../../pages/archives/ArchiveSearchPage.svelte') },
  { path: '/archives/:id', load: () => import('../../pages/archives/ArchivePage.svelte') },
  { path: '/cadres/:id', load: () => import('../../pages/archives/CadrePage.svelte') },
  // 库房核对: the office's stock checks, and one check with its marking box and items.
  { path: '/stock-checks', load: () => import('../../pages/stock-checks/StockChecksPage.svelte') },
  { path: '/stock-checks/:id', load: () => import('../../pages/stock-checks/StockCheckPage.svelte') },
  // 目录导入: 历史数据迁移 from a CSV or XLSX file, checked (dry run) before it is imported.
  { path: '/imports', load: () => import('../../pages/imports/ImportPage.svelte'), roles: IMPORTERS },
  // 专项审核: the office's archive reviews, and one review's scoring sheet.
  { path: '/reviews', load: () => import('../../pages/reviews/ReviewsPage.svelte') },
  { path: '/reviews/:id', load: () => import('../../pages/reviews/ReviewPage.svelte') },
  // 专项审核工作: the office's review campaigns, and one campaign with its archives and progress.
  { path: '/review-campaigns', load: () => import('../../pages/review-campaigns/ReviewCampaignsPage.svelte') },
  { path: '/review-campaigns/:id', load: () => import('../../pages/review-campaigns/ReviewCampaignPage.svelte') },
  // 审核标准: its versions, one version's items, and the process administrator's editor (?edit=1).
  { path: '/review-standards', load: () => import('../../pages/review-standards/ReviewStandardsPage.svelte') },
  // 数字化出库: the office's batches sent for digitisation, and one batch with its archives.
  { path: '/digitisation-batches', load: () => import('../../pages/digitisation-batches/DigitisationBatchesPage.svelte') },
  { path: '/digitisation-batches/:id', load: () => import('../../pages/digitisation-batches/DigitisationBatchPage.svelte') },
  // 统计分析: holdings and the year's work of my archive offices.
  { path: '/reports', load: () => import('../../pages/reports/ReportsPage.svelte') },
  // The process administrator (issue 6): 流程管理 and 运行监控.
  { path: '/admin/processes', load: () => import('../../pages/admin/ProcessListPage.svelte'), roles: PROCESS_ADMIN },
  { path: '/admin/processes/new', load: () => import('../../pages/admin/ModelerPage.svelte'), roles: PROCESS_ADMIN },
  { path: '/admin/processes/:key/edit', load: () => import('../../pages/admin/ModelerPage.svelte'), roles: PROCESS_ADMIN },
  { path: '/admin/processes/:key/diff', load: () => import('../../pages/admin/DiffPage.svelte'), roles: PROCESS_ADMIN },
  { path: '/admin/processes/:key/versions/:version', load: () => import('../../pages/admin/VersionPage.svelte'), roles: PROCESS_ADMIN },
  { path: '/admin/proposals/:id', load: () => import('../../pages/admin/ProposalPage.svelte'), roles: PROCESS_ADMIN },
  { path: '/admin/instances', load: () => import('../../pages/admin/InstancesPage.svelte'), roles: PROCESS_ADMIN },
  { path: '/admin/instances/:id', load: () => import('../../pages/admin/InstancePage.svelte'), roles: PROCESS_ADMIN },
  // The three administrators' consoles (三员): accounts, system settings and backups, the security
  // policy and the avoidance lists (回避管理), the audit log. Each page is also gated on the server
  // by its permission.
  { path: '/console/users', load: () => import('../../pages/console/UsersPage.svelte') },
  { path: '/console/settings', load: () => import('../../pages/console/SettingsPage.svelte') },
  { path: '/console/security', load: () => import('../../pages/console/SecurityPolicyPage.svelte') },
  { path: '/console/avoidance', load: () => import('../../pages/console/AvoidancePage.svelte') },
  { path: '/console/backups', load: () => import('../../pages/console/BackupsPage.svelte') },
  { path: '/console/mail', load: () => import('../../pages/console/MailPage.svelte') },
  { path: '/console/audit', load: () => import('../../pages/console/AuditPage.svelte') },
];

const NOT_FOUND: RouteDef = { path: '*', load: () => import('../../pages/notfound/NotFoundPage.svelte') };

export const router = new Router(ROUTES, NOT_FOUND);
