// What each registered service may put into a case's variables, for the deploy-time check of what
// a diagram reads (lint/variables.ts). A service NOT listed here may supply anything: no false
// alarm, but nothing after it on the way is checked either. A listed one supplies only these keys.
// Written down from the services' return values (and checked by running every shipped process).
// Adding a returned key to a service listed here: add it here too, or a diagram reading it is
// refused at deploy time (the shipped diagrams deploy at start-up, so a test shows it at once).
import { ENGINE_RESERVED } from '../../shared/form-schema.ts';

export const SERVICE_OUTPUTS: Record<string, readonly string[]> = {
  // 查阅/借阅, 复制/摘录 (server/requests)
  checkBorrowingRequest: ['requestId', 'caseNo', 'cadreId', 'cadreName', 'archiveId', 'custodianOrgId', 'managementLevel', 'coApplicantsLabels', 'borrowerId', 'borrowerOrgId', 'caseSubject', 'orgScopes'],
  fixGrantedCategories: ['grantedCategories'],
  approveBorrowingRequest: ['outcome', 'comment'],
  rejectRequest: ['outcome'],
  grantViewing: ['grant', 'viewingEndsIn'],
  closeViewing: ['readingEnded'],
  registerOnsiteReading: [],
  registerLoan: ['loanId', 'loanDueAt', 'loanRemindIn', 'loanDueIn'],
  recordLoanReminder: [],
  recordLoanOverdue: [],
  extendLoan: ['loanDueAt', 'loanRemindIn', 'loanDueIn'],
  refuseRenewal: ['loanDueAt', 'loanRemindIn', 'loanDueIn'],
  returnLoan: [],
  openLossReport: ['lossReportId'],
  fileLossReport: [],
  notifyLoanDueSoon: [],
  notifyLoanOverdue: [],
  checkCopyRequest: ['requestId', 'caseNo', 'cadreId', 'cadreName', 'archiveId', 'custodianOrgId', 'managementLevel', 'coApplicantsLabels', 'caseSubject', 'orgScopes'],
  approveCopyRequest: ['outcome', 'approvedMaterials', 'comment'],
  registerCopies: ['copyCount'],
  notifyCopyDisposition: [],
  recordCopyDisposition: [],
  // 材料收集归档, 催收 (server/materials)
  registerMaterial: ['intakeId', 'intakeNo', 'cadreId', 'archiveId', 'custodianOrgId', 'producerOrgId', 'late', 'handoverDue', 'caseSubject', 'orgScopes', 'filingAction', 'resubmitAction'],
  checkMaterialReview: ['reviewOutcome', 'returnCount'],
  recordResubmission: ['round', 'late', 'handoverDue', 'caseSubject'],
  fileIntoCatalogue: ['materialId', 'seqNo'],
  returnToReview: ['filingAction'],
  withdrawReturnedIntake: [],
  openCollectionNotice: ['reminderAfter', 'handoverDueAt', 'noticeId', 'noticeNo', 'producerOrgId', 'custodianOrgId', 'caseSubject'],
  reopenCollectionNotice: ['reminderAfter'],
  notifyHandoverDue: [],
  // 信息更正 (server/corrections)
  openCorrection: ['correctionId', 'caseNo', 'archiveId', 'custodianOrgId', 'caseSubject', 'orgScopes'],
  recordCorrectionFindings: [],
  recordChiefOpinion: [],
  checkCorrectionApproval: [],
  applyCorrection: ['outcome', 'filedSeqNo'],
  rejectCorrection: ['outcome'],
  // 数字化出库/回库 (server/digitisation)
  openDigitisationBatch: ['batchId', 'caseNo', 'custodianOrgId', 'archiveCount', 'caseSubject', 'returnDueAt', 'orgScopes'],
  decideDigitisationBatch: ['outcome'],
  checkOutDigitisationBatch: [],
  returnDigitisationBatch: ['returnedLate', 'allReturned', 'returnDueAt', 'expectedReturnDate', 'complete', 'partial', 'returnedArchiveNos', 'missingNote', 'newExpectedReturnDate'],
  // 转递 (server/transfers)
  openTransfer: ['orderId', 'caseSubject', 'orgScopes', 'custodianOrgId', 'receiverInside', 'receiverOrgId', 'managementLevel', 'transferStartedAt', 'transferDueIn', 'transferSentAt'],
  recordPreparation: [],
  returnToPreparation: [],
  cancelTransfer: ['outcome'],
  sendTransfer: ['transferSentAt', 'slipNo', 'receiptChaseSeconds'],
  chaseReceipt: [],
  recordChase: [],
  recordTransferReturned: ['transferSentAt'],
  finishTransferOut: ['outcome'],
  registerIncomingTransfer: ['inOrderId', 'receiverOrgId', 'orgScopes', 'caseSubject'],
  returnDefectiveTransfer: ['outcome'],
  returnTransferReceipt: ['receivedAt'],
  storeIncomingArchive: ['outcome'],
  // 督办 (server/deadlines): open<Kind>Deadline returns its due variable, close<Kind>Deadline nothing
  openLoanDeadline: ['loanDueAt'],
  openReceiptDeadline: ['receiptDueAt'],
  openTransferDeadline: ['transferDueAt'],
  openReviewDeadline: ['reviewDueAt'],
  openHandoverDeadline: ['handoverDueAt'],
  openViewingWindowDeadline: ['viewingWindowEndsAt'],
  closeLoanDeadline: [],
  closeReceiptDeadline: [],
  closeTransferDeadline: [],
  closeReviewDeadline: [],
  closeHandoverDeadline: [],
  closeViewingWindowDeadline: [],
  notifyReceiptChase: [],
  notifyReviewDue: [],
  notifyTransferDue: [],
};

/**
 * Set by the engine on every case (server/engine/index.ts): its reserved keys, less `orgScopes`,
 * which no condition reads (it scopes the tasks).
 */
export const ENGINE_VARIABLES: readonly string[] = ENGINE_RESERVED.filter((k) => k !== 'orgScopes');
