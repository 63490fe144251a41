// HTTP routes of 专项审核. Thin: parse, call one service function, answer.
import { route } from '../http/route.ts';
import type { Services } from '../services.ts';
import * as S from './schema.ts';

export function reviewRoutes(s: Services) {
  const r = s.reviews;
  const tags = ['archive reviews'];
  return [
    route({
      method: 'get',
      path: '/api/reviews',
      summary: '专项审核: the reviews of the caller’s archive offices, newest first',
      description: 'Filter by archive, office, status, or the result of confirmed reviews (`result=failed`: the 不合格 archives to put right).',
      tags,
      permission: 'review.read',
      query: S.listQuery,
      response: S.reviewList,
      handler: ({ user, ip, query }) => r.list(user, ip, query),
    }),
    route({
      method: 'post',
      path: '/api/reviews',
      summary: 'Open a review of an archive the caller’s office holds (one under way per archive: 409 REVIEW_OPEN)',
      tags,
      permission: 'review.score',
      body: S.startBody,
      response: S.review,
      status: 201,
      handler: ({ user, ip, body }) => r.start(user, ip, body),
    }),
    route({
      method: 'get',
      path: '/api/reviews/counts',
      summary: 'For the 工作台: my reviews being made (`mine`) and, for the office’s chief, those awaiting her confirmation (`toConfirm`)',
      tags,
      permission: 'review.read',
      response: S.reviewCounts,
      handler: ({ user }) => r.counts(user),
    }),
    route({ method: 'get', path: '/api/reviews/:id', summary: 'A review: the standard, each item’s mark, the score and what the caller may do', tags, permission: 'review.read', params: S.idParams, response: S.review, handler: ({ user, ip, params }) => r.get(user, ip, params.id) }),
    route({
      method: 'put',
      path: '/api/reviews/:id/items/:no',
      summary: 'Mark an item of the standard (the reviewer, while being reviewed): points off, a veto, what is wrong, the materials concerned',
      description: '422 RULE_VIOLATION deduction_max, not_veto_item, material_not_in_archive; 409 REVIEW_STATE once submitted. No deduction and no veto clears the mark.',
      tags,
      permission: 'review.score',
      params: S.itemParams,
      body: S.markBody,
      response: S.review,
      handler: ({ user, ip, params, body }) => r.mark(user, ip, params.id, params.no, body),
    }),
    route({ method: 'post', path: '/api/reviews/:id/submit', summary: 'Submit with the reviewer’s opinion; the score and the pass mark are fixed', tags, permission: 'review.score', params: S.idParams, body: S.submitBody, response: S.review, handler: ({ user, ip, params, body }) => r.submit(user, ip, params.id, body) }),
    route({
      method: 'post',
      path: '/api/reviews/:id/decide',
      summary: 'The office’s chief confirms the score (合格/不合格) or sends the review back with a reason',
      description: '422 RULE_VIOLATION four_eyes when the chief is the reviewer; 409 REVIEW_STATE unless submitted.',
      tags,
      permission: 'review.decide',
      params: S.idParams,
      body: S.decideBody,
      response: S.review,
      handler: ({ user, ip, params, body }) => r.decide(user, ip, params.id, body),
    }),
    route({ method: 'post', path: '/api/reviews/:id/cancel', summary: 'Withdraw a review being made (its reviewer or the office’s chief), with a reason', tags, permission: 'review.score', params: S.idParams, body: S.cancelBody, response: S.review, handler: ({ user, ip, params, body }) => r.cancel(user, ip, params.id, body) }),
  ];
}
